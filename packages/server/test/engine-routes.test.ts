// Subnets and route tables at the store's edges, on the store under test: a database made before they existed
// (its VPCs get their route table when it is opened), snapshots old and new, and the invariants that parallel
// writes must not break (no overlapping subnets, no duplicate rules, no more rules than the quota).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Snapshot } from '../src/engine/api.ts';
import {
  caller,
  createPc,
  engineConfig,
  engineOn,
  makeAccount,
  makeVpc,
  oldVpcRow,
  openFixture,
  postpaid,
  rejectsWith,
  writeOldDatabase,
} from './engine-fixture.ts';
import {
  dropPlace,
  newStorePlace,
  runsOnEveryStore,
  type StorePlace,
  TEST_STORE_KIND,
} from './store-choice.ts';

runsOnEveryStore(import.meta.url);

const OLD_ACCOUNT = 'c'.repeat(32);
const OLD_VPCS = ['vpc-old000000001', 'vpc-old000000002'];

/** A database at the last schema version before subnets and route tables, holding an account and two VPCs. */
function oldDatabase(place: StorePlace): Promise<void> {
  const vpcRows = OLD_VPCS.map((vpcId, i) =>
    oldVpcRow({ vpcId, accountId: OLD_ACCOUNT, name: `old${i}`, cidr: `10.${60 + i}.0.0/16`, createdAt: 0 }),
  );
  return writeOldDatabase(place, { sqlite: 3, postgres: 1 }, [
    ['INSERT INTO accounts (id, name) VALUES (?, ?)', [OLD_ACCOUNT, 'old']],
    ...vpcRows,
  ]);
}

test(`a ${TEST_STORE_KIND} database made before route tables: its VPCs have one each once it is opened`, async () => {
  const place = newStorePlace();
  try {
    await oldDatabase(place);
    const engine = await engineOn(place, engineConfig());
    try {
      const owner = caller(OLD_ACCOUNT);
      const tables = await Promise.all(
        OLD_VPCS.map(
          async (vpcId) =>
            (await engine.execute('getRouteTable', owner, { vpcId })) as {
              routeTableId: string;
              vpcId: string;
              routeRules: unknown[];
            },
        ),
      );
      for (const [i, table] of tables.entries()) {
        assert.match(table.routeTableId, /^rt-[a-z0-9]{12}$/);
        assert.deepEqual([table.vpcId, table.routeRules], [OLD_VPCS[i], []]);
      }
      assert.notEqual(tables[0]?.routeTableId, tables[1]?.routeTableId);
      // The old VPC works like a new one: a subnet, a rule by the migrated table's id, then all of it goes.
      const vpcId = OLD_VPCS[0] as string;
      const { subnetId } = (await engine.execute('createSubnet', owner, {
        name: 'late',
        zoneName: 'cn-bj-c',
        cidr: '10.60.1.0/24',
        vpcId,
      })) as { subnetId: string };
      const { routeRuleId } = (await engine.execute('createRouteRule', owner, {
        routeTableId: tables[0]?.routeTableId as string,
        sourceAddress: '10.60.1.0/24',
        destinationAddress: '172.16.0.0/12',
        nexthopType: 'nat',
        nexthopId: 'nat-1',
      })) as { routeRuleId: string };
      await rejectsWith(engine.execute('deleteVpc', owner, { vpcId }), 'VpcInUse');
      await engine.execute('deleteRouteRule', owner, { routeRuleId });
      await engine.execute('deleteSubnet', owner, { subnetId });
      await engine.execute('deleteVpc', owner, { vpcId });
      await rejectsWith(
        engine.execute('getRouteTable', owner, { routeTableId: tables[0]?.routeTableId as string }),
        'NoSuchObject',
      );
    } finally {
      await engine.close();
    }
  } finally {
    await dropPlace(place);
  }
});

test('snapshots carry subnets, tables and rules; an older snapshot’s VPCs get tables; a dangling rule is refused', async () => {
  const f = await openFixture();
  try {
    const a = caller(await makeAccount(f.engine, 'a'));
    const vpcId = await makeVpc(f.engine, a);
    const { cidr } = ((await f.engine.execute('getVpc', a, { vpcId })) as { vpc: { cidr: string } }).vpc;
    const block = cidr.replace('.0.0/16', '.7.0/24');
    await f.engine.execute('createSubnet', a, { name: 's', zoneName: 'cn-bj-a', cidr: block, vpcId });
    const table = (await f.engine.execute('getRouteTable', a, { vpcId })) as { routeTableId: string };
    await f.engine.execute('createRouteRule', a, {
      routeTableId: table.routeTableId,
      sourceAddress: block,
      destinationAddress: '172.16.0.0/12',
      nexthopType: 'vpn',
      nexthopId: 'vpn-1',
    });
    const view = async () => ({
      table: await f.engine.execute('getRouteTable', a, { vpcId }),
      vpc: await f.engine.execute('getVpc', a, { vpcId }),
    });
    const before = await view();
    const snapshot = JSON.parse(JSON.stringify(await f.engine.exportSnapshot())) as Snapshot & {
      state: Record<string, unknown[]>;
    };
    assert.deepEqual(
      [snapshot.state.subnets?.length, snapshot.state.routeTables?.length, snapshot.state.routeRules?.length],
      [1, 1, 1],
    );
    await f.engine.reset();
    await f.engine.importSnapshot(snapshot);
    assert.deepEqual(await view(), before);

    // A snapshot from before subnets and route tables: the lists are absent, the VPC gets a fresh table.
    const { subnets: _s, routeTables: _t, routeRules: _r, ...older } = snapshot.state;
    await f.engine.importSnapshot({ ...snapshot, state: older });
    const fresh = (await f.engine.execute('getRouteTable', a, { vpcId })) as {
      routeTableId: string;
      routeRules: unknown[];
    };
    assert.match(fresh.routeTableId, /^rt-[a-z0-9]{12}$/);
    assert.deepEqual(fresh.routeRules, []);

    const dangling = JSON.parse(JSON.stringify(snapshot)) as typeof snapshot;
    (dangling.state.routeRules?.[0] as { routeTableId: string }).routeTableId = 'rt-nowhere00000';
    const refused = await rejectsWith(f.engine.importSnapshot(dangling), 'InappropriateJSON');
    assert.match(refused.message, /route rule rr-\S+ belongs to no route table of the snapshot/);
    assert.deepEqual(
      (await f.engine.execute('getRouteTable', a, { vpcId })) as object,
      fresh,
      'nothing changed',
    );
  } finally {
    await f.cleanup();
  }
});

test('parallel writes keep the invariants: one of overlapping subnets, one of duplicate rules, no rule past the quota', async () => {
  const f = await openFixture({ quotaRulesPerTable: 5 });
  try {
    const a = caller(await makeAccount(f.engine, 'a'));
    const vpcId = await makeVpc(f.engine, a);
    const base = (
      (await f.engine.execute('getVpc', a, { vpcId })) as { vpc: { cidr: string } }
    ).vpc.cidr.replace('.0.0/16', '');
    const subnets = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        f.engine.execute('createSubnet', a, {
          name: `s${i}`,
          zoneName: 'cn-bj-a',
          // Every one overlaps every other: /24s and /25s of the same block.
          cidr: i % 2 === 0 ? `${base}.1.0/24` : `${base}.1.128/25`,
          vpcId,
        }),
      ),
    );
    assert.equal(subnets.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of subnets) {
      if (r.status === 'rejected') assert.equal((r.reason as { code: string }).code, 'SubnetConflict');
    }

    const { routeTableId } = (await f.engine.execute('getRouteTable', a, { vpcId })) as {
      routeTableId: string;
    };
    const rule = (destination: string) =>
      f.engine.execute('createRouteRule', a, {
        routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: destination,
        nexthopType: 'vpn',
        nexthopId: 'vpn-1',
      });
    const duplicates = await Promise.allSettled(Array.from({ length: 6 }, () => rule('172.16.0.0/12')));
    assert.equal(duplicates.filter((r) => r.status === 'fulfilled').length, 1);
    const many = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => rule(`192.168.${i}.0/24`)));
    assert.equal(many.filter((r) => r.status === 'fulfilled').length, 4, 'the quota of 5 with one rule in');
    for (const r of many) {
      if (r.status === 'rejected')
        assert.equal((r.reason as { code: string }).code, 'RouteRuleQuotaExceeded');
    }
    const listed = (await f.engine.execute('listRouteRules', a, { routeTableId })) as {
      routeRules: unknown[];
    };
    assert.equal(listed.routeRules.length, 5);
  } finally {
    await f.cleanup();
  }
});

test('the reachability check sees what the rules say, across accounts', async () => {
  const f = await openFixture();
  try {
    const a = caller(await makeAccount(f.engine, 'a'));
    const b = caller(await makeAccount(f.engine, 'b'));
    const [va, vb] = [await makeVpc(f.engine, a), await makeVpc(f.engine, b)];
    const cidrOf = async (who: typeof a, vpcId: string) =>
      ((await f.engine.execute('getVpc', who, { vpcId })) as { vpc: { cidr: string } }).vpc.cidr;
    const [ca, cb] = [await cidrOf(a, va), await cidrOf(b, vb)];
    const host = (cidr: string, last: number) => cidr.replace('.0.0/16', `.1.${last}`);
    for (const [who, vpcId, cidr] of [
      [a, va, ca],
      [b, vb, cb],
    ] as const) {
      await f.engine.execute('createSubnet', who, {
        name: 's',
        zoneName: 'cn-bj-a',
        cidr: cidr.replace('.0.0/16', '.1.0/24'),
        vpcId,
      });
    }
    const peerConnId = await createPc(f.engine, a, postpaid(va, vb, 'bj', { peerAccountId: b.accountId }));
    await f.engine.execute('acceptPeerConn', b, { peerConnId });
    const ifOf = async (who: typeof a) =>
      ((await f.engine.execute('getPeerConn', who, { peerConnId })) as { localIfId: string }).localIfId;
    const route = async (who: typeof a, vpcId: string, destination: string, nexthopId: string) => {
      const { routeTableId } = (await f.engine.execute('getRouteTable', who, { vpcId })) as {
        routeTableId: string;
      };
      await f.engine.execute('createRouteRule', who, {
        routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: destination,
        nexthopType: 'peerConn',
        nexthopId,
      });
    };
    const query = { from: { vpcId: va, ip: host(ca, 5) }, to: { ip: host(cb, 7) } };
    await route(a, va, cb, await ifOf(a));
    assert.deepEqual(
      (await f.engine.reachability(query)).problems.map((p) => p.code),
      ['NoReturnRoute'],
    );
    await route(b, vb, ca, await ifOf(b));
    const report = await f.engine.reachability(query);
    assert.equal(report.reachable, true, JSON.stringify(report.problems));
    assert.deepEqual(
      report.forward.map((hop) => hop.vpcId),
      [va, vb],
    );
    await rejectsWith(
      f.engine.reachability({ ...query, from: { vpcId: 'vpc-000000000000', ip: '10.0.0.1' } }),
      'NoSuchObject',
    );
  } finally {
    await f.cleanup();
  }
});
