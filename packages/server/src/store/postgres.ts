// The shared store on PostgreSQL: any number of server processes on one database act as one service.
//
// - Writes run as REPEATABLE READ transactions behind PostgreSQL advisory locks taken before the transaction's
//   snapshot: the names a write gives (WriteOptions.lockKeys: the accounts whose data its rules read, the
//   scheduler), and one name every write holds shared and a reset or a snapshot import holds alone. Two writes
//   whose rules read what the other changes share a name and so run one after the other, each seeing the other's
//   commit; two writes that change the same row without one (an accept and a release of one connection, by its
//   two accounts) meet PostgreSQL's own check, and the later one is run again. Writes of different accounts never
//   wait for or fail because of each other. docs/postgres.md, "Writes", lists which rule rests on which name.
// - A conflict (a concurrent update of the same row, a deadlock, a unique violation from a concurrent insert of
//   one key) is retried here, from the start of the work, so callers never see it. The store counts the retries
//   (counters(), GET /_admin/store).
// - The scheduler's lock makes catch-up passes run one at a time, so a due transition is applied exactly once
//   whichever process's timer fires first.
// - Few round trips: a write's connection pipelines (node-postgres pipeline mode). The locks, BEGIN and the
//   work's first read go out together, statements whose outcome nobody reads go out without waiting
//   (SqlDriver.send), and the COMMIT, the unlocks and the NOTIFY go out together: a write that reads once waits
//   for the database twice, and holds its locks for one pass of its own code between those waits.
// - Every commit sends one NOTIFY, right after its COMMIT in a transaction of its own that does not wait for the
//   disk (inside the write it would make every write of the cluster flush in one line): it carries the signals the
//   write announced, and tells the other processes to forget what their read caches remember. The write is
//   answered only once it is sent. A short poll of the earliest due instant covers a missed notification.
// - Reads are answered from a read cache (read-cache.ts) when a read barrier (postgres-listener.ts) shows that no
//   other process's commit is still unheard; a client that writes through one process and then reads through
//   another sees its write (docs/postgres.md, "Reads").
// - A database that cannot be reached (stopped, restarting, a connection cut) is an outage, not a bug: the
//   operation fails with StoreUnavailableError, and the first query that works again ends it. The poll above
//   also notices both without any traffic. A write whose COMMIT lost its answer is never retried here: it may
//   have committed, and only the client's clientToken can tell a retry from a second request.
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Store, StoreCounters, StoreReader, StoreSignal, StoreTx, WriteOptions } from './api.ts';
import {
  type OutageReason,
  StoreAvailability,
  type StoreStatus,
  StoreUnavailableError,
  type Ticket,
} from './availability.ts';
import { POSTGRES_MIGRATIONS } from './migrations.ts';
import { CommitListener } from './postgres-listener.ts';
import { CachingReader, ReadMemory } from './read-cache.ts';
import { type Dialect, type Row, type SqlDriver, SqlReader, SqlTx } from './sql.ts';
import { maskUrl } from './url.ts';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Connections in this process's pool. */
  poolSize?: number;
  /** Schema to keep the tables in (created when missing); default: the user's search_path (public). */
  schema?: string;
  /** How often the earliest due instant is polled, in case a notification was missed. */
  pollIntervalMs?: number;
}

export const DEFAULT_POOL_SIZE = 10;
const MAX_WRITE_ATTEMPTS = 40;
/**
 * serialization_failure (REPEATABLE READ's "concurrent update" of a row changed since the snapshot),
 * deadlock_detected, unique_violation (a concurrent insert of the same key).
 */
const RETRYABLE_CODES = new Set(['40001', '40P01', '23505']);
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const LOCK_SQL = 'SELECT pg_advisory_lock(hashtextextended(?, 0))';
const UNLOCK_SQL = 'SELECT pg_advisory_unlock(hashtextextended(?, 0))';
/**
 * Every write holds this name shared, and an exclusive write (a reset, a snapshot import) holds it alone: such a
 * write changes rows the others read without naming them.
 */
const EVERY_WRITE = 'peerconn:writes';
const SHARED_LOCK_SQL = 'SELECT pg_advisory_lock_shared(hashtextextended(?, 0))';
const SHARED_UNLOCK_SQL = 'SELECT pg_advisory_unlock_shared(hashtextextended(?, 0))';
const NOTIFY_SQL = 'SELECT pg_notify(?, ?)';

const TABLES_WITH_LOADED_SEQUENCES = [
  'vpcs',
  'peerconns',
  'peerconn_sides',
  'resources',
  'subnets',
  'route_tables',
  'route_rules',
];

const POSTGRES_DIALECT: Dialect = {
  inList: (column) => `${column} = ANY(?::text[])`,
  listParam: (values) => [...values],
  afterLoad: TABLES_WITH_LOADED_SEQUENCES.map(
    (table) =>
      `SELECT setval(pg_get_serial_sequence('${table}', 'seq'), GREATEST((SELECT max(seq) FROM ${table}), 1))`,
  ),
};

/** bigint columns (sequences, epoch milliseconds, counts) as numbers, like SQLite returns them. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** `?` placeholders to `$1…`, and a statement name so each connection parses a query once. */
const compiled = new Map<string, { name: string; text: string }>();
function compile(sql: string): { name: string; text: string } {
  let hit = compiled.get(sql);
  if (!hit) {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    hit = { name: `q${createHash('sha1').update(text).digest('hex').slice(0, 24)}`, text };
    compiled.set(sql, hit);
  }
  return hit;
}

function rowsChanged(result: pg.QueryResult<Row>): number {
  return result.command === 'SELECT' ? result.rows.length : (result.rowCount ?? 0);
}

/** Reads through the pool: each statement on whichever connection is free. */
class PoolDriver implements SqlDriver {
  constructor(private readonly pool: pg.Pool) {}

  private query(sql: string, params: readonly unknown[]): Promise<pg.QueryResult<Row>> {
    const { name, text } = compile(sql);
    return this.pool.query<Row>({ name, text, values: [...params] });
  }

  async all(sql: string, params: readonly unknown[]): Promise<Row[]> {
    return (await this.query(sql, params)).rows;
  }

  async get(sql: string, params: readonly unknown[]): Promise<Row | undefined> {
    return (await this.query(sql, params)).rows[0];
  }

  async run(sql: string, params: readonly unknown[]): Promise<number> {
    return rowsChanged(await this.query(sql, params));
  }

  async send(sql: string, params: readonly unknown[]): Promise<void> {
    await this.query(sql, params);
  }
}

/**
 * One write's connection, in pipeline mode: statements are sent as they come, without waiting for the answers
 * before them. A statement that fails aborts the transaction, so every statement after it fails too; each then
 * reports the first failure, the one that explains the others (a statement sent without waiting has nobody to
 * report to). Answers are taken in callbacks, which node-postgres calls in the order of the statements.
 */
class TransactionDriver implements SqlDriver {
  /** The first statement that failed, and why. */
  failure: unknown;
  /** Times the transaction waited for the database: its round trips. */
  waits = 0;
  /** Statements sent. */
  statements = 0;
  private outstanding = 0;
  private corked = false;

  constructor(private readonly client: pg.PoolClient) {}

  /**
   * Holds the socket's writes until the end of this tick: node-postgres writes each statement on its own, and the
   * statements a transaction sends together should leave in one write (one system call, one wake-up of the
   * database's process).
   */
  private cork(): void {
    if (this.corked) return;
    const stream = (this.client as unknown as pg.Client).connection.stream;
    stream.cork();
    this.corked = true;
    process.nextTick(() => {
      this.corked = false;
      stream.uncork();
    });
  }

  /** Sends a statement and resolves with its answer. */
  query(sql: string, params: readonly unknown[] = []): Promise<pg.QueryResult<Row>> {
    if (this.outstanding === 0) this.waits++;
    this.outstanding++;
    return new Promise((resolve, reject) => {
      this.submit(sql, params, (error, result) => {
        this.outstanding--;
        if (error) reject(this.failure);
        else resolve(result);
      });
    });
  }

  async all(sql: string, params: readonly unknown[]): Promise<Row[]> {
    return (await this.query(sql, params)).rows;
  }

  async get(sql: string, params: readonly unknown[]): Promise<Row | undefined> {
    return (await this.query(sql, params)).rows[0];
  }

  async run(sql: string, params: readonly unknown[]): Promise<number> {
    return rowsChanged(await this.query(sql, params));
  }

  send(sql: string, params: readonly unknown[]): void {
    this.submit(sql, params, () => undefined);
  }

  private submit(
    sql: string,
    params: readonly unknown[],
    done: (error: unknown, result: pg.QueryResult<Row>) => void,
  ): void {
    this.statements++;
    this.cork();
    const config = params.length === 0 ? { text: sql } : { ...compile(sql), values: [...params] };
    void this.client.query<Row>(config, (error: Error | undefined, result: pg.QueryResult<Row>) => {
      if (error) this.failure ??= error;
      done(error, result);
    });
  }
}

/** Socket errors of a connection that could not be made or was cut. */
const UNREACHABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** admin_shutdown, crash_shutdown, cannot_connect_now (starting up, shutting down), too_many_connections. */
const UNREACHABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** What the pg client says when a connection it held went away. */
const LOST_CONNECTION =
  /^Connection terminated|is not queryable|timeout exceeded when trying to connect|Client network socket disconnected/;

/** Failures of the database rather than of the request: unreachable, out of disk space, an I/O error. */
function outageReason(error: unknown): OutageReason | undefined {
  if (error instanceof AggregateError) {
    const reasons = error.errors.map(outageReason);
    if (reasons.length > 0 && reasons.every((reason) => reason === 'unreachable')) return 'unreachable';
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (UNREACHABLE_ERRNOS.has(code) || UNREACHABLE_STATES.has(code) || code.startsWith('08')) {
      return 'unreachable';
    }
    if (code === '53100') return 'full';
    if (code === '58030') return 'io';
  }
  return error instanceof Error && LOST_CONNECTION.test(error.message) ? 'unreachable' : undefined;
}

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

/** Full jitter over a short, growing window: the competitors of a conflict should not collide again. */
function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(50, 2 * 2 ** Math.min(attempt, 5));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/** At most one 'due' signal (the earliest) and one of every other kind: a notification stays small. */
function compact(signals: readonly StoreSignal[]): StoreSignal[] {
  const out: StoreSignal[] = [];
  let due: number | undefined;
  const seen = new Set<string>();
  for (const signal of signals) {
    if (signal.type === 'due') due = due === undefined ? signal.at : Math.min(due, signal.at);
    else if (!seen.has(signal.type)) {
      seen.add(signal.type);
      out.push(signal);
    }
  }
  if (due !== undefined) out.push({ type: 'due', at: due });
  return out;
}

export class PostgresStore implements Store {
  readonly kind = 'postgres';
  readonly location: string;
  readonly health = new StoreAvailability('PostgreSQL', (status) => this.probe(status));
  private readonly instanceId = randomUUID();
  private readonly channel: string;
  private readonly driver: PoolDriver;
  /** Reads while nobody listens: every one goes to the database. */
  private readonly uncachedReader: StoreReader;
  private readonly memory = new ReadMemory();
  private readonly listeners = new Set<(signal: StoreSignal) => void>();
  private readonly commits: CommitListener;
  private poller: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly counts = {
    writes: 0,
    /** Transactions run again after a concurrent update of the same row, a deadlock or a concurrent insert of one key. */
    retries: 0,
    /** Times committed writes waited for the database, and the statements they sent. */
    writeRoundTrips: 0,
    writeStatements: 0,
    /** Milliseconds committed writes held their locks: from the answer that they were theirs to the COMMIT's. */
    lockHeldMs: 0,
    reads: 0,
  };

  private constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresStoreOptions,
  ) {
    this.location = maskUrl(options.url);
    this.channel = `peerconn_${options.schema ?? 'public'}`;
    this.driver = new PoolDriver(pool);
    this.uncachedReader = new SqlReader(this.driver, POSTGRES_DIALECT);
    this.commits = new CommitListener(
      { url: options.url, channel: this.channel, instanceId: this.instanceId, types: TYPES },
      {
        committed: (notice) => {
          this.memory.forget();
          for (const signal of notice.signals) this.emit(signal);
        },
        lost: () => this.memory.forget(),
        back: () => {
          this.memory.forget();
          // Whatever was announced while nobody listened is unknown: everything may have changed.
          this.emit({ type: 'all' });
        },
      },
    );
  }

  /** Connects, creates or migrates the tables (once, however many processes start together), and listens. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = options.schema;
    if (schema !== undefined && !IDENTIFIER.test(schema)) {
      throw new Error(`schema "${schema}" must be a lowercase SQL identifier`);
    }
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      types: TYPES,
      // A write sends its statements without waiting for each answer (TransactionDriver).
      pipeline: true,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle client that loses its server must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const store = new PostgresStore(pool, options);
    try {
      await migrate(pool, schema);
      await store.commits.start();
      store.startPolling();
      return store;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  counters(): StoreCounters {
    return { ...this.counts, readBarriers: this.commits.barriers };
  }

  async read<T>(work: (reader: StoreReader) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('The store is closed.');
    const ticket = this.health.ticket();
    this.counts.reads++;
    try {
      const value = await work(this.readerFor(performance.now()));
      this.health.succeeded(ticket, 'read');
      return value;
    } catch (error) {
      throw this.classified(error, ticket);
    }
  }

  /**
   * The reader of one read that began at `startedAt`: what it loads itself is current; what was remembered before
   * it began is served once a read barrier shows every commit acknowledged before then has been heard (and so has
   * made the memory forget what it changed). While nobody listens, nothing is remembered.
   */
  private readerFor(startedAt: number): StoreReader {
    if (!this.commits.listening) return this.uncachedReader;
    return new CachingReader(this.driver, POSTGRES_DIALECT, this.memory, {
      current: (loadedAt) => loadedAt >= startedAt,
      confirm: async () => {
        if (!(await this.commits.barrier(startedAt))) this.memory.forget();
      },
    });
  }

  async write<T>(work: (tx: StoreTx) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    if (this.closed) throw new Error('The store is closed.');
    const ticket = this.health.ticket();
    try {
      const value = await this.writeTransaction(work, options);
      this.health.succeeded(ticket, 'write');
      return value;
    } catch (error) {
      throw this.classified(error, ticket);
    }
  }

  /** The driver's error as the caller should see it: an outage becomes StoreUnavailableError (and is recorded). */
  private classified(error: unknown, ticket: Ticket): unknown {
    const reason = outageReason(error);
    if (reason === undefined) return error;
    return this.health.failed(ticket, new StoreUnavailableError(reason, 'PostgreSQL', error));
  }

  /** Readiness: a query; while the disk is full, an update that changes nothing but needs room to be written. */
  private async probe(status: StoreStatus): Promise<void> {
    const writes = !status.available && status.reason !== 'unreachable';
    const ticket = this.health.ticket();
    try {
      await this.pool.query(writes ? 'UPDATE meta SET value = value' : 'SELECT 1');
      this.health.succeeded(ticket, writes ? 'write' : 'read');
    } catch (error) {
      throw this.classified(error, ticket);
    }
  }

  private async writeTransaction<T>(work: (tx: StoreTx) => Promise<T>, options: WriteOptions): Promise<T> {
    // Taken in this order, and released in the reverse one.
    const locks: Array<{ take: string; release: string; key: string }> = [
      options.exclusive
        ? { take: LOCK_SQL, release: UNLOCK_SQL, key: EVERY_WRITE }
        : { take: SHARED_LOCK_SQL, release: SHARED_UNLOCK_SQL, key: EVERY_WRITE },
      ...(options.lockKeys ?? []).map((key) => ({ take: LOCK_SQL, release: UNLOCK_SQL, key })),
    ];
    const unlock = (driver: TransactionDriver) =>
      [...locks].reverse().map((lock) => driver.query(lock.release, [lock.key]));
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      const driver = new TransactionDriver(client);
      let broken = false;
      // A checked-out client whose connection dies between two queries emits 'error', and an unheard 'error'
      // would end the process; the next query fails by itself, and the client is then discarded.
      const onLost = () => {
        broken = true;
      };
      client.on('error', onLost);
      let failure: unknown;
      let done: { value: T; notice?: string } | undefined;
      try {
        // Session locks, then BEGIN, then the work's first statements, all sent without waiting: the database
        // runs them in order, so the work's first read is answered once the locks are ours. The locks come before
        // the transaction: a REPEATABLE READ transaction's snapshot is taken by its first statement, and one taken
        // while waiting in the queue would be stale by the time the lock is ours.
        const opened = Promise.all([
          ...locks.map((lock) => driver.query(lock.take, [lock.key])),
          driver.query('BEGIN ISOLATION LEVEL REPEATABLE READ'),
        ]);
        let lockedAt = Number.NaN;
        // Its failure is the work's too (every statement after it fails); it is awaited below.
        opened.then(
          () => {
            lockedAt = performance.now();
          },
          () => undefined,
        );
        const tx = new SqlTx(driver, POSTGRES_DIALECT);
        const value = await work(tx);
        await opened;
        const signals = compact(tx.signals);
        const notice = JSON.stringify({ from: this.instanceId, signals });
        // The commit, the unlocks and the notification in one round trip. A COMMIT of a transaction that a
        // statement sent without waiting has failed answers ROLLBACK.
        let committedAt = Number.NaN;
        const commit = driver.query('COMMIT').then((result) => {
          committedAt = performance.now();
          return result;
        });
        const unlocks = unlock(driver);
        const notified = this.notifyIn(driver, notice);
        const [committed, ...rest] = await Promise.allSettled([commit, ...unlocks, notified]);
        if (rest.slice(0, unlocks.length).some((outcome) => outcome.status === 'rejected')) broken = true;
        if (committed?.status === 'fulfilled' && committed.value.command === 'COMMIT') {
          this.memory.forget();
          this.counts.writes++;
          this.counts.writeRoundTrips += driver.waits;
          this.counts.writeStatements += driver.statements;
          this.counts.lockHeldMs += committedAt - lockedAt;
          for (const signal of signals) this.emit(signal);
          done = rest.at(-1)?.status === 'rejected' ? { value, notice } : { value };
        } else {
          failure =
            (committed?.status === 'rejected' ? committed.reason : driver.failure) ??
            new Error('PostgreSQL rolled the transaction back at COMMIT.');
        }
      } catch (error) {
        failure = error;
        // The rollback and the unlocks in one round trip; a connection in an unknown state is closed instead of
        // reused (its session locks go with it).
        const ended = await Promise.allSettled([driver.query('ROLLBACK'), ...unlock(driver)]);
        if (ended.some((outcome) => outcome.status === 'rejected')) broken = true;
      } finally {
        client.off('error', onLost);
        client.release(broken);
      }
      if (done) {
        // The other processes must hear of the commit before anyone is told it happened (docs/postgres.md,
        // "Reads"). If that fails too, the write happened and its client is told of a failure, as when the answer
        // to a COMMIT is lost.
        if (done.notice !== undefined) await this.notifyAgain(done.notice);
        return done.value;
      }
      if (!isRetryable(failure) || attempt >= MAX_WRITE_ATTEMPTS) throw failure;
      this.counts.retries++;
      await backoff(attempt);
    }
  }

  /**
   * The NOTIFY of a write, sent after its COMMIT in a transaction of its own that does not wait for its flush. A
   * NOTIFY takes a lock that every notifying commit of the cluster queues on until its transaction has ended: inside
   * the write it would be held across the write's flush, and every write of every process would flush one after
   * the other (docs/scaling.md). Sent whatever the COMMIT's outcome, in the same round trip: a notification of a
   * commit that did not happen only makes the other processes forget what they remembered and look again.
   */
  private notifyIn(driver: TransactionDriver, notice: string): Promise<unknown> {
    // One simple-protocol message with its values written in: four statements, one answer to parse.
    return driver.query(
      `BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_notify(${pg.escapeLiteral(this.channel)}, ${pg.escapeLiteral(notice)}); COMMIT`,
    );
  }

  /** A committed write whose notification was lost with its connection: sent again on another one. */
  private async notifyAgain(notice: string): Promise<void> {
    const { name, text } = compile(NOTIFY_SQL);
    await this.pool.query({ name, text, values: [this.channel, notice] });
  }

  subscribe(listener: (signal: StoreSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(signal: StoreSignal): void {
    for (const listener of this.listeners) listener(signal);
  }

  private startPolling(): void {
    const interval = this.options.pollIntervalMs ?? 1000;
    const poll = async () => {
      // A commit whose notification could not be sent at all (its process cut off from the database right after
      // the COMMIT; its client was told of a failure) is forgotten here within one interval.
      this.memory.forget();
      try {
        // Through read(), so that an outage and its end are noticed even when no request comes.
        const row = await this.read((reader) => reader.nextTimed());
        if (row) this.emit({ type: 'due', at: row.dueAt });
      } catch {
        // The database is unreachable for now; the next poll tries again.
      }
      if (!this.closed) {
        this.poller = setTimeout(poll, interval);
        this.poller.unref();
      }
    };
    this.poller = setTimeout(poll, interval);
    this.poller.unref();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.poller) clearTimeout(this.poller);
    await this.commits.close();
    await this.pool.end();
  }
}

async function migrate(pool: pg.Pool, schema: string | undefined): Promise<void> {
  const client = await pool.connect();
  // A connection lost here fails the next query (and the start) instead of ending the process unheard.
  const onLost = () => undefined;
  client.on('error', onLost);
  try {
    // Several processes may start at once: one applies the migrations while the others wait here.
    await client.query("SELECT pg_advisory_lock(hashtextextended('peerconn:migrations', 0))");
    try {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
      );
      const applied = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
          (row) => row.version,
        ),
      );
      for (const migration of POSTGRES_MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
            migration.version,
            new Date().toISOString(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtextextended('peerconn:migrations', 0))");
    }
  } finally {
    client.off('error', onLost);
    client.release();
  }
}
