// The engine's cross-account view (what the console shows) and its change notices: each kind of change is
// announced once the engine's own answers already reflect it, so a listener that reads back sees the new state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Engine, EngineChange } from '../src/engine/api.ts';
import {
  caller,
  createPc,
  engineConfig,
  engineOn,
  getPc,
  makeAccount,
  makeVpc,
  openFixture,
  postpaid,
} from './engine-fixture.ts';
import { runsOnEveryStore, TEST_STORE_KIND } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

/** Resolves with what `read` returns inside the listener, at the first change of that kind. */
function atNextChange<T>(engine: Engine, kind: EngineChange, read: () => T): Promise<T> {
  return new Promise((resolve) => {
    const off = engine.onChange((change) => {
      if (change !== kind) return;
      off();
      resolve(read());
    });
  });
}

test('overview: every account, VPC and both sides of each connection, across regions', async () => {
  const f = await openFixture();
  try {
    const aId = await makeAccount(f.engine, 'a');
    const bId = await makeAccount(f.engine, 'b');
    const a = caller(aId, 'bj');
    const b = caller(bId, 'gz');
    const va = await makeVpc(f.engine, a, 'va');
    const vb = await makeVpc(f.engine, b, 'vb');
    const id = await createPc(f.engine, a, postpaid(va, vb, 'gz', { peerAccountId: bId }));

    const seen = await f.engine.overview();
    assert.deepEqual(
      seen.accounts.map((account) => account.name),
      ['a', 'b'],
    );
    assert.ok(seen.accounts.every((account) => account.credentials.length === 1));
    assert.deepEqual(
      seen.vpcs.map((vpc) => [vpc.vpcId, vpc.accountId, vpc.region]),
      [
        [va, aId, 'bj'],
        [vb, bId, 'gz'],
      ],
    );
    assert.equal(seen.peerConns.length, 1);
    const record = seen.peerConns[0];
    assert.ok(record);
    assert.equal(record.id, id);
    // Each side as the overview has it is what its owner gets through the API.
    for (const [who, side] of [
      [a, record.initiator],
      [b, record.acceptor],
    ] as const) {
      assert.equal(side.accountId, who.accountId);
      const view = await getPc(f.engine, who, id, side.role);
      assert.equal(view.status, side.status);
      assert.equal(view.dnsStatus, side.dnsStatus);
      assert.equal(view.localVpcId, side.vpcId);
    }
    assert.equal(record.acceptorRemoved, false);

    await f.engine.execute('rejectPeerConn', b, { peerConnId: id });
    const after = await f.engine.overview();
    assert.equal(after.peerConns[0]?.acceptorRemoved, true);
    assert.equal(after.peerConns[0]?.initiator.status, 'consult_failed');
  } finally {
    await f.cleanup();
  }
});

test('onChange: each kind of change is announced after the engine reflects it', async () => {
  const f = await openFixture();
  try {
    const settings = atNextChange(f.engine, 'settings', () => f.engine.clock());
    const moved = await f.engine.setClock({ advanceMs: 3_600_000 });
    assert.deepEqual(await settings, moved);

    const timing = atNextChange(f.engine, 'settings', () => f.engine.timing().create);
    await f.engine.setTiming({ create: { mode: 'manual' } });
    assert.deepEqual(await timing, { mode: 'manual' });

    const faults = atNextChange(f.engine, 'faults', () => f.engine.listFaults().map((rule) => rule.id));
    const rule = await f.engine.addFault({ operation: 'getPeerConn', status: 503 });
    assert.deepEqual(await faults, [rule.id]);

    const accounts = atNextChange(f.engine, 'accounts', () => true);
    const a = caller(await makeAccount(f.engine, 'a'));
    assert.equal(await accounts, true);

    const vpcs = atNextChange(f.engine, 'vpcs', () => true);
    const [v1, v2] = [await makeVpc(f.engine, a), await makeVpc(f.engine, a)];
    assert.equal(await vpcs, true);

    const events = atNextChange(f.engine, 'events', () => true);
    await createPc(f.engine, a, postpaid(v1, v2));
    assert.equal(await events, true);

    const all = atNextChange(f.engine, 'all', () => f.engine.listFaults().length);
    await f.engine.reset();
    assert.equal(await all, 0);
  } finally {
    await f.cleanup();
  }
});

test('onChange hears changes made by another server process on the same database', {
  skip: TEST_STORE_KIND !== 'postgres' && 'needs PostgreSQL (the PostgreSQL pass of npm test)',
}, async () => {
  const f = await openFixture();
  const other = await engineOn(f.place, engineConfig());
  try {
    const settings = atNextChange(f.engine, 'settings', () => f.engine.clock().frozen);
    await other.setClock({ freeze: true });
    assert.equal(await settings, true);
    const a = caller(await makeAccount(other, 'a'));
    const vpcs = atNextChange(f.engine, 'vpcs', () => true);
    await makeVpc(other, a);
    assert.equal(await vpcs, true);
  } finally {
    await other.close();
    await f.cleanup();
  }
});
