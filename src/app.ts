import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { AppContext } from './context.js';
import { installAuth } from './http/auth.js';
import { installNotifications } from './http/notifications.js';
import { consoleRoutes } from './http/console.js';
import { installOpenApi } from './http/openapi.js';
import { ApiError, Invalid } from './errors.js';
import { installSecurity, redactUrl } from './http/security.js';
import { installQueryCount } from './http/queryCount.js';
import { installETags } from './http/etag.js';
import { installIdempotency } from './http/idempotency.js';
import { RequestLogController } from './http/requestLog.js';
import { lazySerializers } from './http/lazySerializer.js';
import { installResponseCache } from './http/responseCache.js';
import type { App, Controller } from './http/types.js';
import { versionedUrl, WEB_AUTHENTICATION_PREFIX, WEB_PREFIX } from './http/shape.js';
import { installRequestTokenCheck, requestTokenRoutes } from './api/authentication/requestToken.js';
import {
  capMessages,
  describeValidationError,
  jsonTooCostly,
  MAX_JSON_DEPTH,
  nulMessage,
  nulPath,
  validatorCompiler,
} from './http/validation.js';
import { accountLogRoutes } from './api/accountlog/routes.js';
import { accountLogSettingRoutes } from './api/accountlogsetting/routes.js';
import { apiTokenRoutes } from './api/apitokens/routes.js';
import { mfaRespondRoutes } from './api/authentication/mfa.js';
import { installChangeFeed } from './http/changes.js';
import { sharedRateLimitStore } from './http/sharedRateLimit.js';
import { authenticationRoutes } from './api/authentication/routes.js';
import { mfaRoutes } from './api/users/mfa.js';
import { userRoutes } from './api/users/routes.js';
import { userGroupRoutes } from './api/usergroups/routes.js';
import { managementRoutes } from './api/management/routes.js';
import { projectRoutes } from './api/projects/routes.js';
import { sharedCloudDriveRoutes } from './api/sharedclouddrive/routes.js';
import { usersPermissionRoutes } from './api/userspermission/routes.js';

export type { App };

/**
 * The Web API's prefix of a resource: `/api/v1/<name>`. Its deprecated alias `/api/<name>` is not a second
 * set of routes: a request to it is answered by the versioned route (`rewriteUrl` below). Registering the
 * alias as routes of its own cost ~8 MB of memory for nothing.
 */
const web = (name: string) => [`${WEB_PREFIX}/${name}`];

/**
 * The controllers (each a folder under src/api) and the prefixes each is mounted under: its Click prefix
 * and, for those the Web API has, its Web prefixes (DECISIONS.md section 8; the resource names differ:
 * project, permission). A controller registers its routes relative to the prefix (`/get_all`), so one
 * handler serves every shape; a route's shape (http/shape.ts) follows from its URL. The MFA routes belong
 * to the User and Authentication controllers' URLs.
 */
const controllers: { prefix?: string; web: string[]; controller: Controller }[] = [
  { prefix: '/management', web: [], controller: managementRoutes },
  { prefix: '/authentication', web: [WEB_AUTHENTICATION_PREFIX], controller: authenticationRoutes },
  { prefix: '/authentication', web: [WEB_AUTHENTICATION_PREFIX], controller: mfaRespondRoutes },
  { web: [WEB_AUTHENTICATION_PREFIX], controller: requestTokenRoutes }, // the Web handshake: no Click twin
  { prefix: '/projects', web: web('project'), controller: projectRoutes },
  { prefix: '/sharedclouddrive', web: web('sharedclouddrive'), controller: sharedCloudDriveRoutes },
  { prefix: '/user', web: web('user'), controller: userRoutes },
  { prefix: '/user', web: web('user'), controller: mfaRoutes },
  { prefix: '/usergroup', web: web('usergroup'), controller: userGroupRoutes },
  { prefix: '/userspermission', web: web('permission'), controller: usersPermissionRoutes },
  { prefix: '/apitoken', web: web('apitoken'), controller: apiTokenRoutes },
  { prefix: '/accountlog', web: web('accountlog'), controller: accountLogRoutes },
  { prefix: '/accountlogsetting', web: web('accountlogsetting'), controller: accountLogSettingRoutes },
];

export interface BuildOptions {
  /** The pino logger to use; none when absent. */
  logger?: FastifyBaseLogger;
  /** The port the server listens on, for the Host check (known only after listen when 0 was asked). */
  port?: () => number;
}

/** Builds the agent's HTTP app without binding a port (server.ts listens; tests may inject). */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<App> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: ctx.config.bodyLimitBytes,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
    requestIdHeader: false,
    trustProxy: ctx.config.trustProxy.length > 0 ? ctx.config.trustProxy : false,
    logController: new RequestLogController(),
    schemaController: { compilersFactory: { buildSerializer: lazySerializers } },
    // The deprecated un-versioned Web alias: /api/<resource>/<action> is /api/v1/<resource>/<action>.
    rewriteUrl: (request) => versionedUrl(request.url ?? '/'),
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.decorate('ctx', ctx);
  app.setValidatorCompiler(validatorCompiler);
  installJsonParser(app);
  installQueryCount(app, ctx); // first: its onRequest hook counts every statement a request runs
  installErrorModel(app);
  const port = options.port ?? (() => ctx.config.port);
  installSecurity(app, ctx.config, port);
  if (ctx.config.corsOrigins.length > 0) {
    await app.register(cors, { origin: ctx.config.corsOrigins, methods: ['GET', 'POST', 'PUT', 'DELETE'] });
  }
  // Login attempts are counted in memory, or in the database when several instances may share it.
  await app.register(rateLimit, { global: false, ...(ctx.store.changes ? { store: sharedRateLimitStore(ctx) } : {}) });
  installChangeFeed(app, ctx); // several instances on one database: before the session check and the caches
  installAuth(app, ctx); // also makes every route registered from here on declare its access
  installRequestTokenCheck(app, ctx); // the Web handshake's requestToken, after validation, before the handlers
  installResponseCache(app, ctx); // after authentication: a cached answer is still only for a valid session
  installMethodCheck(app);
  installETags(app);
  installIdempotency(app, ctx); // before the controllers: it marks the creating routes as they are registered
  await installOpenApi(app); // before the controllers: it documents every route it sees registered
  await installNotifications(app, port); // before the controllers: its onResponse hook must cover them all

  for (const { prefix, web: webPrefixes, controller } of controllers) {
    for (const mount of [...(prefix === undefined ? [] : [prefix]), ...webPrefixes])
      await app.register(controller, { prefix: mount });
  }
  await app.register(consoleRoutes); // the web console's static files at /
  return app;
}

/**
 * The documented error model: ApiError → 499 (or 401) with the ValidationProblemDetails body and the
 * error-code header; schema and parsing failures → 499 DEFAULT naming each problem; anything else → 500
 * with no body, logged with the request id.
 */
function installErrorModel(app: App): void {
  app.setErrorHandler((err: unknown, request, reply) => {
    const apiError = toApiError(err, app.ctx);
    if (apiError) {
      if (apiError.status === 429) reply.header('retry-after', String(reply.getHeader('retry-after') ?? 60));
      if (apiError.status === 503) {
        request.log.error({ err }, 'storage unavailable');
        reply.header('retry-after', '30');
      }
      return reply.code(apiError.status).header('error-code', apiError.code).send(apiError.body());
    }
    request.log.error({ err }, 'unexpected error');
    return reply.code(500).send();
  });
}

function toApiError(err: unknown, ctx: AppContext): ApiError | undefined {
  if (err instanceof ApiError) return err;
  const storage = ctx.store.storageError(err);
  if (storage) return storage;
  const e = err as {
    validation?: Parameters<typeof describeValidationError>[0][];
    validationContext?: string;
    code?: string;
    statusCode?: number;
    message?: string;
  };
  if (e.validation) return new Invalid(capMessages(e.validation.map((v) => describeValidationError(v, e.validationContext))));
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new Invalid('The request body is not valid JSON.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new Invalid("'body' is required: send a JSON document.");
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new Invalid("The request body must be JSON: send it with 'Content-Type: application/json'.");
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Invalid('The request body is too large.');
  }
  // JSON.parse errors surface as plain 400s from the content parser.
  if (e.statusCode === 400 || e.statusCode === 415 || e.statusCode === 413) {
    return new Invalid(e.message ? `The request is not valid: ${e.message}` : 'The request is not valid.');
  }
  return undefined;
}

/**
 * Fastify's JSON parser (with its prototype-poisoning guard), behind a bound on nesting depth and, for a
 * route whose body is an array, on its length: such bodies are refused before they are parsed.
 */
function installJsonParser(app: App): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const maxItems = (request.routeOptions.schema?.body as { maxItems?: number } | undefined)?.maxItems;
    const problem = jsonTooCostly(body as string, MAX_JSON_DEPTH, maxItems);
    if (problem === 'depth') {
      done(new Invalid(`The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`), undefined);
      return;
    }
    if (problem === 'items') {
      done(new Invalid(`'body' must have at most ${String(maxItems)} items.`), undefined);
      return;
    }
    if (problem === 'nul') {
      // Parsed to name the field; then refused whatever else is wrong with the body.
      void parse(request, body as string, (err, parsed) => {
        if (err) return done(err, undefined);
        done(new Invalid(nulMessage(nulPath(parsed) ?? '')), undefined);
      });
      return;
    }
    void parse(request, body as string, done);
  });
}

/** Unknown routes are 404; a known route with the wrong method is 405 with an Allow header. */
function installMethodCheck(app: App): void {
  const methodsByPath = new Map<string, Set<string>>();
  const key = (url: string) => url.split('?')[0]!.toLowerCase().replace(/\/+$/, '') || '/';
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const set = methodsByPath.get(key(route.url)) ?? new Set<string>();
    for (const m of methods) set.add(m);
    methodsByPath.set(key(route.url), set);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = methodsByPath.get(key(path));
    if (allowed) {
      const methods = [...allowed].filter((m) => m !== 'HEAD' && m !== 'OPTIONS').sort();
      const error = new ApiError('DEFAULT', `${request.method} is not allowed on ${path}; use ${methods.join(' or ')}.`, 405);
      return reply.code(405).header('allow', methods.join(', ')).header('error-code', error.code).send(error.body());
    }
    const error = new ApiError('NOT_FOUND', `There is no endpoint ${request.method} ${path}.`, 404);
    return reply.code(404).header('error-code', error.code).send(error.body());
  });
}

export { redactUrl };
