import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * How the instances on one database learn of each other's writes and frames (DECISIONS.md section 8):
 * - The change counter `clickd_change_seq` (migrations/007_hosted.ts): every write statement advances it,
 *   and an instance that wrote advances it again after the commit and before it answers (`announce`);
 *   every instance reads it before answering a session's request (`sync`). The change signal includes it,
 *   so a client that saw the answer of a write finds no stale cache on any other instance.
 * - `clickd_frames`, on one dedicated connection that LISTENs: the /notification frames of a write, sent
 *   by the instance that took it, broadcast by every other one to its own clients of that account. The
 *   connection comes back by itself (with backoff) when it drops.
 */
export class ChangeFeed {
  readonly instanceId = randomUUID();
  /** The application_name of this instance's pool (who is who in pg_stat_activity). */
  readonly applicationName = `clickd ${this.instanceId}`;
  private counter = '0';
  private listener: pg.Client | undefined;
  private closed = false;
  private retryMs = 100;
  private frameHandler: ((accountId: string, frame: object) => void) | undefined;
  // sync(): at most one query in flight, and one queued behind it for the requests that came after it began.
  private inFlight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  // announce(): the same, for the writes that commit while a nextval is in flight.
  private announcing: Promise<void> | undefined;
  private announceQueued: Promise<void> | undefined;

  private pool: pg.Pool | undefined;

  constructor(private readonly url: string) {}

  /** The pool the counter is read and advanced through (its connections carry `applicationName`). */
  usePool(pool: pg.Pool): void {
    this.pool = pool;
  }

  /** Connects the listener; resolves once it listens (the first time), or rejects when it cannot connect. */
  async start(): Promise<void> {
    await this.connect();
  }

  /** The signal: the change counter as last read or advanced by this instance. */
  version(): string {
    return this.counter;
  }

  /** Reads the change counter (before a request is answered). */
  sync(): Promise<void> {
    if (!this.inFlight) {
      this.inFlight = this.readCounter().finally(() => (this.inFlight = undefined));
      return this.inFlight;
    }
    // A query already running may have read the counter before this request's client saw a write's
    // answer: wait for the next one.
    this.queued ??= this.inFlight.then(() => {
      this.queued = undefined;
      return this.sync();
    });
    return this.queued;
  }

  /**
   * Advances the change counter after a commit of this instance, before its answer leaves. Writes that
   * commit together (a group commit answers up to 256 at once) share one nextval: one that began after
   * the caller's commit advances the counter past it as well as its own would. A nextval already running
   * may have begun before that commit, so the caller waits for the next one, begun after it.
   */
  announce(): Promise<void> {
    if (!this.announcing) {
      this.announcing = this.advanceCounter().finally(() => (this.announcing = undefined));
      return this.announcing;
    }
    this.announceQueued ??= this.announcing
      .catch(() => {})
      .then(() => {
        this.announceQueued = undefined;
        return this.announce();
      });
    return this.announceQueued;
  }

  private async advanceCounter(): Promise<void> {
    const result = await this.pool!.query<{ n: string }>("select nextval('clickd_change_seq')::text as n");
    this.counter = result.rows[0]!.n;
  }

  /** Sends a /notification frame of `accountId` to the other instances (best effort, like a frame itself). */
  publish(accountId: string, frame: object): void {
    const payload = JSON.stringify({ from: this.instanceId, accountId, frame });
    // NOTIFY payloads are limited to 8,000 bytes; frames are a few hundred.
    if (payload.length > 7900) return;
    this.pool!.query('select pg_notify($1, $2)', ['clickd_frames', payload]).catch(() => {});
  }

  /** Receives the frames other instances publish. */
  onFrame(handler: (accountId: string, frame: object) => void): void {
    this.frameHandler = handler;
  }

  async close(): Promise<void> {
    this.closed = true;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => {});
  }

  private async readCounter(): Promise<void> {
    const result = await this.pool!.query<{ n: string }>('select last_value::text as n from clickd_change_seq');
    this.counter = result.rows[0]!.n;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'clickd-listen' });
    client.on('error', () => {});
    client.on('end', () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      this.reconnectLater();
    });
    client.on('notification', (message) => {
      if (message.channel !== 'clickd_frames' || !message.payload || !this.frameHandler) return;
      try {
        const { from, accountId, frame } = JSON.parse(message.payload) as { from: string; accountId: string; frame: object };
        if (from !== this.instanceId) this.frameHandler(accountId, frame);
      } catch {
        // not one of ours
      }
    });
    await client.connect();
    await client.query('listen clickd_frames');
    if (this.closed) {
      await client.end();
      return;
    }
    this.listener = client;
    this.retryMs = 100;
  }

  private reconnectLater(): void {
    if (this.closed) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 5000);
    setTimeout(() => {
      if (this.closed) return;
      this.connect().catch(() => this.reconnectLater());
    }, delay).unref();
  }
}
