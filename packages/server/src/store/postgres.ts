// The shared store on PostgreSQL: any number of server processes on one database act as one service.
//
// - Writes run as SERIALIZABLE transactions. A serialization failure, a deadlock or a unique violation from a
//   concurrent insert is retried here, from the start of the work, so callers never see it; check-then-write
//   rules (one connection per VPC pair, quotas, clientToken idempotency) hold across processes.
// - Advisory locks named by the write (WriteOptions.lockKeys), held for the transaction, queue conflicting
//   writers instead of letting them fail and retry; the scheduler's lock makes catch-up passes run one at a
//   time, so a due transition is applied exactly once whichever process's timer fires first.
// - Signals travel to the other processes with NOTIFY, sent inside the transaction and so delivered only
//   if it commits. A short poll of the earliest due instant covers a missed notification.
// - A database that cannot be reached (stopped, restarting, a connection cut) is an outage, not a bug: the
//   operation fails with StoreUnavailableError, and the first query that works again ends it. The poll above
//   also notices both without any traffic. A write whose COMMIT lost its answer is never retried here: it may
//   have committed, and only the client's clientToken can tell a retry from a second request.
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Store, StoreReader, StoreSignal, StoreTx, WriteOptions } from './api.ts';
import {
  type OutageReason,
  StoreAvailability,
  type StoreStatus,
  StoreUnavailableError,
  type Ticket,
} from './availability.ts';
import { POSTGRES_MIGRATIONS } from './migrations.ts';
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
/** serialization_failure, deadlock_detected, unique_violation (a concurrent insert of the same key). */
const RETRYABLE_CODES = new Set(['40001', '40P01', '23505']);
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const LOCK_SQL = 'SELECT pg_advisory_lock(hashtextextended($1, 0))';
const UNLOCK_SQL = 'SELECT pg_advisory_unlock(hashtextextended($1, 0))';

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

class PostgresDriver implements SqlDriver {
  constructor(private readonly target: pg.Pool | pg.PoolClient) {}

  private async query(sql: string, params: readonly unknown[]): Promise<pg.QueryResult<Row>> {
    const { name, text } = compile(sql);
    return this.target.query<Row>({ name, text, values: [...params] });
  }

  async all(sql: string, params: readonly unknown[]): Promise<Row[]> {
    return (await this.query(sql, params)).rows;
  }

  async get(sql: string, params: readonly unknown[]): Promise<Row | undefined> {
    return (await this.query(sql, params)).rows[0];
  }

  async run(sql: string, params: readonly unknown[]): Promise<number> {
    const result = await this.query(sql, params);
    return result.command === 'SELECT' ? result.rows.length : (result.rowCount ?? 0);
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
  private readonly reader: StoreReader;
  private readonly listeners = new Set<(signal: StoreSignal) => void>();
  private listenClient: pg.Client | undefined;
  private poller: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresStoreOptions,
  ) {
    this.location = maskUrl(options.url);
    this.channel = `peerconn_${options.schema ?? 'public'}`;
    this.reader = new SqlReader(new PostgresDriver(pool), POSTGRES_DIALECT);
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
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle client that loses its server must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const store = new PostgresStore(pool, options);
    try {
      await migrate(pool, schema);
      await store.listen();
      store.startPolling();
      return store;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  async read<T>(work: (reader: StoreReader) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('The store is closed.');
    const ticket = this.health.ticket();
    try {
      const value = await work(this.reader);
      this.health.succeeded(ticket, 'read');
      return value;
    } catch (error) {
      throw this.classified(error, ticket);
    }
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
    const keys = options.lockKeys ?? [];
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      let locked = 0;
      // A checked-out client whose connection dies between two queries emits 'error', and an unheard 'error'
      // would end the process; the next query fails by itself, and the client is then discarded.
      const onLost = () => {
        broken = true;
      };
      client.on('error', onLost);
      try {
        // Session locks taken before BEGIN: a SERIALIZABLE transaction's snapshot is taken by its first
        // statement, and a snapshot taken while waiting in the queue would be stale by the time the lock is ours.
        for (const key of keys) {
          await client.query({ name: 'peerconn_lock', text: LOCK_SQL, values: [key] });
          locked++;
        }
        await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
        const tx = new SqlTx(new PostgresDriver(client), POSTGRES_DIALECT);
        const value = await work(tx);
        const signals = compact(tx.signals);
        if (signals.length > 0) {
          await client.query('SELECT pg_notify($1, $2)', [
            this.channel,
            JSON.stringify({ from: this.instanceId, signals }),
          ]);
        }
        await client.query('COMMIT');
        for (const signal of signals) this.emit(signal);
        return value;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        if (!isRetryable(error) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
      } finally {
        try {
          for (const key of keys.slice(0, locked).reverse()) {
            await client.query({ name: 'peerconn_unlock', text: UNLOCK_SQL, values: [key] });
          }
        } catch {
          broken = true;
        }
        // A connection in an unknown state (its locks included) is closed rather than reused.
        client.off('error', onLost);
        client.release(broken);
      }
      await backoff(attempt);
    }
  }

  subscribe(listener: (signal: StoreSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(signal: StoreSignal): void {
    for (const listener of this.listeners) listener(signal);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url, types: TYPES });
    client.on('notification', (message) => {
      if (message.channel !== this.channel || !message.payload) return;
      let parsed: { from?: string; signals?: StoreSignal[] };
      try {
        parsed = JSON.parse(message.payload) as typeof parsed;
      } catch {
        return;
      }
      if (parsed.from === this.instanceId) return;
      for (const signal of parsed.signals ?? []) this.emit(signal);
    });
    const reconnect = () => {
      if (this.closed || this.reconnectTimer) return;
      this.listenClient = undefined;
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined;
        this.listen().then(
          // Whatever was announced while nobody listened is unknown: everything may have changed.
          () => this.emit({ type: 'all' }),
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
    await client.query(`LISTEN ${this.channel}`);
    this.listenClient = client;
  }

  private startPolling(): void {
    const interval = this.options.pollIntervalMs ?? 1000;
    const poll = async () => {
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
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const listener = this.listenClient;
    this.listenClient = undefined;
    await listener?.end().catch(() => undefined);
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
