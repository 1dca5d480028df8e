// Lifecycles and time: same-account, cross-account and cross-region flows, timing modes, the virtual clock
// (7-day consult timeout, Prepaid expiry, renew) and idempotency on the virtual clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY_MS } from '../src/domain/time.ts';
import {
  allTiming,
  caller,
  createPc,
  crossAccountPeering,
  engineConfig,
  engineOn,
  getPc,
  makeAccount,
  makeVpc,
  openFixture,
  postpaid,
  prepaid,
  REAL_NOW,
  rejectsWith,
  twoAccounts,
} from './engine-fixture.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

test('same account, same region: delay timing walks creating → active, both sides visible, release → gone', async () => {
  const f = await openFixture({ timing: allTiming({ mode: 'delay', delayMs: 2000 }) });
  try {
    const a = caller(await makeAccount(f.engine, 'a'));
    const [v1, v2] = [await makeVpc(f.engine, a), await makeVpc(f.engine, a)];
    const id = await createPc(
      f.engine,
      a,
      postpaid(v1, v2, 'bj', { localIfName: 'left', peerIfName: 'right' }),
    );
    const initiator = await getPc(f.engine, a, id);
    assert.equal(initiator.status, 'creating');
    assert.equal(initiator.role, 'initiator');
    assert.equal(initiator.peerAccountId, a.accountId);
    assert.equal(initiator.expiredTime, '');
    assert.match(initiator.createdTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await f.engine.setClock({ advanceMs: 1999 });
    assert.equal((await getPc(f.engine, a, id)).status, 'creating');
    await f.engine.setClock({ advanceMs: 1 });
    assert.equal((await getPc(f.engine, a, id)).status, 'active');
    const acceptor = await getPc(f.engine, a, id, 'acceptor');
    assert.equal(acceptor.localIfName, 'right');
    assert.equal(acceptor.localVpcId, v2);
    assert.equal(acceptor.peerVpcId, v1);
    assert.notEqual(acceptor.localIfId, initiator.localIfId);
    const listed = (await f.engine.execute('listPeerConns', a, {})) as { peerConns: Array<{ role: string }> };
    assert.deepEqual(
      listed.peerConns.map((p) => p.role),
      ['initiator', 'acceptor'],
    );

    await f.engine.execute('resizePeerConn', a, { peerConnId: id, newBandwidthInMbps: 30 });
    assert.equal((await getPc(f.engine, a, id)).status, 'updating');
    await f.engine.setClock({ advanceMs: 2000 });
    const resized = await getPc(f.engine, a, id);
    assert.deepEqual([resized.status, resized.bandwidthInMbps], ['active', 30]);

    await f.engine.execute('deletePeerConn', a, { peerConnId: id });
    assert.equal((await getPc(f.engine, a, id, 'acceptor')).status, 'deleting');
    await f.engine.setClock({ advanceMs: 2000 });
    await rejectsWith(getPc(f.engine, a, id), 'NoSuchObject');
    await f.engine.execute('deleteVpc', a, { vpcId: v2 });
  } finally {
    await f.cleanup();
  }
});

test('cross-account, cross-region: consulting → accept → starting → active; DNS per side; keepDeleted shows deleted', async () => {
  const f = await openFixture({ keepDeleted: true, timing: allTiming({ mode: 'manual' }) });
  try {
    const a = caller(await makeAccount(f.engine, 'a'), 'bj');
    const b = caller(await makeAccount(f.engine, 'b'), 'gz');
    const [va, vb] = [await makeVpc(f.engine, a), await makeVpc(f.engine, b)];
    const id = await createPc(f.engine, a, prepaid(va, vb, 'gz', 2, { peerAccountId: b.accountId }));
    assert.equal((await getPc(f.engine, b, id)).status, 'creating');
    assert.equal(await f.engine.runTransitions(id), 1);
    const seenByB = await getPc(f.engine, b, id);
    assert.deepEqual(
      [seenByB.role, seenByB.status, seenByB.peerAccountId, seenByB.peerRegion],
      ['acceptor', 'consulting', a.accountId, 'bj'],
    );
    assert.equal((await getPc(f.engine, a, id)).status, 'consulting');
    await rejectsWith(getPc(f.engine, caller(b.accountId, 'bj'), id), 'NoSuchObject');

    const { localIfId } = seenByB;
    await f.engine.execute('updatePeerConn', b, { peerConnId: id, localIfId, localIfName: 'b-side' });
    assert.equal((await getPc(f.engine, b, id)).localIfName, 'b-side');
    assert.equal((await getPc(f.engine, a, id)).status, 'consulting');

    await f.engine.execute('acceptPeerConn', b, { peerConnId: id });
    assert.equal((await getPc(f.engine, a, id)).status, 'starting');
    await f.engine.runTransitions(id);
    assert.equal((await getPc(f.engine, a, id)).status, 'active');

    await f.engine.execute('openPeerConnDnsSync', b, { peerConnId: id, role: 'acceptor' });
    const steps = [(await getPc(f.engine, b, id)).dnsStatus];
    await f.engine.runTransitions(id);
    steps.push((await getPc(f.engine, b, id)).dnsStatus);
    await f.engine.runTransitions(id);
    steps.push((await getPc(f.engine, b, id)).dnsStatus);
    assert.deepEqual(steps, ['wait', 'syncing', 'open']);
    assert.equal((await getPc(f.engine, a, id)).dnsStatus, 'close');
    await f.engine.execute('openPeerConnDnsSync', b, { peerConnId: id, role: 'acceptor' });
    assert.equal((await getPc(f.engine, b, id)).dnsStatus, 'open');
    await f.engine.execute('closePeerConnDnsSync', b, { peerConnId: id, role: 'acceptor' });
    assert.equal((await getPc(f.engine, b, id)).dnsStatus, 'closing');
    await f.engine.runTransitions(id);
    assert.equal((await getPc(f.engine, b, id)).dnsStatus, 'close');

    await f.engine.execute('refundPeerConn', a, { peerConnId: id });
    assert.equal((await getPc(f.engine, b, id)).status, 'deleting');
    await f.engine.runTransitions();
    assert.equal((await getPc(f.engine, a, id)).status, 'deleted');
    assert.equal((await getPc(f.engine, b, id)).status, 'deleted');
    // A deleted connection no longer holds the pair.
    await createPc(f.engine, a, prepaid(va, vb, 'gz', 1, { peerAccountId: b.accountId }));
  } finally {
    await f.cleanup();
  }
});

test('reject: initiator consult_failed, acceptor side gone; the failed one must be released before re-requesting', async () => {
  const f = await openFixture();
  try {
    const { a, b, va, vb } = await twoAccounts(f.engine);
    const input = prepaid(va, vb, 'gz', 1, { peerAccountId: b.accountId });
    const bGz = caller(b.accountId, 'gz');
    const vbGz = await makeVpc(f.engine, bGz);
    const id = await createPc(f.engine, a, { ...input, peerVpcId: vbGz });
    await f.engine.execute('rejectPeerConn', bGz, { peerConnId: id });
    assert.equal((await getPc(f.engine, a, id)).status, 'consult_failed');
    await rejectsWith(getPc(f.engine, bGz, id), 'NoSuchObject');
    const bList = (await f.engine.execute('listPeerConns', bGz, {})) as {
      peerConns: unknown[];
      marker?: string;
    };
    assert.deepEqual([bList.peerConns.length, bList.marker], [0, undefined]);
    await rejectsWith(createPc(f.engine, a, { ...input, peerVpcId: vbGz }), 'PeerConnAlreadyExists');
    // Prepaid in consult_failed can be released (Baidu's rule), which frees the pair.
    await f.engine.execute('deletePeerConn', a, { peerConnId: id });
    await rejectsWith(getPc(f.engine, a, id), 'NoSuchObject');
    await createPc(f.engine, a, { ...input, peerVpcId: vbGz });
  } finally {
    await f.cleanup();
  }
});

test('7-day consult timeout on the virtual clock fails the request exactly at the deadline', async () => {
  const f = await openFixture();
  try {
    const { a, b, id } = await crossAccountPeering(f.engine);
    const pending = await f.engine.pendingTransitions();
    assert.deepEqual(
      pending.map((p) => [p.name, p.dueAt]),
      [['consultTimeout', new Date(REAL_NOW + 7 * DAY_MS).toISOString()]],
    );
    await f.engine.setClock({ advanceMs: 7 * DAY_MS - 1 });
    assert.equal((await getPc(f.engine, b, id)).status, 'consulting');
    await f.engine.setClock({ advanceMs: 1 });
    assert.equal((await getPc(f.engine, a, id)).status, 'consult_failed');
    await rejectsWith(f.engine.execute('acceptPeerConn', b, { peerConnId: id }), 'NoSuchObject');
  } finally {
    await f.cleanup();
  }
});

test('Prepaid expiry → expired; release allowed then; renew of an expired one reactivates it from now', async () => {
  const f = await openFixture();
  try {
    const a = caller(await makeAccount(f.engine, 'a'));
    const aGz = caller(a.accountId, 'gz');
    const id = await createPc(
      f.engine,
      a,
      prepaid(await makeVpc(f.engine, a), await makeVpc(f.engine, aGz), 'gz', 1),
    );
    const created = await getPc(f.engine, a, id);
    assert.equal(created.status, 'active');
    assert.equal(created.expiredTime, '2026-02-15T08:00:00Z');
    // Renewing an active one extends from the current expiry.
    await f.engine.execute('renewPeerConn', a, {
      peerConnId: id,
      billing: { reservation: { reservationLength: 1 } },
    });
    assert.equal((await getPc(f.engine, a, id)).expiredTime, '2026-03-15T08:00:00Z');
    await f.engine.setClock({ set: '2026-03-15T07:59:59Z' });
    assert.equal((await getPc(f.engine, a, id)).status, 'active');
    await f.engine.setClock({ set: '2026-04-01T00:00:00Z' });
    assert.equal((await getPc(f.engine, aGz, id)).status, 'expired');
    await f.engine.execute('renewPeerConn', a, {
      peerConnId: id,
      billing: { reservation: { reservationLength: 2, reservationTimeUnit: 'MONTH' } },
    });
    const renewed = await getPc(f.engine, a, id);
    assert.deepEqual([renewed.status, renewed.expiredTime], ['active', '2026-06-01T00:00:00Z']);
    await rejectsWith(f.engine.execute('deletePeerConn', a, { peerConnId: id }), 'PrepaidReleaseNotAllowed');
    await f.engine.setClock({ advanceMs: 100 * DAY_MS });
    assert.equal((await getPc(f.engine, a, id)).status, 'expired');
    await f.engine.execute('deletePeerConn', a, { peerConnId: id });
    await rejectsWith(getPc(f.engine, a, id), 'NoSuchObject');
  } finally {
    await f.cleanup();
  }
});

test('the scheduler timer applies a due transition without any request', async () => {
  const f = await openFixture();
  try {
    // Real time must move for the timer, so this engine runs on the wall clock.
    await f.engine.close();
    f.engine = await engineOn(f.place, engineConfig(), {});
    await f.engine.setTiming(allTiming({ mode: 'delay', delayMs: 30 }));
    const a = caller(await makeAccount(f.engine, 'a'));
    const [v1, v2] = [await makeVpc(f.engine, a), await makeVpc(f.engine, a)];
    // Nothing calls the engine until the timeline grows, so only the timer can have applied the transition.
    let stop = () => {};
    const grew = new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error('no transition within 10 s')), 10_000);
      stop = () => clearTimeout(timeout);
      let events = 0;
      const off = f.engine.onEvents(() => {
        // The first notice is the create itself; the second is the transition.
        if (++events === 2) {
          off();
          resolve();
        }
      });
    });
    const id = await createPc(f.engine, a, postpaid(v1, v2));
    await grew.finally(stop);
    const timeline = await f.engine.listEvents({ peerConnId: id });
    assert.deepEqual(
      timeline.map((e) => e.cause),
      [
        { type: 'request', operation: 'createPeerConn', requestId: 'test-request', accountId: a.accountId },
        { type: 'transition', transition: 'create', trigger: 'timer' },
      ],
    );
    assert.equal((await getPc(f.engine, a, id)).status, 'active');
  } finally {
    await f.cleanup();
  }
});

test('idempotency: repeat returns the first response with no second effect; mismatch; expiry after 24 h of disuse', async () => {
  const f = await openFixture();
  try {
    const a = caller(await makeAccount(f.engine, 'a'));
    const [v1, v2, v3] = [await makeVpc(f.engine, a), await makeVpc(f.engine, a), await makeVpc(f.engine, a)];
    const token = { clientToken: 'tok-1', fingerprint: 'fp-create-v1-v2' };
    const first = await f.engine.execute('createPeerConn', a, postpaid(v1, v2), token);
    const again = await f.engine.execute('createPeerConn', a, postpaid(v1, v2), token);
    assert.deepEqual(again, first);
    const count = async () =>
      (
        (await f.engine.execute('listPeerConns', a, {})) as { peerConns: Array<{ role: string }> }
      ).peerConns.filter((p) => p.role === 'initiator').length;
    assert.equal(await count(), 1);
    await rejectsWith(
      f.engine.execute('createPeerConn', a, postpaid(v1, v3), { clientToken: 'tok-1', fingerprint: 'other' }),
      'IdempotentParameterMismatch',
    );
    // Another account may use the same token independently.
    const b = caller(await makeAccount(f.engine, 'b'));
    await f.engine.execute(
      'createVpc',
      b,
      { name: 'x', cidr: '10.0.0.0/8' },
      { clientToken: 'tok-1', fingerprint: 'b' },
    );

    // Re-use keeps it alive: 23 h, use, 23 h, use → still the stored response.
    await f.engine.setClock({ advanceMs: 23 * 60 * 60 * 1000 });
    assert.deepEqual(await f.engine.execute('createPeerConn', a, postpaid(v1, v2), token), first);
    await f.engine.setClock({ advanceMs: 23 * 60 * 60 * 1000 });
    assert.deepEqual(await f.engine.execute('createPeerConn', a, postpaid(v1, v2), token), first);
    // After 24 h without use the token is forgotten: the same request runs again and meets the pair rule.
    await f.engine.setClock({ advanceMs: 24 * 60 * 60 * 1000 });
    await rejectsWith(
      f.engine.execute('createPeerConn', a, postpaid(v1, v2), token),
      'PeerConnAlreadyExists',
    );

    // No-data operations replay as undefined and do not act twice.
    const id = (first as { peerConnId: string }).peerConnId;
    const del = { clientToken: 'tok-del', fingerprint: 'del' };
    assert.equal(await f.engine.execute('deletePeerConn', a, { peerConnId: id }, del), undefined);
    assert.equal(await f.engine.execute('deletePeerConn', a, { peerConnId: id }, del), undefined);
    // A failed request stores nothing, so the token stays free for a corrected retry.
    const bad = { clientToken: 'tok-bad', fingerprint: 'bad' };
    await rejectsWith(f.engine.execute('createVpc', a, { name: 'x', cidr: 'nope' }, bad), 'InvalidCidr');
    await f.engine.execute('createVpc', a, { name: 'x', cidr: '10.0.0.0/8' }, bad);
  } finally {
    await f.cleanup();
  }
});
