// Whether the store can serve right now, as the store itself last found out. Each store classifies its driver's
// failures (a refused or lost PostgreSQL connection, a full disk under SQLite) into an outage reason, and
// reports every operation's outcome here. The server turns an outage into a retryable 503 for the request, one
// log line when it begins and one when it ends, and a readiness answer (docs/server.md, "When things fail").
import { ServiceError } from '../errors.ts';

/**
 * Why the store cannot serve: `unreachable` — the database cannot be reached or the connection broke;
 * `full` — no space to write (reads still work); `io` — the storage refuses writes for another reason
 * (an I/O error, a file system that became read-only).
 */
export type OutageReason = 'unreachable' | 'full' | 'io';

export type StoreStatus =
  | { available: true }
  | {
      available: false;
      reason: OutageReason;
      /** Epoch ms when the outage was first seen. */
      since: number;
      /** The driver's own words for the first failure (for the operator's log, never for clients). */
      cause: string;
    };

export type StoreHealthEvent =
  | { type: 'down'; reason: OutageReason; cause: string }
  | { type: 'up'; reason: OutageReason; downMs: number; refused: number };

export interface StoreHealth {
  /** `SQLite` or `PostgreSQL`, for messages. */
  readonly storeName: string;
  /** What the store last found out; costs nothing. */
  status(): StoreStatus;
  /**
   * Asks the store now (readiness probes): a query, or, while the disk is full, a write that changes nothing,
   * since only a write tells whether there is room again (under SQLite only once the disk has room to spare).
   */
  check(): Promise<StoreStatus>;
  /** A request was answered 503 because of the outage (the recovery line reports how many were). */
  refused(): void;
  /** Called when an outage begins and when it ends. */
  onChange(listener: (event: StoreHealthEvent) => void): () => void;
}

/** Seconds a client is asked to wait: a restarting database is back in seconds; a full disk needs a person. */
export const RETRY_AFTER_SECONDS: Record<OutageReason, number> = { unreachable: 1, full: 5, io: 5 };

/** The state in a few words, for readiness answers: `The state store (PostgreSQL) is unreachable.` */
export function describeOutage(reason: OutageReason, storeName: string): string {
  switch (reason) {
    case 'unreachable':
      return `The state store (${storeName}) is unreachable.`;
    case 'full':
      return `The disk under the state store (${storeName}) is full: changes are refused, reads are served.`;
    case 'io':
      return `The state store (${storeName}) cannot write to its storage (an I/O error or a read-only file system): changes are refused.`;
  }
}

function outageMessage(reason: OutageReason, storeName: string): string {
  switch (reason) {
    case 'unreachable':
      return `The state store (${storeName}) is unreachable, so this request could not be completed. Retry shortly; a write retried with the same clientToken is applied at most once.`;
    case 'full':
      return `The disk under the state store (${storeName}) is full, so no change can be saved; reads still work. Retry once space is freed.`;
    case 'io':
      return `The state store (${storeName}) cannot write to its storage (an I/O error or a read-only file system), so no change can be saved. Retry later.`;
  }
}

/**
 * The store could not serve the request: a BCE `ServiceUnavailable` (503) with a Retry-After, whose message
 * says what is wrong without naming hosts, paths or credentials.
 */
export class StoreUnavailableError extends ServiceError {
  readonly reason: OutageReason;

  constructor(reason: OutageReason, storeName: string, cause?: unknown) {
    super('ServiceUnavailable', outageMessage(reason, storeName), 503);
    this.name = 'StoreUnavailableError';
    this.reason = reason;
    this.retryAfterSeconds = RETRY_AFTER_SECONDS[reason];
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * A store operation's place in the history of outages: an operation that began before the latest change of state
 * reports on a world that is gone, so its outcome does not change the state (an answer that was in flight when
 * the database went away does not end the outage it predates).
 */
export type Ticket = number;

interface Outage {
  reason: OutageReason;
  since: number;
  cause: string;
  refused: number;
}

/** The state machine behind StoreHealth, fed by a store with the outcome of each operation. */
export class StoreAvailability implements StoreHealth {
  private outage: Outage | undefined;
  private generation = 0;
  private readonly listeners = new Set<(event: StoreHealthEvent) => void>();

  constructor(
    /** 'SQLite' or 'PostgreSQL', for the messages. */
    readonly storeName: string,
    private readonly probe: (status: StoreStatus) => Promise<void>,
    private readonly now: () => number = Date.now,
    /**
     * Whether a success may end an outage of this reason now. A small write can fit into the last few kilobytes
     * of a full disk where the next real one does not, so the SQLite store asks the disk for room to spare
     * before a write ends a full-disk outage; otherwise the outage would end and begin again with every write.
     */
    private readonly mayEnd: (reason: OutageReason) => boolean = () => true,
  ) {}

  /** Taken when an operation starts; handed back with its outcome. */
  ticket(): Ticket {
    return this.generation;
  }

  /**
   * An operation succeeded. It ends an outage it did not predate — a write always, a read unless the outage
   * is a full or unwritable disk, which reads do not disprove — once the store agrees that it may (mayEnd).
   */
  succeeded(ticket: Ticket, kind: 'read' | 'write'): void {
    const outage = this.outage;
    if (!outage || ticket !== this.generation) return;
    if (kind === 'read' && outage.reason !== 'unreachable') return;
    if (!this.mayEnd(outage.reason)) return;
    this.outage = undefined;
    this.generation++;
    this.emit({
      type: 'up',
      reason: outage.reason,
      downMs: this.now() - outage.since,
      refused: outage.refused,
    });
  }

  /** An operation failed because of an outage: begins one, unless one is on or the operation predates the last recovery. */
  failed(ticket: Ticket, error: StoreUnavailableError): StoreUnavailableError {
    if (this.outage || ticket !== this.generation) return error;
    const cause = describeCause(error.cause);
    this.outage = { reason: error.reason, since: this.now(), cause, refused: 0 };
    this.generation++;
    this.emit({ type: 'down', reason: error.reason, cause });
    return error;
  }

  status(): StoreStatus {
    const outage = this.outage;
    if (!outage) return { available: true };
    return { available: false, reason: outage.reason, since: outage.since, cause: outage.cause };
  }

  async check(): Promise<StoreStatus> {
    try {
      await this.probe(this.status());
    } catch {
      // The failure, if it was an outage, is already recorded; the status says the rest.
    }
    return this.status();
  }

  refused(): void {
    if (this.outage) this.outage.refused++;
  }

  onChange(listener: (event: StoreHealthEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: StoreHealthEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener (the log) must never turn a store outcome into a failure.
      }
    }
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code)
      ? `${code}: ${cause.message}`
      : cause.message;
  }
  return cause === undefined ? 'unknown' : String(cause);
}
