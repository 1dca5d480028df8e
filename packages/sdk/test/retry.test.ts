// Retry classification, backoff bounds with an injected random source, idempotency tokens across retries,
// Retry-After, the retry budget, cancellation and per-attempt timeouts, against a scripted loopback server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BceClientError,
  BceServiceError,
  type DebugEvent,
  PeerConnClient,
  type RetryOptions,
  type RetryToken,
  StandardRetryStrategy,
} from '../src/index.ts';
import {
  backoffDelayMs,
  classifyError,
  parseRetryAfter,
  RetryBudget,
  retryDelayMs,
} from '../src/internal.ts';
import { assertSignedByOracle } from './helpers/oracle.ts';
import { type ScriptedResponse, startScriptedServer, TEST_CREDENTIALS } from './helpers/scripted-server.ts';
import { VirtualClock } from './helpers/virtual-clock.ts';

const zero = () => 0;
const fail = (status: number, code: string) => ({ status, body: { code, message: code, requestId: 'r' } });

function service(status: number, code: string): BceServiceError {
  return new BceServiceError({ statusCode: status, code, message: code });
}

describe('classification', () => {
  test('retryable and not', () => {
    for (const status of [500, 502, 503, 504]) assert.equal(classifyError(service(status, 'X')), 'transient');
    assert.equal(classifyError(service(429, 'Throttling')), 'throttling');
    assert.equal(classifyError(service(400, 'RequestExpired')), 'transient');
    for (const status of [400, 401, 403, 404, 409, 412, 413])
      assert.equal(classifyError(service(status, 'X')), 'none');
    assert.equal(classifyError(new BceClientError('network', 'x')), 'transient');
    assert.equal(classifyError(new BceClientError('timeout', 'x')), 'timeout');
    for (const kind of ['abort', 'parse', 'config'] as const) {
      assert.equal(classifyError(new BceClientError(kind, 'x')), 'none');
    }
    assert.equal(classifyError(new Error('boom')), 'none');
  });
});

describe('backoff', () => {
  test('full jitter stays within [0, min(cap, base·2^n))', () => {
    for (let n = 0; n < 12; n += 1) {
      const ceiling = Math.min(20_000, 100 * 2 ** n);
      assert.equal(backoffDelayMs(n, false, { random: zero }), 0);
      const top = backoffDelayMs(n, false, { random: () => 0.999_999 });
      assert.ok(top < ceiling && top >= ceiling - 1, `retry ${n}: ${top} vs ${ceiling}`);
      assert.equal(backoffDelayMs(n, false, { random: () => 0.5 }), Math.floor(ceiling / 2));
      const throttled = Math.min(20_000, 500 * 2 ** n);
      assert.equal(backoffDelayMs(n, true, { random: () => 0.5 }), Math.floor(throttled / 2));
    }
    assert.equal(backoffDelayMs(3, false, { random: () => 0.5, baseDelayMs: 10, maxDelayMs: 50 }), 25);
  });

  test('Retry-After as seconds or HTTP date', () => {
    assert.equal(parseRetryAfter('2'), 2000);
    assert.equal(parseRetryAfter('0.5'), 500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now), 3000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(null), undefined);
  });

  test('budget: 5 per retry, 10 per timeout (returned by tryAcquire), refunds on success, never above capacity', () => {
    const budget = new RetryBudget(22);
    assert.equal(budget.tryAcquire('transient'), 5);
    assert.equal(budget.tryAcquire('timeout'), 10);
    assert.equal(budget.available, 7);
    assert.equal(budget.tryAcquire('timeout'), undefined);
    assert.equal(budget.available, 7);
    budget.onSuccess(10);
    assert.equal(budget.available, 17);
    budget.onSuccess(undefined);
    assert.equal(budget.available, 18);
    budget.onSuccess(10);
    assert.equal(budget.available, 22);
  });
});

describe('Retry-After is a floor over the backoff, never above maxDelayMs', () => {
  test('retryDelayMs', () => {
    const half = { random: () => 0.5 };
    // Backoff of retry index 2 with base 100 and random 0.5: 200 ms.
    assert.equal(retryDelayMs(2, false, undefined, half), 200);
    assert.equal(retryDelayMs(2, false, 0, half), 200, 'Retry-After: 0 keeps the backoff');
    assert.equal(retryDelayMs(2, false, 150, half), 200, 'a shorter Retry-After keeps the backoff');
    assert.equal(retryDelayMs(2, false, 900, half), 900, 'a longer Retry-After raises the delay');
    assert.equal(retryDelayMs(2, false, 60_000, { ...half, maxDelayMs: 5000 }), 5000, 'clamped');
    assert.equal(retryDelayMs(0, true, 0, half), 250, 'throttling backoff applies under Retry-After: 0');
  });
});

describe('StandardRetryStrategy', () => {
  const retryable = { error: service(503, 'ServiceUnavailable') };

  test('names the reason of every refusal', () => {
    const strategy = new StandardRetryStrategy(2, { random: zero });
    const first = strategy.acquireInitialRetryToken();
    assert.equal(first.attempts, 1);
    assert.deepEqual(strategy.refreshRetryTokenForRetry(first, { error: service(409, 'Conflict') }), {
      retry: false,
      reason: 'not-retryable',
    });
    const second = strategy.refreshRetryTokenForRetry(first, retryable);
    assert.ok(second.retry);
    assert.equal(second.token.attempts, 2);
    const third = strategy.refreshRetryTokenForRetry(second.token, retryable);
    assert.ok(third.retry);
    assert.deepEqual(strategy.refreshRetryTokenForRetry(third.token, retryable), {
      retry: false,
      reason: 'max-attempts-reached',
    });

    const poor = new StandardRetryStrategy(5, { random: zero, budgetTokens: 7 });
    const granted = poor.refreshRetryTokenForRetry(poor.acquireInitialRetryToken(), retryable);
    assert.ok(granted.retry);
    assert.deepEqual(poor.refreshRetryTokenForRetry(granted.token, retryable), {
      retry: false,
      reason: 'retry-budget-exhausted',
    });
  });

  test('a success gives back what the last retry cost; Retry-After reaches the delay', () => {
    const strategy = new StandardRetryStrategy(3, { random: zero, budgetTokens: 100 });
    const decision = strategy.refreshRetryTokenForRetry(strategy.acquireInitialRetryToken(), {
      error: new BceClientError('timeout', 'slow'),
      retryAfterMs: 1200,
    });
    assert.ok(decision.retry);
    assert.equal(decision.delayMs, 1200);
    assert.equal(strategy.budget.available, 90);
    strategy.recordSuccess(decision.token);
    assert.equal(strategy.budget.available, 100);
    const untouched: RetryToken = strategy.acquireInitialRetryToken();
    strategy.recordSuccess(untouched);
    assert.equal(strategy.budget.available, 100, 'never above capacity');
  });
});

/**
 * The delays a deletePeerConn waits through `script` (which ends in a success): as its debug events tell, and
 * as the clock it slept on saw them.
 */
async function retryDelays(
  script: ScriptedResponse[],
  retry: RetryOptions,
): Promise<{ delays: number[]; total: number; slept: number[] }> {
  const s = await startScriptedServer(script);
  try {
    const events: DebugEvent[] = [];
    const clock = new VirtualClock();
    const client = new PeerConnClient({
      endpoint: s.url,
      credentials: TEST_CREDENTIALS,
      retry,
      clock,
      onDebug: (e) => events.push(e),
    });
    const out = await client.deletePeerConn({ peerConnId: 'p' });
    const delays = events.flatMap((e) => (e.type === 'retry' ? [e.delayMs] : []));
    return { delays, total: out.$metadata.totalRetryDelayMs, slept: clock.sleeps };
  } finally {
    await s.close();
  }
}

describe('retries over HTTP', () => {
  test('retries 500/502/503/504/429 and RequestExpired, reusing one clientToken, re-signing each attempt', async () => {
    const s = await startScriptedServer([
      fail(500, 'InternalError'),
      fail(502, 'BadGateway'),
      fail(503, 'ServiceUnavailable'),
      fail(504, 'GatewayTimeout'),
      fail(429, 'Throttling'),
      fail(400, 'RequestExpired'),
      { body: '' },
    ]);
    try {
      const client = new PeerConnClient({
        endpoint: s.url,
        credentials: TEST_CREDENTIALS,
        maxRetries: 6,
        retry: { random: zero },
      });
      const out = await client.acceptPeerConn({ peerConnId: 'p-1' });
      assert.equal(out.$metadata.attempts, 7);
      assert.equal(s.requests.length, 7);
      const tokens = new Set(s.requests.map((r) => new URLSearchParams(r.rawQuery).get('clientToken')));
      assert.equal(tokens.size, 1);
      assert.ok([...tokens][0]);
      // Each attempt carries a signature valid for exactly what it sent (checked by @baiducloud/sdk's Auth).
      for (const r of s.requests) assertSignedByOracle(r, TEST_CREDENTIALS.secretAccessKey);
    } finally {
      await s.close();
    }
  });

  test('caller-supplied clientToken is used on every attempt', async () => {
    const s = await startScriptedServer([fail(503, 'ServiceUnavailable'), { body: { peerConnId: 'p' } }]);
    try {
      const client = new PeerConnClient({
        endpoint: s.url,
        credentials: TEST_CREDENTIALS,
        retry: { random: zero },
      });
      await client.createPeerConn({
        clientToken: 'tok-42',
        bandwidthInMbps: 1,
        localVpcId: 'a',
        peerVpcId: 'b',
        peerRegion: 'bj',
        billing: { paymentTiming: 'Postpaid' },
      });
      assert.deepEqual(
        s.requests.map((r) => r.rawQuery),
        ['clientToken=tok-42', 'clientToken=tok-42'],
      );
    } finally {
      await s.close();
    }
  });

  test('two logical calls get two different tokens', async () => {
    const s = await startScriptedServer([{ body: '' }]);
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      await client.deletePeerConn({ peerConnId: 'p' });
      await client.deletePeerConn({ peerConnId: 'p' });
      assert.notEqual(s.requests[0]?.rawQuery, s.requests[1]?.rawQuery);
    } finally {
      await s.close();
    }
  });

  test('never retries other 4xx; gives up after maxRetries with the last error and metadata', async () => {
    const s = await startScriptedServer([fail(409, 'InvalidPeerConnStatus')]);
    try {
      const client = new PeerConnClient({
        endpoint: s.url,
        credentials: TEST_CREDENTIALS,
        retry: { random: zero },
      });
      await assert.rejects(client.acceptPeerConn({ peerConnId: 'p' }), {
        name: 'BceServiceError',
        code: 'InvalidPeerConnStatus',
        statusCode: 409,
      });
      assert.equal(s.requests.length, 1);
    } finally {
      await s.close();
    }
    const down = await startScriptedServer([fail(503, 'ServiceUnavailable')]);
    try {
      const client = new PeerConnClient({
        endpoint: down.url,
        credentials: TEST_CREDENTIALS,
        maxRetries: 2,
        retry: { random: zero },
      });
      await assert.rejects(client.getPeerConn({ peerConnId: 'p' }), (err: unknown) => {
        assert.ok(err instanceof BceServiceError);
        assert.equal(err.$metadata.attempts, 3);
        return true;
      });
      assert.equal(down.requests.length, 3);
    } finally {
      await down.close();
    }
  });

  test('backoff delays come from the injected random source and add up in $metadata', async () => {
    const { delays, total, slept } = await retryDelays(
      [fail(500, 'InternalError'), fail(500, 'InternalError'), { body: '' }],
      { random: () => 0.5, baseDelayMs: 20 },
    );
    assert.deepEqual(delays, [10, 20]);
    assert.deepEqual(slept, [10, 20]);
    assert.equal(total, 30);
  });

  test('Retry-After is honoured (and capped by maxDelayMs)', async () => {
    const { slept, total } = await retryDelays(
      [
        { ...fail(429, 'Throttling'), headers: { 'retry-after': '1' } },
        { ...fail(503, 'ServiceUnavailable'), headers: { 'retry-after': '3600' } },
        { body: '' },
      ],
      { random: zero, maxDelayMs: 1500 },
    );
    // 1 s asked and granted; an hour asked and capped at maxDelayMs.
    assert.deepEqual(slept, [1000, 1500]);
    assert.equal(total, 2500);
  });

  test('Retry-After: 0 does not mean an immediate retry: the backoff still applies', async () => {
    const { delays, total, slept } = await retryDelays(
      [
        { ...fail(503, 'ServiceUnavailable'), headers: { 'retry-after': '0' } },
        { ...fail(429, 'Throttling'), headers: { 'retry-after': '0' } },
        { body: '' },
      ],
      { random: () => 0.5, baseDelayMs: 20, throttlingBaseDelayMs: 40 },
    );
    // Half of 20·2⁰ after the 503, half of 40·2¹ after the 429.
    assert.deepEqual(delays, [10, 40]);
    assert.deepEqual(slept, [10, 40]);
    assert.equal(total, 50);
  });

  test('the error of a call that stopped says why it was not retried', async () => {
    const s = await startScriptedServer((request) =>
      request.path.endsWith('/conflict')
        ? fail(409, 'InvalidPeerConnStatus')
        : request.path.endsWith('/gone')
          ? { destroy: true }
          : fail(503, 'ServiceUnavailable'),
    );
    try {
      const refusal = async (client: PeerConnClient, peerConnId: string) => {
        const error = await client.getPeerConn({ peerConnId }).then(
          () => assert.fail('expected the call to fail'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof BceServiceError || error instanceof BceClientError);
        return [error.$metadata?.attempts, error.$metadata?.retryRefusal];
      };
      const client = new PeerConnClient({
        endpoint: s.url,
        credentials: TEST_CREDENTIALS,
        maxRetries: 2,
        retry: { random: zero, budgetTokens: 12 },
      });
      assert.deepEqual(await refusal(client, 'conflict'), [1, 'not-retryable']);
      assert.deepEqual(await refusal(client, 'gone'), [3, 'max-attempts-reached']);
      // The two network retries took 10 of the 12 tokens: the next call cannot pay for a retry.
      assert.deepEqual(await refusal(client, 'down'), [1, 'retry-budget-exhausted']);
      assert.equal(s.requests.length, 1 + 3 + 1);
    } finally {
      await s.close();
    }
  });

  test('a sustained outage exhausts the budget and stops retrying', async () => {
    const s = await startScriptedServer([fail(503, 'ServiceUnavailable')]);
    try {
      const client = new PeerConnClient({
        endpoint: s.url,
        credentials: TEST_CREDENTIALS,
        retry: { random: zero, budgetTokens: 30 },
      });
      for (let i = 0; i < 4; i += 1) {
        await assert.rejects(client.getPeerConn({ peerConnId: 'p' }), { code: 'ServiceUnavailable' });
      }
      // 30 tokens pay for six retries at 5 each: two calls retry three times, the next two cannot retry at all.
      assert.equal(s.requests.length, 4 + 4 + 1 + 1);
      assert.equal(client.retryBudgetAvailable, 0);
    } finally {
      await s.close();
    }
  });

  test('network errors are retried', async () => {
    const s = await startScriptedServer([{ destroy: true }, { body: { peerConnId: 'p', status: 'active' } }]);
    try {
      const client = new PeerConnClient({
        endpoint: s.url,
        credentials: TEST_CREDENTIALS,
        retry: { random: zero },
      });
      const out = await client.getPeerConn({ peerConnId: 'p' });
      assert.equal(out.$metadata.attempts, 2);
    } finally {
      await s.close();
    }
  });

  test('connection refused surfaces as a network error after the retries', async () => {
    const s = await startScriptedServer([{ body: '' }]);
    const url = s.url;
    await s.close();
    const client = new PeerConnClient({
      endpoint: url,
      credentials: TEST_CREDENTIALS,
      maxRetries: 1,
      retry: { random: zero },
    });
    await assert.rejects(client.getPeerConn({ peerConnId: 'p' }), (err: unknown) => {
      assert.ok(err instanceof BceClientError);
      assert.equal(err.kind, 'network');
      assert.match(err.message, /ECONNREFUSED/);
      assert.equal(err.$metadata?.attempts, 2);
      return true;
    });
  });

  test('per-attempt timeout, then retried', async () => {
    const s = await startScriptedServer([
      { delayMs: 500, body: '' },
      { body: { peerConnId: 'p' } },
      { delayMs: 500, body: '' },
    ]);
    try {
      const client = new PeerConnClient({
        endpoint: s.url,
        credentials: TEST_CREDENTIALS,
        timeoutMs: 80,
        retry: { random: zero },
      });
      const out = await client.getPeerConn({ peerConnId: 'p' });
      assert.equal(out.$metadata.attempts, 2);
      await assert.rejects(client.getPeerConn({ peerConnId: 'p', timeoutMs: 50 }), { kind: 'timeout' });
    } finally {
      await s.close();
    }
  });

  test('abort during a request', async () => {
    const s = await startScriptedServer([{ hold: true }]);
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      const controller = new AbortController();
      const deleting = client.deletePeerConn({ peerConnId: 'p', abortSignal: controller.signal });
      await s.received(1);
      controller.abort();
      await assert.rejects(deleting, { name: 'BceClientError', kind: 'abort' });
      assert.equal(await s.requests[0]?.outcome, 'closed unanswered', 'the request in flight was cut');
      assert.equal(s.requests.length, 1);
    } finally {
      await s.close();
    }
  });

  test('abort during a retry sleep', async () => {
    const s = await startScriptedServer([
      { ...fail(503, 'ServiceUnavailable'), headers: { 'retry-after': '10' } },
    ]);
    try {
      const clock = new VirtualClock({ manual: true });
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS, clock });
      const controller = new AbortController();
      const deleting = client.deletePeerConn({ peerConnId: 'p', abortSignal: controller.signal });
      await clock.sleeping();
      controller.abort();
      await assert.rejects(deleting, { kind: 'abort' });
      assert.deepEqual(clock.sleeps, [10_000], 'it was in the 10 s sleep Retry-After asked for');
      assert.equal(clock.elapsed(), 0, 'and the sleep did not run to its end');
      assert.equal(s.requests.length, 1);
    } finally {
      await s.close();
    }
  });

  test('callTimeoutMs bounds the whole call, retry sleeps included, and reports a timeout', async () => {
    const s = await startScriptedServer([
      { ...fail(503, 'ServiceUnavailable'), headers: { 'retry-after': '10' } },
    ]);
    try {
      const clock = new VirtualClock();
      const client = new PeerConnClient({
        endpoint: s.url,
        credentials: TEST_CREDENTIALS,
        callTimeoutMs: 150,
        clock,
      });
      const error = await client.deletePeerConn({ peerConnId: 'p' }).then(
        () => assert.fail('expected a timeout'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof BceClientError);
      assert.equal(error.kind, 'timeout');
      assert.match(error.message, /deletePeerConn to finish within 150 ms/);
      assert.deepEqual(clock.sleeps, [10_000], 'the 10 s Retry-After sleep began');
      assert.equal(clock.elapsed(), 150, 'and was cut at the deadline');
      assert.equal(s.requests.length, 1);
    } finally {
      await s.close();
    }
  });

  test("the caller's own abort stays an abort with a deadline in force", async () => {
    const s = await startScriptedServer([
      { ...fail(503, 'ServiceUnavailable'), headers: { 'retry-after': '10' } },
    ]);
    try {
      const clock = new VirtualClock({ manual: true });
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS, clock });
      const controller = new AbortController();
      const deleting = client.deletePeerConn({
        peerConnId: 'p',
        abortSignal: controller.signal,
        callTimeoutMs: 5000,
      });
      await clock.sleeping();
      controller.abort();
      await assert.rejects(deleting, { kind: 'abort' });
    } finally {
      await s.close();
    }
  });

  test('an already aborted signal sends nothing', async () => {
    const s = await startScriptedServer([{ body: '' }]);
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      await assert.rejects(client.deletePeerConn({ peerConnId: 'p', abortSignal: AbortSignal.abort() }), {
        kind: 'abort',
      });
      assert.equal(s.requests.length, 0);
    } finally {
      await s.close();
    }
  });
});
