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

export function installSecurity(app: FastifyInstance, config: Config, port: () => number): void {
  let allowed: Set<string> | undefined;
  // Callback-style hooks: they run on every request, and an async hook costs a promise each time.
  app.addHook('onRequest', (request, _reply, done) => {
    allowed ??= allowedHostSet(config, port());
    const host = (request.headers.host ?? '').toLowerCase();
    if (!allowed.has(host)) {
      done(new SecurityRejected(`Host "${request.headers.host ?? ''}" is not allowed; use localhost or a configured host name.`));
      return;
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

/** A URL with any token parameter replaced, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|jwtToken|resetToken)=)[^&#]*/gi, '$1[redacted]');
}
