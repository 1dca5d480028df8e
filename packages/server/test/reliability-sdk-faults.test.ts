// The SDK under the server's fault rules: random histories of VPC and peering operations through @peerconn/sdk,
// each call met by a fault plan for its operation (503 bursts, 429 with Retry-After, connections dropped before
// or after the operation ran, answers slower than the client's timeout, empty 5xx bodies). A plan the retries
// can outlast must end in one success and exactly one effect on the server (the clientToken the SDK keeps across
// its attempts makes a replay answer as the first did); a plan that outlasts them must end in a typed error
// with the reason and leave the state as it was. After every step the server's whole state (GET /_admin/state)
// is compared with what the successful calls say it should be. Runs on SQLite and, in the PostgreSQL pass, on it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BceClientError, BceServiceError, PeerConnClient, VpcClient } from '@peerconn/sdk';
import fc from 'fast-check';
import type { RunningServer } from '../src/server.ts';
import { startServerOn } from './http-support.ts';
import { ACCOUNTS, accountsFileJson, type TestAccount } from './model/accounts.ts';
import { report, SOAK, sized } from './model/config.ts';
import { signedCall } from './model/fuzz.ts';
import {
  dropPlace,
  newStorePlace,
  runsOnEveryStore,
  type StorePlace,
  TEST_STORE_KIND,
} from './store-choice.ts';

runsOnEveryStore(import.meta.url);

const [ALICE, BOB] = ACCOUNTS as [TestAccount, TestAccount];
const MAX_RETRIES = 3;
const TIMEOUT_MS = 1500;

/** What a fault rule does to one call; `times` firings, or every attempt when it is absent. */
type Plan =
  | { kind: 'none' }
  | { kind: '503'; times?: number; emptyBody: boolean }
  | { kind: '500'; times: number; emptyBody: boolean }
  | { kind: '429'; times?: number; retryAfterSeconds: number }
  | { kind: 'drop'; when: 'before' | 'after'; times?: number }
  | { kind: 'slow'; times: number };

function ruleOf(plan: Plan, operation: string): Record<string, unknown> | undefined {
  const times = 'times' in plan && plan.times !== undefined ? { times: plan.times } : {};
  switch (plan.kind) {
    case 'none':
      return undefined;
    case '503':
    case '500':
      return { operation, status: Number(plan.kind), emptyBody: plan.emptyBody, ...times };
    case '429':
      return { operation, status: 429, retryAfterSeconds: plan.retryAfterSeconds, ...times };
    case 'drop':
      return { operation, status: 200, drop: plan.when, ...times };
    case 'slow':
      // Longer than the client waits for one attempt: it gives up, retries, and the slow one runs later.
      return { operation, status: 200, latencyMs: TIMEOUT_MS + 400, ...times };
  }
}

/** Plans the SDK's retries outlast (at most MAX_RETRIES firings), and plans that outlast them. */
const survivable = fc.oneof(
  { arbitrary: fc.constant<Plan>({ kind: 'none' }), weight: 2 },
  fc.record({
    kind: fc.constant('503' as const),
    times: fc.integer({ min: 1, max: MAX_RETRIES }),
    emptyBody: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('500' as const),
    times: fc.integer({ min: 1, max: 2 }),
    emptyBody: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('429' as const),
    times: fc.integer({ min: 1, max: 2 }),
    retryAfterSeconds: fc.constantFrom(0, 0, 0, 1),
  }),
  {
    arbitrary: fc.record({
      kind: fc.constant('drop' as const),
      when: fc.constantFrom('before' as const, 'after' as const),
      times: fc.integer({ min: 1, max: MAX_RETRIES }),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('slow' as const), times: fc.constant(1) }), weight: 1 },
);
const exhausting = fc.oneof(
  fc.record({ kind: fc.constant('503' as const), emptyBody: fc.boolean() }),
  fc.record({ kind: fc.constant('429' as const), retryAfterSeconds: fc.constant(0) }),
  fc.record({ kind: fc.constant('drop' as const), when: fc.constant('before' as const) }),
);

type Intent =
  | 'createVpc'
  | 'updateVpc'
  | 'deleteVpc'
  | 'createPeerConn'
  | 'acceptPeerConn'
  | 'resizePeerConn'
  | 'deletePeerConn';
interface Step {
  intent: Intent;
  pick: number;
  plan: Plan;
  /** Whether the plan is meant to outlast the retries. */
  exhausts: boolean;
}
const stepArb: fc.Arbitrary<Step> = fc
  .record({
    intent: fc.constantFrom<Intent>(
      'createVpc',
      'createVpc',
      'updateVpc',
      'deleteVpc',
      'createPeerConn',
      'createPeerConn',
      'acceptPeerConn',
      'resizePeerConn',
      'deletePeerConn',
    ),
    pick: fc.nat(1000),
    planned: fc.oneof(
      { arbitrary: survivable.map((plan) => ({ plan, exhausts: false })), weight: 9 },
      {
        arbitrary: exhausting.map((plan): { plan: Plan; exhausts: boolean } => ({ plan, exhausts: true })),
        weight: 1,
      },
    ),
  })
  .map(({ intent, pick, planned }) => ({ intent, pick, ...planned }));

/** What the successful calls say the server holds. */
interface Expected {
  vpcs: Map<string, { accountId: string; name: string }>;
  conns: Map<string, { localVpcId: string; peerVpcId: string; accepted: boolean; bandwidth: number }>;
}

interface StateView {
  vpcs: Array<{ vpcId: string; accountId: string; name: string }>;
  peerConns: Array<{
    peerConnId: string;
    bandwidthInMbps: number;
    initiator: { vpcId: string; status: string };
    acceptor: { vpcId: string; status: string; removed: boolean };
  }>;
}

const figures = {
  histories: 0,
  steps: 0,
  faultsInjected: 0,
  writesVerified: 0,
  mutationsRefused: 0,
  retriesSpent: 0,
};
after(() => report(`sdk-faults (${TEST_STORE_KIND})`, { ...figures }));

class Harness {
  private constructor(
    readonly server: RunningServer,
    private readonly place: StorePlace,
  ) {}

  static async start(): Promise<Harness> {
    const place = newStorePlace();
    const accountsFile = join(place.dir as string, 'accounts.json');
    writeFileSync(accountsFile, accountsFileJson());
    const server = await startServerOn(place, { accountsFile });
    const harness = new Harness(server, place);
    await harness.admin('PUT', '/timing', { preset: 'immediate' });
    return harness;
  }

  async admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.server.adminUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    assert.ok(res.ok, `admin ${method} ${path} → ${res.status} ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  }

  async state(): Promise<StateView> {
    return (await this.admin('GET', '/state')) as StateView;
  }

  clients(account: TestAccount, retry: Record<string, number> = {}) {
    const config = {
      endpoint: `http://127.0.0.1:${this.server.listeners[0]?.port}`,
      credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
      maxRetries: MAX_RETRIES,
      timeoutMs: TIMEOUT_MS,
      retry: {
        baseDelayMs: 10,
        throttlingBaseDelayMs: 20,
        maxDelayMs: 2000,
        budgetTokens: 1_000_000,
        ...retry,
      },
    };
    return { vpc: new VpcClient(config), peer: new PeerConnClient(config) };
  }

  async close(): Promise<void> {
    await this.server.close();
    await dropPlace(this.place);
  }
}

/** The server's state as the expectation sees it: live VPCs and connections, which side accepted, bandwidth. */
function observed(state: StateView): Expected {
  const vpcs = new Map(state.vpcs.map((v) => [v.vpcId, { accountId: v.accountId, name: v.name }]));
  const conns = new Map(
    state.peerConns
      .filter((c) => c.initiator.status !== 'deleted')
      .map((c) => [
        c.peerConnId,
        {
          localVpcId: c.initiator.vpcId,
          peerVpcId: c.acceptor.vpcId,
          accepted: c.acceptor.status !== 'consulting',
          bandwidth: c.bandwidthInMbps,
        },
      ]),
  );
  return { vpcs, conns };
}

function asPlain(e: Expected) {
  const sortBy = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => a.localeCompare(b));
  return { vpcs: sortBy(e.vpcs), conns: sortBy(e.conns) };
}

class History {
  readonly expected: Expected = { vpcs: new Map(), conns: new Map() };
  private readonly alice;
  private readonly bob;
  private names = 0;
  readonly log: string[] = [];

  constructor(private readonly h: Harness) {
    this.alice = h.clients(ALICE);
    this.bob = h.clients(BOB);
  }

  private pickOf<T>(items: T[], pick: number): T | undefined {
    return items.length === 0 ? undefined : items[pick % items.length];
  }

  private liveConnsOf(vpcId: string) {
    return [...this.expected.conns.values()].filter((c) => c.localVpcId === vpcId || c.peerVpcId === vpcId);
  }

  /** The call a step makes, and what it changes in the expectation when it succeeds; undefined: nothing to do. */
  private plan(
    step: Step,
  ): { operation: string; call: () => Promise<unknown>; apply: (out: unknown) => void } | undefined {
    const e = this.expected;
    const vpcsOf = (account: TestAccount) =>
      [...e.vpcs].filter(([, v]) => v.accountId === account.id).map(([id]) => id);
    switch (step.intent) {
      case 'createVpc': {
        const account = step.pick % 2 === 0 ? ALICE : BOB;
        if (vpcsOf(account).length >= 6) return undefined;
        const name = `vpc-${++this.names}`;
        const client = account === ALICE ? this.alice : this.bob;
        return {
          operation: 'createVpc',
          call: () => client.vpc.createVpc({ name, cidr: `10.${this.names % 250}.0.0/16` }),
          apply: (out) => e.vpcs.set((out as { vpcId: string }).vpcId, { accountId: account.id, name }),
        };
      }
      case 'updateVpc': {
        const vpcId = this.pickOf(vpcsOf(ALICE), step.pick);
        if (!vpcId) return undefined;
        const name = `renamed-${++this.names}`;
        return {
          operation: 'updateVpc',
          call: () => this.alice.vpc.updateVpc({ vpcId, name }),
          apply: () => e.vpcs.set(vpcId, { accountId: ALICE.id, name }),
        };
      }
      case 'deleteVpc': {
        const free = [...e.vpcs.keys()].filter((id) => this.liveConnsOf(id).length === 0);
        const vpcId = this.pickOf(free, step.pick);
        if (!vpcId) return undefined;
        const client = e.vpcs.get(vpcId)?.accountId === ALICE.id ? this.alice : this.bob;
        return {
          operation: 'deleteVpc',
          call: () => client.vpc.deleteVpc({ vpcId }),
          apply: () => e.vpcs.delete(vpcId),
        };
      }
      case 'createPeerConn': {
        if (e.conns.size >= 8) return undefined;
        const pairs = vpcsOf(ALICE).flatMap((a) =>
          vpcsOf(BOB)
            .filter((b) => !this.liveConnsOf(a).some((c) => c.peerVpcId === b))
            .map((b) => [a, b] as const),
        );
        const pair = this.pickOf(pairs, step.pick);
        if (!pair) return undefined;
        const [localVpcId, peerVpcId] = pair;
        return {
          operation: 'createPeerConn',
          call: () =>
            this.alice.peer.createPeerConn({
              bandwidthInMbps: 10,
              localVpcId,
              peerVpcId,
              peerRegion: 'bj',
              peerAccountId: BOB.id,
              billing: { paymentTiming: 'Postpaid' },
            }),
          apply: (out) =>
            e.conns.set((out as { peerConnId: string }).peerConnId, {
              localVpcId,
              peerVpcId,
              accepted: false,
              bandwidth: 10,
            }),
        };
      }
      case 'acceptPeerConn': {
        const id = this.pickOf(
          [...e.conns].filter(([, c]) => !c.accepted).map(([id]) => id),
          step.pick,
        );
        if (!id) return undefined;
        return {
          operation: 'acceptPeerConn',
          call: () => this.bob.peer.acceptPeerConn({ peerConnId: id }),
          apply: () => {
            const c = e.conns.get(id);
            if (c) c.accepted = true;
          },
        };
      }
      case 'resizePeerConn': {
        const id = this.pickOf(
          [...e.conns].filter(([, c]) => c.accepted).map(([id]) => id),
          step.pick,
        );
        if (!id) return undefined;
        const bandwidth = (e.conns.get(id)?.bandwidth ?? 10) + 1 + (step.pick % 5);
        return {
          operation: 'resizePeerConn',
          call: () => this.alice.peer.resizePeerConn({ peerConnId: id, newBandwidthInMbps: bandwidth }),
          apply: () => {
            const c = e.conns.get(id);
            if (c) c.bandwidth = bandwidth;
          },
        };
      }
      case 'deletePeerConn': {
        const id = this.pickOf([...e.conns.keys()], step.pick);
        if (!id) return undefined;
        return {
          operation: 'deletePeerConn',
          call: () => this.alice.peer.deletePeerConn({ peerConnId: id }),
          apply: () => e.conns.delete(id),
        };
      }
    }
  }

  async step(step: Step): Promise<void> {
    const planned = this.plan(step);
    if (!planned) return;
    figures.steps += 1;
    const rule = ruleOf(step.plan, planned.operation);
    this.log.push(`${planned.operation} under ${JSON.stringify(step.plan)}`);
    const before = await this.h.state();
    if (rule) {
      await this.h.admin('POST', '/faults', rule);
      figures.faultsInjected += 1;
    }
    let outcome: { ok: true; out: unknown } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, out: await planned.call() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    await this.h.admin('DELETE', '/faults');
    if (step.plan.kind === 'slow') {
      // The attempt the client gave up on is still running on the server; it must end as a replay.
      await new Promise((r) => setTimeout(r, TIMEOUT_MS + 600));
    }
    if (!step.exhausts) {
      if (!outcome.ok) throw new Error(`${this.log.join('\n')}\n→ failed: ${String(outcome.error)}`);
      const meta = (outcome.out as { $metadata: { attempts: number; totalRetryDelayMs: number } }).$metadata;
      const fired = step.plan.kind === 'none' ? 0 : (step.plan as { times: number }).times;
      // One attempt per firing, then the one that got through (a slow answer also counts once).
      assert.equal(meta.attempts, fired + 1, `${this.log.at(-1)}: attempts`);
      if (step.plan.kind === '429' && step.plan.retryAfterSeconds > 0) {
        assert.ok(meta.totalRetryDelayMs >= 1000 * step.plan.retryAfterSeconds, 'Retry-After is a floor');
      }
      figures.retriesSpent += meta.attempts - 1;
      planned.apply(outcome.out);
      figures.writesVerified += 1;
    } else {
      assert.equal(outcome.ok, false, `${this.log.at(-1)}: should have run out of retries`);
      const error = (outcome as { error: unknown }).error;
      if (step.plan.kind === 'drop') {
        assert.ok(error instanceof BceClientError && error.kind === 'network', String(error));
      } else {
        assert.ok(error instanceof BceServiceError, String(error));
        assert.equal(error.statusCode, step.plan.kind === '429' ? 429 : 503);
      }
      const meta = (error as BceServiceError | BceClientError).$metadata;
      assert.equal(meta?.attempts, MAX_RETRIES + 1, 'attempts');
      assert.equal(meta?.retryRefusal, 'max-attempts-reached');
      assert.deepEqual(
        asPlain(observed(await this.h.state())),
        asPlain(observed(before)),
        'a refused call changes nothing',
      );
      figures.mutationsRefused += 1;
    }
    assert.deepEqual(
      asPlain(observed(await this.h.state())),
      asPlain(this.expected),
      `after:\n${this.log.join('\n')}`,
    );
  }
}

test('random histories through the SDK under fault rules: no mutation twice, a typed error when retries run out', {
  timeout: SOAK ? 3_600_000 : 300_000,
}, async () => {
  const harness = await Harness.start();
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: sized(25, 80), maxLength: sized(40, 120) }),
        async (steps) => {
          await harness.admin('POST', '/reset', {});
          await harness.admin('PUT', '/timing', { preset: 'immediate' });
          figures.histories += 1;
          const history = new History(harness);
          for (const step of steps) await history.step(step);
        },
      ),
      { numRuns: sized(4, 20), includeErrorInReport: true },
    );
  } finally {
    await harness.close();
  }
});

test('a spent retry budget ends in a typed error that says so, and nothing was applied', async () => {
  const harness = await Harness.start();
  try {
    // A budget of 10 tokens pays for two retries at 5 each; the third is refused by the budget, not the count.
    const { vpc } = harness.clients(ALICE, { budgetTokens: 10 });
    await harness.admin('POST', '/faults', { operation: 'createVpc', status: 503 });
    const error = await vpc.createVpc({ name: 'never', cidr: '10.0.0.0/16' }).then(
      () => assert.fail('created through a permanent 503'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof BceServiceError);
    assert.equal(error.code, 'ServiceUnavailable');
    assert.equal(error.$metadata.attempts, 3);
    assert.equal(error.$metadata.retryRefusal, 'retry-budget-exhausted');
    await harness.admin('DELETE', '/faults');
    assert.deepEqual((await harness.state()).vpcs, []);
  } finally {
    await harness.close();
  }
});

test('fault rules: Retry-After on the injected answer; a drop before the operation loses it, after it loses only the answer', async () => {
  const harness = await Harness.start();
  try {
    const { vpc } = harness.clients(ALICE);
    await harness.admin('POST', '/faults', {
      operation: 'listVpcs',
      status: 429,
      retryAfterSeconds: 7,
      times: 1,
    });
    const port = harness.server.listeners[0]?.port as number;
    const throttled = await signedCall(port, 'GET', '/v1/vpc', undefined, ALICE);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['retry-after'], '7');
    assert.equal((throttled.json as { code: string }).code, 'Throttling');

    for (const when of ['before', 'after'] as const) {
      await harness.admin('POST', '/faults', { operation: 'createVpc', status: 200, drop: when, times: 1 });
      const once = await new VpcClient({
        endpoint: `http://127.0.0.1:${port}`,
        credentials: { accessKeyId: ALICE.accessKeyId, secretAccessKey: ALICE.secretAccessKey },
        maxRetries: 0,
      })
        .createVpc({ name: `dropped-${when}`, cidr: '10.0.0.0/16' })
        .then(
          () => assert.fail('the drop rule did not fire'),
          (e: unknown) => e,
        );
      assert.ok(once instanceof BceClientError && once.kind === 'network', String(once));
      const names = (await harness.state()).vpcs.map((v) => v.name);
      assert.equal(names.includes(`dropped-${when}`), when === 'after');
    }
    // With retries, the lost answer is recovered from the token: one VPC, the id the server made.
    await harness.admin('POST', '/faults', { operation: 'createVpc', status: 200, drop: 'after', times: 2 });
    const made = await vpc.createVpc({ name: 'kept', cidr: '10.0.0.0/16' });
    assert.equal(made.$metadata.attempts, 3);
    const kept = (await harness.state()).vpcs.filter((v) => v.name === 'kept');
    assert.deepEqual(
      kept.map((v) => v.vpcId),
      [made.vpcId],
    );
  } finally {
    await harness.close();
  }
});
