import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import {
  Client,
  createAccount,
  expectError,
  startTestServer,
  type Response,
  type TestAccount,
  type TestServer,
} from './helpers.js';

/**
 * The /notification WebSocket: AppNotification frames after successful non-GET calls, only to clients of
 * the caller's account, through a real server and the `ws` client.
 */

let server: TestServer;
let a: TestAccount;
let b: TestAccount;

before(async () => {
  server = await startTestServer();
  a = await createAccount(server, 'Account A');
  b = await createAccount(server, 'Account B');
});
after(() => server.close());

const wsUrl = (s: TestServer, path: string, query = '') => `${s.url.replace(/^http/, 'ws')}${path}${query}`;

/** A connected client that buffers frames; next() waits for the following one. */
class Listener {
  readonly frames: string[] = [];
  private waiting?: (frame: string) => void;
  closed?: { code: number; reason: string };
  private closeWaiter?: () => void;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = data.toString();
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = undefined;
        resolve(text);
      } else this.frames.push(text);
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.closeWaiter?.();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<Listener> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      const listener = new Listener(socket);
      socket.once('open', () => resolve(listener));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  /** The next frame, parsed; fails after a timeout. */
  async next(timeoutMs = 3000): Promise<{ text: string; frame: any }> {
    const text =
      this.frames.shift() ??
      (await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no frame arrived')), timeoutMs);
        this.waiting = (frame) => {
          clearTimeout(timer);
          resolve(frame);
        };
      }));
    return { text, frame: JSON.parse(text) };
  }

  waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not closed')), timeoutMs);
      this.closeWaiter = () => {
        clearTimeout(timer);
        resolve(this.closed!);
      };
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** An upgrade the server refuses: its status, headers and parsed error body, as a Response. */
function refusedUpgrade(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') responseHeaders.set(k, v);
        resolve({ status: res.statusCode ?? 0, headers: responseHeaders, body: text ? JSON.parse(text) : undefined, text });
      });
    });
    socket.on('error', () => {});
  });
}

const appNotification = (account: TestAccount, method: string, address: string, origin = '') => ({
  Type: 4,
  Data: { Operation: 2, EndpointAddress: address, HttpMethod: method, Origin: origin, AccountId: account.accountId },
});

describe('frames', () => {
  test("a client of account A sees A's insert, update and delete frames, exactly, and none of B's", async () => {
    const listenA = await Listener.open(wsUrl(server, '/notification', `?token=${a.token}`));
    const listenB = await Listener.open(wsUrl(server, '/notification'), { authorization: `Bearer ${b.token}` });
    try {
      assert.equal((await b.client.post('/projects/insert', { name: 'B project' })).status, 200);
      const created = await a.client.request('POST', '/projects/insert', {
        body: { name: 'A project' },
        headers: { 'x-app-origin': 'amove-console' },
      });
      assert.equal(created.status, 200, created.text);
      assert.equal((await a.client.put('/projects/update', { id: created.body.id, description: 'changed' })).status, 200);
      assert.equal((await a.client.delete('/projects/delete', { id: created.body.id })).status, 200);

      assert.deepEqual((await listenA.next()).frame, appNotification(a, 'POST', '/projects/insert', 'amove-console'));
      assert.deepEqual((await listenA.next()).frame, appNotification(a, 'PUT', '/projects/update'));
      assert.deepEqual((await listenA.next()).frame, appNotification(a, 'DELETE', '/projects/delete'));
      assert.deepEqual((await listenB.next()).frame, appNotification(b, 'POST', '/projects/insert'));
      // Nothing else arrived for either: B's call went to B alone, and A's three to A alone.
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(listenA.frames, []);
      assert.deepEqual(listenB.frames, []);
    } finally {
      listenA.close();
      listenB.close();
    }
  });

  test('no frame for GETs, failed calls (499, 401, 404) or public calls; the next success is the next frame', async () => {
    const listener = await Listener.open(wsUrl(server, '/notification', `?token=${a.token}`));
    try {
      assert.equal((await a.client.get('/projects/get_all')).status, 200);
      expectError(await a.client.post('/projects/insert', { name: '' }), 499, 'DEFAULT');
      assert.equal((await a.client.post('/projects/insert', { name: 'Taken' })).status, 200);
      assert.equal((await listener.next()).frame.Data.EndpointAddress, '/projects/insert');
      expectError(await a.client.post('/projects/insert', { name: 'taken' }), 499, 'DUPLICATE');
      expectError(await new Client(server.url).post('/projects/insert', { name: 'anon' }), 401, 'AUTH');
      assert.equal((await a.client.post('/no/such/route', {})).status, 404);
      const other = await createAccount(server, 'Leaves');
      assert.equal((await new Client(server.url).post('/authentication/logout', { jwtToken: other.token })).status, 200);
      assert.equal((await a.client.put('/authentication/update_user', { firstName: 'Ada' })).status, 200);
      const { frame } = await listener.next();
      assert.deepEqual(frame, appNotification(a, 'PUT', '/authentication/update_user'));
    } finally {
      listener.close();
    }
  });

  test('frames never carry a token: the address is the route, without the query string', async () => {
    const apiToken = (await a.client.post('/apitoken/insert', { title: 'frames' })).body;
    const listener = await Listener.open(wsUrl(server, '/notification', `?token=${apiToken.token}`));
    try {
      assert.equal((await a.client.post('/Projects/Insert', { name: 'Case and query' }, { extra: 'x' })).status, 200);
      const { text, frame } = await listener.next();
      assert.equal(frame.Data.EndpointAddress, '/projects/insert');
      assert.ok(!text.includes(a.token));
      assert.ok(!text.includes(apiToken.token));
      assert.ok(!/token|\?/i.test(text), text);
    } finally {
      listener.close();
    }
  });

  test('a client whose session ends gets no more frames and is closed with 1008', async () => {
    const apiToken = (await a.client.post('/apitoken/insert', { title: 'short-lived listener' })).body;
    const listener = await Listener.open(wsUrl(server, '/notification', `?token=${apiToken.token}`));
    // The apitoken/insert frame went out before this client connected; the delete is the first it could see.
    assert.equal((await a.client.delete('/apitoken/delete', { id: apiToken.id })).status, 200);
    const closed = await listener.waitClosed();
    assert.equal(closed.code, 1008);
    assert.deepEqual(listener.frames, []);
  });
});

describe('connecting', () => {
  test('no token, a bad token or an ended session: the upgrade is refused with 401 and the error body', async () => {
    expectError(await refusedUpgrade(wsUrl(server, '/notification')), 401, 'AUTH');
    expectError(await refusedUpgrade(wsUrl(server, '/notification', '?token=not-a-jwt')), 401, 'AUTH');
    expectError(await refusedUpgrade(wsUrl(server, '/notification'), { authorization: 'Bearer nope' }), 401, 'AUTH');
    const leaving = await createAccount(server, 'Logged Out');
    assert.equal((await new Client(server.url).post('/authentication/logout', { jwtToken: leaving.token })).status, 200);
    expectError(await refusedUpgrade(wsUrl(server, '/notification', `?token=${leaving.token}`)), 401, 'SESSION');
  });

  test('a plain GET (no upgrade) is 400 with the error body, with or without a token', async () => {
    expectError(await new Client(server.url).get('/notification'), 400, 'DEFAULT', /WebSocket/);
    expectError(await a.client.get('/notification'), 400, 'DEFAULT', /WebSocket/);
    expectError(await a.client.get('/statechange'), 400, 'DEFAULT', /WebSocket/);
  });

  test('/statechange accepts a client with a token and sends nothing; refuses one without', async () => {
    const listener = await Listener.open(wsUrl(server, '/statechange', `?token=${a.token}`));
    assert.equal((await a.client.post('/projects/insert', { name: 'State change' })).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(listener.frames, []);
    listener.close();
    expectError(await refusedUpgrade(wsUrl(server, '/statechange')), 401, 'AUTH');
  });

  test('on shutdown the server closes its clients normally, with 1000', async () => {
    const own = await startTestServer();
    const account = await createAccount(own, 'Shutdown');
    const listener = await Listener.open(wsUrl(own, '/notification', `?token=${account.token}`));
    const state = await Listener.open(wsUrl(own, '/statechange', `?token=${account.token}`));
    await own.close();
    assert.equal((await listener.waitClosed()).code, 1000);
    assert.equal((await state.waitClosed()).code, 1000);
  });
});
