import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import swagger from '@fastify/swagger';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { Type } from 'typebox';
import { FileSet } from './files.js';
import { SORT_FIELDS, TokenQuery } from './paging.js';
import { shapeOf, WEB_ALIAS_PREFIX, WEB_PREFIX } from './shape.js';

/**
 * The OpenAPI 3.1 document (GET /openapi.json) and its reference page (GET /docs), generated from the
 * TypeBox schemas the routes validate with. Install before the controllers: @fastify/swagger sees each
 * route through onRoute. The error responses, the token parameter and the security requirements every
 * route shares are added here, in one place, instead of in each controller.
 */

export const DOCS_PREFIX = '/docs';
export const OPENAPI_PATH = '/openapi.json';

/** The documented ValidationProblemDetails body of a 499 (and of a 401). */
export const ErrorBody = Type.Object(
  {
    type: Type.String({ description: 'The error code, e.g. DEFAULT, NOT_FOUND, DUPLICATE, ACCESS, AUTH, SESSION.' }),
    status: Type.Integer({ description: 'The HTTP status: 499, or 401 for authentication failures.' }),
    errors: Type.Record(Type.String(), Type.Array(Type.String()), {
      description: 'One key, equal to `type`, listing one message per problem (each naming the field at fault).',
    }),
  },
  {
    $id: 'ErrorBody',
    title: 'ErrorBody',
    description: 'The error model: `{"type": CODE, "status": 499, "errors": {CODE: [messages]}}`.',
    examples: [{ type: 'DUPLICATE', status: 499, errors: { DUPLICATE: ['A project with the same name already exists.'] } }],
  },
);

const errorCodeHeader = {
  'error-code': { type: 'string', description: 'The error code again (the body’s `type`).' },
};

const applicationError = {
  $ref: 'ErrorBody#',
  description:
    'Application error: bad input (DEFAULT, naming each field), NOT_FOUND (also for another account’s ids), DUPLICATE, ACCESS, ...',
  headers: errorCodeHeader,
};

const authenticationError = {
  $ref: 'ErrorBody#',
  description: 'No token, or a malformed, expired or revoked one (AUTH), or an ended session (SESSION): sign in again.',
  headers: errorCodeHeader,
};

const tooManyAttempts = {
  $ref: 'ErrorBody#',
  description: 'Too many attempts from this address for this name (SECURITY); the retry-after header says when to try again.',
  headers: { ...errorCodeHeader, 'retry-after': { type: 'integer', description: 'Seconds to wait.' } },
};

const hostRejected = {
  $ref: 'ErrorBody#',
  description: 'The Host header names neither a loopback name nor a configured host (SECURITY): the guard against DNS rebinding.',
  headers: errorCodeHeader,
};

const preconditionFailed = {
  $ref: 'ErrorBody#',
  description:
    'If-Match names a version of the record that is no longer the current one (PRECONDITION): nothing changed; read the record again (its ETag) and retry.',
  headers: errorCodeHeader,
};

const idempotencyRunning = {
  $ref: 'ErrorBody#',
  description:
    'The first request with this Idempotency-Key is still running (IDEMPOTENCY): retry once it has finished to get its answer.',
  headers: errorCodeHeader,
};

const idempotencyMismatch = {
  $ref: 'ErrorBody#',
  description:
    'This Idempotency-Key was first used with another request: another body, query or endpoint (IDEMPOTENCY). Use a new key for a new request.',
  headers: errorCodeHeader,
};

const etagHeader = {
  etag: {
    type: 'string',
    description: 'The entity tag of the record answered: give it as If-Match to update only that version.',
  },
};

const replayedHeader = {
  'idempotent-replayed': {
    type: 'string',
    enum: ['true'],
    description: 'Present on a replay: the stored answer of the first request with this Idempotency-Key.',
  },
};

/** The request headers of the routes that honour If-Match or Idempotency-Key, as header parameters. */
function documentHeaders(route: RouteOptions, declared: Schema | undefined): Schema | undefined {
  const properties: Record<string, Schema> = {};
  if (route.config?.ifMatch) {
    properties['if-match'] = {
      type: 'string',
      description:
        'Update only if the record still has this ETag (from get, insert or a previous update; `*` for any version); else 412 PRECONDITION and nothing changes. Without it the last write wins.',
    };
  }
  if (route.config?.creates) {
    properties['idempotency-key'] = {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      description:
        'Makes a retry safe: the same key from the same user within 24 hours replays the first answer (status and body) with Idempotent-Replayed: true and creates nothing more; another request under the key is 422, and 409 while the first is still running.',
    };
  }
  if (Object.keys(properties).length === 0) return declared;
  const existing = (declared?.properties ?? {}) as Record<string, Schema>;
  return { type: 'object', ...declared, properties: { ...existing, ...properties } };
}

type Schema = Record<string, unknown>;

/** A response declared as `Done` (HTTP 200 with no body): a bare description, nothing that shapes a body. */
function declaresNoBody(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  return Object.keys(schema).every((key) => key === 'description' || key === 'title');
}

/** Public routes that still answer 401: login (wrong credentials). */
const AUTHENTICATES = new Set(['/authentication/login', '/api/authentication/login']);

const ACCESS_TEXT: Record<string, string> = {
  public: 'No token needed.',
  member:
    'Any signed-in user. A user who is not an account admin reads only the projects and drives they reach (granted to them, to one of their groups, or through a project they reach); others answer like unknown ids.',
  self: 'Any signed-in user, acting on their own API tokens, MFA or profile only.',
  admin:
    'Account admins only (the owner, AccountAdmin or DesktopAdmin users); any other user gets 499 ACCESS, before the input is read.',
};

/** The operation's description: what it does (its summary), who may call it, and what it answers. */
function describeOperation(schema: Schema, route: RouteOptions, response: Schema): string {
  const parts = [String(schema.summary ?? `${String(route.method)} ${route.url}`)];
  if (route.websocket === true || 'wsHandler' in route) {
    parts.push(
      'Connect with a WebSocket upgrade (`ws://`), passing the token as `?token=` or an `Authorization: Bearer` header.',
    );
  } else parts.push(ACCESS_TEXT[String(route.config?.access)] ?? '');
  if (shapeOf(route.url) === 'web') {
    parts.push(
      route.config?.access === 'public'
        ? `The Web API's route (deprecated alias without /v1: ${WEB_ALIAS_PREFIX}/...).`
        : `The Web API's route: the token only as an \`Authorization: Bearer\` header (\`?token=\` is 401). The deprecated alias without /v1 (${WEB_ALIAS_PREFIX}/<resource>/<action>) answers the same.`,
    );
  }
  if (route.config?.requestToken === true) {
    parts.push(
      'Needs `requestToken` in the body: a fresh one from `POST /api/authentication/request_token` (expired or used: 499 TOKEN).',
    );
  }
  const ok = response['200'] as Schema | undefined;
  if (ok?.type === 'null') parts.push('Answers HTTP 200 with no body.');
  const query = schema.querystring as Schema | undefined;
  const properties = (query?.properties ?? {}) as Record<string, Schema>;
  if (properties.sortfield) {
    parts.push(
      'A page of the list: `page` (from 1), `pagesize` (1 to 1000), `sortfield` (case-insensitive), `descending`; the answer carries `total`, all matching records.',
    );
  }
  if (route.config && 'rateLimit' in route.config) {
    parts.push('Rate-limited per name and address (`CLICKD_LOGIN_RATE_MAX` attempts a minute): then 429 with retry-after.');
  }
  return parts.filter(Boolean).join('\n\n');
}

const SESSION_TOKEN_DESCRIPTION = (TokenQuery.token as { description?: string }).description;

const BOOLEAN_PATTERN = '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)$';

/**
 * The query as generators should see it: the boolean flags (validated as text, to accept true/false in
 * any case and 1/0) typed as booleans, and `sortfield` with the list's allowed values (matched
 * case-insensitively, so the validation schema cannot carry the enum itself).
 */
function documentQuery(query: Schema | undefined, web: boolean): Schema | undefined {
  const properties = query?.properties as Record<string, Schema> | undefined;
  if (!properties) return undefined;
  const documented: Record<string, Schema> = {};
  for (const [name, property] of Object.entries(properties)) {
    // The session token's ?token= (which the token security scheme stands for on Click) is no parameter of
    // the Web routes: they take it in the Bearer header only. A public route's own `token` (an invitation's) stays.
    if (web && name === 'token' && property.description === SESSION_TOKEN_DESCRIPTION) continue;
    if (property.pattern === BOOLEAN_PATTERN) {
      const { pattern: _pattern, type: _type, ...rest } = property;
      documented[name] = {
        ...rest,
        type: 'boolean',
        description:
          `${String(property.description ?? '')} true or false (1 and 0, and any letter case, are accepted too).`.trim(),
      };
    } else if (Array.isArray(property[SORT_FIELDS])) {
      const { [SORT_FIELDS]: fields, ...rest } = property;
      documented[name] = { ...rest, enum: fields };
    } else documented[name] = property;
  }
  return { ...query, properties: documented };
}

/** Adds what every operation shares: 499 everywhere; 401 and the security requirement on protected routes. */
function documentRoute({ schema, url, route }: { schema?: Schema; url: string; route: RouteOptions }): {
  schema: Schema;
  url: string;
} {
  const base: Schema = schema ?? {};
  if (base.hide) return { schema: base, url };
  const web = shapeOf(url) === 'web';
  const isPublic = route.config?.access === 'public';
  const response: Schema = {};
  for (const [code, declared] of Object.entries((base.response as Schema | undefined) ?? {})) {
    // type 'null' is how @fastify/swagger emits a response without content.
    if (declaresNoBody(declared))
      response[code] = { type: 'null', description: (declared as Schema).description ?? 'Done; no body.' };
    else if ((declared as Schema).description === undefined)
      response[code] = { ...(declared as Schema), 'x-response-description': 'OK' };
    else response[code] = declared;
  }
  const webSocket = route.websocket === true || 'wsHandler' in route;
  if (webSocket) {
    // An upgrade: 101 and the frames, not a GET answering 200. A plain GET is 400; a bad token 401.
    delete response['200'];
    response['101'] = { type: 'null', description: 'Switching Protocols: the WebSocket is open; the frames follow.' };
    response['400'] = { ...applicationError, description: 'A plain GET, not an upgrade request (DEFAULT).' };
    response['401'] = authenticationError;
  }
  if (Object.keys(response).length === 0) response['200'] = { type: 'null', description: 'OK.' };
  const ok = response['200'] as Schema | undefined;
  if (ok && (route.config?.etag || route.config?.creates)) {
    response['200'] = {
      ...ok,
      headers: {
        ...(ok.headers as Schema | undefined),
        ...(route.config?.etag ? etagHeader : {}),
        ...(route.config?.creates ? replayedHeader : {}),
      },
    };
  }
  if (route.config?.ifMatch) response['412'] ??= preconditionFailed;
  if (route.config?.creates) {
    response['409'] ??= idempotencyRunning;
    response['422'] ??= idempotencyMismatch;
  }
  response['499'] ??= applicationError;
  response['403'] ??= hostRejected;
  if (!isPublic || AUTHENTICATES.has(url)) response['401'] ??= authenticationError;
  if (route.config && 'rateLimit' in route.config) response['429'] ??= tooManyAttempts;
  response['500'] ??= { type: 'null', description: 'Unexpected error; no body (the server log has it, with the request id).' };
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  // A stable name for generated clients: /projects/get_all → projects_get_all.
  const fromUrl = url.replace(/^\//, '').replace(/[^A-Za-z0-9]+/g, '_');
  // A controller's own operationIds name its Click route; its Web twin's are named from its URL and method.
  const operationId =
    web && base.operationId !== undefined && methods.length === 1
      ? `${fromUrl}_${methods[0]!.toLowerCase()}`
      : (base.operationId ?? (methods.length === 1 ? fromUrl : undefined));
  const querystring = documentQuery(base.querystring as Schema | undefined, web);
  const tags = web ? ((base.tags as string[] | undefined) ?? []).map(webTag) : base.tags;
  const headers = documentHeaders(route, base.headers as Schema | undefined);
  return {
    schema: {
      ...base,
      ...(tags ? { tags } : {}),
      ...(querystring ? { querystring } : {}),
      ...(headers ? { headers } : {}),
      ...(operationId ? { operationId } : {}),
      description: base.description ?? describeOperation(base, route, response),
      response,
      ...(isPublic ? {} : { security: web ? [{ bearer: [] }] : [{ token: [] }, { bearer: [] }] }),
    },
    url,
  };
}

/** The version in package.json (the OpenAPI document's and `clickd --version`). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const description = `The Amove Click API as served by clickd: the local agent API on http://localhost:29123.

**Authentication.** Sign in with \`POST /authentication/login\`; pass the \`jwtToken\` it returns as the
\`token\` query parameter (as the Amove documentation does) or as an \`Authorization: Bearer\` header
(which keeps it out of URLs and logs). Routes without a lock need no token.

**Errors.** Application errors are HTTP 499 with \`{"type": CODE, "status": 499, "errors": {CODE: [messages]}}\`
and an \`error-code\` header; authentication failures are 401 with the same body; unexpected errors are 500
with no body.

**Lists.** \`{"data": [...], "total": N, "options": {"page", "pageSize", "sort": [{"field", "descending"}]}}\`;
\`page\` is 1-based, \`pagesize\` 1 to 1000, \`sortfield\` case-insensitive.

**Versions.** \`projects/get\`, \`sharedclouddrive/get\`, \`usergroup/get\` and \`user/get\` answer one record with an
\`ETag\`, as do inserts and updates; an update with \`If-Match\` goes ahead only while the record still has that
ETag, else HTTP 412 \`PRECONDITION\` and nothing changes.

**Safe retries.** Every POST that creates something takes an \`Idempotency-Key\` header (1 to 255 characters): a
retry with the same key and request within 24 hours replays the first answer with \`Idempotent-Replayed: true\`;
the same key with another request is HTTP 422, and HTTP 409 while the first is still running (code
\`IDEMPOTENCY\`).

**The Web API's route shape** (the operations tagged "Web API: ..."): the same controllers under
\`${WEB_PREFIX}/<resource>/<action>\` (\`project\` for \`/projects/\`, \`permission\` for \`/userspermission/\`;
\`sharedclouddrive\`, \`user\`, \`usergroup\`, \`apitoken\` as on Click), also answered under the deprecated
alias \`${WEB_ALIAS_PREFIX}/<resource>/<action>\` (not listed again). There the token goes only in an
\`Authorization: Bearer\` header (\`?token=\` is 401). Web authentication is at \`/api/authentication/<action>\`
with the request-token handshake: \`POST /api/authentication/request_token\` answers a one-shot token, valid 60
seconds, that login, mfa_respond, logout, forgot_password and reset_password need as \`requestToken\` in their body.`;

/**
 * The reference page: Swagger UI (the swagger-ui-dist files, read on first use) pointed at the document.
 * Everything it loads comes from the agent itself; no CDN, no validator badge, no inline script.
 */
function docsRoutes(app: FastifyInstance): void {
  const dist = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const asset = (name: string) => [`${DOCS_PREFIX}/static/${name}`, path.join(dist, name)] as const;
  const files = new FileSet(
    new Map<string, string | (() => string)>([
      [`${DOCS_PREFIX}/index.html`, () => DOCS_PAGE],
      asset('swagger-ui.css'),
      asset('index.css'),
      asset('favicon-32x32.png'),
      asset('swagger-ui-bundle.js'),
      [`${DOCS_PREFIX}/static/swagger-initializer.js`, () => DOCS_INITIALIZER],
    ]),
  );
  const headers = { 'content-security-policy': DOCS_CSP };
  const hidden = { config: { access: 'public' as const }, schema: { hide: true } };
  app.get(DOCS_PREFIX, hidden, (_request, reply) => files.send(reply, `${DOCS_PREFIX}/index.html`, headers));
  app.get(`${DOCS_PREFIX}/json`, hidden, async () => app.swagger());
  app.get(`${DOCS_PREFIX}/static/*`, hidden, (request, reply) =>
    files.send(reply, `${DOCS_PREFIX}/static/${(request.params as { '*': string })['*']}`, headers),
  );
}

const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>clickd API reference</title>
    <link rel="stylesheet" href="${DOCS_PREFIX}/static/swagger-ui.css" />
    <link rel="stylesheet" href="${DOCS_PREFIX}/static/index.css" />
    <link rel="icon" type="image/png" href="${DOCS_PREFIX}/static/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PREFIX}/static/swagger-ui-bundle.js" charset="utf-8"></script>
    <script src="${DOCS_PREFIX}/static/swagger-initializer.js" charset="utf-8"></script>
  </body>
</html>
`;

const DOCS_INITIALIZER = `// The document is the agent's own, at ${DOCS_PREFIX}/json (the same as ${OPENAPI_PATH}).
function resolveUrl(url) {
  return new URL(url, window.location.origin + '${DOCS_PREFIX}/').href;
}
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: resolveUrl('./json'),
    dom_id: '#swagger-ui',
    deepLinking: true,
    docExpansion: 'none',
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    // The Click API's tags open, the Web API's closed (a click opens each): Swagger UI stops rendering when
    // all ~150 operations of both shapes are open at once, and renders the page faster this way.
    onComplete: function () {
      (window.ui.specSelectors.tags() || []).forEach(function (tag) {
        var name = tag.get('name');
        if (name.indexOf('Web API') !== 0) window.ui.layoutActions.show(['operations-tag', name], true);
      });
    },
  });
};
`;

// Everything the page loads comes from the agent itself; no CDN, no validator badge.
const DOCS_CSP =
  "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self' data:; form-action 'self'; " +
  "frame-ancestors 'none'; img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; " +
  "style-src 'self' 'unsafe-inline'";

export interface RegisteredRoute {
  method: string;
  url: string;
  hidden: boolean;
  /** Needs no token (config.access is 'public'). */
  public: boolean;
}

const registries = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every route registered after installOpenApi, as Fastify announced it (for the test that the document misses none). */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  return registries.get(app) ?? [];
}

const TAGS = [
  { name: 'Authentication', description: 'Sign-up, sign-in (with the MFA challenge), sign-out, password reset and the profile.' },
  { name: 'Projects', description: 'Projects and the shared cloud drives assigned to them.' },
  { name: 'SharedCloudDrive', description: 'Shared cloud drives, and who reaches them and how.' },
  { name: 'User', description: 'The users of the account, their invitations, and the MFA of the signed-in user.' },
  { name: 'UserGroup', description: 'User groups and their members.' },
  {
    name: 'UsersPermission',
    description: 'Grants of users and groups on projects and drives (1 Read, 2 ReadWrite), and the lists of them.',
  },
  { name: 'ApiToken', description: "The signed-in user's own long-lived API tokens, for scripts." },
  {
    name: 'AccountLog',
    description: "The account's audit log: every change, sign-in, failed sign-in and sign-out (admins, read-only).",
  },
  { name: 'AccountLogSetting', description: "Forwarding of the account's audit log to Splunk's HTTP Event Collector (admins)." },
  { name: 'Management', description: 'The state of the agent.' },
  { name: 'WebSockets', description: 'Notifications of the changes made in your account, as WebSocket frames.' },
];

/** A Web route's tag: its Click controller's, marked as the Web API's (e.g. "Web API: Projects"). */
const webTag = (tag: string) => `Web API: ${tag}`;

const WEB_TAGS = TAGS.filter((t) => !['Management', 'WebSockets'].includes(t.name)).map((t) => ({
  name: webTag(t.name),
  description: `${t.description} The Web API's route shape: ${t.name === 'Authentication' ? '/api/authentication/' : `${WEB_PREFIX}/`}..., the token as a Bearer header only.`,
}));

const UNAUTHENTICATED_EXAMPLE = { type: 'AUTH', status: 401, errors: { AUTH: ['The token is not valid.'] } };

/**
 * What the route transform cannot reach: nullable embedded objects typed as such (the drive's
 * `cloudAccount` is always null here, but is an object in the Amove API), and the 401 example a 401 body.
 */
function finishDocument({ openapiObject }: { openapiObject: Schema }): Schema {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Schema;
    const properties = record.properties as Record<string, Schema> | undefined;
    if (properties?.cloudAccount?.type === 'null') {
      const { type: _type, description: text, ...rest } = properties.cloudAccount;
      properties.cloudAccount = {
        ...rest,
        description: text,
        anyOf: [{ type: 'object', additionalProperties: true, description: 'A cloud account.' }, { type: 'null' }],
      };
    }
    for (const value of Object.values(record)) walk(value);
  };
  walk(openapiObject.components);
  walk(openapiObject.paths);
  for (const item of Object.values((openapiObject.paths ?? {}) as Record<string, Record<string, Schema>>)) {
    for (const operation of Object.values(item)) {
      const unauthorized = (operation.responses as Record<string, Schema> | undefined)?.['401'];
      const content = (unauthorized?.content as Record<string, Schema> | undefined)?.['application/json'];
      if (content) content.example = UNAUTHENTICATED_EXAMPLE;
    }
  }
  return openapiObject;
}

export async function installOpenApi(app: FastifyInstance): Promise<void> {
  const registry: RegisteredRoute[] = [];
  registries.set(app, registry);
  app.addHook('onRoute', (route) => {
    const hidden = (route.schema as Schema | undefined)?.hide === true;
    const isPublic = route.config?.access === 'public';
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      registry.push({ method, url: route.url, hidden, public: isPublic });
    }
  });
  app.addSchema(ErrorBody);

  await app.register(swagger, {
    mode: 'dynamic',
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'clickd: the Amove Click API',
        version: packageVersion(),
        description,
        contact: { name: 'clickd', url: 'https://developer.amove.io/click/' },
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: 'http://localhost:29123', description: 'The agent on this machine (`clickd serve`).' }],
      tags: [...TAGS, ...WEB_TAGS],
      components: {
        securitySchemes: {
          token: {
            type: 'apiKey',
            in: 'query',
            name: 'token',
            description: 'The session or API token as `?token=`, as the Amove documentation passes it.',
          },
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'The same token in an `Authorization: Bearer` header.',
          },
        },
      },
    },
    // Shared schemas keep their $id as their component name (ErrorBody, Project, ...).
    refResolver: {
      buildLocalReference: (json: Schema, _baseUri: unknown, _fragment: unknown, i: number) =>
        typeof json.$id === 'string' && /^[A-Za-z0-9._-]+$/.test(json.$id) ? json.$id : `def-${i}`,
    },
    transform: documentRoute as never,
    transformObject: finishDocument as never,
  });

  docsRoutes(app);
  app.get(OPENAPI_PATH, { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
}
