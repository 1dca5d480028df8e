// ACLs, security groups and primary/standby route pairs at the store's edges, on the store under test: a
// database made before them (its VPCs get their default group when it is opened, and its route rules keep
// their one-rule-per-pair index), snapshots made before them, the interfaces that hold a group, and the
// invariants parallel writes must not break (one rule per ACL position, no duplicate group rule, no rule past
// a quota).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SecurityGroup } from '@peerconn/sdk';
import type { EniRecord } from '../src/domain/resources.ts';
import type { Snapshot } from '../src/engine/api.ts';
import {
  caller,
  engineConfig,
  engineOn,
  makeAccount,
  makeVpc,
  type OldRow,
  oldVpcRow,
  openFixture,
  rejectsWith,
  writeOldDatabase,
} from './engine-fixture.ts';
import {
  dropPlace,
  newStorePlace,
  rawQuery,
  runsOnEveryStore,
  type StorePlace,
  TEST_STORE_KIND,
} from './store-choice.ts';

runsOnEveryStore(import.meta.url);

const OLD_ACCOUNT = 'd'.repeat(32);
const OLD_VPCS = ['vpc-old000000001', 'vpc-old000000002'];
/** The last schema version before default groups and pair keys: SQLite's 6, PostgreSQL's 4. */
const BEFORE = { sqlite: 6, postgres: 4 } as const;

/** A database at the version before this change, holding an account, two VPCs and a route rule. */
async function oldDatabase(place: StorePlace): Promise<string> {
  const ruleDoc = JSON.stringify({
    routeRuleId: 'rr-old000000001',
    routeTableId: 'rt-old000000001',
    vpcId: OLD_VPCS[0],
    accountId: OLD_ACCOUNT,
    region: 'bj',
    sourceAddress: '0.0.0.0/0',
    destinationAddress: '172.16.0.0/12',
    nexthopType: 'vpn',
    nexthopId: 'vpn-1',
    description: '',
    createdAt: 0,
  });
  const statements: OldRow[] = [
    ['INSERT INTO accounts (id, name) VALUES (?, ?)', [OLD_ACCOUNT, 'old']],
    ...OLD_VPCS.map((vpcId, i) =>
      oldVpcRow({
        vpcId,
        accountId: OLD_ACCOUNT,
        name: `old${i}`,
        cidr: `10.${70 + i}.0.0/16`,
        createdAt: 1_700_000_000_000,
      }),
    ),
    [
      'INSERT INTO route_tables (route_table_id, vpc_id, account_id, region) VALUES (?, ?, ?, ?)',
      ['rt-old000000001', OLD_VPCS[0], OLD_ACCOUNT, 'bj'],
    ],
    [
      'INSERT INTO route_rules (route_rule_id, route_table_id, source_address, destination_address, doc) VALUES (?, ?, ?, ?, ?)',
      ['rr-old000000001', 'rt-old000000001', '0.0.0.0/0', '172.16.0.0/12', ruleDoc],
    ],
  ];
  await writeOldDatabase(place, BEFORE, statements);
  return 'rt-old000000001';
}

test(`a ${TEST_STORE_KIND} database made before security groups: each VPC gets its default group on open`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-old-net-'));
  const place = newStorePlace(join(dir, 'old.db'));
  try {
    const routeTableId = await oldDatabase(place);
    const engine = await engineOn(place, engineConfig());
    try {
      const owner = caller(OLD_ACCOUNT);
      const groups: SecurityGroup[] = [];
      for (const vpcId of OLD_VPCS) {
        const { securityGroups } = (await engine.execute('listSecurityGroups', owner, { vpcId })) as {
          securityGroups: SecurityGroup[];
        };
        assert.equal(securityGroups.length, 1, `${vpcId} has one group`);
        groups.push(securityGroups[0] as SecurityGroup);
      }
      for (const [i, group] of groups.entries()) {
        assert.match(group.id, /^g-[a-z0-9]{12}$/);
        assert.deepEqual(
          [group.name, group.desc, group.vpcId, group.sgVersion, group.createdTime],
          ['默认安全组', 'default', OLD_VPCS[i], 0, '2023-11-14T22:13:20Z'],
        );
        assert.deepEqual(
          group.rules.map((r) => [
            r.direction,
            r.protocol,
            r.portRange,
            r.sourceIp,
            r.destIp,
            r.securityGroupId,
          ]),
          [
            ['ingress', 'all', '1-65535', 'all', '', group.id],
            ['egress', 'all', '1-65535', '', 'all', group.id],
          ],
        );
        for (const rule of group.rules) assert.match(rule.securityGroupRuleId, /^r-[a-z0-9]{12}$/);
        // The migrated group is the real one: it cannot be deleted, and the VPC takes it along.
        await rejectsWith(
          engine.execute('deleteSecurityGroup', owner, { securityGroupId: group.id }),
          'SecurityGroup.DefaultSecurityGroupCanNotBeDeleted',
        );
      }
      assert.notEqual(groups[0]?.id, groups[1]?.id);
      assert.equal(
        new Set(groups.flatMap((g) => g.rules.map((r) => r.securityGroupRuleId))).size,
        4,
        'every rule id drawn once',
      );

      // The old rule is a normal one, still alone for its source and destination: the index tells pairs apart
      // and nothing else.
      const table = (await engine.execute('getRouteTable', owner, { routeTableId })) as {
        routeRules: Array<{ routeRuleId: string; pathType: string }>;
      };
      assert.deepEqual(table.routeRules, [
        { ...table.routeRules[0], routeRuleId: 'rr-old000000001', pathType: 'normal' },
      ]);
      await assert.rejects(
        rawQuery(
          place,
          'INSERT INTO route_rules (route_rule_id, route_table_id, source_address, destination_address, doc) VALUES (?, ?, ?, ?, ?)',
          ['rr-dup000000001', routeTableId, '0.0.0.0/0', '172.16.0.0/12', '{}'],
        ),
        /UNIQUE|unique/,
      );
      await rejectsWith(
        engine.execute('createRouteRule', owner, {
          routeTableId,
          sourceAddress: '0.0.0.0/0',
          destinationAddress: '172.16.0.0/12',
          nextHopList: [
            { nexthopId: 'dcgw-1', nexthopType: 'dcGateway', pathType: 'ha:active' },
            { nexthopId: 'dcgw-2', nexthopType: 'dcGateway', pathType: 'ha:standby' },
          ],
        }),
        'RouteRuleConflict',
      );
      await engine.execute('deleteRouteRule', owner, { routeRuleId: 'rr-old000000001' });
      for (const vpcId of OLD_VPCS) await engine.execute('deleteVpc', owner, { vpcId });
      await rejectsWith(
        engine.execute('getSecurityGroup', owner, { securityGroupId: groups[0]?.id as string }),
        'NoSuchObject',
      );
    } finally {
      await engine.close();
    }
  } finally {
    await dropPlace(place);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a snapshot made before security groups gives each VPC its default group; one made after keeps its own', async () => {
  const f = await openFixture();
  try {
    const a = caller(await makeAccount(f.engine, 'a'));
    const vpcId = await makeVpc(f.engine, a);
    const list = async () =>
      ((await f.engine.execute('listSecurityGroups', a, { vpcId })) as { securityGroups: SecurityGroup[] })
        .securityGroups;
    const [original] = await list();
    const snapshot = JSON.parse(JSON.stringify(await f.engine.exportSnapshot())) as Snapshot & {
      state: Record<string, unknown[]>;
    };
    await f.engine.importSnapshot(snapshot);
    assert.deepEqual(await list(), [original], 'the group of the snapshot, not a new one');

    const { resources: _r, ...older } = snapshot.state;
    await f.engine.importSnapshot({ ...snapshot, state: older });
    const made = await list();
    assert.equal(made.length, 1);
    assert.notEqual(made[0]?.id, original?.id);
    assert.deepEqual(
      [made[0]?.name, made[0]?.rules.length, made[0]?.createdTime],
      ['默认安全组', 2, original?.createdTime],
      'a default group dated with its VPC',
    );

    const bad = JSON.parse(JSON.stringify(snapshot)) as typeof snapshot;
    const rule = bad.state.resources?.find((r) => (r as { kind: string }).kind === 'securityGroupRule') as {
      record: { direction: string };
    };
    rule.record.direction = 'sideways';
    const refused = await rejectsWith(f.engine.importSnapshot(bad), 'InappropriateJSON');
    assert.match(refused.message, /not a securityGroupRule/);
  } finally {
    await f.cleanup();
  }
});

test('the interfaces using a group: counted, listed by instanceId, and holding it against deletion', async () => {
  const f = await openFixture();
  try {
    const a = caller(await makeAccount(f.engine, 'a'));
    const b = caller(await makeAccount(f.engine, 'b'));
    const vpcId = await makeVpc(f.engine, a);
    const { cidr } = ((await f.engine.execute('getVpc', a, { vpcId })) as { vpc: { cidr: string } }).vpc;
    const block = cidr.replace('.0.0/16', '.1.0/24');
    const { subnetId } = (await f.engine.execute('createSubnet', a, {
      name: 's',
      zoneName: 'cn-bj-a',
      cidr: block,
      vpcId,
    })) as { subnetId: string };
    const { securityGroupId } = (await f.engine.execute('createSecurityGroup', a, { name: 'db', vpcId })) as {
      securityGroupId: string;
    };
    // Network interfaces are another helper's operations; a stored interface record is what the group rules read.
    const eni: EniRecord = {
      eniId: 'eni-test00000001',
      accountId: a.accountId,
      region: 'bj',
      vpcId,
      createdAt: 0,
      subnetId,
      zoneName: 'cn-bj-a',
      name: 'db',
      description: '',
      instanceId: '',
      instanceType: '',
      macAddress: 'fa:16:3e:00:00:01',
      status: 'available',
      privateIps: [{ address: block.replace('.0/24', '.5'), primary: true, publicIp: '' }],
      ipv6Ips: [],
      securityGroupIds: [securityGroupId],
      enterpriseSecurityGroupIds: [],
      tags: [],
      trafficMode: '',
    };
    await rawQuery(
      f.place,
      'INSERT INTO resources (kind, id, account_id, region, parent_id, doc) VALUES (?, ?, ?, ?, ?, ?)',
      ['eni', eni.eniId, a.accountId, 'bj', vpcId, JSON.stringify(eni)],
    );
    const group = (await f.engine.execute('getSecurityGroup', a, { securityGroupId })) as SecurityGroup;
    assert.equal(group.bindInstanceNum, 1);
    const byInstance = (await f.engine.execute('listSecurityGroups', a, { instanceId: eni.eniId })) as {
      securityGroups: SecurityGroup[];
    };
    assert.deepEqual(
      byInstance.securityGroups.map((g) => [g.id, g.bindInstanceNum]),
      [[securityGroupId, 1]],
    );
    const other = (await f.engine.execute('listSecurityGroups', b, { instanceId: eni.eniId })) as {
      securityGroups: SecurityGroup[];
    };
    assert.deepEqual(other.securityGroups, [], 'another account’s interface names no group of theirs');
    const held = await rejectsWith(
      f.engine.execute('deleteSecurityGroup', a, { securityGroupId }),
      'SecurityGroup.InstancesAssociatedSecurityGroupCanNotBeDeleted',
    );
    assert.equal(held.statusCode, 409);
    assert.match(held.message, /used by network interface\(s\) eni-test00000001/);
    await rawQuery(f.place, 'DELETE FROM resources WHERE kind = ? AND id = ?', ['eni', eni.eniId]);
    await f.engine.execute('deleteSecurityGroup', a, { securityGroupId });
  } finally {
    await f.cleanup();
  }
});

test('parallel writes keep the invariants: one rule per ACL position, no duplicate group rule, no rule past a quota', async () => {
  const f = await openFixture({ quotaAclRulesPerDirection: 4, quotaSecurityGroupRulesPerDirection: 5 });
  try {
    const a = caller(await makeAccount(f.engine, 'a'));
    const vpcId = await makeVpc(f.engine, a);
    const { cidr } = ((await f.engine.execute('getVpc', a, { vpcId })) as { vpc: { cidr: string } }).vpc;
    const { subnetId } = (await f.engine.execute('createSubnet', a, {
      name: 's',
      zoneName: 'cn-bj-a',
      cidr: cidr.replace('.0.0/16', '.1.0/24'),
      vpcId,
    })) as { subnetId: string };
    const aclRule = (position: number, destinationPort: string) =>
      f.engine.execute('createAclRules', a, {
        aclRules: [
          {
            subnetId,
            protocol: 'tcp',
            sourceIpAddress: 'all',
            destinationIpAddress: 'all',
            sourcePort: 'all',
            destinationPort,
            position,
            direction: 'ingress',
            action: 'allow',
          },
        ],
      });
    const samePosition = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => aclRule(7, `${1000 + i}`)),
    );
    assert.equal(samePosition.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of samePosition) {
      if (r.status === 'rejected')
        assert.equal((r.reason as { code: string }).code, 'AclRulePositionConflict');
    }
    const many = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => aclRule(100 + i, '22')));
    assert.equal(many.filter((r) => r.status === 'fulfilled').length, 3, 'the quota of 4 with one rule in');
    const listed = (await f.engine.execute('listAclRules', a, { subnetId })) as { aclRules: unknown[] };
    assert.equal(listed.aclRules.length, 4 + 2, 'four rules and the two default ones');

    const { securityGroupId } = (await f.engine.execute('createSecurityGroup', a, { name: 'db', vpcId })) as {
      securityGroupId: string;
    };
    const authorize = (sourceIp: string) =>
      f.engine.execute('authorizeSecurityGroupRule', a, {
        securityGroupId,
        rule: { direction: 'ingress', protocol: 'tcp', portRange: '3306', sourceIp },
      });
    const twins = await Promise.allSettled(Array.from({ length: 6 }, () => authorize('10.9.0.0/16')));
    assert.equal(twins.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of twins) {
      if (r.status === 'rejected') {
        assert.equal((r.reason as { code: string }).code, 'SecurityGroup.RuleAlreadyExists');
      }
    }
    const more = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => authorize(`10.${20 + i}.0.0/16`)),
    );
    assert.equal(more.filter((r) => r.status === 'fulfilled').length, 4);
    const group = (await f.engine.execute('getSecurityGroup', a, { securityGroupId })) as SecurityGroup;
    assert.deepEqual(
      [group.rules.filter((r) => r.direction === 'ingress').length, group.sgVersion],
      [5, 5],
      'every accepted change moved the version once',
    );
  } finally {
    await f.cleanup();
  }
});
