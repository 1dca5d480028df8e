// waitUntil… helpers: poll getPeerConn until the side reaches the awaited state, fail fast on states it can no
// longer leave towards that goal (Terraform's pending/target sets; docs/wire.md, "Status values", and docs/sdk.md, "Waiters").
import { BceClientError, isNotFoundError } from './errors.ts';
import type {
  DnsStatus,
  GetPeerConnInput,
  GetPeerConnOutput,
  PeerConn,
  PeerConnRole,
  PeerConnStatus,
} from './models.ts';
import { isRetryableError, sleep } from './retry.ts';

export interface GetPeerConnClient {
  getPeerConn(input: GetPeerConnInput): Promise<GetPeerConnOutput>;
}

export interface WaiterConfig {
  client: GetPeerConnClient;
  /** Upper bound of the whole wait, in seconds. */
  maxWaitTime: number;
  /** Shortest delay between polls, in seconds; default 2. */
  minDelay?: number;
  /** Longest delay between polls, in seconds; default 120. */
  maxDelay?: number;
  abortSignal?: AbortSignal;
  /** Uniform random source in [0, 1) for the jitter; injectable for tests. */
  random?: () => number;
}

export interface WaiterInput {
  peerConnId: string;
  role?: PeerConnRole;
}

export interface WaiterResult {
  state: 'SUCCESS';
  /** The last view read; absent when success was a not-found (deleted). */
  result?: PeerConn;
  attempts: number;
}

export type WaiterFailureState = 'FAILURE' | 'TIMEOUT' | 'ABORTED';

export class WaiterError extends Error {
  override readonly name = 'WaiterError';
  readonly state: WaiterFailureState;
  readonly lastResult: PeerConn | undefined;
  readonly lastError: unknown;
  readonly attempts: number;

  constructor(
    state: WaiterFailureState,
    message: string,
    details: { lastResult?: PeerConn; lastError?: unknown; attempts: number },
  ) {
    super(message, details.lastError === undefined ? undefined : { cause: details.lastError });
    this.state = state;
    this.lastResult = details.lastResult;
    this.lastError = details.lastError;
    this.attempts = details.attempts;
  }
}

type Verdict = 'SUCCESS' | 'FAILURE' | 'RETRY';

interface Acceptors {
  /** What the wait is for, in words, for error messages. */
  goal: string;
  onResult(peerConn: PeerConn): Verdict;
  onNotFound: Verdict;
}

/** An empty 2xx body where a peering was expected: what Terraform calls "EOF" and treats as gone. */
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

const ACTIVE: Acceptors = {
  goal: 'status active',
  onResult: (pc) =>
    pc.status === 'active' ? 'SUCCESS' : GONE_OR_BROKEN.includes(pc.status) ? 'FAILURE' : 'RETRY',
  onNotFound: 'FAILURE',
};

// Terraform's delete wait: these are the states a released connection passes through (or shows until the
// release is applied); any other state means the release was not accepted and waiting cannot end well.
const DELETE_PENDING: readonly PeerConnStatus[] = ['deleting', 'consulting', 'consult_failed', 'active'];

const DELETED: Acceptors = {
  goal: 'status deleted (or not found)',
  onResult: (pc) =>
    pc.status === 'deleted' ? 'SUCCESS' : DELETE_PENDING.includes(pc.status) ? 'RETRY' : 'FAILURE',
  onNotFound: 'SUCCESS',
};

function dnsAcceptors(target: DnsStatus, pending: readonly DnsStatus[], goal: string): Acceptors {
  return {
    goal,
    onResult: (pc) => {
      if (pc.dnsStatus === target) return 'SUCCESS';
      if (GONE_OR_BROKEN.includes(pc.status)) return 'FAILURE';
      return pending.includes(pc.dnsStatus) ? 'RETRY' : 'FAILURE';
    },
    onNotFound: 'FAILURE',
  };
}

// Opening goes close → wait → syncing → open; `closing` means someone turned it off meanwhile.
const DNS_OPEN = dnsAcceptors('open', ['close', 'wait', 'syncing'], 'dnsStatus open');
// Closing goes open → closing → close (Terraform's sets). A close is refused while syncing and a
// successful one leaves `closing` at once, so wait/syncing means DNS is being opened: it would end in open.
const DNS_CLOSED = dnsAcceptors('close', ['open', 'closing'], 'dnsStatus close');

function delaySeconds(attempt: number, minDelay: number, maxDelay: number, random: () => number): number {
  const ceiling = Math.min(maxDelay, minDelay * 2 ** Math.min(attempt - 1, 30));
  return minDelay + random() * (ceiling - minDelay);
}

// The last poll starts at least this long before the deadline, or twice the slowest poll so far if that is
// longer, so that its answer can still arrive in time.
const FINAL_POLL_MIN_ALLOWANCE_MS = 100;

function describe(pc: PeerConn): string {
  return `status ${pc.status}, dnsStatus ${pc.dnsStatus}`;
}

async function runWaiter(
  config: WaiterConfig,
  input: WaiterInput,
  acceptors: Acceptors,
): Promise<WaiterResult> {
  if (!(config.maxWaitTime > 0)) {
    throw new BceClientError(
      'config',
      `Expected maxWaitTime to be a positive number of seconds, got ${config.maxWaitTime}`,
    );
  }
  const minDelay = config.minDelay ?? 2;
  const maxDelay = Math.max(minDelay, config.maxDelay ?? 120);
  const random = config.random ?? Math.random;
  const deadline = Date.now() + config.maxWaitTime * 1000;
  // The request in flight is bounded by the same deadline as the whole wait.
  const budgetSignal = AbortSignal.timeout(config.maxWaitTime * 1000);
  const signal = config.abortSignal ? AbortSignal.any([config.abortSignal, budgetSignal]) : budgetSignal;
  const target = `${input.peerConnId}${input.role ? ` (${input.role})` : ''}`;

  let attempts = 0;
  let slowestPollMs = 0;
  let finalPollMade = false;
  let lastResult: PeerConn | undefined;
  let lastError: unknown;
  const details = () => ({
    attempts,
    ...(lastResult ? { lastResult } : {}),
    ...(lastError !== undefined ? { lastError } : {}),
  });
  const aborted = () =>
    new WaiterError('ABORTED', `Waiting for ${target} to reach ${acceptors.goal} was aborted`, details());
  const timedOut = () =>
    new WaiterError(
      'TIMEOUT',
      `Expected ${target} to reach ${acceptors.goal} within ${config.maxWaitTime} s; last seen: ${lastResult ? describe(lastResult) : lastError instanceof Error ? lastError.message : 'nothing'}`,
      details(),
    );

  for (;;) {
    if (config.abortSignal?.aborted) throw aborted();
    attempts += 1;
    const pollStarted = Date.now();
    let verdict: Verdict;
    try {
      const output = await config.client.getPeerConn({
        peerConnId: input.peerConnId,
        ...(input.role ? { role: input.role } : {}),
        abortSignal: signal,
      });
      const { $metadata: _metadata, ...peerConn } = output;
      lastResult = peerConn;
      lastError = undefined;
      verdict = acceptors.onResult(peerConn);
      if (verdict === 'SUCCESS') return { state: 'SUCCESS', result: peerConn, attempts };
      if (verdict === 'FAILURE') {
        throw new WaiterError(
          'FAILURE',
          `Expected ${target} to reach ${acceptors.goal}, but it is in ${describe(peerConn)}, which cannot lead there`,
          details(),
        );
      }
    } catch (error) {
      if (error instanceof WaiterError) throw error;
      if (config.abortSignal?.aborted) throw aborted();
      if (budgetSignal.aborted) throw timedOut();
      lastError = error;
      if (isNotFoundError(error) || isEmptyBodyNotFound(error)) {
        if (acceptors.onNotFound === 'SUCCESS') return { state: 'SUCCESS', attempts };
        throw new WaiterError(
          'FAILURE',
          `Expected ${target} to reach ${acceptors.goal}, but it no longer exists`,
          details(),
        );
      }
      if (!isRetryableError(error)) {
        throw new WaiterError(
          'FAILURE',
          `Waiting for ${target} stopped on an error that will not go away by itself: ${error instanceof Error ? error.message : String(error)}`,
          details(),
        );
      }
    }
    slowestPollMs = Math.max(slowestPollMs, Date.now() - pollStarted);
    let delayMs = delaySeconds(attempts, minDelay, maxDelay, random) * 1000;
    const remainingMs = deadline - Date.now();
    if (delayMs > remainingMs) {
      // The next regular poll would come too late: poll once more just before the deadline instead, so a state
      // reached in the last stretch of the wait is seen rather than reported as a timeout.
      if (finalPollMade || remainingMs <= 0) throw timedOut();
      finalPollMade = true;
      const allowanceMs = Math.max(FINAL_POLL_MIN_ALLOWANCE_MS, 2 * slowestPollMs);
      delayMs = Math.max(0, remainingMs - allowanceMs);
    }
    try {
      await sleep(delayMs, config.abortSignal);
    } catch {
      throw aborted();
    }
  }
}

export function waitUntilPeerConnActive(config: WaiterConfig, input: WaiterInput): Promise<WaiterResult> {
  return runWaiter(config, input, ACTIVE);
}

export function waitUntilPeerConnDeleted(config: WaiterConfig, input: WaiterInput): Promise<WaiterResult> {
  return runWaiter(config, input, DELETED);
}

export function waitUntilDnsSyncOpen(config: WaiterConfig, input: WaiterInput): Promise<WaiterResult> {
  return runWaiter(config, input, DNS_OPEN);
}

export function waitUntilDnsSyncClosed(config: WaiterConfig, input: WaiterInput): Promise<WaiterResult> {
  return runWaiter(config, input, DNS_CLOSED);
}
