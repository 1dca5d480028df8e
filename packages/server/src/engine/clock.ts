// The virtual clock: real time plus a persisted offset, optionally frozen. Rules never read it; the engine
// reads it once per request and hands the instant down.
import { ServiceError } from '../errors.ts';
import type { ClockChange, ClockState } from './api.ts';

export interface ClockData {
  offsetMs: number;
  /** Virtual instant the clock stands still at, or null when it runs. */
  frozenAt: number | null;
}

export class VirtualClock {
  constructor(
    private readonly realNow: () => number,
    private data: ClockData = { offsetMs: 0, frozenAt: null },
  ) {}

  now(): number {
    return this.data.frozenAt ?? this.realNow() + this.data.offsetMs;
  }

  get frozen(): boolean {
    return this.data.frozenAt !== null;
  }

  snapshot(): ClockData {
    return { ...this.data };
  }

  restore(data: ClockData): void {
    this.data = { ...data };
  }

  /** Whether the clock is real time: no offset, not frozen. */
  get realTime(): boolean {
    return this.data.frozenAt === null && this.data.offsetMs === 0;
  }

  state(): ClockState {
    const real = this.realNow();
    const { frozenAt, offsetMs } = this.data;
    // One reading of real time: a running clock's offset is the stored one, not a difference of two readings.
    const now = frozenAt ?? real + offsetMs;
    return {
      now: new Date(now).toISOString(),
      offsetMs: frozenAt === null ? offsetMs : frozenAt - real,
      frozen: frozenAt !== null,
      realTime: this.realTime,
    };
  }

  /** Computes the clock after a change without applying it, so the caller can persist first. */
  changed(change: ClockChange): ClockData {
    if (change.realTime) {
      if (change.set !== undefined || change.advanceMs !== undefined || change.freeze !== undefined) {
        throw new ServiceError(
          'InappropriateJSON',
          'Field "realTime" cannot be combined with "set", "advance", "advanceMs" or "freeze": it means real time, running.',
        );
      }
      return { offsetMs: 0, frozenAt: null };
    }
    let now = this.now();
    if (change.set === 'now') {
      now = this.realNow();
    } else if (change.set !== undefined) {
      const parsed = Date.parse(change.set);
      if (Number.isNaN(parsed)) {
        throw new ServiceError(
          'InappropriateJSON',
          `Field "set" is invalid: "${change.set}" is not an ISO 8601 instant.`,
        );
      }
      now = parsed;
    }
    if (change.advanceMs !== undefined) {
      if (!Number.isFinite(change.advanceMs) || change.advanceMs < 0) {
        throw new ServiceError(
          'InappropriateJSON',
          'Field "advanceMs" is invalid: must be a non-negative number of ms; use "set" to go back in time.',
        );
      }
      now += change.advanceMs;
    }
    const frozen = change.freeze ?? this.frozen;
    return frozen
      ? { offsetMs: now - this.realNow(), frozenAt: now }
      : { offsetMs: now - this.realNow(), frozenAt: null };
  }
}

/** The clock as persisted (in the database or a snapshot's meta); undefined when absent or unreadable. */
export function parseClockData(raw: string | undefined): ClockData | undefined {
  if (!raw) return undefined;
  let data: Partial<ClockData> | null;
  try {
    data = JSON.parse(raw) as Partial<ClockData> | null;
  } catch {
    return undefined;
  }
  if (typeof data?.offsetMs !== 'number' || !Number.isFinite(data.offsetMs)) return undefined;
  return {
    offsetMs: data.offsetMs,
    frozenAt: typeof data.frozenAt === 'number' && Number.isFinite(data.frozenAt) ? data.frozenAt : null,
  };
}
