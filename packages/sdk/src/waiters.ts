// Waiters, generic over operations as smithy's createWaiter is: one poll-and-decide loop (runWaiter), and per
// waiter a row of data, the read operation it polls and its acceptors. A resource gets a waiter by a new row
// (createWaiter); the peering rows hold the states the Terraform provider waits on (docs/sdk.md, "Waiters").
import { type Clock, sleepOn, systemClock } from './clock.ts';
import { BceClientError, isNotFoundError } from './errors.ts';
import type { CallOptions, PeerConn, PeerConnStatus } from './models.ts';
import type { OperationInput, OperationMethods, OperationOutput } from './operation-types.ts';
import { OPERATIONS, type OperationName, pathParams } from './operations.ts';
import { isRetryableError } from './retry.ts';

/** What an acceptor decides when it matches: the wait succeeded, cannot succeed any more, or goes on. */
export type AcceptorState = 'success' | 'failure' | 'retry';

/** A field of the output, or a field of an object field (`vpc.relay` in getVpc's `{ vpc }`). */
export type FieldPath<Output> = {
  [K in keyof Output & string]: NonNullable<Output[K]> extends readonly unknown[]
    ? K
    : NonNullable<Output[K]> extends object
      ? K | `${K}.${keyof NonNullable<Output[K]> & string}`
      : K;
}[keyof Output & string];

/** The type of the value at a field path. */
export type FieldValue<Output, Path extends string> = Path extends `${infer K}.${infer Rest}`
  ? K extends keyof Output
    ? FieldValue<NonNullable<Output[K]>, Rest>
    : never
  : Path extends keyof Output
    ? Output[Path]
    : never;

/** A field of the polled output matched against values: `{ field: 'status', in: ['active'] }`. */
export type FieldMatcher<Output> = {
  [P in FieldPath<Output>]: { field: P; in: readonly Exclude<FieldValue<Output, P>, undefined>[] };
}[FieldPath<Output>];

/**
 * One rule of a waiter. Each poll's outcome is tried against the acceptors in order and the first that matches
 * decides: a field of the output having one of the values, the resource not being found (404, `NoSuchObject`,
 * or an empty 2xx body, Terraform's "EOF"), or `otherwise`, any output no earlier acceptor matched. An output
 * no acceptor matches means retry; an error none matches means retry when it is transient (5xx, 429, network,
 * timeout) and failure otherwise.
 */
export type Acceptor<Output> = { state: AcceptorState } & (
  | FieldMatcher<Output>
  | { notFound: true }
  | { otherwise: true }
);

/** The polled operation's output without `$metadata`: what a waiter looks at and returns. */
export type WaiterOutput<N extends OperationName> = Omit<OperationOutput<N>, '$metadata'>;

/** A waiter as data: the read operation it polls, what it waits for, and its acceptors. */
export interface WaiterDefinition<N extends OperationName> {
  operation: N;
  /** What the wait is for, in words, for messages: `status active`. */
  goal: string;
  acceptors: readonly Acceptor<WaiterOutput<N>>[];
}

/** How long and how often to poll, with which client. Times are in seconds. */
export interface WaiterOptions<Client> {
  client: Client;
  /** Upper bound of the whole wait, the request in flight included. */
  maxWaitTime: number;
  /** Shortest delay between polls; default 2. */
  minDelay?: number;
  /** Longest delay between polls; default 120. */
  maxDelay?: number;
  abortSignal?: AbortSignal;
  /** Uniform random source in [0, 1) for the jitter; injectable for tests. */
  random?: () => number;
  /** What the polls wait on; real time by default (tests pass a virtual clock). */
  clock?: Clock;
}

/** The polled operation's input: its own fields, without the call options (the waiter sets those). */
export type WaiterTarget<N extends OperationName> = Omit<
  OperationInput<N>,
  keyof CallOptions | 'clientToken'
>;

export interface WaiterResult<Result = PeerConn> {
  state: 'SUCCESS';
  /** The last output read; absent when success was a not-found (deleted). */
  result?: Result;
  attempts: number;
}

export type WaiterFailureState = 'FAILURE' | 'TIMEOUT' | 'ABORTED';

export class WaiterError<Result = PeerConn> extends Error {
  override readonly name = 'WaiterError';
  readonly state: WaiterFailureState;
  readonly lastResult: Result | undefined;
  readonly lastError: unknown;
  readonly attempts: number;

  constructor(
    state: WaiterFailureState,
    message: string,
    details: { lastResult?: Result; lastError?: unknown; attempts: number },
  ) {
    super(message, details.lastError === undefined ? undefined : { cause: details.lastError });
    this.state = state;
    this.lastResult = details.lastResult;
    this.lastError = details.lastError;
    this.attempts = details.attempts;
  }
}

/** A waiter made by createWaiter: polls `operation` through `config.client` until an acceptor decides. */
export type Waiter<N extends OperationName> = (
  config: WaiterOptions<Pick<OperationMethods, N>>,
  input: WaiterTarget<N>,
) => Promise<WaiterResult<WaiterOutput<N>>>;

/** An empty 2xx body where a resource was expected: what Terraform calls "EOF" and treats as gone. */
function isEmptyBodyNotFound(error: unknown): boolean {
  return (
    error instanceof BceClientError &&
    error.kind === 'parse' &&
    error.statusCode !== undefined &&
    error.statusCode >= 200 &&
    error.statusCode < 300 &&
    (error.responseBody ?? '').trim() === ''
  );
}

type Verdict = 'SUCCESS' | 'FAILURE' | 'RETRY';
const VERDICT: Readonly<Record<AcceptorState, Verdict>> = {
  success: 'SUCCESS',
  failure: 'FAILURE',
  retry: 'RETRY',
};

function onOutput<O>(acceptors: readonly Acceptor<O>[], output: O): Verdict {
  for (const acceptor of acceptors) {
    if ('otherwise' in acceptor) return VERDICT[acceptor.state];
    if (
      'field' in acceptor &&
      (acceptor.in as readonly unknown[]).includes(valueAt(output, acceptor.field))
    ) {
      return VERDICT[acceptor.state];
    }
  }
  return 'RETRY';
}

function valueAt(output: unknown, path: string): unknown {
  let value = output;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function onNotFound<O>(acceptors: readonly Acceptor<O>[]): Verdict | undefined {
  const acceptor = acceptors.find((a) => 'notFound' in a);
  return acceptor ? VERDICT[acceptor.state] : undefined;
}

/** The fields the acceptors look at, as the message shows them: `status creating, dnsStatus close`. */
function describer<O>(acceptors: readonly Acceptor<O>[]): (output: O) => string {
  const fields = [...new Set(acceptors.flatMap((a) => ('field' in a ? [a.field as string] : [])))];
  if (fields.length === 0) return (output) => JSON.stringify(output).slice(0, 120);
  return (output) => fields.map((field) => `${field} ${String(valueAt(output, field))}`).join(', ');
}

/** `p-1 (initiator)`: the path parameters, then any other field of the input, for messages. */
function targetOf(operation: OperationName, input: Record<string, unknown>): string {
  const params = pathParams(OPERATIONS[operation]);
  const named = params.map((p) => String(input[p]));
  const others = Object.entries(input)
    .filter(([key, value]) => !params.includes(key) && value !== undefined)
    .map(([, value]) => (typeof value === 'object' ? JSON.stringify(value) : String(value)));
  const head = named.length > 0 ? named.join('/') : operation;
  return others.length > 0 ? `${head} (${others.join(', ')})` : head;
}

function delaySeconds(attempt: number, minDelay: number, maxDelay: number, random: () => number): number {
  const ceiling = Math.min(maxDelay, minDelay * 2 ** Math.min(attempt - 1, 30));
  return minDelay + random() * (ceiling - minDelay);
}

// The last poll starts at least this long before the deadline, or twice the slowest poll so far if that is
// longer, so that its answer can still arrive in time.
const FINAL_POLL_MIN_ALLOWANCE_MS = 100;

/** The one poll-and-decide loop every waiter runs. */
async function runWaiter<N extends OperationName>(
  definition: WaiterDefinition<N>,
  config: WaiterOptions<Pick<OperationMethods, N>>,
  input: WaiterTarget<N>,
): Promise<WaiterResult<WaiterOutput<N>>> {
  type Output = WaiterOutput<N>;
  if (!(config.maxWaitTime > 0)) {
    throw new BceClientError(
      'config',
      `Expected maxWaitTime to be a positive number of seconds, got ${config.maxWaitTime}`,
    );
  }
  const { operation, acceptors, goal } = definition;
  const clock = config.clock ?? systemClock;
  const minDelay = config.minDelay ?? 2;
  const maxDelay = Math.max(minDelay, config.maxDelay ?? 120);
  const random = config.random ?? Math.random;
  const deadline = clock.now() + config.maxWaitTime * 1000;
  // The request in flight is bounded by the same deadline as the whole wait.
  const budgetSignal = clock.timeout(config.maxWaitTime * 1000);
  const signal = config.abortSignal ? AbortSignal.any([config.abortSignal, budgetSignal]) : budgetSignal;
  const fields = input as unknown as Record<string, unknown>;
  const target = targetOf(operation, fields);
  const describe = describer(acceptors);
  const poll = config.client[operation] as unknown as (
    input: Record<string, unknown>,
  ) => Promise<OperationOutput<N>>;

  let attempts = 0;
  let slowestPollMs = 0;
  let finalPollMade = false;
  let lastResult: Output | undefined;
  let lastError: unknown;
  const details = () => ({
    attempts,
    ...(lastResult ? { lastResult } : {}),
    ...(lastError !== undefined ? { lastError } : {}),
  });
  const fail = (state: WaiterFailureState, message: string) =>
    new WaiterError<Output>(state, message, details());
  const aborted = () => fail('ABORTED', `Waiting for ${target} to reach ${goal} was aborted`);
  const timedOut = () => {
    const seen = lastResult
      ? describe(lastResult)
      : lastError instanceof Error
        ? lastError.message
        : 'nothing';
    return fail(
      'TIMEOUT',
      `Expected ${target} to reach ${goal} within ${config.maxWaitTime} s; last seen: ${seen}`,
    );
  };

  for (;;) {
    if (config.abortSignal?.aborted) throw aborted();
    attempts += 1;
    const pollStarted = clock.now();
    try {
      const { $metadata: _metadata, ...output } = await poll.call(config.client, {
        ...fields,
        abortSignal: signal,
      });
      lastResult = output as Output;
      lastError = undefined;
      const verdict = onOutput(acceptors, lastResult);
      if (verdict === 'SUCCESS') return { state: 'SUCCESS', result: lastResult, attempts };
      if (verdict === 'FAILURE') {
        throw fail(
          'FAILURE',
          `Expected ${target} to reach ${goal}, but it is in ${describe(lastResult)}, which cannot lead there`,
        );
      }
    } catch (error) {
      if (error instanceof WaiterError) throw error;
      if (config.abortSignal?.aborted) throw aborted();
      if (budgetSignal.aborted) throw timedOut();
      lastError = error;
      const notFound =
        isNotFoundError(error) || isEmptyBodyNotFound(error) ? onNotFound(acceptors) : undefined;
      if (notFound === 'SUCCESS') return { state: 'SUCCESS', attempts };
      if (notFound === 'FAILURE') {
        throw fail('FAILURE', `Expected ${target} to reach ${goal}, but it no longer exists`);
      }
      if (notFound === undefined && !isRetryableError(error)) {
        throw fail(
          'FAILURE',
          `Waiting for ${target} stopped on an error that will not go away by itself: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    slowestPollMs = Math.max(slowestPollMs, clock.now() - pollStarted);
    let delayMs = delaySeconds(attempts, minDelay, maxDelay, random) * 1000;
    const remainingMs = deadline - clock.now();
    if (delayMs > remainingMs) {
      // The next regular poll would come too late: poll once more just before the deadline instead, so a state
      // reached in the last stretch of the wait is seen rather than reported as a timeout.
      if (finalPollMade || remainingMs <= 0) throw timedOut();
      finalPollMade = true;
      const allowanceMs = Math.max(FINAL_POLL_MIN_ALLOWANCE_MS, 2 * slowestPollMs);
      delayMs = Math.max(0, remainingMs - allowanceMs);
    }
    try {
      await sleepOn(clock, delayMs, config.abortSignal);
    } catch {
      throw aborted();
    }
  }
}

/**
 * A waiter from its row: `createWaiter({ operation, goal, acceptors })` gives a function that takes
 * `({ client, maxWaitTime, … }, input)`, where the client has the operation as a method (any client of its
 * service) and the input is the operation's own. Waiters poll reads: a mutating operation is refused.
 */
export function createWaiter<N extends OperationName>(definition: WaiterDefinition<N>): Waiter<N> {
  const spec = Object.hasOwn(OPERATIONS, definition.operation) ? OPERATIONS[definition.operation] : undefined;
  if (!spec || spec.mutating) {
    throw new BceClientError(
      'config',
      `Expected a waiter to poll a read operation of the table, got ${JSON.stringify(definition.operation)}`,
    );
  }
  return (config, input) => runWaiter(definition, config, input);
}

// ---- the rows ----

// States from which a connection never comes back to `active` without someone acting on it.
const GONE_OR_BROKEN: readonly PeerConnStatus[] = [
  'consult_failed',
  'expired',
  'error',
  'deleted',
  'deleting',
  'down',
  'stopping',
];

/**
 * The waiters of this SDK, one row each. The first four are the Terraform provider's waits on a peering
 * (`resource_baiducloud_peer_conn.go`: its pending and target sets); `peerConnConsulting` is ours, for the
 * acceptor waiting for a request to reach it.
 */
export const WAITERS = {
  peerConnActive: {
    operation: 'getPeerConn',
    goal: 'status active',
    acceptors: [
      { state: 'success', field: 'status', in: ['active'] },
      { state: 'failure', field: 'status', in: GONE_OR_BROKEN },
      { state: 'failure', notFound: true },
    ],
  },
  // Terraform's delete wait: these are the states a released connection passes through (or shows until the
  // release is applied); any other state means the release was not accepted and waiting cannot end well.
  peerConnDeleted: {
    operation: 'getPeerConn',
    goal: 'status deleted (or not found)',
    acceptors: [
      { state: 'success', field: 'status', in: ['deleted'] },
      { state: 'retry', field: 'status', in: ['deleting', 'consulting', 'consult_failed', 'active'] },
      { state: 'failure', otherwise: true },
      { state: 'success', notFound: true },
    ],
  },
  // Opening goes close → wait → syncing → open; `closing` means someone turned it off meanwhile.
  dnsSyncOpen: {
    operation: 'getPeerConn',
    goal: 'dnsStatus open',
    acceptors: [
      { state: 'success', field: 'dnsStatus', in: ['open'] },
      { state: 'failure', field: 'status', in: GONE_OR_BROKEN },
      { state: 'retry', field: 'dnsStatus', in: ['close', 'wait', 'syncing'] },
      { state: 'failure', otherwise: true },
      { state: 'failure', notFound: true },
    ],
  },
  // Closing goes open → closing → close (Terraform's sets). A close is refused while syncing and a successful
  // one leaves `closing` at once, so wait/syncing means DNS is being opened: it would end in open.
  dnsSyncClosed: {
    operation: 'getPeerConn',
    goal: 'dnsStatus close',
    acceptors: [
      { state: 'success', field: 'dnsStatus', in: ['close'] },
      { state: 'failure', field: 'status', in: GONE_OR_BROKEN },
      { state: 'retry', field: 'dnsStatus', in: ['open', 'closing'] },
      { state: 'failure', otherwise: true },
      { state: 'failure', notFound: true },
    ],
  },
  // A cross-account request reaches the acceptor when it is created: until then the acceptor's side is
  // `creating` (or, at an endpoint the request has not reached, not found). Any other status means the request
  // was already answered or ended, so there is nothing left to accept.
  peerConnConsulting: {
    operation: 'getPeerConn',
    goal: 'status consulting',
    acceptors: [
      { state: 'success', field: 'status', in: ['consulting'] },
      { state: 'retry', field: 'status', in: ['creating'] },
      { state: 'failure', otherwise: true },
      { state: 'retry', notFound: true },
    ],
  },
} as const satisfies Record<string, WaiterDefinition<'getPeerConn'>>;

/** What every peering waiter takes: a client with getPeerConn (a PeerConnClient) and the wait's bounds. */
export type WaiterConfig = WaiterOptions<Pick<OperationMethods, 'getPeerConn'>>;
/** Which connection a peering waiter watches, and which side (default: the caller's own). */
export type WaiterInput = WaiterTarget<'getPeerConn'>;

/** Until the side is `active`; fails fast on consult_failed, expired, error, deleted, deleting, down, stopping, not found. */
export const waitUntilPeerConnActive: Waiter<'getPeerConn'> = createWaiter(WAITERS.peerConnActive);
/** Until the connection is `deleted` or gone; fails fast when it shows a state a release does not pass through. */
export const waitUntilPeerConnDeleted: Waiter<'getPeerConn'> = createWaiter(WAITERS.peerConnDeleted);
/** Until the side's dnsStatus is `open`. */
export const waitUntilDnsSyncOpen: Waiter<'getPeerConn'> = createWaiter(WAITERS.dnsSyncOpen);
/** Until the side's dnsStatus is `close`. */
export const waitUntilDnsSyncClosed: Waiter<'getPeerConn'> = createWaiter(WAITERS.dnsSyncClosed);
/** Until a cross-account request has reached the acceptor (its side `consulting`), ready to accept or reject. */
export const waitUntilPeerConnConsulting: Waiter<'getPeerConn'> = createWaiter(WAITERS.peerConnConsulting);
