// The embedded store on better-sqlite3: one writer connection and one reader connection on the same WAL file.
// Readers see the last committed state and never wait for the writer. Writes are grouped: every write that
// arrives while the event loop is busy joins the next batch, which runs in one transaction and costs one fsync;
// one write's failure is never seen by its batch-mates (see runBatch). A write is acknowledged (its promise
// resolves) only after the batch's COMMIT returned. A full disk or an I/O error is an outage, not a bug: the
// batch is refused with StoreUnavailableError, reads go on, and the first write that commits again ends it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Store, StoreReader, StoreSignal, StoreTx } from './api.ts';
import {
  type OutageReason,
  StoreAvailability,
  type StoreStatus,
  StoreUnavailableError,
  type Ticket,
} from './availability.ts';
import { SQLITE_MIGRATIONS } from './migrations.ts';
import { type Dialect, type Row, type SqlDriver, SqlReader, SqlTx } from './sql.ts';

const SQLITE_DIALECT: Dialect = {
  inList: (column) => `${column} IN (SELECT value FROM json_each(?))`,
  listParam: (values) => JSON.stringify(values),
  afterLoad: [],
};

/** More writes than this wait for the next batch, so one batch cannot hold the event loop for long. */
const MAX_BATCH = 256;

/** Statements prepared once per connection: the same few queries run on every request. */
class SqliteDriver implements SqlDriver {
  private readonly statements = new Map<string, Database.Statement>();
  /** Statements run that may have changed the database (see SqliteStore.runBatch). */
  writes = 0;
  /** Rows those statements changed: a commit proves there was room to write only when some were. */
  changedRows = 0;

  constructor(private readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  all(sql: string, params: readonly unknown[]): Row[] {
    return this.stmt(sql).all(...params) as Row[];
  }

  get(sql: string, params: readonly unknown[]): Row | undefined {
    const statement = this.stmt(sql);
    if (statement.readonly) return statement.get(...params) as Row | undefined;
    this.writes++;
    const row = statement.get(...params) as Row | undefined;
    if (row) this.changedRows++;
    return row;
  }

  run(sql: string, params: readonly unknown[]): number {
    const statement = this.stmt(sql);
    if (!statement.readonly) this.writes++;
    if (statement.reader) return statement.all(...params).length;
    const changes = statement.run(...params).changes;
    this.changedRows += changes;
    return changes;
  }
}

/**
 * The reader with what it read — records by id, list pages, list markers — remembered until the next commit.
 * Only this process writes the file (see the lock in SqliteStore), and every committed batch clears the memory
 * after its COMMIT, so whatever is remembered is the committed state. Lists are frozen: callers share them.
 */
class CachingReader extends SqlReader {
  private memory = new Map<string, unknown>();
  /** Counts commits: a read that a commit overtook before it could be remembered is used once, not kept. */
  private generation = 0;

  forget(): void {
    this.generation++;
    if (this.memory.size > 0) this.memory = new Map();
  }

  private remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.memory.has(key)) return Promise.resolve(this.memory.get(key) as T);
    const generation = this.generation;
    return load().then((value) => {
      if (generation !== this.generation) return value;
      if (this.memory.size >= ENTRIES_REMEMBERED) this.memory.clear();
      this.memory.set(key, Array.isArray(value) ? Object.freeze(value) : value);
      return value;
    });
  }

  override getPeerConn(id: string) {
    return this.remember(`peerconn\0${id}`, () => super.getPeerConn(id));
  }

  override getVpc(vpcId: string) {
    return this.remember(`vpc\0${vpcId}`, () => super.getVpc(vpcId));
  }

  override sideSeq(ifId: string) {
    return this.remember(`sideSeq\0${ifId}`, () => super.sideSeq(ifId));
  }

  override vpcSeq(vpcId: string) {
    return this.remember(`vpcSeq\0${vpcId}`, () => super.vpcSeq(vpcId));
  }

  override listSides(query: Parameters<SqlReader['listSides']>[0]) {
    return this.remember(`sides\0${JSON.stringify(query)}`, () => super.listSides(query));
  }

  override listVpcs(query: Parameters<SqlReader['listVpcs']>[0]) {
    return this.remember(`vpcs\0${JSON.stringify(query)}`, () => super.listVpcs(query));
  }

  override getPeerConnByInterface(ifId: string) {
    return this.remember(`peerconnByIf\0${ifId}`, () => super.getPeerConnByInterface(ifId));
  }

  override getSubnet(subnetId: string) {
    return this.remember(`subnet\0${subnetId}`, () => super.getSubnet(subnetId));
  }

  override subnetsOfVpc(vpcId: string) {
    return this.remember(`subnetsOf\0${vpcId}`, () => super.subnetsOfVpc(vpcId));
  }

  override getRouteTable(routeTableId: string) {
    return this.remember(`table\0${routeTableId}`, () => super.getRouteTable(routeTableId));
  }

  override routeTableOfVpc(vpcId: string) {
    return this.remember(`tableOf\0${vpcId}`, () => super.routeTableOfVpc(vpcId));
  }

  override getRouteRule(routeRuleId: string) {
    return this.remember(`rule\0${routeRuleId}`, () => super.getRouteRule(routeRuleId));
  }

  override rulesOfTable(routeTableId: string) {
    return this.remember(`rulesOf\0${routeTableId}`, () => super.rulesOfTable(routeTableId));
  }
}

const ENTRIES_REMEMBERED = 10_000;

interface WriteJob {
  work: (tx: StoreTx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  ticket: Ticket;
}

/** SQLite's answers that mean the storage is at fault, not the request: no space left, or the file cannot be written. */
function outageReason(error: unknown): OutageReason | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL') return 'full';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN') {
    return 'io';
  }
  return undefined;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly location: string;
  readonly health = new StoreAvailability('SQLite', (status) => this.probe(status));
  private readonly writer: Database.Database;
  private readonly readerDb: Database.Database;
  private readonly writerDriver: SqliteDriver;
  private readonly reader: CachingReader;
  /** Held open for the store's life: a second server on the same file fails to start instead of diverging. */
  private readonly lock: Database.Database | undefined;
  private readonly listeners = new Set<(signal: StoreSignal) => void>();
  private readonly pending: WriteJob[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  /** Committed batches and the writes they carried: how much group commit saves, for tests and diagnostics. */
  readonly stats = { batches: 0, writes: 0 };
  /** For ':memory:': a private temporary file, so that the reader and the writer share one database. */
  private readonly scratchDir: string | undefined;
  private readonly sql: Record<'begin' | 'commit' | 'rollback', Database.Statement>;

  /** `addon`: better-sqlite3's native addon when it is not where the package would look (a single executable). */
  constructor(path: string, options: { addon?: object | undefined } = {}) {
    const memory = path === ':memory:';
    this.scratchDir = memory ? mkdtempSync(join(tmpdir(), 'peerconn-memory-')) : undefined;
    const file = this.scratchDir ? join(this.scratchDir, 'peerconn.db') : path;
    this.location = path;
    // The package accepts the loaded addon object too, though its types name only a path.
    const open: Database.Options = options.addon ? { nativeBinding: options.addon as unknown as string } : {};
    this.lock = memory ? undefined : takeLock(`${file}-lock`, open);
    this.writer = new Database(file, open);
    this.writer.pragma('journal_mode = WAL');
    // FULL: with WAL this syncs on every commit, so an acknowledged write survives power loss, not just kill -9.
    // An in-memory database promises no durability, so it skips the sync.
    this.writer.pragma(memory ? 'synchronous = OFF' : 'synchronous = FULL');
    this.writer.pragma('busy_timeout = 5000');
    this.writer.pragma('foreign_keys = ON');
    migrate(this.writer);
    this.readerDb = new Database(file, open);
    this.readerDb.pragma('busy_timeout = 5000');
    this.readerDb.pragma('query_only = ON');
    this.writerDriver = new SqliteDriver(this.writer);
    this.reader = new CachingReader(new SqliteDriver(this.readerDb), SQLITE_DIALECT);
    // Prepared once: every batch runs these, and exec() would parse them each time.
    this.sql = {
      begin: this.writer.prepare('BEGIN IMMEDIATE'),
      commit: this.writer.prepare('COMMIT'),
      rollback: this.writer.prepare('ROLLBACK'),
    };
  }

  read<T>(work: (reader: StoreReader) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The store is closed.'));
    // Reads never end an outage here: they go on while the disk is full, and only a commit proves there is room.
    const ticket = this.health.ticket();
    return work(this.reader).catch((error: unknown) => {
      throw this.classified(error, ticket);
    });
  }

  write<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The store is closed.'));
    const ticket = this.health.ticket();
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject, ticket });
      // Writes that arrive in this turn of the event loop join the batch that starts after it.
      if (!this.flushing && this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  subscribe(listener: (signal: StoreSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private flush(): Promise<void> {
    this.flushing ??= (async () => {
      try {
        while (this.pending.length > 0) await this.runBatch(this.pending.splice(0, MAX_BATCH));
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  /**
   * Runs a batch in one transaction. A write that fails before changing anything (the common case: a rule
   * refuses the request) is simply left out. A write that fails after changing something is rejected, the
   * transaction rolled back, and the rest of the batch run again without it: its changes must not reach its
   * batch-mates, and a savepoint around every write would cost two statements each for a rare case.
   */
  private async runBatch(batch: WriteJob[]): Promise<void> {
    let jobs = batch;
    while (jobs.length > 0) {
      const changedBefore = this.writerDriver.changedRows;
      try {
        this.sql.begin.run();
      } catch (error) {
        for (const job of jobs) job.reject(this.classified(error, job.ticket));
        return;
      }
      const done: Array<
        | { job: WriteJob; ok: true; value: unknown; signals: StoreSignal[] }
        | { job: WriteJob; ok: false; error: unknown }
      > = [];
      let spoiled: { job: WriteJob; error: unknown } | undefined;
      for (const job of jobs) {
        const tx = new SqlTx(this.writerDriver, SQLITE_DIALECT);
        const writesBefore = this.writerDriver.writes;
        try {
          const value = await job.work(tx);
          done.push({ job, ok: true, value, signals: tx.signals });
        } catch (error) {
          if (this.writerDriver.writes === writesBefore && outageReason(error) === undefined) {
            done.push({ job, ok: false, error });
            continue;
          }
          spoiled = { job, error };
          break;
        }
      }
      if (spoiled) {
        this.rollbackQuietly();
        if (outageReason(spoiled.error) !== undefined) {
          // The disk, not the write, failed: its batch-mates would fail the same way, so none is run again.
          for (const job of jobs) job.reject(this.classified(spoiled.error, job.ticket));
          return;
        }
        spoiled.job.reject(spoiled.error);
        jobs = jobs.filter((job) => job !== spoiled.job);
        continue;
      }
      try {
        this.sql.commit.run();
      } catch (error) {
        this.rollbackQuietly();
        for (const { job } of done) job.reject(this.classified(error, job.ticket));
        return;
      } finally {
        this.reader.forget();
      }
      if (this.writerDriver.changedRows !== changedBefore) {
        for (const { job } of done) this.health.succeeded(job.ticket, 'write');
      }
      this.stats.batches++;
      this.stats.writes += done.length;
      // Subscribers learn what changed before any caller hears back, so the next request sees fresh caches.
      for (const entry of done) if (entry.ok) for (const signal of entry.signals) this.emit(signal);
      for (const entry of done) {
        if (entry.ok) entry.job.resolve(entry.value);
        else entry.job.reject(entry.error);
      }
      return;
    }
  }

  private rollbackQuietly(): void {
    if (!this.writer.inTransaction) return;
    try {
      this.sql.rollback.run();
    } catch {
      // SQLite has already rolled back what it could not write (a full disk can end the transaction itself).
    }
  }

  /** The driver's error as the caller should see it: an outage becomes StoreUnavailableError (and is recorded). */
  private classified(error: unknown, ticket: Ticket): unknown {
    const reason = outageReason(error);
    if (reason === undefined) return error;
    return this.health.failed(ticket, new StoreUnavailableError(reason, 'SQLite', error));
  }

  /**
   * Readiness: a read of the file; while writes fail, a write that leaves nothing behind but still needs room in
   * the log (a row added and removed in one transaction), since only a write tells that space is back. Rewriting
   * a row with its own value would not do: SQLite leaves a page whose bytes do not change untouched.
   */
  private async probe(status: StoreStatus): Promise<void> {
    if (status.available) {
      await this.read(async () => this.readerDb.prepare('SELECT count(*) FROM meta').get());
      return;
    }
    await this.write(async () => {
      this.writerDriver.run("INSERT INTO meta (key, value) VALUES ('peerconn:probe', '')", []);
      this.writerDriver.run("DELETE FROM meta WHERE key = 'peerconn:probe'", []);
    });
  }

  private emit(signal: StoreSignal): void {
    for (const listener of this.listeners) listener(signal);
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.pending.length > 0) await (this.flushing ?? this.flush());
    if (this.readerDb.open) this.readerDb.close();
    if (this.writer.open) this.writer.close();
    if (this.lock?.open) this.lock.close();
    if (this.scratchDir) rmSync(this.scratchDir, { recursive: true, force: true });
  }
}

/** Another server process holds the data file; the caller names the options that lead out of it. */
export class DataFileInUseError extends Error {
  override name = 'DataFileInUseError';
  constructor(readonly path: string) {
    super(`another peerconn server is using ${path}`);
  }
}

/**
 * An exclusive lock on a companion file, held by an open connection in exclusive locking mode. The operating
 * system drops it when the process ends, however it ends.
 */
function takeLock(path: string, open: Database.Options): Database.Database {
  const lock = new Database(path, open);
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.pragma('busy_timeout = 0');
    lock.exec(
      'CREATE TABLE IF NOT EXISTS holder (pid INTEGER); BEGIN EXCLUSIVE; DELETE FROM holder; COMMIT;',
    );
    lock.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new DataFileInUseError(path.replace(/-lock$/, ''));
    }
    throw error;
  }
  return lock;
}

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  // BEGIN IMMEDIATE per migration: two processes starting on one file apply each version once.
  for (const migration of SQLITE_MIGRATIONS) {
    db.transaction(() => {
      const applied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
      if (applied) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
        migration.version,
        new Date().toISOString(),
      );
    }).immediate();
  }
}
