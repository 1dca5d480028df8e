// Time as the SDK's waits see it: retry sleeps, waiter polls and deadlines all go through one Clock, so a test
// (or an embedder with its own scheduler) can run them on virtual time instead of real timers.
import { abortError } from './errors.ts';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects as soon as `signal` fires (the SDK reports that as an abort). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A signal that fires after `ms`, with a `TimeoutError` reason, as `AbortSignal.timeout` does. */
  timeout(ms: number): AbortSignal;
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Real time: `Date.now`, `setTimeout` and `AbortSignal.timeout`. The default of every client and waiter. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: realSleep,
  timeout: (ms) => AbortSignal.timeout(ms),
};

/**
 * Sleeps on `clock`; a rejection (whatever the clock rejected with) becomes the SDK's `abort` error when the
 * signal fired, so callers branch on one error kind whichever clock is in use.
 */
export async function sleepOn(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await clock.sleep(ms, signal);
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    throw error;
  }
}
