// The Store contract, on the store the suite runs on (SQLite, or PostgreSQL with PEERCONN_TEST_POSTGRES):
// reads see only committed data, a failed write leaves nothing and never fails its neighbours, signals arrive
// after commit and never after a rollback, fault counters count down atomically, and a dump loads back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { SecurityGroupRecord } from '../src/domain/resources.ts';
import type { PeerConnRecord, VpcRecord } from '../src/domain/types.ts';
import type { Store, StoreSignal } from '../src/store/api.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { dropPlace, newStorePlace, openPlace, runsOnEveryStore, TEST_STORE_KIND } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

async function withStore(run: (store: Store, reopen: () => Promise<Store>) => Promise<void>): Promise<void> {
  const place = newStorePlace();
  let store = await openPlace(place);
  try {
    await run(store, async () => {
      await store.close();
      store = await openPlace(place);
      return store;
    });
  } finally {
    await store.close();
    await dropPlace(place);
  }
}

function vpc(vpcId: string, accountId = 'a'.repeat(32)): VpcRecord {
  return {
    vpcId,
    accountId,
    region: 'bj',
    name: vpcId,
    cidr: '10.0.0.0/16',
    description: '',
    relay: false,
    tags: [],
    createdAt: 0,
  };
}

function peerConn(id: string, lo: string, hi: string): PeerConnRecord {
  const side = (role: 'initiator' | 'acceptor', vpcId: string) => ({
    role,
    accountId: 'a'.repeat(32),
    region: 'bj',
    vpcId,
    ifId: `qpif-${id}-${role}`,
    ifName: '',
    description: '',
    status: 'active' as const,
    dnsStatus: 'close' as const,
  });
  return {
    id,
    initiator: side('initiator', lo),
    acceptor: side('acceptor', hi),
    acceptorRemoved: false,
    crossAccount: false,
    bandwidthInMbps: 10,
    paymentTiming: 'Postpaid',
    reservationLength: null,
    createdAt: 0,
    expiresAt: null,
    deleteProtect: false,
    tags: [],
    resourceGroupId: '',
  };
}

test('a write is invisible to readers until it commits, and a failed write leaves nothing', async () => {
  await withStore(async (store) => {
    let seenInside: VpcRecord | undefined | 'unread' = 'unread';
    await store.write(async (tx) => {
      await tx.insertVpc(vpc('vpc-one'));
      seenInside = await store.read((r) => r.getVpc('vpc-one'));
    });
    assert.equal(seenInside, undefined, 'a reader saw an uncommitted row');
    assert.equal((await store.read((r) => r.getVpc('vpc-one')))?.vpcId, 'vpc-one');

    await assert.rejects(
      store.write(async (tx) => {
        await tx.insertVpc(vpc('vpc-two'));
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.equal(await store.read((r) => r.getVpc('vpc-two')), undefined);
  });
});

test('what a reader read before a commit is never served after it', async () => {
  await withStore(async (store) => {
    const account = 'a'.repeat(32);
    const page = () => store.read((r) => r.listVpcs({ accountId: account, region: 'bj', limit: 10 }));
    assert.deepEqual(await page(), []);
    assert.equal(await store.read((r) => r.getVpc('vpc-late')), undefined);
    await store.write((tx) => tx.insertVpc(vpc('vpc-late')));
    assert.deepEqual(
      (await page()).map((row) => row.vpc.vpcId),
      ['vpc-late'],
    );
    assert.equal((await store.read((r) => r.getVpc('vpc-late')))?.vpcId, 'vpc-late');
    // A read racing a commit: started before the write, finished after it.
    const racing = store.read((r) => r.getVpc('vpc-racing'));
    await store.write((tx) => tx.insertVpc(vpc('vpc-racing')));
    await racing;
    assert.equal((await store.read((r) => r.getVpc('vpc-racing')))?.vpcId, 'vpc-racing');
  });
});

test('subnet, route table and rule reads are never served stale after a commit', async () => {
  await withStore(async (store) => {
    const account = 'a'.repeat(32);
    const owner = { accountId: account, region: 'bj' };
    await store.write(async (tx) => {
      await tx.insertVpc(vpc('vpc-r'));
      await tx.insertVpc(vpc('vpc-r2'));
      await tx.insertRouteTable({ routeTableId: 'rt-r', vpcId: 'vpc-r', ...owner });
    });
    const subnet = {
      subnetId: 'sbn-r',
      vpcId: 'vpc-r',
      ...owner,
      name: 's',
      zoneName: 'cn-bj-a',
      cidr: '10.0.1.0/24',
      subnetType: 'BCC',
      description: '',
      tags: [],
      createdAt: 0,
    };
    const rule = {
      routeRuleId: 'rr-r',
      routeTableId: 'rt-r',
      vpcId: 'vpc-r',
      ...owner,
      sourceAddress: '0.0.0.0/0',
      destinationAddress: '192.168.0.0/16',
      nexthopType: 'peerConn',
      nexthopId: 'qpif-x-initiator',
      description: '',
      createdAt: 0,
    };
    const look = () =>
      store.read(async (r) => ({
        subnet: (await r.getSubnet('sbn-r'))?.name,
        subnets: (await r.subnetsOfVpc('vpc-r')).map((s) => s.subnetId),
        table: (await r.routeTableOfVpc('vpc-r'))?.routeTableId,
        byId: (await r.getRouteTable('rt-r'))?.vpcId,
        rule: (await r.getRouteRule('rr-r'))?.description,
        rules: (await r.rulesOfTable('rt-r')).map((x) => x.routeRuleId),
        byIf: (await r.getPeerConnByInterface('qpif-x-initiator'))?.id,
      }));
    assert.deepEqual(await look(), {
      subnet: undefined,
      subnets: [],
      table: 'rt-r',
      byId: 'vpc-r',
      rule: undefined,
      rules: [],
      byIf: undefined,
    });
    await store.write(async (tx) => {
      await tx.insertSubnet(subnet);
      await tx.insertRouteRule(rule);
      await tx.savePeerConn(peerConn('x', 'vpc-r', 'vpc-r2'));
    });
    assert.deepEqual(await look(), {
      subnet: 's',
      subnets: ['sbn-r'],
      table: 'rt-r',
      byId: 'vpc-r',
      rule: '',
      rules: ['rr-r'],
      byIf: 'x',
    });
    await store.write(async (tx) => {
      await tx.updateSubnet({ ...subnet, name: 't' });
      await tx.updateRouteRule({ ...rule, description: 'changed' });
    });
    const changed = await look();
    assert.equal(changed.subnet, 't');
    assert.equal(changed.rule, 'changed');
    await store.write(async (tx) => {
      await tx.deleteRouteRule('rr-r');
      await tx.deleteSubnet('sbn-r');
      await tx.deletePeerConn('x');
    });
    assert.deepEqual(await look(), {
      subnet: undefined,
      subnets: [],
      table: 'rt-r',
      byId: 'vpc-r',
      rule: undefined,
      rules: [],
      byIf: undefined,
    });
  });
});

test('concurrent writes: a failing one is rolled back alone, its neighbours commit', async () => {
  await withStore(async (store) => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        store.write(async (tx) => {
          await tx.insertVpc(vpc(`vpc-${i}`));
          if (i % 5 === 0) throw new Error(`write ${i} fails`);
          return i;
        }),
      ),
    );
    const committed = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    assert.equal(committed.length, 40);
    for (let i = 0; i < 50; i++) {
      const row = await store.read((r) => r.getVpc(`vpc-${i}`));
      assert.equal(row?.vpcId, i % 5 === 0 ? undefined : `vpc-${i}`, `vpc-${i}`);
    }
    // A constraint violation inside one write (the unique live pair) is that write's failure only.
    await store.write(async (tx) => tx.savePeerConn(peerConn('pc-a', 'vpc-1', 'vpc-2')));
    const pair = await Promise.allSettled([
      store.write(async (tx) => tx.savePeerConn(peerConn('pc-b', 'vpc-2', 'vpc-1'))),
      store.write(async (tx) => tx.savePeerConn(peerConn('pc-c', 'vpc-3', 'vpc-4'))),
    ]);
    assert.equal(pair[0].status, 'rejected');
    assert.equal(pair[1].status, 'fulfilled');
    assert.equal(await store.read((r) => r.getPeerConn('pc-b')), undefined);
    assert.equal((await store.read((r) => r.getPeerConn('pc-c')))?.id, 'pc-c');
  });
});

test('live counts per account follow saves and deletes, whether or not the caller says what is stored', async () => {
  await withStore(async (store) => {
    const account = 'a'.repeat(32);
    const count = () => store.read((r) => r.countLiveForAccount(account));
    const one = peerConn('pc-1', 'vpc-1', 'vpc-2');
    const two = peerConn('pc-2', 'vpc-3', 'vpc-4');
    await store.write(async (tx) => {
      await tx.savePeerConn(one);
      await tx.savePeerConn(two, null);
    });
    assert.equal(await count(), 2);
    const released = (record: PeerConnRecord): PeerConnRecord => ({
      ...record,
      initiator: { ...record.initiator, status: 'deleted' },
      acceptor: { ...record.acceptor, status: 'deleted' },
    });
    await store.write((tx) => tx.savePeerConn(released(one), one));
    assert.equal(await count(), 1);
    await store.write((tx) => tx.savePeerConn({ ...two, bandwidthInMbps: 20 }));
    assert.equal(await count(), 1, 'a change that keeps a connection live does not count it twice');
    await store.write((tx) => tx.deletePeerConn('pc-2', { ...two, bandwidthInMbps: 20 }));
    await store.write((tx) => tx.deletePeerConn('pc-1'));
    assert.equal(await count(), 0);
  });
});

test('signals reach subscribers after the commit, and never from a rolled-back write', async () => {
  await withStore(async (store) => {
    const heard: StoreSignal[] = [];
    const visibleWhenHeard: boolean[] = [];
    store.subscribe((signal) => {
      heard.push(signal);
      // Synchronous check of committed state is only meaningful on SQLite's in-process reader.
      if (TEST_STORE_KIND === 'sqlite') {
        void store
          .read((r) => r.getVpc('vpc-signal'))
          .then((row) => visibleWhenHeard.push(row !== undefined));
      }
    });
    await assert.rejects(
      store.write(async (tx) => {
        tx.announce({ type: 'accounts' });
        throw new Error('rolled back');
      }),
    );
    assert.deepEqual(heard, []);
    await store.write(async (tx) => {
      await tx.insertVpc(vpc('vpc-signal'));
      tx.announce({ type: 'due', at: 42 });
    });
    assert.deepEqual(heard, [{ type: 'due', at: 42 }]);
    await new Promise((r) => setImmediate(r));
    if (TEST_STORE_KIND === 'sqlite') assert.deepEqual(visibleWhenHeard, [true]);
  });
});

test('a fault rule with a limit fires exactly that many times under concurrency', async () => {
  await withStore(async (store) => {
    await store.write(async (tx) => tx.insertFault({ id: 'f1', rule: '{"status":503}', remaining: 7 }));
    const takes = await Promise.all(
      Array.from({ length: 30 }, () => store.write((tx) => tx.takeFault('f1'))),
    );
    const fired = takes.filter((left) => left !== undefined);
    assert.equal(fired.length, 7);
    assert.deepEqual(
      [...fired].sort((a, b) => (a as number) - (b as number)),
      [0, 1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(await store.read((r) => r.listFaults()), [], 'a spent rule is deleted');
  });
});

test('dump and load round-trip, and the sequences continue after the loaded ones', async () => {
  await withStore(async (store, reopen) => {
    await store.write(async (tx) => {
      await tx.insertAccount({
        id: 'a'.repeat(32),
        name: 'a',
        credentials: [{ accessKeyId: 'ak', secretAccessKey: 'sk' }],
      });
      await tx.insertVpc(vpc('vpc-1'));
      await tx.insertVpc(vpc('vpc-2'));
      await tx.savePeerConn(peerConn('pc-1', 'vpc-1', 'vpc-2'));
      await tx.upsertTransition({ peerConnId: 'pc-1', kind: 'update', side: 'both', dueAt: 1000 });
      await tx.setMeta('clock', '{"offsetMs":5,"frozenAt":null}');
    });
    const dump = await store.read((r) => r.dump());
    await store.write((tx) => tx.load(dump));
    assert.deepEqual(await store.read((r) => r.dump()), dump);
    const reopened = await reopen();
    assert.deepEqual(await reopened.read((r) => r.dump()), dump);
    // New rows are ordered after the loaded ones.
    await reopened.write(async (tx) => tx.insertVpc(vpc('vpc-3')));
    const page = await reopened.read((r) =>
      r.listVpcs({ accountId: 'a'.repeat(32), region: 'bj', limit: 10 }),
    );
    assert.deepEqual(
      page.map((row) => row.vpc.vpcId),
      ['vpc-1', 'vpc-2', 'vpc-3'],
    );
  });
});

function securityGroup(id: string, vpcId: string, accountId = 'a'.repeat(32)): SecurityGroupRecord {
  return {
    securityGroupId: id,
    vpcId,
    accountId,
    region: 'bj',
    name: id,
    desc: '',
    tags: [],
    isDefault: false,
    version: 0,
    createdAt: 0,
  };
}

test('network resources: by id, paged by owner or parent, under parents, updated, deleted, dumped and loaded', async () => {
  await withStore(async (store, reopen) => {
    const other = 'b'.repeat(32);
    await store.write(async (tx) => {
      await tx.insertResource('securityGroup', securityGroup('g-1', 'vpc-1'));
      await tx.insertResource('securityGroup', securityGroup('g-2', 'vpc-2'));
      await tx.insertResource('securityGroup', securityGroup('g-3', 'vpc-1'));
      await tx.insertResource('securityGroup', securityGroup('g-4', 'vpc-9', other));
    });
    const owner = { accountId: 'a'.repeat(32), region: 'bj' };
    const ids = (rows: Array<{ record: SecurityGroupRecord }>) =>
      rows.map((row) => row.record.securityGroupId);
    await store.read(async (r) => {
      assert.equal((await r.getResource('securityGroup', 'g-2'))?.vpcId, 'vpc-2');
      assert.equal(await r.getResource('securityGroup', 'g-404'), undefined);
      assert.equal(await r.getResource('eni', 'g-1'), undefined, 'ids are per kind');
      assert.deepEqual(ids(await r.listResourcePage('securityGroup', { ...owner, limit: 10 })), [
        'g-1',
        'g-2',
        'g-3',
      ]);
      const from = (await r.resourcePlace('securityGroup', 'g-2'))?.seq;
      assert.deepEqual(
        ids(await r.listResourcePage('securityGroup', { ...owner, fromSeq: from, limit: 1 })),
        ['g-2'],
      );
      assert.deepEqual(
        ids(await r.listResourcePage('securityGroup', { ...owner, parentId: 'vpc-1', limit: 10 })),
        ['g-1', 'g-3'],
      );
      assert.deepEqual(
        (await r.resourcesUnder('securityGroup', ['vpc-2', 'vpc-9'])).map((g) => g.securityGroupId),
        ['g-2', 'g-4'],
      );
      assert.deepEqual(await r.resourcesUnder('securityGroup', []), []);
      assert.deepEqual(await r.resourcePlace('securityGroup', 'g-4'), {
        seq: (await r.resourcePlace('securityGroup', 'g-4'))?.seq,
        accountId: other,
        region: 'bj',
        parentId: 'vpc-9',
      });
      assert.equal((await r.accountUsage('a'.repeat(32))).resources, 3);
    });
    await store.write(async (tx) => {
      await tx.updateResource('securityGroup', { ...securityGroup('g-1', 'vpc-1'), version: 7 });
      await tx.deleteResource('securityGroup', 'g-3');
    });
    await store.read(async (r) => {
      assert.equal(
        (await r.getResource('securityGroup', 'g-1'))?.version,
        7,
        'never served stale after a commit',
      );
      assert.equal(await r.getResource('securityGroup', 'g-3'), undefined);
    });
    const dump = await store.read((r) => r.dump());
    assert.deepEqual(
      dump.resources.map((entry) => [entry.kind, (entry.record as SecurityGroupRecord).securityGroupId]),
      [
        ['securityGroup', 'g-1'],
        ['securityGroup', 'g-2'],
        ['securityGroup', 'g-4'],
      ],
    );
    await store.write((tx) => tx.load(dump));
    const reopened = await reopen();
    assert.deepEqual(await reopened.read((r) => r.dump()), dump);
    await reopened.write((tx) => tx.insertResource('securityGroup', securityGroup('g-5', 'vpc-1')));
    assert.deepEqual(
      ids(await reopened.read((r) => r.listResourcePage('securityGroup', { ...owner, limit: 10 }))),
      ['g-1', 'g-2', 'g-5'],
      'new rows are ordered after the loaded ones',
    );
    assert.equal((await reopened.read((r) => r.listResources())).resources.length, 4);
    await reopened.write((tx) => tx.clearResources());
    assert.deepEqual((await reopened.read((r) => r.dump())).resources, []);
  });
});

test('SQLite groups writes that arrive together into shared transactions', {
  skip: TEST_STORE_KIND !== 'sqlite' && 'group commit is how the SQLite store writes',
}, async () => {
  const place = newStorePlace();
  const store = await openPlace(place);
  assert.ok(store instanceof SqliteStore);
  try {
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.write((tx) => tx.insertVpc(vpc(`vpc-${i}`)))),
    );
    assert.equal(store.stats.writes, 100);
    assert.ok(store.stats.batches < 10, `100 concurrent writes took ${store.stats.batches} transactions`);
    for (let i = 0; i < 100; i++) await store.write((tx) => tx.insertVpc(vpc(`vpc-seq-${i}`)));
    assert.equal(store.stats.batches >= 100, true, 'writes awaited one by one each get their own');
  } finally {
    await store.close();
    await dropPlace(place);
  }
});

test('SQLite: no reader sees a write before it is acknowledged (the commit becomes visible once durable)', {
  skip: TEST_STORE_KIND !== 'sqlite' && 'the SQLite store syncs its commits off the event loop',
}, async () => {
  await withStore(async (store) => {
    for (let round = 0; round < 20; round++) {
      const id = `vpc-seen-${round}`;
      let acknowledged = false;
      let seenEarly = 0;
      let reads = 0;
      const written = store
        .write((tx) => tx.insertVpc(vpc(id)))
        .then(() => {
          acknowledged = true;
        });
      // Reads on every turn of the event loop while the write is committed and synced.
      while (!acknowledged) {
        await new Promise((resolve) => setImmediate(resolve));
        const row = await store.read((r) => r.getVpc(id));
        reads++;
        if (row !== undefined && !acknowledged) seenEarly++;
      }
      await written;
      assert.equal(
        seenEarly,
        0,
        `round ${round}: ${seenEarly} of ${reads} reads saw the write before its answer`,
      );
      assert.equal((await store.read((r) => r.getVpc(id)))?.vpcId, id);
    }
  });
});

test('SQLite: under a steady stream of writes the WAL is copied into the database and starts over', {
  skip: TEST_STORE_KIND !== 'sqlite' && 'the SQLite store keeps its own WAL',
}, async () => {
  const place = newStorePlace();
  const store = await openPlace(place, { sqlite: { wal: { restartFrames: 20, intervalMs: 0 } } });
  assert.ok(store instanceof SqliteStore);
  // The WAL header's checkpoint sequence number (SQLite's file format: bytes 12-15, big-endian) goes up each time
  // the WAL starts over from its beginning.
  const startsOver = () => readFileSync(`${place.dataPath}-wal`).readUInt32BE(12);
  try {
    const batch = (i: number) =>
      Promise.all(
        Array.from({ length: 5 }, (_, j) => store.write((tx) => tx.insertVpc(vpc(`vpc-${i}-${j}`)))),
      );
    await batch(0);
    // The checkpointer thread starts with the first checkpoint; on a busy machine that takes longer than many
    // batches, so the count starts once it has answered (no time bound: it is the thread's answer that is waited
    // for).
    while (store.walStats.checkpoints === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const before = startsOver();
    for (let i = 1; i < 300; i++) await batch(i);
    assert.ok(
      startsOver() - before >= 5,
      `the WAL started over ${startsOver() - before} times in 300 batches (${JSON.stringify(store.walStats)})`,
    );
    const listed = await store.read((r) =>
      r.listVpcs({ accountId: 'a'.repeat(32), region: 'bj', limit: 2000 }),
    );
    assert.equal(listed.length, 1500);
  } finally {
    await store.close();
    await dropPlace(place);
  }
});
