// The embedded store on better-sqlite3: one writer connection and one reader connection on the same WAL file.
// Readers never wait for the writer, and see only what is durable: from a batch's commit until its WAL is on disk,
// the reader holds the snapshot before it. Writes are grouped: every write that arrives while the event loop is
// busy joins the next batch, which runs in one transaction; one write's failure is never seen by its batch-mates
// (see runBatch).
// The fsync that makes a batch durable runs off the event loop (sqlite-wal.ts), so reads go on meanwhile, and the
// next batch runs its statements during it; a write is acknowledged (its promise resolves) only once its batch's
// commit is durable (docs/durability.md). A full disk or an I/O error is an outage, not a bug: the batch is refused
// with StoreUnavailableError, reads go on, and the first write that is durable again ends it — for a full disk, once
// the disk also has room to spare (free-space.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Store, StoreCounters, StoreReader, StoreSignal, StoreTx } from './api.ts';
import {
  type OutageReason,
  StoreAvailability,
  type StoreStatus,
  StoreUnavailableError,
  type Ticket,
} from './availability.ts';
import { DEFAULT_MIN_FREE_DISK_BYTES, hasRoomToSpare } from './free-space.ts';
import { SQLITE_MIGRATIONS } from './migrations.ts';
import { CachingReader, ReadMemory } from './read-cache.ts';
import { type Dialect, type Row, type SqlDriver, SqlTx } from './sql.ts';
import {
  type Checkpointer,
  InlineCheckpointer,
  ThreadCheckpointer,
  WalKeeper,
  type WalKeeperOptions,
  WalSync,
} from './sqlite-wal.ts';

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

  send(sql: string, params: readonly unknown[]): void {
    this.run(sql, params);
  }
}

interface WriteJob {
  work: (tx: StoreTx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  ticket: Ticket;
}

type JobOutcome =
  | { job: WriteJob; ok: true; value: unknown; signals: StoreSignal[] }
  | { job: WriteJob; ok: false; error: unknown };

/** File-system errors of the WAL's fsync that mean the storage is at fault. */
const FULL_ERRNOS = new Set(['ENOSPC', 'EDQUOT']);

/** SQLite's answers that mean the storage is at fault, not the request: no space left, or the file cannot be written. */
function outageReason(error: unknown): OutageReason | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL' || FULL_ERRNOS.has(code)) return 'full';
  if (
    code.startsWith('SQLITE_IOERR') ||
    code.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_CANTOPEN' ||
    code === 'EIO' ||
    code === 'EROFS'
  ) {
    return 'io';
  }
  return undefined;
}

export interface SqliteStoreOptions {
  /** When the WAL is copied into the database file and started over (sqlite-wal.ts); tests make it small. */
  wal?: Partial<WalKeeperOptions>;
  /**
   * better-sqlite3's native addon when it is not where the package would look (the single executable). The
   * checkpoints then run on a connection of this thread: a worker thread could not load the addon.
   */
  addon?: object | undefined;
  /**
   * Free space the data directory's file system needs before a full-disk outage counts as over (readiness ready,
   * the "back" log line); 0 lets any successful write end it. Default DEFAULT_MIN_FREE_DISK_BYTES.
   */
  minFreeDiskBytes?: number | undefined;
}

/** SQLite's own default for automatic checkpoints: a WAL of about 4 MB. */
const DEFAULT_WAL: WalKeeperOptions = { restartFrames: 1000, intervalMs: 200 };

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly location: string;
  readonly health = new StoreAvailability(
    'SQLite',
    (status) => this.probe(status),
    Date.now,
    (reason) => reason !== 'full' || this.hasRoomToSpare(),
  );
  private readonly writer: Database.Database;
  private readonly readerDb: Database.Database;
  private readonly writerDriver: SqliteDriver;
  private readonly memory = new ReadMemory();
  private readonly reader: CachingReader;
  /** Held open for the store's life: a second server on the same file fails to start instead of diverging. */
  private readonly lock: Database.Database | undefined;
  private readonly listeners = new Set<(signal: StoreSignal) => void>();
  private readonly pending: WriteJob[] = [];
  private flushing: Promise<void> | undefined;
  /** Wakes the flush loop when a write arrives while it waits for a batch to become durable. */
  private wake: (() => void) | undefined;
  private closed = false;
  /**
   * Committed batches and the writes they carried (how much group commit saves), and how often the WAL was
   * copied into the database file: for tests and diagnostics.
   */
  readonly stats = { batches: 0, writes: 0 };
  /** For ':memory:': a private temporary file, so that the reader and the writer share one database. */
  private readonly scratchDir: string | undefined;
  private readonly sql: Record<'begin' | 'commit' | 'rollback', Database.Statement>;
  /** The reader's snapshot, held from a batch's commit until the batch is durable. */
  private readonly snapshot: Record<'begin' | 'end' | 'take', Database.Statement>;
  /** Makes a commit durable; undefined for ':memory:', which promises no durability. */
  private readonly walSync: WalSync | undefined;
  private readonly wal: WalKeeper;
  /** The error of a failed fsync of the WAL: from then on writes are refused (see settleWhenDurable). */
  private durabilityLost: unknown;
  /** Where the database, its WAL and the checkpoints' growth take their space from. */
  private readonly dataDir: string;
  private readonly minFreeDiskBytes: number;

  /** `addon`: better-sqlite3's native addon when it is not where the package would look (a single executable). */
  constructor(path: string, options: SqliteStoreOptions = {}) {
    const memory = path === ':memory:';
    this.scratchDir = memory ? mkdtempSync(join(tmpdir(), 'peerconn-memory-')) : undefined;
    const file = this.scratchDir ? join(this.scratchDir, 'peerconn.db') : path;
    this.location = path;
    this.dataDir = dirname(file);
    this.minFreeDiskBytes = options.minFreeDiskBytes ?? DEFAULT_MIN_FREE_DISK_BYTES;
    // The package accepts the loaded addon object too, though its types name only a path.
    const open: Database.Options = options.addon ? { nativeBinding: options.addon as unknown as string } : {};
    this.lock = memory ? undefined : takeLock(`${file}-lock`, open);
    this.writer = new Database(file, open);
    this.writer.pragma('journal_mode = WAL');
    this.writer.pragma('busy_timeout = 5000');
    this.writer.pragma('foreign_keys = ON');
    // Migrations commit with SQLite's own fsync; the batches below sync off the event loop instead.
    this.writer.pragma(memory ? 'synchronous = OFF' : 'synchronous = FULL');
    migrate(this.writer);
    // NORMAL: a COMMIT writes the WAL without syncing it; WalSync syncs it before anyone hears of the commit.
    // Checkpoints still sync (the checkpointer's connection does), and so does the WAL's header when it starts
    // over. Automatic checkpoints are off: they would copy pages and fsync on the event loop.
    if (!memory) this.writer.pragma('synchronous = NORMAL');
    this.writer.pragma('wal_autocheckpoint = 0');
    this.readerDb = new Database(file, open);
    this.readerDb.pragma('busy_timeout = 5000');
    this.readerDb.pragma('query_only = ON');
    this.writerDriver = new SqliteDriver(this.writer);
    this.reader = new CachingReader(new SqliteDriver(this.readerDb), SQLITE_DIALECT, this.memory);
    // Prepared once: every batch runs these, and exec() would parse them each time.
    this.sql = {
      begin: this.writer.prepare('BEGIN IMMEDIATE'),
      commit: this.writer.prepare('COMMIT'),
      rollback: this.writer.prepare('ROLLBACK'),
    };
    this.snapshot = {
      begin: this.readerDb.prepare('BEGIN'),
      end: this.readerDb.prepare('COMMIT'),
      // A read of the file, which is what fixes the snapshot (BEGIN alone does not).
      take: this.readerDb.prepare('SELECT 1 FROM sqlite_master LIMIT 1'),
    };
    this.walSync = memory ? undefined : new WalSync(`${file}-wal`);
    const checkpointer: Checkpointer =
      memory || options.addon
        ? new InlineCheckpointer(file, memory ? 'OFF' : 'FULL', open)
        : new ThreadCheckpointer(file);
    this.wal = new WalKeeper(checkpointer, { ...DEFAULT_WAL, ...options.wal });
  }

  /** How often the WAL was copied into the database file, and handed back to start over. */
  get walStats(): { checkpoints: number; restarts: number } {
    return { ...this.wal.stats };
  }

  counters(): StoreCounters {
    return {
      writes: this.stats.writes,
      batches: this.stats.batches,
      checkpoints: this.wal.stats.checkpoints,
      walRestarts: this.wal.stats.restarts,
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
      this.wake?.();
    });
  }

  subscribe(listener: (signal: StoreSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs batches while writes wait. A batch runs its statements while the one before it is being synced, and
   * commits once that one is durable, so the reader's snapshot can always move to exactly the last durable batch.
   */
  private flush(): Promise<void> {
    this.flushing ??= (async () => {
      let syncing: Promise<void> | undefined;
      try {
        for (;;) {
          if (this.pending.length > 0) {
            if (this.wal.restartDue()) {
              await syncing;
              await this.startWalOver();
            }
            const durable = (await this.runBatch(this.pending.splice(0, MAX_BATCH), syncing))?.durable;
            if (durable) {
              syncing = durable;
              void durable.then(() => {
                if (syncing === durable) syncing = undefined;
              });
            }
            continue;
          }
          const current = syncing;
          if (!current) return;
          // Nothing to run until the batch being synced is durable or another write arrives.
          await new Promise<void>((resolve) => {
            this.wake = resolve;
            void current.then(resolve);
          });
          this.wake = undefined;
        }
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  /**
   * Runs a batch in one transaction and, once the batch before it is durable, commits it; resolves to the promise
   * of its own durability (wrapped: a promise would be adopted; undefined when nothing was committed). A write that fails before changing anything
   * (the common case: a rule refuses the request) is simply left out. A write that fails after changing something
   * is rejected, the transaction rolled back, and the rest of the batch run again without it: its changes must
   * not reach its batch-mates, and a savepoint around every write would cost two statements each for a rare case.
   */
  private async runBatch(
    batch: WriteJob[],
    previous: Promise<void> | undefined,
  ): Promise<{ durable: Promise<void> } | undefined> {
    let jobs = batch;
    if (this.durabilityLost !== undefined) {
      for (const job of jobs) job.reject(this.syncFailure(job.ticket));
      return undefined;
    }
    while (jobs.length > 0) {
      const changedBefore = this.writerDriver.changedRows;
      try {
        this.sql.begin.run();
      } catch (error) {
        for (const job of jobs) job.reject(this.classified(error, job.ticket));
        return undefined;
      }
      const done: JobOutcome[] = [];
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
          return undefined;
        }
        spoiled.job.reject(spoiled.error);
        jobs = jobs.filter((job) => job !== spoiled.job);
        continue;
      }
      // The batch before this one is durable (and visible) before this one commits; from the commit until this
      // one is durable too, the reader holds the snapshot before it.
      await previous;
      this.holdReader();
      try {
        this.sql.commit.run();
      } catch (error) {
        this.rollbackQuietly();
        this.releaseReader();
        for (const { job } of done) job.reject(this.classified(error, job.ticket));
        return undefined;
      }
      return { durable: this.settleWhenDurable(done, this.writerDriver.changedRows !== changedBefore) };
    }
    return undefined;
  }

  /**
   * Waits for the committed batch to reach the disk, then moves the reader's snapshot to it, tells subscribers
   * and answers its writes. Nobody sees a batch before it is durable, so nothing anyone saw can be lost.
   */
  private async settleWhenDurable(done: JobOutcome[], changedRows: boolean): Promise<void> {
    try {
      await this.walSync?.sync();
    } catch (error) {
      // The commit may not be on disk, and after a failed fsync the kernel may have dropped pages of the WAL that
      // it never wrote: a later fsync that succeeds would not prove the WAL whole. Nobody is told the batch
      // happened, and no write is acknowledged again until the store is reopened (docs/durability.md).
      this.durabilityLost ??= error;
      for (const { job } of done) job.reject(this.syncFailure(job.ticket));
      return;
    }
    this.releaseReader();
    this.wal.committed();
    if (changedRows) {
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
  }

  /**
   * Keeps the reader on what is committed now, while a batch is committed and made durable: a read meanwhile must
   * not show the batch (a power loss could still take it back).
   */
  private holdReader(): void {
    if (this.readerDb.inTransaction) return;
    this.snapshot.begin.run();
    this.snapshot.take.get();
  }

  /** The batch is durable: the reader reads the latest state again, and forgets what it read before. */
  private releaseReader(): void {
    if (this.readerDb.inTransaction) this.snapshot.end.run();
    this.memory.forget();
  }

  /**
   * Lets the WAL start over at the next commit (sqlite-wal.ts, WalKeeper): every batch is durable and the reader
   * holds no snapshot, so a checkpoint can copy the whole WAL, and the next writer begins it again.
   */
  private async startWalOver(): Promise<void> {
    await this.wal.copyAll();
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

  /** What a write gets once an fsync of the WAL failed: an outage that lasts until the store is reopened. */
  private syncFailure(ticket: Ticket): StoreUnavailableError {
    const error = this.durabilityLost;
    return this.health.failed(ticket, new StoreUnavailableError('io', 'SQLite', error));
  }

  /**
   * Readiness: a read of the file; while writes fail, a write that leaves nothing behind but still needs room in
   * the log (a row added and removed in one transaction), since only a write tells that space is back. Rewriting
   * a row with its own value would not do: SQLite leaves a page whose bytes do not change untouched. While the
   * disk is full, the write waits for room to spare: it is a few kilobytes, which can fit where a real write
   * does not, and it must not spend the last of them.
   */
  private async probe(status: StoreStatus): Promise<void> {
    if (status.available) {
      await this.read(async () => this.readerDb.prepare('SELECT count(*) FROM meta').get());
      return;
    }
    if (status.reason === 'full' && !this.hasRoomToSpare()) return;
    await this.write(async () => {
      this.writerDriver.run("INSERT INTO meta (key, value) VALUES ('peerconn:probe', '')", []);
      this.writerDriver.run("DELETE FROM meta WHERE key = 'peerconn:probe'", []);
    });
  }

  private hasRoomToSpare(): boolean {
    return hasRoomToSpare(this.dataDir, this.minFreeDiskBytes);
  }

  private emit(signal: StoreSignal): void {
    for (const listener of this.listeners) listener(signal);
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.pending.length > 0) await (this.flushing ?? this.flush());
    await this.wal.close();
    this.walSync?.close();
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
