// Waiters against a scripted sequence of GET answers: success, fail-fast states, not-found, timeout, abort.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  PeerConnClient,
  WaiterError,
  waitUntilDnsSyncClosed,
  waitUntilDnsSyncOpen,
  waitUntilPeerConnActive,
  waitUntilPeerConnDeleted,
} from '../src/index.ts';
import { type ScriptedResponse, startScriptedServer, TEST_CREDENTIALS } from './helpers/scripted-server.ts';

const view = (status: string, dnsStatus = 'close'): ScriptedResponse => ({
  body: { peerConnId: 'p-1', role: 'initiator', status, dnsStatus, bandwidthInMbps: 10 },
});
const notFound: ScriptedResponse = {
  status: 404,
  body: { code: 'NoSuchObject', message: 'gone', requestId: 'r' },
};
const FAST = { minDelay: 0.005, maxDelay: 0.02, maxWaitTime: 5, random: () => 0 };

async function withServer<T>(
  script: ScriptedResponse[],
  run: (client: PeerConnClient, requests: () => number) => Promise<T>,
): Promise<T> {
  const s = await startScriptedServer(script);
  try {
    const client = new PeerConnClient({
      endpoint: s.url,
      credentials: TEST_CREDENTIALS,
      maxRetries: 0,
      retry: { random: () => 0 },
    });
    return await run(client, () => s.requests.length);
  } finally {
    await s.close();
  }
}

describe('waitUntilPeerConnActive', () => {
  test('polls through creating/starting/consulting to active', async () => {
    await withServer(
      [view('creating'), view('starting'), view('consulting'), view('active')],
      async (client, count) => {
        const result = await waitUntilPeerConnActive(
          { client, ...FAST },
          { peerConnId: 'p-1', role: 'initiator' },
        );
        assert.equal(result.state, 'SUCCESS');
        assert.equal(result.attempts, 4);
        assert.equal(result.result?.status, 'active');
        assert.ok(!('$metadata' in (result.result ?? {})));
        assert.equal(count(), 4);
      },
    );
  });

  for (const terminal of ['consult_failed', 'expired', 'error', 'deleted', 'down']) {
    test(`fails fast on ${terminal}`, async () => {
      await withServer([view('creating'), view(terminal), view('active')], async (client, count) => {
        await assert.rejects(
          waitUntilPeerConnActive({ client, ...FAST }, { peerConnId: 'p-1' }),
          (err: unknown) => {
            assert.ok(err instanceof WaiterError);
            assert.equal(err.state, 'FAILURE');
            assert.equal(err.lastResult?.status, terminal);
            assert.match(err.message, new RegExp(terminal));
            return true;
          },
        );
        assert.equal(count(), 2);
      });
    });
  }

  test('not found is a failure', async () => {
    await withServer([notFound], async (client) => {
      await assert.rejects(waitUntilPeerConnActive({ client, ...FAST }, { peerConnId: 'p-1' }), {
        state: 'FAILURE',
      });
    });
  });

  test('transient errors while polling are retried, permanent ones fail', async () => {
    await withServer(
      [{ status: 503, body: '' }, { status: 500, body: '' }, view('active')],
      async (client) => {
        const result = await waitUntilPeerConnActive({ client, ...FAST }, { peerConnId: 'p-1' });
        assert.equal(result.attempts, 3);
      },
    );
    await withServer([{ status: 403, body: '' }], async (client) => {
      await assert.rejects(
        waitUntilPeerConnActive({ client, ...FAST }, { peerConnId: 'p-1' }),
        (err: unknown) => {
          assert.ok(err instanceof WaiterError);
          assert.equal(err.state, 'FAILURE');
          assert.equal((err.lastError as { code: string }).code, 'AccessDenied');
          return true;
        },
      );
    });
  });

  test('times out within maxWaitTime', async () => {
    await withServer([view('creating')], async (client) => {
      const started = Date.now();
      await assert.rejects(
        waitUntilPeerConnActive(
          { client, minDelay: 0.05, maxDelay: 0.05, maxWaitTime: 0.3 },
          { peerConnId: 'p-1' },
        ),
        (err: unknown) => {
          assert.ok(err instanceof WaiterError);
          assert.equal(err.state, 'TIMEOUT');
          assert.equal(err.lastResult?.status, 'creating');
          assert.match(err.message, /within 0.3 s; last seen: status creating/);
          return true;
        },
      );
      assert.ok(Date.now() - started < 1000);
    });
  });

  test('polls once more just before the deadline when the next delay would overshoot it', async () => {
    // Regular polls at 0 and 0.8 s; the next would come at 1.6 s, after the 1.5 s deadline. The state reached
    // after the second poll is seen by one last poll before the deadline, not reported as a timeout.
    await withServer([view('creating'), view('creating'), view('active')], async (client, requests) => {
      const result = await waitUntilPeerConnActive(
        { client, minDelay: 0.8, maxDelay: 0.8, maxWaitTime: 1.5 },
        { peerConnId: 'p-1' },
      );
      assert.equal(result.state, 'SUCCESS');
      assert.equal(result.attempts, 3);
      assert.equal(requests(), 3);
    });
  });

  test('the last poll before the deadline is the last: still pending then is a timeout', async () => {
    await withServer([view('creating')], async (client, requests) => {
      await assert.rejects(
        waitUntilPeerConnActive(
          { client, minDelay: 0.5, maxDelay: 0.5, maxWaitTime: 0.9 },
          { peerConnId: 'p-1' },
        ),
        { state: 'TIMEOUT', attempts: 3 },
      );
      // At 0, at 0.5 s, and once more before 0.9 s instead of at 1 s.
      assert.equal(requests(), 3);
    });
  });

  test('a slow request is cut at maxWaitTime', async () => {
    // The answer would take 30 s: finishing within 1.5 s shows the request was cut at maxWaitTime.
    await withServer([{ ...view('active'), delayMs: 30_000 }], async (client) => {
      const started = Date.now();
      await assert.rejects(
        waitUntilPeerConnActive({ client, minDelay: 0.05, maxWaitTime: 0.2 }, { peerConnId: 'p-1' }),
        { state: 'TIMEOUT' },
      );
      assert.ok(Date.now() - started < 1500, 'the 30 s request was cut short');
    });
  });

  test('aborts during the sleep and during a request', async () => {
    await withServer([view('creating')], async (client) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      await assert.rejects(
        waitUntilPeerConnActive(
          { client, minDelay: 10, maxDelay: 10, maxWaitTime: 60, abortSignal: controller.signal },
          { peerConnId: 'p-1' },
        ),
        { name: 'WaiterError', state: 'ABORTED' },
      );
      assert.ok(Date.now() - started < 2000, 'the 10 s sleep was cut short');
    });
    await withServer([{ ...view('active'), delayMs: 30_000 }], async (client) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const started = Date.now();
      await assert.rejects(
        waitUntilPeerConnActive(
          { client, maxWaitTime: 60, abortSignal: controller.signal },
          { peerConnId: 'p-1' },
        ),
        { state: 'ABORTED' },
      );
      assert.ok(Date.now() - started < 1500, 'the 30 s request was cut short');
    });
  });

  test('delays grow between minDelay and maxDelay', async () => {
    await withServer(
      [view('creating'), view('creating'), view('creating'), view('active')],
      async (client) => {
        const started = Date.now();
        await waitUntilPeerConnActive(
          { client, minDelay: 0.04, maxDelay: 0.1, maxWaitTime: 5, random: () => 0.999 },
          { peerConnId: 'p-1' },
        );
        // Ceilings 0.04, 0.08, 0.1 s with random ≈ 1: at least 0.21 s in total.
        assert.ok(Date.now() - started >= 200);
      },
    );
  });

  test('rejects a non-positive maxWaitTime', async () => {
    await withServer([view('active')], async (client) => {
      await assert.rejects(waitUntilPeerConnActive({ client, maxWaitTime: 0 }, { peerConnId: 'p-1' }), {
        kind: 'config',
      });
    });
  });
});

describe('waitUntilPeerConnDeleted', () => {
  test('deleting → deleted', async () => {
    await withServer([view('active'), view('deleting'), view('deleted')], async (client) => {
      const result = await waitUntilPeerConnDeleted({ client, ...FAST }, { peerConnId: 'p-1' });
      assert.equal(result.result?.status, 'deleted');
      assert.equal(result.attempts, 3);
    });
  });

  test('not found (404 NoSuchObject) counts as deleted', async () => {
    await withServer([view('deleting'), notFound], async (client) => {
      const result = await waitUntilPeerConnDeleted({ client, ...FAST }, { peerConnId: 'p-1' });
      assert.equal(result.state, 'SUCCESS');
      assert.equal(result.result, undefined);
      assert.equal(result.attempts, 2);
    });
  });

  test("keeps polling through Terraform's pending states (consulting, consult_failed, active, deleting)", async () => {
    await withServer(
      [view('consulting'), view('consult_failed'), view('active'), view('deleting'), notFound],
      async (client) => {
        const result = await waitUntilPeerConnDeleted({ client, ...FAST }, { peerConnId: 'p-1' });
        assert.equal(result.state, 'SUCCESS');
        assert.equal(result.attempts, 5);
      },
    );
  });

  for (const refused of ['creating', 'updating', 'expired', 'error', 'down']) {
    test(`fails fast on ${refused}: the release was not accepted`, async () => {
      await withServer([view('deleting'), view(refused), view('deleted')], async (client, requests) => {
        await assert.rejects(waitUntilPeerConnDeleted({ client, ...FAST }, { peerConnId: 'p-1' }), {
          state: 'FAILURE',
        });
        assert.equal(requests(), 2);
      });
    });
  }

  test('an empty 200 body (Terraform\'s "EOF") counts as deleted', async () => {
    await withServer([view('deleting'), { body: '' }], async (client) => {
      const result = await waitUntilPeerConnDeleted({ client, ...FAST }, { peerConnId: 'p-1' });
      assert.equal(result.attempts, 2);
    });
  });
});

describe('DNS waiters', () => {
  test('open: close → wait → syncing → open', async () => {
    await withServer(
      [view('active', 'close'), view('active', 'wait'), view('active', 'syncing'), view('active', 'open')],
      async (client) => {
        const result = await waitUntilDnsSyncOpen(
          { client, ...FAST },
          { peerConnId: 'p-1', role: 'acceptor' },
        );
        assert.equal(result.result?.dnsStatus, 'open');
        assert.equal(result.attempts, 4);
      },
    );
  });

  test('open fails when DNS starts closing or the connection goes away', async () => {
    await withServer([view('active', 'wait'), view('active', 'closing')], async (client) => {
      await assert.rejects(waitUntilDnsSyncOpen({ client, ...FAST }, { peerConnId: 'p-1' }), {
        state: 'FAILURE',
      });
    });
    await withServer([view('deleting', 'syncing')], async (client) => {
      await assert.rejects(waitUntilDnsSyncOpen({ client, ...FAST }, { peerConnId: 'p-1' }), {
        state: 'FAILURE',
      });
    });
  });

  for (const opening of ['wait', 'syncing']) {
    test(`closed fails fast on ${opening}: DNS is being opened, not closed`, async () => {
      await withServer(
        [view('active', 'closing'), view('active', opening), view('active', 'close')],
        async (client, requests) => {
          await assert.rejects(waitUntilDnsSyncClosed({ client, ...FAST }, { peerConnId: 'p-1' }), {
            state: 'FAILURE',
          });
          assert.equal(requests(), 2);
        },
      );
    });
  }

  test('closed: open → closing → close', async () => {
    await withServer(
      [view('active', 'open'), view('active', 'closing'), view('active', 'close')],
      async (client) => {
        const result = await waitUntilDnsSyncClosed({ client, ...FAST }, { peerConnId: 'p-1' });
        assert.equal(result.result?.dnsStatus, 'close');
      },
    );
  });
});
