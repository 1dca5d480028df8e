// Which failures are worth another attempt, how long to wait, and a per-client budget so that a sustained
// outage stops producing retries instead of multiplying load (AWS "standard" retry mode numbers). The client
// asks one RetryStrategy object, shaped like smithy's: a token per call, a decision per failure, a success.
import { BceClientError, BceServiceError } from './errors.ts';
import type { RetryRefusal } from './models.ts';

export interface RetryOptions {
  /** Base of the exponential backoff; default 100 ms. */
  baseDelayMs?: number;
  /** Base used after a 429 (throttling); default 500 ms. */
  throttlingBaseDelayMs?: number;
  /** Cap of any single delay, a Retry-After included; default 20 s. */
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

/**
 * The wait before retry number `retryIndex + 1`: the backoff, raised to the server's Retry-After when it asks
 * for longer, never above maxDelayMs. Retry-After is a floor, not a replacement: `Retry-After: 0` from an
 * overloaded service still gets the backoff, not an immediate retry.
 */
export function retryDelayMs(
  retryIndex: number,
  throttled: boolean,
  retryAfterMs: number | undefined,
  options: RetryOptions = {},
): number {
  const backoff = backoffDelayMs(retryIndex, throttled, options);
  if (retryAfterMs === undefined || retryAfterMs <= backoff) return backoff;
  return Math.min(retryAfterMs, options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs);
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

  /** Takes the cost of one retry and returns it; undefined (and nothing taken) when the budget cannot pay. */
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

/** One call's retry state, handed back and forth between the client and its strategy. */
export interface RetryToken {
  /** Attempts made with this token, the one in flight included (1 for the first). */
  readonly attempts: number;
  /** What the latest retry took from the budget (given back when the call succeeds). */
  readonly retryCost: number | undefined;
}

export interface RetryFailure {
  /** What the attempt failed with: a BceServiceError, or a BceClientError (network, timeout, parse, …). */
  error: unknown;
  /** The response's Retry-After in milliseconds, if it had a usable one. */
  retryAfterMs?: number;
}

export type RetryDecision =
  | { retry: true; token: RetryToken; delayMs: number }
  | { retry: false; reason: RetryRefusal };

/** Decides, per client, whether and when a failed attempt is tried again. */
export interface RetryStrategy {
  /** The token of a new call, before its first attempt. */
  acquireInitialRetryToken(): RetryToken;
  /** After a failed attempt: a token and a delay for the next one, or the named reason there is none. */
  refreshRetryTokenForRetry(token: RetryToken, failure: RetryFailure): RetryDecision;
  /** After the attempt that succeeded. */
  recordSuccess(token: RetryToken): void;
}

/**
 * Up to `maxRetries` retries of retryable failures (classifyError), each paid from a budget shared by all
 * calls of the client, after a full-jitter backoff with the server's Retry-After as a floor.
 */
export class StandardRetryStrategy implements RetryStrategy {
  readonly maxRetries: number;
  readonly budget: RetryBudget;
  private readonly options: RetryOptions;

  constructor(maxRetries: number = RETRY_DEFAULTS.maxRetries, options: RetryOptions = {}) {
    this.maxRetries = Math.max(0, maxRetries);
    this.options = options;
    this.budget = new RetryBudget(options.budgetTokens);
  }

  acquireInitialRetryToken(): RetryToken {
    return { attempts: 1, retryCost: undefined };
  }

  refreshRetryTokenForRetry(token: RetryToken, failure: RetryFailure): RetryDecision {
    const kind = classifyError(failure.error);
    if (kind === 'none') return { retry: false, reason: 'not-retryable' };
    if (token.attempts > this.maxRetries) return { retry: false, reason: 'max-attempts-reached' };
    const retryCost = this.budget.tryAcquire(kind);
    if (retryCost === undefined) return { retry: false, reason: 'retry-budget-exhausted' };
    const delayMs = retryDelayMs(
      token.attempts - 1,
      kind === 'throttling',
      failure.retryAfterMs,
      this.options,
    );
    return { retry: true, token: { attempts: token.attempts + 1, retryCost }, delayMs };
  }

  recordSuccess(token: RetryToken): void {
    this.budget.onSuccess(token.retryCost);
  }
}
