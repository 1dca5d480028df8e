// Waiters against a scripted sequence of GET answers, on virtual time: success, fail-fast states, not-found,
// the poll schedule (delays, the last poll before the deadline), timeouts and aborts. Then the rows themselves:
// the peering waiters hold Terraform's sets, a new row waits on another operation, and docs/sdk.md shows the rows.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  type Acceptor,
  BceServiceError,
  createWaiter,
  DNS_STATUSES,
  PEER_CONN_STATUSES,
  PeerConnClient,
  VpcClient,
  WaiterError,
  type WaiterOutput,
  waitUntilDnsSyncClosed,
  waitUntilDnsSyncOpen,
  waitUntilPeerConnActive,
  waitUntilPeerConnConsulting,
  waitUntilPeerConnDeleted,
} from '../src/index.ts';
import { WAITERS } from '../src/internal.ts';
import { type ScriptedResponse, startScriptedServer, TEST_CREDENTIALS } from './helpers/scripted-server.ts';
import { VirtualClock } from './helpers/virtual-clock.ts';

const view = (status: string, dnsStatus = 'close'): ScriptedResponse => ({
  body: { peerConnId: 'p-1', role: 'initiator', status, dnsStatus, bandwidthInMbps: 10 },
});
const notFound: ScriptedResponse = {
  status: 404,
  body: { code: 'NoSuchObject', message: 'gone', requestId: 'r' },
};

/** Polls every 2 s (random 0 picks minDelay) on a fresh virtual clock, for at most 600 s. */
function config(client: PeerConnClient, clock = new VirtualClock()) {
  return { client, clock, maxWaitTime: 600, random: () => 0 };
}

async function withServer<T>(
  script: ScriptedResponse[],
  run: (client: PeerConnClient, server: Awaited<ReturnType<typeof startScriptedServer>>) => Promise<T>,
): Promise<T> {
  const s = await startScriptedServer(script);
  try {
    const client = new PeerConnClient({
      endpoint: s.url,
      credentials: TEST_CREDENTIALS,
      maxRetries: 0,
      retry: { random: () => 0 },
    });
    return await run(client, s);
  } finally {
    await s.close();
  }
}

describe('waitUntilPeerConnActive', () => {
  test('polls through creating/starting/consulting to active, minDelay apart', async () => {
    await withServer(
      [view('creating'), view('starting'), view('consulting'), view('active')],
      async (client, s) => {
        const clock = new VirtualClock();
        const result = await waitUntilPeerConnActive(config(client, clock), {
          peerConnId: 'p-1',
          role: 'initiator',
        });
        assert.equal(result.state, 'SUCCESS');
        assert.equal(result.attempts, 4);
        assert.equal(result.result?.status, 'active');
        assert.ok(!('$metadata' in (result.result ?? {})));
        assert.equal(s.requests.length, 4);
        assert.deepEqual(clock.sleeps, [2000, 2000, 2000]);
        assert.equal(clock.elapsed(), 6000);
      },
    );
  });

  for (const terminal of ['consult_failed', 'expired', 'error', 'deleted', 'down']) {
    test(`fails fast on ${terminal}`, async () => {
      await withServer([view('creating'), view(terminal), view('active')], async (client, s) => {
        await assert.rejects(
          waitUntilPeerConnActive(config(client), { peerConnId: 'p-1' }),
          (err: unknown) => {
            assert.ok(err instanceof WaiterError);
            assert.equal(err.state, 'FAILURE');
            assert.equal(err.lastResult?.status, terminal);
            assert.match(
              err.message,
              new RegExp(`p-1 to reach status active, but it is in status ${terminal}`),
            );
            return true;
          },
        );
        assert.equal(s.requests.length, 2);
      });
    });
  }

  test('not found is a failure', async () => {
    await withServer([notFound], async (client) => {
      await assert.rejects(waitUntilPeerConnActive(config(client), { peerConnId: 'p-1' }), {
        state: 'FAILURE',
        message: /no longer exists/,
      });
    });
  });

  test('transient errors while polling are retried, permanent ones fail', async () => {
    await withServer(
      [{ status: 503, body: '' }, { status: 500, body: '' }, view('active')],
      async (client) => {
        const result = await waitUntilPeerConnActive(config(client), { peerConnId: 'p-1' });
        assert.equal(result.attempts, 3);
      },
    );
    await withServer([{ status: 403, body: '' }], async (client) => {
      await assert.rejects(waitUntilPeerConnActive(config(client), { peerConnId: 'p-1' }), (err: unknown) => {
        assert.ok(err instanceof WaiterError);
        assert.equal(err.state, 'FAILURE');
        assert.equal((err.lastError as { code: string }).code, 'AccessDenied');
        return true;
      });
    });
  });

  test('times out at maxWaitTime, having polled once more just before it', async () => {
    await withServer([view('creating')], async (client, s) => {
      const clock = new VirtualClock();
      await assert.rejects(
        waitUntilPeerConnActive(
          { client, clock, minDelay: 3, maxDelay: 3, maxWaitTime: 10 },
          { peerConnId: 'p-1' },
        ),
        (err: unknown) => {
          assert.ok(err instanceof WaiterError);
          assert.equal(err.state, 'TIMEOUT');
          assert.equal(err.lastResult?.status, 'creating');
          assert.match(err.message, /within 10 s; last seen: status creating/);
          return true;
        },
      );
      // Polls at 0, 3, 6 and 9 s; the next would be at 12, so the last is at 9.9 s (0.1 s before the deadline).
      assert.deepEqual(clock.sleeps, [3000, 3000, 3000, 900]);
      assert.equal(s.requests.length, 5);
      assert.equal(clock.elapsed(), 9900);
    });
  });

  test('a state reached after the last regular poll is seen by the poll just before the deadline', async () => {
    await withServer([view('creating'), view('creating'), view('active')], async (client, s) => {
      const clock = new VirtualClock();
      const result = await waitUntilPeerConnActive(
        { client, clock, minDelay: 0.8, maxDelay: 0.8, maxWaitTime: 1.5 },
        { peerConnId: 'p-1' },
      );
      assert.equal(result.state, 'SUCCESS');
      assert.equal(result.attempts, 3);
      // At 0 and 0.8 s; the next regular poll (1.6 s) would be late, so one at 1.4 s instead.
      assert.deepEqual(clock.sleeps, [800, 600]);
      assert.equal(s.requests.length, 3);
    });
  });

  test('a slow request is cut at maxWaitTime', async () => {
    await withServer([{ ...view('active'), hold: true }], async (client, s) => {
      const clock = new VirtualClock();
      const waiting = waitUntilPeerConnActive({ client, clock, maxWaitTime: 60 }, { peerConnId: 'p-1' });
      await s.received(1);
      clock.advance(60_000);
      await assert.rejects(waiting, { name: 'WaiterError', state: 'TIMEOUT', attempts: 1 });
      assert.equal(await s.requests[0]?.outcome, 'closed unanswered', 'the request in flight was cut');
    });
  });

  test('aborts during the sleep and during a request', async () => {
    await withServer([view('creating')], async (client) => {
      const clock = new VirtualClock({ manual: true });
      const controller = new AbortController();
      const waiting = waitUntilPeerConnActive(
        { client, clock, minDelay: 10, maxDelay: 10, maxWaitTime: 60, abortSignal: controller.signal },
        { peerConnId: 'p-1' },
      );
      await clock.sleeping();
      controller.abort();
      await assert.rejects(waiting, { name: 'WaiterError', state: 'ABORTED', attempts: 1 });
      assert.deepEqual(clock.sleeps, [10_000], 'it was in its 10 s sleep');
      assert.equal(clock.elapsed(), 0, 'and the sleep did not run to its end');
    });
    await withServer([{ ...view('active'), hold: true }], async (client, s) => {
      const controller = new AbortController();
      const waiting = waitUntilPeerConnActive(
        { client, clock: new VirtualClock(), maxWaitTime: 60, abortSignal: controller.signal },
        { peerConnId: 'p-1' },
      );
      await s.received(1);
      controller.abort();
      await assert.rejects(waiting, { state: 'ABORTED' });
      assert.equal(await s.requests[0]?.outcome, 'closed unanswered', 'the request in flight was cut');
    });
  });

  test('delays grow from minDelay towards maxDelay with the jitter', async () => {
    await withServer(
      [view('creating'), view('creating'), view('creating'), view('active')],
      async (client) => {
        const clock = new VirtualClock();
        await waitUntilPeerConnActive(
          { client, clock, minDelay: 4, maxDelay: 10, maxWaitTime: 600, random: () => 0.5 },
          { peerConnId: 'p-1' },
        );
        // Ceilings 4, 8 and 10 s (doubling, capped); halfway between minDelay and each.
        assert.deepEqual(clock.sleeps, [4000, 6000, 7000]);
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
      const result = await waitUntilPeerConnDeleted(config(client), { peerConnId: 'p-1' });
      assert.equal(result.result?.status, 'deleted');
      assert.equal(result.attempts, 3);
    });
  });

  test('not found (404 NoSuchObject) counts as deleted', async () => {
    await withServer([view('deleting'), notFound], async (client) => {
      const result = await waitUntilPeerConnDeleted(config(client), { peerConnId: 'p-1' });
      assert.equal(result.state, 'SUCCESS');
      assert.equal(result.result, undefined);
      assert.equal(result.attempts, 2);
    });
  });

  test('an empty 200 body (Terraform\'s "EOF") counts as deleted', async () => {
    await withServer([view('deleting'), { body: '' }], async (client) => {
      const result = await waitUntilPeerConnDeleted(config(client), { peerConnId: 'p-1' });
      assert.equal(result.attempts, 2);
    });
  });
});

describe('DNS waiters', () => {
  test('open: close → wait → syncing → open', async () => {
    await withServer(
      [view('active', 'close'), view('active', 'wait'), view('active', 'syncing'), view('active', 'open')],
      async (client) => {
        const result = await waitUntilDnsSyncOpen(config(client), { peerConnId: 'p-1', role: 'acceptor' });
        assert.equal(result.result?.dnsStatus, 'open');
        assert.equal(result.attempts, 4);
      },
    );
  });

  test('closed: open → closing → close', async () => {
    await withServer(
      [view('active', 'open'), view('active', 'closing'), view('active', 'close')],
      async (client) => {
        const result = await waitUntilDnsSyncClosed(config(client), { peerConnId: 'p-1' });
        assert.equal(result.result?.dnsStatus, 'close');
      },
    );
  });
});

describe('waitUntilPeerConnConsulting', () => {
  test('not found and creating mean the request is on its way; consulting ends the wait', async () => {
    await withServer([notFound, view('creating'), view('consulting')], async (client) => {
      const result = await waitUntilPeerConnConsulting(config(client), { peerConnId: 'p-1' });
      assert.equal(result.result?.status, 'consulting');
      assert.equal(result.attempts, 3);
    });
  });

  test('a request already answered fails at once: there is nothing left to accept', async () => {
    await withServer([view('starting')], async (client) => {
      await assert.rejects(waitUntilPeerConnConsulting(config(client), { peerConnId: 'p-1' }), {
        state: 'FAILURE',
        message: /status starting, which cannot lead there/,
      });
    });
  });
});

// ---- the rows ----

type Verdict = 'success' | 'failure' | 'retry';

/**
 * What a waiter decides on one poll, seen from outside: a client whose first answer is `outcome` and whose
 * second is an error no waiter retries, so a retry shows as that error.
 */
async function verdictOf(
  wait: typeof waitUntilPeerConnActive,
  outcome: { status: string; dnsStatus: string } | 'not found',
): Promise<Verdict> {
  const stop = new Error('polled again');
  let polls = 0;
  const client = {
    async getPeerConn() {
      polls += 1;
      if (polls > 1) throw stop;
      if (outcome === 'not found') {
        throw new BceServiceError({ statusCode: 404, code: 'NoSuchObject', message: 'gone' });
      }
      return {
        ...(view(outcome.status, outcome.dnsStatus).body as Record<string, unknown>),
        $metadata: { httpStatusCode: 200, attempts: 1, totalRetryDelayMs: 0 },
      } as Awaited<ReturnType<PeerConnClient['getPeerConn']>>;
    },
  };
  try {
    await wait({ client, clock: new VirtualClock(), maxWaitTime: 600 }, { peerConnId: 'p-1' });
    return 'success';
  } catch (error) {
    assert.ok(error instanceof WaiterError);
    return error.lastError === stop ? 'retry' : 'failure';
  }
}

// Terraform's sets (resource_baiducloud_peer_conn.go): what each wait treats as done, as pending, and as broken.
const GONE = ['consult_failed', 'expired', 'error', 'deleted', 'deleting', 'down', 'stopping'];
const EXPECTED: Record<string, (status: string, dns: string) => Verdict> = {
  // The create/update waits' targets and pending states, and consulting: a cross-account request waits there.
  active: (status) =>
    status === 'active'
      ? 'success'
      : ['creating', 'starting', 'updating', 'consulting'].includes(status)
        ? 'retry'
        : 'failure',
  deleted: (status) =>
    status === 'deleted'
      ? 'success'
      : ['deleting', 'consulting', 'consult_failed', 'active'].includes(status)
        ? 'retry'
        : 'failure',
  dnsOpen: (status, dns) =>
    dns === 'open'
      ? 'success'
      : GONE.includes(status)
        ? 'failure'
        : ['wait', 'syncing', 'close'].includes(dns)
          ? 'retry'
          : 'failure',
  dnsClosed: (status, dns) =>
    dns === 'close'
      ? 'success'
      : GONE.includes(status)
        ? 'failure'
        : ['open', 'closing'].includes(dns)
          ? 'retry'
          : 'failure',
  consulting: (status) => (status === 'consulting' ? 'success' : status === 'creating' ? 'retry' : 'failure'),
};
const NOT_FOUND: Record<string, Verdict> = {
  active: 'failure',
  deleted: 'success',
  dnsOpen: 'failure',
  dnsClosed: 'failure',
  consulting: 'retry',
};
const WAITER_FUNCTIONS = {
  active: waitUntilPeerConnActive,
  deleted: waitUntilPeerConnDeleted,
  dnsOpen: waitUntilDnsSyncOpen,
  dnsClosed: waitUntilDnsSyncClosed,
  consulting: waitUntilPeerConnConsulting,
};

describe('the waiter rows', () => {
  for (const [name, wait] of Object.entries(WAITER_FUNCTIONS)) {
    test(`${name}: every status and dnsStatus decides as Terraform's sets say`, async () => {
      const expect = EXPECTED[name] as (status: string, dns: string) => Verdict;
      const wrong: string[] = [];
      for (const status of PEER_CONN_STATUSES) {
        for (const dnsStatus of DNS_STATUSES) {
          const got = await verdictOf(wait, { status, dnsStatus });
          if (got !== expect(status, dnsStatus)) wrong.push(`${status}/${dnsStatus}: ${got}`);
        }
      }
      const gone = await verdictOf(wait, 'not found');
      if (gone !== NOT_FOUND[name]) wrong.push(`not found: ${gone}`);
      assert.deepEqual(wrong, []);
    });
  }

  test('a new resource gets a waiter by a row: here a VPC until it is a relay, polled with getVpc', async () => {
    const vpc = (relay: boolean): ScriptedResponse => ({
      body: { vpc: { vpcId: 'vpc-1', name: 'v', cidr: '10.0.0.0/16', isDefault: false, relay } },
    });
    const s = await startScriptedServer([vpc(false), vpc(false), vpc(true)]);
    try {
      const waitUntilRelay = createWaiter({
        operation: 'getVpc',
        goal: 'relay on',
        acceptors: [
          { state: 'success', field: 'vpc.relay', in: [true] },
          { state: 'failure', notFound: true },
        ],
      });
      const client = new VpcClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      const clock = new VirtualClock();
      const result = await waitUntilRelay(
        { client, clock, maxWaitTime: 60, random: () => 0 },
        { vpcId: 'vpc-1' },
      );
      assert.equal(result.result?.vpc.relay, true);
      assert.equal(result.attempts, 3);
      assert.deepEqual(
        s.requests.map((r) => r.path),
        ['/v1/vpc/vpc-1', '/v1/vpc/vpc-1', '/v1/vpc/vpc-1'],
      );
      assert.deepEqual(clock.sleeps, [2000, 2000]);
    } finally {
      await s.close();
    }
  });

  test('a waiter polls a read: a mutating operation is refused', () => {
    assert.throws(() => createWaiter({ operation: 'deletePeerConn', goal: 'never', acceptors: [] }), {
      kind: 'config',
      message: /read operation/,
    });
  });

  test('docs/sdk.md shows every row as it is', () => {
    const docs = readFileSync(new URL('../../../docs/sdk.md', import.meta.url), 'utf8');
    const render = (acceptor: Acceptor<WaiterOutput<'getPeerConn'>>): string => {
      const when =
        'field' in acceptor
          ? `${acceptor.field} ${acceptor.in.map((v) => `\`${String(v)}\``).join(', ')}`
          : 'notFound' in acceptor
            ? 'not found'
            : 'any other output';
      return `${acceptor.state}: ${when}`;
    };
    for (const [key, row] of Object.entries(WAITERS)) {
      const name = `waitUntil${key[0]?.toUpperCase()}${key.slice(1)}`;
      const line = `| \`${name}\` | \`${row.operation}\` | ${row.acceptors.map(render).join(' · ')} |`;
      assert.ok(docs.includes(line), `docs/sdk.md has no line\n${line}`);
    }
  });
});
