// The PostgreSQL store's listening connection: what the other server processes on the database committed, heard
// through LISTEN/NOTIFY in commit order, and the read barrier that tells when everything committed before a moment
// has been heard. docs/postgres.md ("Reads") has the guarantee this gives; the store (postgres.ts) forgets what its
// read cache remembered whenever it hears of a commit.
import pg from 'pg';
import type { StoreSignal } from './api.ts';

/** What one notification carries: the process that committed, and what the commit announced. */
export interface CommitNotice {
  from: string;
  signals: StoreSignal[];
}

export interface CommitListenerHandlers {
  /** Another process committed (every commit notifies once, whether or not it announced anything). */
  committed(notice: CommitNotice): void;
  /** The connection is gone: commits may go unheard until `back`. */
  lost(): void;
  /** Listening again after a loss: whatever was committed meanwhile is unknown. */
  back(): void;
}

export interface CommitListenerOptions {
  url: string;
  channel: string;
  /** This process's id: its own notifications are not reported. */
  instanceId: string;
  types: pg.CustomTypesConfig;
}

/**
 * A PostgreSQL backend delivers a listener's pending notifications before it reads the listener's next command
 * (PostgreSQL's async.c: a notifying commit signals every listener of its database before the committing client
 * hears back, and a listener flushes what it was signalled about whenever it reads a command). So once a query sent
 * on this connection is answered, every notification of a commit that was acknowledged before the query was sent
 * has been received, and, node-postgres emitting them as it parses, handled: that query is the read barrier.
 */
export class CommitListener {
  private client: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The barrier query on its way, and when it was sent. */
  private inFlight: { sentAt: number; done: Promise<boolean> } | undefined;
  /** The next barrier, sent once the one in flight is answered; every read that waits meanwhile shares it. */
  private queued: { promise: Promise<boolean>; resolve: (heard: boolean) => void } | undefined;
  /** Barrier queries sent: for the store's counters. */
  barriers = 0;

  constructor(
    private readonly options: CommitListenerOptions,
    private readonly handlers: CommitListenerHandlers,
  ) {}

  get listening(): boolean {
    return this.client !== undefined;
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url, types: this.options.types });
    client.on('notification', (message) => {
      if (message.channel !== this.options.channel || !message.payload) return;
      let notice: Partial<CommitNotice>;
      try {
        notice = JSON.parse(message.payload) as Partial<CommitNotice>;
      } catch {
        return;
      }
      if (notice.from === this.options.instanceId) return;
      this.handlers.committed({ from: String(notice.from), signals: notice.signals ?? [] });
    });
    const reconnect = () => {
      if (this.client === client) {
        this.client = undefined;
        this.handlers.lost();
      }
      if (this.closed || this.reconnectTimer) return;
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined;
        this.start().then(
          () => this.handlers.back(),
          () => reconnect(),
        );
      }, 500);
      this.reconnectTimer.unref();
    };
    client.on('error', () => {
      client.end().catch(() => undefined);
      reconnect();
    });
    client.on('end', reconnect);
    await client.connect();
    await client.query(`LISTEN ${this.options.channel}`);
    this.client = client;
  }

  /**
   * Resolves true once every commit acknowledged before `after` (a performance.now() instant) has been heard, or
   * false when that cannot be known (the connection is gone, or went while waiting).
   */
  barrier(after: number): Promise<boolean> {
    if (!this.client) return Promise.resolve(false);
    if (this.inFlight && this.inFlight.sentAt >= after) return this.inFlight.done;
    const queued = this.queued ?? this.queue();
    if (!this.inFlight) this.sendQueued();
    return queued.promise;
  }

  private queue(): { promise: Promise<boolean>; resolve: (heard: boolean) => void } {
    let resolve: (heard: boolean) => void = () => undefined;
    const promise = new Promise<boolean>((r) => {
      resolve = r;
    });
    this.queued = { promise, resolve };
    return this.queued;
  }

  private sendQueued(): void {
    const next = this.queued;
    if (!next) return;
    this.queued = undefined;
    const client = this.client;
    const sentAt = performance.now();
    const done = client
      ? client.query('SELECT 1').then(
          () => true,
          () => false,
        )
      : Promise.resolve(false);
    this.barriers++;
    this.inFlight = { sentAt, done };
    void done.then((heard) => {
      this.inFlight = undefined;
      next.resolve(heard);
      this.sendQueued();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    this.queued?.resolve(false);
  }
}
