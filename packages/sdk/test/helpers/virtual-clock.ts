// A Clock on virtual time, so tests of retries and waiters assert exactly which waits happened and how long
// they were, instead of measuring real time. Sleeping moves time on by itself (unless `manual`): time jumps to
// the earliest pending wake-up, which may be a deadline (`timeout`) firing before the sleep ends.
import type { Clock } from '../../src/index.ts';

interface Pending {
  kind: 'sleep' | 'deadline';
  at: number;
  /** Wakes it: resolves a sleep, fires a deadline. */
  fire: () => void;
}

export class VirtualClock implements Clock {
  private current: number;
  private readonly pending = new Set<Pending>();
  private sleepListeners: Array<() => void> = [];
  /** Every sleep asked for, in ms, in order (aborted ones included). */
  readonly sleeps: number[] = [];

  /** `manual`: sleeps wait for advance() instead of moving time on themselves. */
  constructor(private readonly options: { manual?: boolean; start?: number } = {}) {
    this.current = options.start ?? Date.parse('2026-01-01T00:00:00Z');
  }

  now(): number {
    return this.current;
  }

  /** Virtual milliseconds since the clock was made. */
  elapsed(): number {
    return this.current - (this.options.start ?? Date.parse('2026-01-01T00:00:00Z'));
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const entry: Pending = {
        kind: 'sleep',
        at: this.current + ms,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.pending.delete(entry);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.add(entry);
      for (const listener of this.sleepListeners.splice(0)) listener();
      if (!this.options.manual) this.runUntilSettled(entry);
    });
  }

  timeout(ms: number): AbortSignal {
    const controller = new AbortController();
    this.pending.add({
      kind: 'deadline',
      at: this.current + ms,
      fire: () => controller.abort(new DOMException('The virtual deadline passed', 'TimeoutError')),
    });
    return controller.signal;
  }

  /** Moves time on by `ms`, waking everything due on the way, in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (let next = this.earliest(); next && next.at <= target; next = this.earliest()) this.wake(next);
    this.current = target;
  }

  /** Resolves once some code sleeps (at once if a sleep is pending): for `manual` tests. */
  sleeping(): Promise<void> {
    return new Promise((resolve) => {
      if ([...this.pending].some((p) => p.kind === 'sleep')) resolve();
      else this.sleepListeners.push(resolve);
    });
  }

  private earliest(): Pending | undefined {
    let found: Pending | undefined;
    for (const entry of this.pending) if (!found || entry.at < found.at) found = entry;
    return found;
  }

  private wake(entry: Pending): void {
    this.pending.delete(entry);
    this.current = Math.max(this.current, entry.at);
    entry.fire();
  }

  /** Wakes whatever is due first, repeatedly, until `entry` (a sleep) has been woken or dropped by an abort. */
  private runUntilSettled(entry: Pending): void {
    while (this.pending.has(entry)) {
      const next = this.earliest();
      if (!next) return;
      this.wake(next);
    }
  }
}
