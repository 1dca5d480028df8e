// Which failures are worth another attempt, how long to wait, and a per-client budget so that a sustained
// outage stops producing retries instead of multiplying load (AWS "standard" retry mode numbers).
import { abortError, BceClientError, BceServiceError } from './errors.ts';

// Defined beside the other errors; re-exported because `@peerconn/sdk/retry` offered it (seams change only additively).
export { abortError };

export interface RetryOptions {
  /** Base of the exponential backoff; default 100 ms. */
  baseDelayMs?: number;
  /** Base used after a 429 (throttling); default 500 ms. */
  throttlingBaseDelayMs?: number;
  /** Cap of any single backoff and of an honoured Retry-After; default 20 s. */
  maxDelayMs?: number;
  /** Uniform random source in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
  /** Retry budget size; default 500 tokens. */
  budgetTokens?: number;
}

export const RETRY_DEFAULTS = {
  maxRetries: 3,
  baseDelayMs: 100,
  throttlingBaseDelayMs: 500,
  maxDelayMs: 20_000,
  budgetTokens: 500,
  retryCost: 5,
  timeoutCost: 10,
  successRefund: 1,
} as const;

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

export type RetryClass = 'none' | 'transient' | 'throttling' | 'timeout';

/** Classifies an attempt's failure; anything but `none` may be retried. */
export function classifyError(error: unknown): RetryClass {
  if (error instanceof BceServiceError) {
    if (error.statusCode === 429) return 'throttling';
    if (RETRYABLE_STATUSES.has(error.statusCode)) return 'transient';
    // A stale signature: the next attempt is re-signed with a fresh timestamp, so it can succeed.
    if (error.code === 'RequestExpired') return 'transient';
    return 'none';
  }
  if (error instanceof BceClientError) {
    if (error.kind === 'network') return 'transient';
    if (error.kind === 'timeout') return 'timeout';
  }
  return 'none';
}

export function isRetryableError(error: unknown): boolean {
  return classifyError(error) !== 'none';
}

/** Full jitter: uniform in [0, min(cap, base · 2^retryIndex)). retryIndex counts from 0. */
export function backoffDelayMs(retryIndex: number, throttled: boolean, options: RetryOptions = {}): number {
  const base = throttled
    ? (options.throttlingBaseDelayMs ?? RETRY_DEFAULTS.throttlingBaseDelayMs)
    : (options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs);
  const cap = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const ceiling = Math.min(cap, base * 2 ** Math.min(retryIndex, 30));
  const random = options.random ?? Math.random;
  return Math.floor(random() * ceiling);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. Undefined when absent or unparseable. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Token bucket shared by all calls of one client. */
export class RetryBudget {
  readonly capacity: number;
  private tokens: number;

  constructor(capacity: number = RETRY_DEFAULTS.budgetTokens) {
    this.capacity = capacity;
    this.tokens = capacity;
  }

  get available(): number {
    return this.tokens;
  }

  /** Takes the cost of one retry; false (and nothing taken) when the budget cannot pay for it. */
  tryAcquire(kind: RetryClass): number | undefined {
    const cost = kind === 'timeout' ? RETRY_DEFAULTS.timeoutCost : RETRY_DEFAULTS.retryCost;
    if (this.tokens < cost) return undefined;
    this.tokens -= cost;
    return cost;
  }

  /** A success gives back what its last retry cost, or a small refund when it needed no retry. */
  onSuccess(lastRetryCost: number | undefined): void {
    this.tokens = Math.min(this.capacity, this.tokens + (lastRetryCost ?? RETRY_DEFAULTS.successRefund));
  }
}

/** Resolves after `ms`, or rejects with an `abort` BceClientError as soon as the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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
