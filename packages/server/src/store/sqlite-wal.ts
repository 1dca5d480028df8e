// Keeping the SQLite store's write-ahead log off the event loop: the fsync that makes a committed batch durable
// runs on libuv's thread pool (WalSync), and the checkpoints that copy the WAL into the database file run on a
// worker thread (WalKeeper), which also tells when the WAL should start over. The argument for why an
// acknowledged write is still durable is in docs/durability.md.
import { closeSync, fdatasync, fsync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** What `PRAGMA wal_checkpoint(PASSIVE)` reports: frames in the WAL, and how many are in the database file. */
export interface CheckpointOutcome {
  log: number;
  checkpointed: number;
}

export interface Checkpointer {
  run(): Promise<CheckpointOutcome>;
  close(): Promise<void>;
}

/** fdatasync of the WAL file, off the event loop; the first one also syncs the directory that holds it. */
export class WalSync {
  private fd: number | undefined;
  private directorySynced = false;

  constructor(private readonly walPath: string) {}

  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      let fd: number;
      try {
        // Opened at the first sync, after a commit: the WAL exists by then, and keeps its inode while the store's
        // connections are open (SQLite removes it only when the last one closes).
        fd = this.fd ?? openSync(this.walPath, 'r+');
        this.fd = fd;
      } catch (error) {
        reject(error);
        return;
      }
      fdatasync(fd, (error) => {
        if (error) reject(error);
        else if (this.directorySynced) resolve();
        else this.syncDirectory().then(resolve, reject);
      });
    });
  }

  /** A WAL created by this run is durable only once its directory entry is. */
  private syncDirectory(): Promise<void> {
    return new Promise((resolve, reject) => {
      let fd: number;
      try {
        fd = openSync(dirname(this.walPath), 'r');
      } catch (error) {
        reject(error);
        return;
      }
      fsync(fd, (error) => {
        closeSync(fd);
        if (error) reject(error);
        else {
          this.directorySynced = true;
          resolve();
        }
      });
    });
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Checkpoints on a worker thread with a connection of its own (sqlite-checkpointer.mjs), started when first needed.
 * A thread that cannot start at all leaves the checkpoints to a connection on this thread (which holds up the event
 * loop while it copies, but keeps the WAL from growing without end).
 */
export class ThreadCheckpointer implements Checkpointer {
  private worker: Worker | undefined;
  /** Answers the thread gave: a thread that fails before its first one is not started again. */
  private answered = 0;
  private fallback: InlineCheckpointer | undefined;
  private readonly waiting: Array<{
    resolve: (outcome: CheckpointOutcome) => void;
    reject: (error: unknown) => void;
  }> = [];

  constructor(private readonly file: string) {}

  run(): Promise<CheckpointOutcome> {
    if (this.fallback) return this.fallback.run();
    const worker = this.worker ?? this.start();
    // Kept alive by the process only while it has an answer to give: an idle thread must not hold the process open.
    worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      worker.postMessage('checkpoint');
    });
  }

  private start(): Worker {
    // No execArgv: the thread runs plain JavaScript and needs none of the main thread's loaders.
    const worker = new Worker(new URL('./sqlite-checkpointer.mjs', import.meta.url), {
      workerData: { file: this.file },
      execArgv: [],
    });
    worker.on('message', (message: CheckpointOutcome | { error: { code?: string; message: string } }) => {
      this.answered++;
      const waiter = this.waiting.shift();
      if (this.waiting.length === 0) worker.unref();
      if (!waiter) return;
      if ('error' in message) {
        waiter.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      } else {
        waiter.resolve(message);
      }
    });
    const gone = (error: unknown) => {
      if (this.worker === worker) this.worker = undefined;
      if (this.answered === 0 && !this.fallback) this.fallback = new InlineCheckpointer(this.file, 'FULL');
      for (const waiter of this.waiting.splice(0)) waiter.reject(error);
    };
    worker.on('error', gone);
    worker.on('exit', () => gone(new Error('the checkpointer thread ended')));
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    await this.fallback?.close();
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    // Closing its connection, not terminating the thread: a connection left open would hold its locks.
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.ref();
    worker.postMessage('close');
    await exited;
  }
}

/**
 * Checkpoints by a connection on this thread: for a scratch database (':memory:' stores), which syncs nothing, and
 * as the fallback of ThreadCheckpointer (which syncs as the thread's connection does).
 */
export class InlineCheckpointer implements Checkpointer {
  private readonly db: Database.Database;

  constructor(file: string, synchronous: 'OFF' | 'FULL' = 'OFF', open: Database.Options = {}) {
    this.db = new Database(file, { ...open, fileMustExist: true });
    this.db.pragma(`synchronous = ${synchronous}`);
  }

  async run(): Promise<CheckpointOutcome> {
    const [row] = this.db.pragma('wal_checkpoint(PASSIVE)') as CheckpointOutcome[];
    return { log: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0 };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

export interface WalKeeperOptions {
  /** A WAL of this many frames (pages) starts over once it is wholly copied into the database. */
  restartFrames: number;
  /** At most one background checkpoint, and one attempt to start the WAL over, per this many ms. */
  intervalMs: number;
}

/**
 * When to copy the WAL into the database file, and when the WAL should start over. SQLite starts a WAL over (writes
 * from its beginning again) only at a write that begins when the whole WAL is in the database file and no reader
 * still uses it; with the checkpoints on another thread, running while batches commit, that moment does not come by
 * itself under a steady stream of writes, so the store makes it: when the WAL has grown past `restartFrames`, the
 * next batch waits for `copyAll`. Reads never wait for any of it.
 */
export class WalKeeper {
  private running: Promise<CheckpointOutcome | undefined> | undefined;
  private lastCheckpointAt = performance.now();
  private restartTriedAt = Number.NEGATIVE_INFINITY;
  /** Frames in the WAL as the last checkpoint found them. */
  private frames = 0;
  readonly stats = { checkpoints: 0, restarts: 0 };

  constructor(
    private readonly checkpointer: Checkpointer,
    private readonly options: WalKeeperOptions,
  ) {}

  /** A batch became durable: copies what the WAL holds into the database in the background, now and then. */
  committed(): void {
    if (this.running || performance.now() - this.lastCheckpointAt < this.options.intervalMs) return;
    void this.checkpoint();
  }

  /** Whether the next batch should first let the WAL start over. */
  restartDue(): boolean {
    return (
      this.frames >= this.options.restartFrames &&
      performance.now() - this.restartTriedAt >= this.options.intervalMs
    );
  }

  /**
   * Copies the whole WAL into the database file; the caller has made sure every batch is durable and no reader
   * holds a snapshot. Resolves whether all of it was copied (then the next write starts the WAL over).
   */
  async copyAll(): Promise<boolean> {
    this.restartTriedAt = performance.now();
    await this.running;
    const outcome = await this.checkpoint();
    const whole = outcome !== undefined && outcome.checkpointed === outcome.log;
    if (whole) {
      this.frames = 0;
      this.stats.restarts++;
    }
    return whole;
  }

  private checkpoint(): Promise<CheckpointOutcome | undefined> {
    this.lastCheckpointAt = performance.now();
    const run: Promise<CheckpointOutcome | undefined> = this.checkpointer.run().then(
      (outcome) => {
        this.frames = outcome.log;
        this.stats.checkpoints++;
        return outcome;
      },
      // A checkpoint that fails (a full disk) leaves the WAL as it was; the next one tries again.
      () => undefined,
    );
    this.running = run;
    void run.then(() => {
      if (this.running === run) this.running = undefined;
    });
    return run;
  }

  async close(): Promise<void> {
    await this.running;
    await this.checkpointer.close();
  }
}
