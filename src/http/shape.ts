/**
 * The two route shapes the agent answers (DECISIONS.md section 8): the Click API's `/<controller>/<action>`
 * with the token as `?token=` or a Bearer header, and the Web API's `/api/v1/<resource>/<action>` (with its
 * deprecated un-versioned alias `/api/<resource>/<action>`, and authentication at `/api/authentication/`),
 * with the token only as an `Authorization: Bearer` header. A route's shape follows from its URL alone.
 */

export type RouteShape = 'click' | 'web';

/** Where the Web API's versioned routes live. */
export const WEB_PREFIX = '/api/v1';
/** The deprecated un-versioned alias of the Web routes (and the home of Web authentication). */
export const WEB_ALIAS_PREFIX = '/api';
/** The Web API's authentication controller (`auth.amove.io/api/authentication/`): not an alias. */
export const WEB_AUTHENTICATION_PREFIX = '/api/authentication';

const lower = (url: string) => url.toLowerCase();

/** The shape of a route (or request path): Web under /api/, Click elsewhere. */
export function shapeOf(url: string): RouteShape {
  return lower(url).startsWith(`${WEB_ALIAS_PREFIX}/`) ? 'web' : 'click';
}

/** A route of the deprecated un-versioned alias `/api/<resource>/<action>` (not `/api/v1/`, not authentication). */
export function isWebAlias(url: string): boolean {
  const u = lower(url);
  return shapeOf(u) === 'web' && !u.startsWith(`${WEB_PREFIX}/`) && !u.startsWith(`${WEB_AUTHENTICATION_PREFIX}/`);
}

/** A Web route's URL under the versioned prefix: `/api/project/get_all` → `/api/v1/project/get_all`. */
export function versionedUrl(url: string): string {
  return isWebAlias(url) ? `${WEB_PREFIX}${url.slice(WEB_ALIAS_PREFIX.length)}` : url;
}
