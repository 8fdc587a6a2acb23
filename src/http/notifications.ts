import websocket from '@fastify/websocket';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { App } from './types.js';
import type { AppContext } from '../context.js';
import { authenticate } from '../domain/sessions.js';
import { tokenOf } from './auth.js';
import { ApiError, SecurityRejected } from '../errors.js';
import { allowedOriginSet } from './security.js';

/** Notification frame types (documented): 1 Progress, 2 UserNotification, 4 AppNotification, 8 AppUpdateProgress. */
export const NotificationType = { Progress: 1, UserNotification: 2, AppNotification: 4, AppUpdateProgress: 8 } as const;
/** AppNotification operations (documented for /management/notify): 1 AppExit, 2 EndpointExecution. */
export const AppOperation = { AppExit: 1, EndpointExecution: 2 } as const;

const NORMAL_CLOSURE = 1000;
const POLICY_VIOLATION = 1008;
const ORIGIN_MAX = 200;
const MAX_BUFFERED_BYTES = 1024 * 1024;

interface Listener {
  socket: WebSocket;
  /** Kept to re-check the session before each frame: a deleted API token or a logout stops the stream. */
  token: string;
  /** Frames to one client go out in order even though each waits for a session check. */
  queue: Promise<void>;
}

/** The /notification clients of each account: a frame of account A never reaches a client of account B. */
class Listeners {
  private readonly byAccount = new Map<string, Set<Listener>>();

  constructor(private readonly ctx: AppContext) {}

  add(accountId: string, socket: WebSocket, token: string): void {
    const set = this.byAccount.get(accountId) ?? new Set<Listener>();
    const listener: Listener = { socket, token, queue: Promise.resolve() };
    set.add(listener);
    this.byAccount.set(accountId, set);
    socket.on('close', () => {
      set.delete(listener);
      if (set.size === 0 && this.byAccount.get(accountId) === set) this.byAccount.delete(accountId);
    });
  }

  broadcast(accountId: string, frame: object): void {
    const set = this.byAccount.get(accountId);
    if (!set) return;
    const text = JSON.stringify(frame);
    for (const listener of set) {
      listener.queue = listener.queue.then(() => this.deliver(listener, text)).catch(() => listener.socket.terminate());
    }
  }

  private async deliver(listener: Listener, text: string): Promise<void> {
    if (listener.socket.readyState !== listener.socket.OPEN) return;
    try {
      await authenticate(this.ctx, listener.token);
    } catch {
      listener.socket.close(POLICY_VIOLATION, 'The session has ended.');
      return;
    }
    // A client that stopped reading is dropped rather than buffered without bound.
    if (listener.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      listener.socket.terminate();
      return;
    }
    listener.socket.send(text);
  }
}

/**
 * The /notification WebSocket (DECISIONS.md section 5): after every successful non-GET call, an
 * AppNotification frame to the clients of the caller's account. Unlike the documentation, a client must
 * present a token (?token= or Bearer) to connect. /statechange accepts connections the same way and sends
 * nothing (file states are out of scope). Installed on the root app, before the controllers.
 */
export async function installNotifications(app: App, port: () => number): Promise<void> {
  const ctx = app.ctx;
  let allowedOrigins: Set<string> | undefined;
  const listeners = new Listeners(ctx);
  // The frames of writes taken by the other instances on the database, to this instance's clients.
  ctx.store.changes?.onFrame((accountId, frame) => listeners.broadcast(accountId, frame));

  await app.register(websocket, {
    options: { maxPayload: 1024 },
    // Documented: on shutdown the server closes normally, with code 1000.
    preClose(done) {
      const server = this.websocketServer;
      for (const client of server.clients) client.close(NORMAL_CLOSURE, 'The agent is shutting down.');
      server.close(() => done());
    },
  });

  const notify = (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    if (reply.statusCode < 200 || reply.statusCode >= 300) return;
    // Public calls (signup, login, logout, ...) have no account to attribute them to: they go nowhere.
    const accountId = request.principal?.accountId;
    if (!accountId) return;
    const origin = request.headers['x-app-origin'];
    const frame = {
      Type: NotificationType.AppNotification,
      Data: {
        Operation: AppOperation.EndpointExecution,
        // The route's path, never the query string, so tokens cannot leak into frames.
        EndpointAddress: request.routeOptions.url ?? request.url.split('?')[0],
        HttpMethod: request.method,
        Origin: typeof origin === 'string' ? origin.slice(0, ORIGIN_MAX) : '',
        AccountId: accountId,
      },
    };
    listeners.broadcast(accountId, frame);
    // Several instances on one database: the clients connected to the others get it too.
    ctx.store.changes?.publish(accountId, frame);
  };
  // Callback style: it runs after every response (reads included), where an async hook costs a promise.
  app.addHook('onResponse', (request, reply, done) => {
    try {
      notify(request, reply);
    } catch (err) {
      request.log.error({ err }, 'could not send a notification');
    }
    done();
  });

  /**
   * Upgrades need a valid token; the token is read before the socket is accepted. Browsers do not apply
   * CORS to WebSockets, so a page of another site that got hold of a token could listen: an upgrade that
   * carries an Origin must come from the agent's own origin or a configured CORS origin. Clients that
   * are not browsers (the CLI, scripts) send no Origin and are not affected.
   */
  const authenticateUpgrade = async (request: FastifyRequest) => {
    if (!request.ws) return;
    const origin = request.headers.origin;
    if (origin !== undefined) {
      allowedOrigins ??= allowedOriginSet(ctx.config, port());
      if (!allowedOrigins.has(origin.toLowerCase())) {
        throw new SecurityRejected(`Origin "${origin.slice(0, ORIGIN_MAX)}" may not open this WebSocket.`);
      }
    }
    request.principal = await authenticate(ctx, tokenOf(request));
  };
  const notAnUpgrade = async (request: FastifyRequest, reply: FastifyReply) => {
    const error = new ApiError(
      'DEFAULT',
      `${request.routeOptions.url} is a WebSocket endpoint: connect with an upgrade request.`,
      400,
    );
    return reply.code(400).header('error-code', error.code).send(error.body());
  };
  const schema = (summary: string) => ({
    tags: ['WebSockets'],
    summary,
    querystring: { type: 'object', properties: { token: { type: 'string', description: 'Session or API token.' } } },
  });

  app.route({
    method: 'GET',
    url: '/notification',
    // Public to the access hook: a plain GET is answered 400, and the upgrade authenticates itself.
    config: { access: 'public' },
    schema: schema(
      'WebSocket: AppNotification frames {"Type": 4, "Data": {...}} after each successful non-GET call of your account.',
    ),
    onRequest: authenticateUpgrade,
    handler: notAnUpgrade,
    wsHandler: (socket, request) => {
      listeners.add(request.principal.accountId, socket, tokenOf(request)!);
    },
  });

  app.route({
    method: 'GET',
    url: '/statechange',
    config: { access: 'public' },
    schema: schema('WebSocket: file state changes; accepted, but this agent has no drives, so nothing is sent.'),
    onRequest: authenticateUpgrade,
    handler: notAnUpgrade,
    wsHandler: () => {},
  });
}
