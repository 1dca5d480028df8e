// Where the server's log lines go (stderr): a destination that never blocks the server, never throws into it and
// never grows without bound. Lines are queued in memory up to a byte limit and written by one asynchronous
// write at a time (libuv's thread pool), so a request never waits for the log. When the destination fails — a
// full disk, a pipe whose reader is slow or gone, a closed descriptor — the server keeps answering: what is
// queued stays queued and is tried again, lines that do not fit are dropped and counted, and once a write
// succeeds again the owner hears how many were lost (logging.ts logs a line saying so).
//
// Why not pino's own destination (SonicBoom on fd 2): a write failing with ENOSPC makes it emit 'error', which
// pino re-throws; the process then leaves through pino's exit hook, whose synchronous flush retries the failing
// write every 100 ms for as long as the disk stays full. The process keeps its listening socket but never runs
// a request again, and exits only once space is back. Its queue is also unbounded by default.
import { write as writeFd } from 'node:fs';

export interface DropReport {
  /** Lines dropped since the last report. */
  lines: number;
  bytes: number;
  /** Epoch ms of the first of them. */
  since: number;
  /** The error the destination last failed with (`ENOSPC: no space left on device`), if it failed. */
  error: string | undefined;
}

export interface LogSinkOptions {
  /** The file descriptor to write to (2: stderr). */
  fd: number;
  /** Bytes queued at most (the write in flight included); a line that does not fit is dropped. Default 1 MiB. */
  maxQueuedBytes?: number;
  /** Called after a successful write when lines were dropped before it. */
  onDropped?: (report: DropReport) => void;
  now?: () => number;
}

const DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;
/** The most one write takes from the queue. */
const MAX_WRITE_BYTES = 64 * 1024;
/** A destination that is full for now (a pipe whose reader lags) is asked again soon; a failing one once a second. */
const BUSY_RETRY_MS = 50;
const FAILED_RETRY_MS = 1000;

export class LogSink {
  private readonly fd: number;
  private readonly maxQueuedBytes: number;
  private readonly onDropped: ((report: DropReport) => void) | undefined;
  private readonly now: () => number;
  private lines: string[] = [];
  /** The bytes being written, or waiting to be written again after a failure or a partial write. */
  private chunk: Buffer | undefined;
  private queuedBytes = 0;
  private writing = false;
  private retry: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private dropped: DropReport | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(options: LogSinkOptions) {
    this.fd = options.fd;
    this.maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.onDropped = options.onDropped;
    this.now = options.now ?? Date.now;
  }

  write(line: string): void {
    const bytes = Buffer.byteLength(line);
    if (this.queuedBytes + bytes > this.maxQueuedBytes) {
      this.dropped ??= { lines: 0, bytes: 0, since: this.now(), error: undefined };
      this.dropped.lines++;
      this.dropped.bytes += bytes;
      return;
    }
    this.lines.push(line);
    this.queuedBytes += bytes;
    this.pump();
  }

  /** Bytes waiting to be written. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /**
   * Resolves once everything queued is written, or after `deadlineMs` (whatever is left then is lost): a
   * destination that does not take the last lines must not hold up a shutdown.
   */
  drain(deadlineMs: number): Promise<void> {
    if (this.queuedBytes === 0 && !this.writing) return Promise.resolve();
    if (this.retry) {
      clearTimeout(this.retry);
      this.retry = undefined;
      this.pump();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, deadlineMs);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.push(done);
    });
  }

  private pump(): void {
    if (this.writing || this.retry) return;
    if (!this.chunk) {
      if (this.lines.length === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const waiter of waiters) waiter();
        return;
      }
      let take = 0;
      let size = 0;
      while (take < this.lines.length && (take === 0 || size < MAX_WRITE_BYTES)) {
        size += (this.lines[take] as string).length;
        take++;
      }
      this.chunk = Buffer.from(this.lines.splice(0, take).join(''));
    }
    this.writing = true;
    const chunk = this.chunk;
    writeFd(this.fd, chunk, 0, chunk.length, null, (error, written) => {
      this.writing = false;
      if (error) {
        this.failed(error);
        return;
      }
      this.queuedBytes -= written;
      this.chunk = written < chunk.length ? chunk.subarray(written) : undefined;
      this.lastError = undefined;
      const dropped = this.dropped;
      if (dropped && this.onDropped) {
        this.dropped = undefined;
        try {
          this.onDropped(dropped);
        } catch {
          // Reporting the loss must not become another failure.
        }
      }
      this.pump();
    });
  }

  private failed(error: NodeJS.ErrnoException): void {
    const busy = error.code === 'EAGAIN' || error.code === 'EWOULDBLOCK';
    this.lastError = error.code ? `${error.code}: ${error.message.replace(/^\w+: /, '')}` : error.message;
    if (this.dropped) this.dropped.error = this.lastError;
    else if (!busy) this.dropped = { lines: 0, bytes: 0, since: this.now(), error: this.lastError };
    this.retry = setTimeout(
      () => {
        this.retry = undefined;
        this.pump();
      },
      busy ? BUSY_RETRY_MS : FAILED_RETRY_MS,
    );
    this.retry.unref();
  }
}
