import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { SecurityRejected } from '../errors.js';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The Host header must name this agent: a loopback name or a configured one, with or without our port.
 * This defeats DNS rebinding, where a web page's own host name resolves to 127.0.0.1.
 */
export function allowedHostSet(config: Config, port: number): Set<string> {
  const names = [...LOOPBACK_NAMES, ...config.allowedHosts.map((h) => h.toLowerCase())];
  // An address the agent was explicitly told to bind names it too (not the wildcards, which name no host).
  const bound = config.host.toLowerCase();
  if (!['0.0.0.0', '::', '[::]'].includes(bound))
    names.push(bound.includes(':') && !bound.startsWith('[') ? `[${bound}]` : bound);
  const set = new Set<string>();
  for (const name of names) {
    set.add(name);
    set.add(`${name}:${port}`);
  }
  return set;
}

/**
 * The origins a browser page may open a WebSocket from: the agent's own (http://<allowed host>, with or
 * without the port) and the configured CORS origins.
 */
export function allowedOriginSet(config: Config, port: number): Set<string> {
  const set = new Set<string>();
  for (const host of allowedHostSet(config, port)) set.add(`http://${host}`);
  for (const origin of config.corsOrigins) set.add(origin.toLowerCase().replace(/\/+$/, ''));
  return set;
}

/** The Host headers of a request as sent, duplicates included (Node keeps only the first in `headers`). */
function hostHeaderCount(rawHeaders: string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2)
    if (rawHeaders[i]!.length === 4 && rawHeaders[i]!.toLowerCase() === 'host') count++;
  return count;
}

/**
 * The authority a request names: that of an absolute-form target (`POST http://host/path`) if it has
 * one, which wins over the Host header (RFC 9112 section 3.2.2); else the Host header.
 */
function requestAuthority(url: string, hostHeader: string | undefined): string | undefined {
  if (url.startsWith('/')) return hostHeader;
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url);
  if (!match) return url === '*' ? hostHeader : undefined;
  // Userinfo (user:pass@) is not part of the host.
  return match[1]!.slice(match[1]!.lastIndexOf('@') + 1);
}

export function installSecurity(app: FastifyInstance, config: Config, port: () => number): void {
  let allowed: Set<string> | undefined;
  let origins: Set<string> | undefined;
  // Callback-style hooks: they run on every request, and an async hook costs a promise each time.
  app.addHook('onRequest', (request, _reply, done) => {
    allowed ??= allowedHostSet(config, port());
    if (hostHeaderCount(request.raw.rawHeaders) > 1) {
      done(new SecurityRejected('A request must carry exactly one Host header.', 400));
      return;
    }
    const authority = requestAuthority(request.raw.url ?? '', request.headers.host);
    if (authority === undefined) {
      done(new SecurityRejected('The request target is not valid: send a path such as /projects/get_all.', 400));
      return;
    }
    if (!allowed.has(authority.toLowerCase())) {
      done(new SecurityRejected(`Host "${authority}" is not allowed; use localhost or a configured host name.`));
      return;
    }
    // A CORS preflight is answered only for the origins that may call the agent.
    const origin = request.headers.origin;
    if (request.method === 'OPTIONS' && origin !== undefined && request.headers['access-control-request-method'] !== undefined) {
      origins ??= allowedOriginSet(config, port());
      if (!origins.has(origin.toLowerCase())) {
        done(new SecurityRejected(`Origin "${origin.slice(0, 200)}" may not call this agent.`));
        return;
      }
    }
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('cache-control', 'no-store');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('request-id', request.id);
    done(null, payload);
  });
}

/** Query parameters whose values are secrets, by their decoded name in lower case. */
const SECRET_PARAMETERS = new Set(['token', 'jwttoken', 'resettoken', 'password', 'apitoken', 'access_token', 'code']);

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).trim().toLowerCase();
  } catch {
    // A malformed escape: judged by its text with the valid escapes decoded, so `%74oken%` stays a token.
    return name
      .replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
      .trim()
      .toLowerCase();
  }
}

/**
 * A URL with the value of every secret parameter replaced, for logs. Parameters are matched by their
 * decoded name, as the query parser sees them (`%74oken=` is `token=`), never by their raw text.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const hash = url.indexOf('#', q);
  const query = hash === -1 ? url.slice(q + 1) : url.slice(q + 1, hash);
  const redacted = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      return SECRET_PARAMETERS.has(decodedName(name)) ? `${name}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${redacted}${hash === -1 ? '' : '#[redacted]'}`;
}
