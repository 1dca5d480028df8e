// The reachability check as a pure function, table-driven: worlds of two or three VPCs with their subnets,
// rules and connections, and for each the verdict, the problem codes and the path it reports. Plus the CIDR
// arithmetic the check and the route rules stand on; then the security groups and ACLs on the path, as a pure
// function and end to end (the admin API over HTTP, set up through the SDK, on the store under test).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AclRuleRequest } from '@peerconn/sdk';
import {
  AclClient,
  EniClient,
  PeerConnClient,
  RouteClient,
  SecurityGroupClient,
  SubnetClient,
  VpcClient,
} from '@peerconn/sdk';
import { aclRuleValues } from '../src/domain/acl.ts';
import { cidrField, containsCidr, ipText, overlaps, parseIp, readCidr } from '../src/domain/cidr.ts';
import {
  checkReachability,
  type FilterCheck,
  REACH_PROBLEMS,
  type ReachProblemCode,
  type ReachQuery,
  type ReachReport,
  type ReachWorld,
  type VpcNetwork,
} from '../src/domain/reachability.ts';
import type { AclRuleRecord, EniRecord, SecurityGroupRuleRecord } from '../src/domain/resources.ts';
import { securityGroupRuleTerms } from '../src/domain/security-group.ts';
import type { PeerConnRecord, RouteRuleRecord, SideRecord } from '../src/domain/types.ts';
import { ServiceError } from '../src/errors.ts';
import { startTestServer, type TestServer } from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

const ACCOUNT_A = 'a'.repeat(32);
const ACCOUNT_B = 'b'.repeat(32);

interface RuleSpec {
  id: string;
  source?: string;
  destination: string;
  type?: string;
  to: string;
}

function network(
  name: string,
  cidr: string,
  subnets: string[],
  rules: RuleSpec[],
  accountId = ACCOUNT_A,
): VpcNetwork {
  const vpcId = `vpc-${name}`;
  const owner = { accountId, region: 'bj' };
  const table = { routeTableId: `rt-${name}`, vpcId, ...owner };
  return {
    vpc: { vpcId, ...owner, name, cidr, description: '', relay: false, tags: [], createdAt: 0 },
    table,
    subnets: subnets.map((block, i) => ({
      subnetId: `sbn-${name}${i}`,
      vpcId,
      ...owner,
      name: `${name}${i}`,
      zoneName: 'cn-bj-a',
      cidr: block,
      subnetType: 'BCC',
      description: '',
      tags: [],
      createdAt: 0,
    })),
    rules: rules.map(
      (r): RouteRuleRecord => ({
        routeRuleId: r.id,
        routeTableId: table.routeTableId,
        vpcId,
        ...owner,
        sourceAddress: r.source ?? '0.0.0.0/0',
        destinationAddress: r.destination,
        nexthopType: r.type ?? 'peerConn',
        nexthopId: r.to,
        description: '',
        createdAt: 0,
      }),
    ),
  };
}

function connection(
  id: string,
  initiator: [vpc: string, ifId: string],
  acceptor: [vpc: string, ifId: string],
  statuses: [SideRecord['status'], SideRecord['status']] = ['active', 'active'],
  acceptorRemoved = false,
): PeerConnRecord {
  const side = (role: SideRecord['role'], [vpc, ifId]: [string, string], status: SideRecord['status']) => ({
    role,
    accountId: role === 'initiator' ? ACCOUNT_A : ACCOUNT_B,
    region: 'bj',
    vpcId: `vpc-${vpc}`,
    ifId,
    ifName: '',
    description: '',
    status,
    dnsStatus: 'close' as const,
  });
  return {
    id,
    initiator: side('initiator', initiator, statuses[0]),
    acceptor: side('acceptor', acceptor, statuses[1]),
    acceptorRemoved,
    crossAccount: true,
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

function world(networks: VpcNetwork[], connections: PeerConnRecord[]): ReachWorld {
  const byInterface = new Map<string, PeerConnRecord>();
  for (const c of connections) {
    byInterface.set(c.initiator.ifId, c);
    byInterface.set(c.acceptor.ifId, c);
  }
  return { networks: new Map(networks.map((n) => [n.vpc.vpcId, n])), connections: byInterface };
}

// The healthy picture: app (10.1/16, account A) peers with db (10.2/16, account B) through pc-ab, with a route
// each way; db also peers with ops (10.3/16) through pc-bc.
const PC_AB = connection('peerconn-ab', ['app', 'qpif-app'], ['db', 'qpif-db']);
const PC_BC = connection('peerconn-bc', ['db', 'qpif-db2'], ['ops', 'qpif-ops']);
const APP = network(
  'app',
  '10.1.0.0/16',
  ['10.1.1.0/24', '10.1.2.0/24'],
  [{ id: 'rr-app-db', destination: '10.2.0.0/16', to: 'qpif-app' }],
);
const DB = network(
  'db',
  '10.2.0.0/16',
  ['10.2.1.0/24'],
  [{ id: 'rr-db-app', destination: '10.1.0.0/16', to: 'qpif-db' }],
  ACCOUNT_B,
);
const OPS = network('ops', '10.3.0.0/16', ['10.3.1.0/24'], []);

function withRules(base: VpcNetwork, rules: RuleSpec[]): VpcNetwork {
  return network(
    base.vpc.name,
    base.vpc.cidr,
    base.subnets.map((s) => s.cidr),
    rules,
    base.vpc.accountId,
  );
}

interface Case {
  name: string;
  world: ReachWorld;
  from?: string;
  to: string;
  problems: ReachProblemCode[];
  /** Each hop as `vpc:rule→next`, forward then return. */
  forward?: string[];
  back?: string[];
  /** Words the (first) problem's message must contain. */
  says?: string[];
}

function hopText(hop: ReachReport['forward'][number]): string {
  const rule = hop.rule ? hop.rule.routeRuleId || `sys ${hop.rule.destinationAddress}` : 'none';
  const next = hop.next
    ? hop.next.type === 'local'
      ? `local ${hop.next.subnetCidr}`
      : hop.next.type === 'peerConn'
        ? `${hop.next.peerConnId ?? 'nowhere'}${hop.next.usable ? '' : ' (unusable)'}`
        : `${hop.next.nexthopType} ${hop.next.nexthopId}`
    : 'nothing';
  return `${hop.vpcName}:${rule}→${next}`;
}

const CASES: Case[] = [
  {
    name: 'both routes in place: there and back through the connection',
    world: world([APP, DB, OPS], [PC_AB, PC_BC]),
    to: '10.2.1.7',
    problems: [],
    forward: ['app:rr-app-db→peerconn-ab', 'db:sys 10.2.1.0/24→local 10.2.1.0/24'],
    back: ['db:rr-db-app→peerconn-ab', 'app:sys 10.1.1.0/24→local 10.1.1.0/24'],
  },
  {
    name: 'inside one VPC: the system routes deliver both ways',
    world: world([APP], []),
    to: '10.1.2.9',
    problems: [],
    forward: ['app:sys 10.1.2.0/24→local 10.1.2.0/24'],
    back: ['app:sys 10.1.1.0/24→local 10.1.1.0/24'],
  },
  {
    name: 'source outside the VPC',
    world: world([APP, DB], [PC_AB]),
    from: '192.168.0.1',
    to: '10.2.1.7',
    problems: ['SourceNotInSubnet'],
    says: ['192.168.0.1', 'not inside'],
  },
  {
    name: 'source inside the VPC but in no subnet',
    world: world([APP, DB], [PC_AB]),
    from: '10.1.9.1',
    to: '10.2.1.7',
    problems: ['SourceNotInSubnet'],
    says: ['none of its subnets'],
  },
  {
    name: 'destination in the own VPC but in no subnet',
    world: world([APP], []),
    to: '10.1.200.1',
    problems: ['DestinationNotInSubnet'],
    forward: ['app:none→nothing'],
  },
  {
    name: 'destination in the peer VPC but in no subnet',
    world: world([APP, DB], [PC_AB]),
    to: '10.2.99.1',
    problems: ['DestinationNotInSubnet'],
    forward: ['app:rr-app-db→peerconn-ab', 'db:none→nothing'],
    says: ['10.2.99.1', 'none of its subnets'],
  },
  {
    name: 'no route at all',
    world: world([withRules(APP, []), DB], [PC_AB]),
    to: '10.2.1.7',
    problems: ['NoRoute'],
    forward: ['app:none→nothing'],
    back: [],
  },
  {
    name: 'the only rule for the destination is for another source subnet',
    world: world(
      [
        withRules(APP, [
          { id: 'rr-other-src', source: '10.1.2.0/24', destination: '10.2.0.0/16', to: 'qpif-app' },
        ]),
        DB,
      ],
      [PC_AB],
    ),
    to: '10.2.1.7',
    problems: ['NoRoute'],
    says: ['rr-other-src', 'not this source'],
  },
  {
    name: 'the source-specific rule wins over the general one for its source',
    world: world(
      [
        withRules(APP, [
          { id: 'rr-vpn', destination: '10.2.0.0/16', type: 'vpn', to: 'vpn-1' },
          { id: 'rr-src', source: '10.1.1.0/24', destination: '10.2.0.0/16', to: 'qpif-app' },
        ]),
        DB,
      ],
      [PC_AB],
    ),
    to: '10.2.1.7',
    problems: [],
    forward: ['app:rr-src→peerconn-ab', 'db:sys 10.2.1.0/24→local 10.2.1.0/24'],
  },
  {
    name: 'another source of the same VPC takes the general rule',
    world: world(
      [
        withRules(APP, [
          { id: 'rr-vpn', destination: '10.2.0.0/16', type: 'vpn', to: 'vpn-1' },
          { id: 'rr-src', source: '10.1.1.0/24', destination: '10.2.0.0/16', to: 'qpif-app' },
        ]),
        DB,
      ],
      [PC_AB],
    ),
    from: '10.1.2.5',
    to: '10.2.1.7',
    problems: ['ExternalNexthop'],
    forward: ['app:rr-vpn→vpn vpn-1'],
  },
  {
    name: 'the longest destination prefix wins: a /24 to a NAT gateway beats the /16 to the peering',
    world: world(
      [
        withRules(APP, [
          { id: 'rr-app-db', destination: '10.2.0.0/16', to: 'qpif-app' },
          { id: 'rr-nat', destination: '10.2.1.0/24', type: 'nat', to: 'nat-1' },
        ]),
        DB,
      ],
      [PC_AB],
    ),
    to: '10.2.1.7',
    problems: ['ExternalNexthop'],
    forward: ['app:rr-nat→nat nat-1'],
    says: ['nat', 'cannot follow'],
  },
  {
    name: 'a default route loses to a more specific peering route',
    world: world(
      [
        withRules(APP, [
          { id: 'rr-default', destination: '0.0.0.0/0', type: 'nat', to: 'nat-1' },
          { id: 'rr-app-db', destination: '10.2.0.0/16', to: 'qpif-app' },
        ]),
        DB,
      ],
      [PC_AB],
    ),
    to: '10.2.1.7',
    problems: [],
  },
  {
    name: 'the connection was released: the rule is a blackhole',
    world: world([APP, DB], []),
    to: '10.2.1.7',
    problems: ['Blackhole'],
    forward: ['app:rr-app-db→nowhere (unusable)'],
    says: ['qpif-app', 'released'],
  },
  {
    name: 'a released connection kept visible as deleted is a blackhole too',
    world: world(
      [APP, DB],
      [connection('peerconn-ab', ['app', 'qpif-app'], ['db', 'qpif-db'], ['deleted', 'deleted'])],
    ),
    to: '10.2.1.7',
    problems: ['Blackhole'],
    forward: ['app:rr-app-db→nowhere (unusable)'],
    says: ['peerconn-ab was released'],
  },
  {
    name: 'the connection waits for the acceptor',
    world: world(
      [APP, DB],
      [connection('peerconn-ab', ['app', 'qpif-app'], ['db', 'qpif-db'], ['consulting', 'consulting'])],
    ),
    to: '10.2.1.7',
    problems: ['ConnectionNotActive'],
    forward: ['app:rr-app-db→peerconn-ab (unusable)', 'db:sys 10.2.1.0/24→local 10.2.1.0/24'],
    back: ['db:rr-db-app→peerconn-ab (unusable)', 'app:sys 10.1.1.0/24→local 10.1.1.0/24'],
    says: ['consulting'],
  },
  {
    name: 'one side is down, the other active',
    world: world(
      [APP, DB],
      [connection('peerconn-ab', ['app', 'qpif-app'], ['db', 'qpif-db'], ['active', 'down'])],
    ),
    to: '10.2.1.7',
    problems: ['ConnectionNotActive'],
    says: ['acceptor down'],
  },
  {
    name: 'a resize in progress still carries traffic',
    world: world(
      [APP, DB],
      [connection('peerconn-ab', ['app', 'qpif-app'], ['db', 'qpif-db'], ['updating', 'updating'])],
    ),
    to: '10.2.1.7',
    problems: [],
  },
  {
    name: 'a destination beyond the peer VPC: peerings do not chain',
    world: world(
      [withRules(APP, [{ id: 'rr-wide', destination: '10.0.0.0/8', to: 'qpif-app' }]), DB, OPS],
      [PC_AB, PC_BC],
    ),
    from: '10.100.0.1',
    to: '10.3.1.7',
    problems: ['SourceNotInSubnet', 'DestinationOutsidePeerVpc'],
    forward: ['app:rr-wide→peerconn-ab'],
    back: [],
  },
  {
    name: 'no return route',
    world: world([APP, withRules(DB, [])], [PC_AB]),
    to: '10.2.1.7',
    problems: ['NoReturnRoute'],
    back: ['db:none→nothing'],
    says: ['qpif-db', '10.1.0.0/16', 'rt-db'],
  },
  {
    name: 'the return route goes through a different connection',
    world: world(
      [APP, withRules(DB, [{ id: 'rr-db-ops', destination: '10.1.0.0/16', to: 'qpif-db2' }]), OPS],
      [PC_AB, PC_BC],
    ),
    to: '10.2.1.7',
    problems: ['ReturnViaOtherConnection'],
    back: ['db:rr-db-ops→peerconn-bc'],
    says: ['peerconn-bc', 'not back through peerconn-ab'],
  },
  {
    name: 'the return route goes to a VPN gateway',
    world: world(
      [APP, withRules(DB, [{ id: 'rr-db-vpn', destination: '10.1.0.0/16', type: 'vpn', to: 'vpn-9' }])],
      [PC_AB],
    ),
    to: '10.2.1.7',
    problems: ['ReturnViaOtherConnection'],
    back: ['db:rr-db-vpn→vpn vpn-9'],
  },
  {
    name: 'the return route points at a released connection',
    world: world(
      [APP, withRules(DB, [{ id: 'rr-db-old', destination: '10.1.0.0/16', to: 'qpif-gone' }])],
      [PC_AB],
    ),
    to: '10.2.1.7',
    problems: ['Blackhole'],
    says: ['answer is dropped', 'qpif-gone'],
  },
  {
    name: 'overlapping CIDRs: the peer VPC keeps the answer',
    world: world(
      [
        APP,
        network(
          'db',
          '10.0.0.0/8',
          ['10.2.1.0/24', '10.1.1.0/24'],
          [{ id: 'rr-x', destination: '172.16.0.0/12', to: 'qpif-db' }],
          ACCOUNT_B,
        ),
      ],
      [PC_AB],
    ),
    to: '10.2.1.7',
    problems: ['OverlappingCidrs'],
    back: ['db:sys 10.1.1.0/24→local 10.1.1.0/24'],
  },
  // Security groups and ACLs on the path (the describe at the end checks each hop's deciding rule). A question
  // without a protocol is of every protocol: only rules for every protocol decide it.
  {
    name: "the source interface's groups let nothing out",
    world: filtered({ appRules: [], dbRules: openDb() }),
    to: '10.2.1.7',
    problems: ['SecurityGroupDeniesEgress'],
    says: ['g-app', 'eni-app', 'direction egress'],
  },
  {
    name: "the destination interface's group lets tcp 3306 in, not every protocol",
    world: filtered(),
    to: '10.2.1.7',
    problems: ['SecurityGroupDeniesIngress'],
    says: ['g-db', 'eni-db', 'any protocol'],
  },
  {
    name: 'the source subnet ACL denies everything out',
    world: filtered({ appAcl: [denyAll(APP, 'ar-app-out', 'egress', 10)], dbRules: openDb() }),
    to: '10.2.1.7',
    problems: ['AclDeniesEgress'],
    says: ['ar-app-out', 'position 10'],
  },
  {
    name: 'the destination subnet ACL denies everything in',
    world: filtered({ dbAcl: [denyAll(DB, 'ar-db-in', 'ingress', 10)], dbRules: openDb() }),
    to: '10.2.1.7',
    problems: ['AclDeniesIngress'],
    says: ['ar-db-in'],
  },
  {
    name: "the destination subnet ACL drops the answer to the source's VPC",
    world: filtered({ dbAcl: [denyAll(DB, 'ar-db-back', 'egress', 20, '10.1.0.0/16')], dbRules: openDb() }),
    to: '10.2.1.7',
    problems: ['AclDeniesReturn'],
    says: ['answer is dropped', 'ar-db-back'],
  },
];

// The codes come from the SDK's list (what `peerconn reach` and the docs explain), never from a copy here: a
// code added there fails below until a case above produces it.
describe('every problem code the SDK lists has a case that produces it', () => {
  for (const code of REACH_PROBLEMS) {
    test(code, () => {
      const cases = CASES.filter((c) => c.problems.includes(code)).map((c) => c.name);
      assert.ok(cases.length > 0, `no case in CASES expects ${code}: add one that produces it`);
    });
  }
});

describe('checkReachability', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const report = checkReachability(c.world, {
        from: { vpcId: 'vpc-app', ip: c.from ?? '10.1.1.5' },
        to: { ip: c.to },
      });
      assert.deepEqual(
        report.problems.map((p) => p.code),
        c.problems,
        report.problems.map((p) => p.message).join('\n'),
      );
      assert.equal(report.reachable, c.problems.length === 0);
      if (c.forward) assert.deepEqual(report.forward.map(hopText), c.forward);
      if (c.back) assert.deepEqual(report.return.map(hopText), c.back);
      const message = report.problems.at(-1)?.message ?? '';
      for (const word of c.says ?? []) assert.ok(message.includes(word), `"${message}" mentions ${word}`);
    });
  }

  test('a hop names the connection and the state of each of its sides', () => {
    const report = checkReachability(world([APP, DB], [PC_AB]), {
      from: { vpcId: 'vpc-app', ip: '10.1.1.5' },
      to: { ip: '10.2.1.7' },
    });
    const first = report.forward[0];
    assert.equal(first?.routeTableId, 'rt-app');
    assert.deepEqual(first?.next, {
      type: 'peerConn',
      interfaceId: 'qpif-app',
      peerConnId: 'peerconn-ab',
      usable: true,
      sides: [
        {
          role: 'initiator',
          accountId: ACCOUNT_A,
          region: 'bj',
          vpcId: 'vpc-app',
          interfaceId: 'qpif-app',
          status: 'active',
          removed: false,
        },
        {
          role: 'acceptor',
          accountId: ACCOUNT_B,
          region: 'bj',
          vpcId: 'vpc-db',
          interfaceId: 'qpif-db',
          status: 'active',
          removed: false,
        },
      ],
      toVpcId: 'vpc-db',
    });
  });

  test('an address that is not IPv4 is refused before anything is looked at', () => {
    for (const [from, to, field] of [
      ['10.1.1', '10.2.1.7', 'from.ip'],
      ['10.1.1.5', '10.2.1.256', 'to.ip'],
    ] as const) {
      assert.throws(
        () => checkReachability(world([APP], []), { from: { vpcId: 'vpc-app', ip: from }, to: { ip: to } }),
        (error: unknown) =>
          error instanceof ServiceError &&
          error.code === 'InappropriateJSON' &&
          error.message.includes(field),
      );
    }
  });
});

describe('CIDR arithmetic', () => {
  test('addresses above 127.255.255.255 stay positive', () => {
    assert.equal(parseIp('255.255.255.255'), 2 ** 32 - 1);
    assert.equal(ipText(parseIp('192.168.10.1') as number), '192.168.10.1');
    assert.equal(parseIp('1.2.3'), undefined);
  });

  test('blocks: containment, overlap, canonical form', () => {
    const block = (text: string) => cidrField('x', text);
    assert.ok(containsCidr(block('192.168.0.0/16'), block('192.168.255.0/24')));
    assert.ok(!containsCidr(block('192.168.0.0/24'), block('192.168.0.0/16')));
    assert.ok(overlaps(block('0.0.0.0/0'), block('10.0.0.0/8')));
    assert.ok(!overlaps(block('10.1.0.0/16'), block('10.2.0.0/16')));
    assert.deepEqual(readCidr('10.1.1.1/24'), {
      problem: 'host bits must be zero for /24 (the block is 10.1.1.0/24)',
    });
    assert.deepEqual(readCidr('10.1.0.0/30', 0, 29), {
      problem: 'the prefix length must be between 0 and 29',
    });
    assert.throws(() => cidrField('sourceAddress', '10.1.0.0'), /sourceAddress/);
  });
});

// ---- security groups and ACLs on the path ----

// The same app (10.1/16) and db (10.2/16) VPCs, now with network interfaces: app-eni 10.1.1.5 in group g-app,
// db-eni 10.2.1.7 in group g-db, and db-admin 10.2.1.9 in g-db too. Records are made with the rules' own value
// functions, so they hold what the API would have stored.
function eniRecord(at: VpcNetwork, eniId: string, addresses: string[], groupIds: string[]): EniRecord {
  const subnet = at.subnets[0] as VpcNetwork['subnets'][number];
  return {
    eniId,
    accountId: at.vpc.accountId,
    region: 'bj',
    vpcId: at.vpc.vpcId,
    subnetId: subnet.subnetId,
    zoneName: 'cn-bj-a',
    name: eniId,
    description: '',
    instanceId: '',
    instanceType: '',
    macAddress: 'fa:16:3e:00:00:01',
    status: 'available',
    privateIps: addresses.map((address, i) => ({ address, primary: i === 0, publicIp: '' })),
    ipv6Ips: [],
    securityGroupIds: groupIds,
    enterpriseSecurityGroupIds: [],
    tags: [],
    trafficMode: '',
    createdAt: 0,
  };
}

function groupRule(
  at: VpcNetwork,
  securityGroupRuleId: string,
  securityGroupId: string,
  rule: { direction: 'ingress' | 'egress' } & Record<string, string>,
): SecurityGroupRuleRecord {
  return {
    accountId: at.vpc.accountId,
    region: 'bj',
    vpcId: at.vpc.vpcId,
    createdAt: 0,
    updatedAt: 0,
    securityGroupRuleId,
    securityGroupId,
    ...securityGroupRuleTerms(rule),
  };
}

function aclRule(
  at: VpcNetwork,
  aclRuleId: string,
  rule: Omit<AclRuleRequest, 'subnetId' | 'description'>,
): AclRuleRecord {
  const subnetId = (at.subnets[0] as VpcNetwork['subnets'][number]).subnetId;
  return {
    accountId: at.vpc.accountId,
    region: 'bj',
    vpcId: at.vpc.vpcId,
    createdAt: 0,
    aclRuleId,
    ...aclRuleValues({ subnetId, description: '', ...rule }, ''),
  };
}

function ALL_OUT(at: VpcNetwork, id: string, group: string): SecurityGroupRuleRecord {
  return groupRule(at, id, group, { direction: 'egress', protocol: 'all', destIp: 'all' });
}

/** db's group letting everything in from anywhere. */
function openDb(): SecurityGroupRuleRecord[] {
  return [groupRule(DB, 'r-db-all', 'g-db', { direction: 'ingress', protocol: 'all', sourceIp: 'all' })];
}

/** ACL rule values over every protocol, address and port, but for what is given. */
function openAcl(
  given: Pick<AclRuleRequest, 'position' | 'direction' | 'action'> & Partial<AclRuleRequest>,
): Omit<AclRuleRequest, 'subnetId' | 'description'> {
  return {
    protocol: 'all',
    sourceIpAddress: 'all',
    destinationIpAddress: 'all',
    sourcePort: 'all',
    destinationPort: 'all',
    ...given,
  };
}

/** An ACL rule of `at`'s subnet that denies every protocol and port to or from `peer`. */
function denyAll(
  at: VpcNetwork,
  id: string,
  direction: 'ingress' | 'egress',
  position: number,
  peer = 'all',
): AclRuleRecord {
  const toOrFrom = direction === 'ingress' ? { sourceIpAddress: peer } : { destinationIpAddress: peer };
  return aclRule(at, id, openAcl({ ...toOrFrom, position, direction, action: 'deny' }));
}

interface Filtered {
  appRules?: SecurityGroupRuleRecord[];
  dbRules?: SecurityGroupRuleRecord[];
  appAcl?: AclRuleRecord[];
  dbAcl?: AclRuleRecord[];
}

/** app and db peered with both routes, interfaces in place; each VPC's rules as given (none by default). */
function filtered(given: Filtered = {}): ReachWorld {
  return world(
    [
      {
        ...APP,
        enis: [eniRecord(APP, 'eni-app', ['10.1.1.5', '10.1.1.6'], ['g-app'])],
        securityGroupRules: given.appRules ?? [ALL_OUT(APP, 'r-app-out', 'g-app')],
        aclRules: given.appAcl ?? [],
      },
      {
        ...DB,
        enis: [
          eniRecord(DB, 'eni-db', ['10.2.1.7'], ['g-db']),
          eniRecord(DB, 'eni-admin', ['10.2.1.9'], ['g-db']),
        ],
        securityGroupRules: given.dbRules ?? [
          groupRule(DB, 'r-db-in', 'g-db', {
            direction: 'ingress',
            protocol: 'tcp',
            portRange: '3306',
            sourceIp: '10.1.0.0/16',
          }),
          ALL_OUT(DB, 'r-db-out', 'g-db'),
        ],
        aclRules: given.dbAcl ?? [],
      },
    ],
    [PC_AB],
  );
}

const MYSQL = { protocol: 'tcp', port: 3306 } as const;

function ask(w: ReachWorld, query: Partial<ReachQuery> = {}): ReachReport {
  return checkReachability(w, {
    from: { vpcId: 'vpc-app', ip: '10.1.1.5' },
    to: { ip: '10.2.1.7' },
    ...MYSQL,
    ...query,
  });
}

function only(report: ReachReport, code: ReachProblemCode): string {
  assert.deepEqual(
    report.problems.map((p) => p.code),
    [code],
    report.problems.map((p) => p.message).join('\n'),
  );
  assert.equal(report.reachable, false);
  return report.problems[0]?.message ?? '';
}

/** A check as `kind direction verdict rule`, e.g. `acl ingress allow ar-db@5`, `securityGroup egress deny -`. */
function checkText(check: FilterCheck): string {
  const rule =
    check.kind === 'acl'
      ? check.rule
        ? `${check.rule.aclRuleId || 'default'}@${check.rule.position}`
        : '-'
      : check.rule
        ? `${check.rule.securityGroupId}/${check.rule.securityGroupRuleId}`
        : '-';
  return `${check.kind} ${check.direction} ${check.verdict} ${rule}`;
}

describe('the filters on the path: security groups and ACLs', () => {
  test('a working path names the rule that decided each filter, both ways', () => {
    const report = ask(
      filtered({
        dbAcl: [
          aclRule(
            DB,
            'ar-db-in',
            openAcl({
              protocol: 'tcp',
              sourceIpAddress: '10.1.0.0/16',
              destinationPort: '3306',
              position: 5,
              direction: 'ingress',
              action: 'allow',
            }),
          ),
        ],
      }),
    );
    assert.equal(report.reachable, true, report.problems.map((p) => p.message).join('\n'));
    assert.deepEqual(
      report.forward.map((hop) => [hop.leaving.map(checkText), hop.arriving.map(checkText)]),
      [
        [['securityGroup egress allow g-app/r-app-out', 'acl egress allow default@65535'], []],
        [[], ['acl ingress allow ar-db-in@5', 'securityGroup ingress allow g-db/r-db-in']],
      ],
    );
    // Security groups are stateful: the answer meets only the ACLs again.
    assert.deepEqual(
      report.return.map((hop) => [hop.leaving.map(checkText), hop.arriving.map(checkText)]),
      [
        [['acl egress allow default@65535'], []],
        [[], ['acl ingress allow default@65535']],
      ],
    );
    const [out] = report.forward[0]?.leaving ?? [];
    assert.deepEqual(out?.packet, {
      protocol: 'tcp',
      source: '10.1.1.5',
      destination: '10.2.1.7',
      sourcePort: 32768,
      destinationPort: 3306,
    });
    const back = report.return[0]?.leaving[0];
    assert.deepEqual(
      [back?.packet.sourcePort, back?.packet.destinationPort],
      [3306, 32768],
      'the answer goes from the server port back to the client port',
    );
    assert.deepEqual(
      [report.from, report.to],
      [
        { ip: '10.1.1.5', vpcId: 'vpc-app', subnetId: 'sbn-app0', eniId: 'eni-app' },
        { ip: '10.2.1.7', vpcId: 'vpc-db', subnetId: 'sbn-db0', eniId: 'eni-db' },
      ],
    );
    assert.deepEqual([report.protocol, report.port, report.sourcePort], ['tcp', 3306, 32768]);
  });

  test('SecurityGroupDeniesEgress: no egress rule of the source interface lets the packet out', () => {
    const report = ask(
      filtered({
        appRules: [
          groupRule(APP, 'r-web-out', 'g-app', {
            direction: 'egress',
            protocol: 'tcp',
            portRange: '80',
            destIp: 'all',
          }),
        ],
      }),
    );
    const message = only(report, 'SecurityGroupDeniesEgress');
    assert.match(
      message,
      /No egress rule of security group\(s\) g-app of eni-app lets tcp 10\.1\.1\.5:32768 → 10\.2\.1\.7:3306 out/,
    );
    assert.match(
      message,
      /Add one to g-app: direction egress, protocol tcp, portRange 3306, destIp 10\.2\.1\.7 \(or 10\.2\.1\.0\/24\)/,
    );
    assert.deepEqual(report.forward[0]?.leaving.map(checkText), [
      'securityGroup egress deny -',
      'acl egress allow default@65535',
    ]);
  });

  test('SecurityGroupDeniesIngress: a rule naming a group reaches no interface across the peering', () => {
    const peersOnly = groupRule(DB, 'r-db-peers', 'g-db', {
      direction: 'ingress',
      protocol: 'tcp',
      portRange: '3306',
      sourceGroupId: 'g-db',
    });
    const report = ask(filtered({ dbRules: [peersOnly] }));
    const message = only(report, 'SecurityGroupDeniesIngress');
    assert.match(
      message,
      /No ingress rule of security group\(s\) g-db of eni-db lets tcp 10\.1\.1\.5:32768 → 10\.2\.1\.7:3306 in/,
    );
    assert.match(message, /sourceIp 10\.1\.1\.5 \(or 10\.1\.1\.0\/24\)/);
    assert.match(message, /match only interfaces of the group's own VPC/);
    // Inside db's own VPC the same rule lets a member of g-db in, and the check names the group it matched.
    const inside = checkReachability(filtered({ dbRules: [peersOnly, ALL_OUT(DB, 'r-db-out', 'g-db')] }), {
      from: { vpcId: 'vpc-db', ip: '10.2.1.9' },
      to: { ip: '10.2.1.7' },
      ...MYSQL,
    });
    assert.equal(inside.reachable, true, inside.problems.map((p) => p.message).join('\n'));
    const admitted = inside.forward[0]?.arriving[1];
    assert.ok(admitted?.kind === 'securityGroup');
    assert.deepEqual([admitted.rule?.securityGroupRuleId, admitted.rule?.groupId], ['r-db-peers', 'g-db']);
  });

  test('AclDeniesEgress: the source subnet ACL stops the packet leaving, by its lowest matching position', () => {
    const report = ask(
      filtered({
        appAcl: [
          aclRule(
            APP,
            'ar-app-deny',
            openAcl({
              protocol: 'tcp',
              destinationIpAddress: '10.2.0.0/16',
              destinationPort: '3306',
              position: 10,
              direction: 'egress',
              action: 'deny',
            }),
          ),
          aclRule(APP, 'ar-app-late', openAcl({ position: 20, direction: 'egress', action: 'allow' })),
        ],
      }),
    );
    const message = only(report, 'AclDeniesEgress');
    assert.match(
      message,
      /The ACL of subnet sbn-app0 \(app0, 10\.1\.1\.0\/24\) denies tcp 10\.1\.1\.5:32768 → 10\.2\.1\.7:3306 out of the subnet: rule ar-app-deny at position 10/,
    );
    assert.match(
      message,
      /Add an egress allow rule to subnet sbn-app0: protocol tcp, destinationIpAddress 10\.2\.1\.0\/24, sourcePort 1024-65535, destinationPort 3306 with a position below 10/,
    );
  });

  test('AclDeniesIngress: the destination subnet ACL stops the packet entering', () => {
    const report = ask(
      filtered({
        dbAcl: [denyAll(DB, 'ar-db-deny', 'ingress', 100, '10.1.0.0/16')],
      }),
    );
    const message = only(report, 'AclDeniesIngress');
    assert.match(
      message,
      /denies tcp 10\.1\.1\.5:32768 → 10\.2\.1\.7:3306 into the subnet: rule ar-db-deny at position 100/,
    );
    assert.deepEqual(report.forward[1]?.arriving.map(checkText), [
      'acl ingress deny ar-db-deny@100',
      'securityGroup ingress allow g-db/r-db-in',
    ]);
  });

  test('AclDeniesReturn: ACLs are stateless, so the answer is checked again at both subnets', () => {
    const leaving = ask(
      filtered({
        dbAcl: [denyAll(DB, 'ar-db-out', 'egress', 20, '10.1.0.0/16')],
      }),
    );
    const message = only(leaving, 'AclDeniesReturn');
    assert.match(message, /The answer is dropped\. ACLs are stateless/);
    assert.match(
      message,
      /denies tcp 10\.2\.1\.7:3306 → 10\.1\.1\.5:32768 out of the subnet: rule ar-db-out at position 20/,
    );
    assert.match(
      message,
      /protocol tcp, destinationIpAddress 10\.1\.1\.0\/24, sourcePort 3306, destinationPort 1024-65535 with a position below 20/,
    );
    assert.deepEqual(leaving.return[0]?.leaving.map(checkText), ['acl egress deny ar-db-out@20']);

    const arriving = ask(
      filtered({
        appAcl: [
          aclRule(
            APP,
            'ar-app-in',
            openAcl({
              protocol: 'tcp',
              sourceIpAddress: '10.2.0.0/16',
              position: 30,
              direction: 'ingress',
              action: 'deny',
            }),
          ),
        ],
      }),
    );
    assert.match(
      only(arriving, 'AclDeniesReturn'),
      /denies tcp 10\.2\.1\.7:3306 → 10\.1\.1\.5:32768 into the subnet: rule ar-app-in at position 30/,
    );
    assert.deepEqual(arriving.return[1]?.arriving.map(checkText), ['acl ingress deny ar-app-in@30']);

    // A rule for the client's ephemeral ports lets the answer out again.
    const fixed = ask(
      filtered({
        dbAcl: [
          denyAll(DB, 'ar-db-out', 'egress', 20, '10.1.0.0/16'),
          aclRule(
            DB,
            'ar-db-replies',
            openAcl({
              protocol: 'tcp',
              destinationIpAddress: '10.1.0.0/16',
              sourcePort: '3306',
              destinationPort: '1024-65535',
              position: 10,
              direction: 'egress',
              action: 'allow',
            }),
          ),
        ],
      }),
    );
    assert.equal(fixed.reachable, true, fixed.problems.map((p) => p.message).join('\n'));
    assert.deepEqual(fixed.return[0]?.leaving.map(checkText), ['acl egress allow ar-db-replies@10']);
  });

  test('every filter that drops the packet is named in one answer, in the order the packet meets them', () => {
    const report = ask(
      filtered({
        appRules: [],
        dbRules: [],
        dbAcl: [denyAll(DB, 'ar-db-deny', 'ingress', 1)],
      }),
    );
    assert.deepEqual(
      report.problems.map((p) => p.code),
      ['SecurityGroupDeniesEgress', 'AclDeniesIngress', 'SecurityGroupDeniesIngress'],
    );
  });

  test('an address of no interface has no security groups; its subnet ACL still applies', () => {
    const report = ask(filtered(), { from: { vpcId: 'vpc-app', ip: '10.1.1.77' } });
    assert.equal(report.reachable, true, report.problems.map((p) => p.message).join('\n'));
    assert.deepEqual(report.forward[0]?.leaving.map(checkText), [
      'securityGroup egress skip -',
      'acl egress allow default@65535',
    ]);
    assert.equal(report.from.eniId, null);
    // A secondary address of an interface counts as that interface.
    const secondary = ask(filtered({ appRules: [] }), { from: { vpcId: 'vpc-app', ip: '10.1.1.6' } });
    assert.equal(secondary.from.eniId, 'eni-app');
    assert.equal(only(secondary, 'SecurityGroupDeniesEgress').includes('eni-app'), true);
  });

  test('inside one subnet no ACL applies; security groups still do', () => {
    const sameSubnet = world(
      [
        {
          ...DB,
          enis: [
            eniRecord(DB, 'eni-db', ['10.2.1.7'], ['g-db']),
            eniRecord(DB, 'eni-admin', ['10.2.1.9'], ['g-db']),
          ],
          securityGroupRules: [ALL_OUT(DB, 'r-db-out', 'g-db')],
          aclRules: [denyAll(DB, 'ar-db-deny', 'ingress', 1)],
        },
      ],
      [],
    );
    const report = checkReachability(sameSubnet, {
      from: { vpcId: 'vpc-db', ip: '10.2.1.9' },
      to: { ip: '10.2.1.7' },
      ...MYSQL,
    });
    assert.deepEqual(
      report.problems.map((p) => p.code),
      ['SecurityGroupDeniesIngress'],
    );
    assert.deepEqual(report.forward[0]?.arriving.map(checkText), [
      'acl ingress skip -',
      'securityGroup ingress deny -',
    ]);
  });

  test('protocol all is covered only by rules for every protocol; icmp has no ports', () => {
    // g-db allows tcp 3306 only: a packet of any protocol is not let in by it.
    const all = ask(filtered(), { protocol: 'all', port: undefined });
    assert.match(only(all, 'SecurityGroupDeniesIngress'), /any protocol 10\.1\.1\.5 → 10\.2\.1\.7 in/);
    const ping = ask(
      filtered({
        dbRules: [
          groupRule(DB, 'r-ping', 'g-db', { direction: 'ingress', protocol: 'icmp', sourceIp: 'all' }),
        ],
      }),
      { protocol: 'icmp', port: undefined },
    );
    assert.equal(ping.reachable, true, ping.problems.map((p) => p.message).join('\n'));
    assert.deepEqual([ping.port, ping.sourcePort], [null, null]);
  });

  test('a destination VPC that is not where the packet arrives: their CIDRs overlap', () => {
    const report = ask(filtered(), { to: { ip: '10.2.1.7', vpcId: 'vpc-ops' } });
    assert.match(only(report, 'OverlappingCidrs'), /delivered in VPC vpc-db .*not in VPC vpc-ops/);
  });

  test('ports and protocols the question cannot have are refused before anything is looked at', () => {
    for (const [query, field] of [
      [{ protocol: 'tcp' as const }, 'port'],
      [{ protocol: 'udp' as const, port: 0 }, 'port'],
      [{ protocol: 'tcp' as const, port: 53, sourcePort: 70000 }, 'sourcePort'],
      [{ protocol: 'icmp' as const, port: 53 }, 'port'],
      [{ port: 53 }, 'port'],
    ] as const) {
      assert.throws(
        () =>
          checkReachability(filtered(), {
            from: { vpcId: 'vpc-app', ip: '10.1.1.5' },
            to: { ip: '10.2.1.7' },
            ...query,
          }),
        (error: unknown) =>
          error instanceof ServiceError &&
          error.code === 'InappropriateJSON' &&
          error.message.includes(`"${field}"`),
        JSON.stringify(query),
      );
    }
  });
});

// ---- end to end: the admin API's answer over HTTP, on the store under test ----

describe('the path through security groups and ACLs, end to end through the SDK', () => {
  let server: TestServer;
  const app = { vpcId: '', subnetId: '', eniId: '', group: '' };
  const db = { vpcId: '', subnetId: '', eniId: '', group: '' };

  const cfg = (w: 'a' | 'b') => ({ endpoint: server.url, credentials: server[w], maxRetries: 0, env: {} });
  const acls = (w: 'a' | 'b') => new AclClient(cfg(w));
  const sgs = (w: 'a' | 'b') => new SecurityGroupClient(cfg(w));
  const enis = (w: 'a' | 'b') => new EniClient(cfg(w));

  async function reach(body: Record<string, unknown>): Promise<ReachReport> {
    const res = await fetch(`${server.adminUrl}/reachability`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as ReachReport & { code?: string; message?: string };
    assert.equal(res.status, 200, answer.message);
    assert.equal(answer.reachable, answer.problems.length === 0);
    return answer;
  }
  const mysql = () =>
    reach({ from: { eniId: app.eniId }, to: { eniId: db.eniId }, protocol: 'tcp', port: 3306 });

  /** One ACL rule on a subnet; its id, read back from the subnet's list. */
  async function addAclRule(w: 'a' | 'b', subnetId: string, rule: Omit<AclRuleRequest, 'subnetId'>) {
    await acls(w).createAclRules({ aclRules: [{ subnetId, ...rule }] });
    const { aclRules } = await acls(w).listAclRules({ subnetId });
    const made = aclRules.find((r) => r.position === rule.position && r.direction === rule.direction);
    assert.ok(made, 'the rule is listed');
    return made.id;
  }

  before(async () => {
    server = await startTestServer();
    const vpcs = (w: 'a' | 'b') => new VpcClient(cfg(w));
    const subnets = (w: 'a' | 'b') => new SubnetClient(cfg(w));
    for (const [w, side, cidr, block] of [
      ['a', app, '10.61.0.0/16', '10.61.1.0/24'],
      ['b', db, '10.62.0.0/16', '10.62.1.0/24'],
    ] as const) {
      side.vpcId = (await vpcs(w).createVpc({ name: `reach-${w}`, cidr })).vpcId;
      side.subnetId = (
        await subnets(w).createSubnet({
          name: `reach_${w}`,
          zoneName: 'cn-bj-a',
          cidr: block,
          vpcId: side.vpcId,
        })
      ).subnetId;
      side.group = (
        await sgs(w).createSecurityGroup({ name: `reach-${w}`, vpcId: side.vpcId, rules: [] })
      ).securityGroupId;
      side.eniId = (
        await enis(w).createEni({
          name: `reach-${w}`,
          subnetId: side.subnetId,
          securityGroupIds: [side.group],
          privateIpSet: [{ primary: true, privateIpAddress: '' }],
        })
      ).eniId;
    }
    const peerings = (w: 'a' | 'b') => new PeerConnClient(cfg(w));
    const { peerConnId } = await peerings('a').createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: app.vpcId,
      peerVpcId: db.vpcId,
      peerRegion: 'bj',
      peerAccountId: server.b.accountId,
      billing: { paymentTiming: 'Postpaid' },
    });
    await peerings('b').acceptPeerConn({ peerConnId });
    for (const [w, side, other, role] of [
      ['a', app, db, 'initiator'],
      ['b', db, app, 'acceptor'],
    ] as const) {
      const { localIfId } = await peerings(w).getPeerConn({ peerConnId, role });
      const { routeTableId } = await new RouteClient(cfg(w)).getRouteTable({ vpcId: side.vpcId });
      const otherCidr = other === app ? '10.61.0.0/16' : '10.62.0.0/16';
      await new RouteClient(cfg(w)).createRouteRule({
        routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: otherCidr,
        nexthopType: 'peerConn',
        nexthopId: localIfId,
      });
    }
  });
  after(async () => {
    await server.close();
  });

  test('SecurityGroupDeniesIngress end to end: db’s new group lets nothing in; its rule fixes it', async () => {
    const report = await mysql();
    assert.deepEqual(
      report.problems.map((p) => p.code),
      ['SecurityGroupDeniesIngress'],
    );
    assert.match(
      report.problems[0]?.message ?? '',
      new RegExp(`security group\\(s\\) ${db.group} of ${db.eniId}`),
    );
    await sgs('b').authorizeSecurityGroupRule({
      securityGroupId: db.group,
      rule: {
        direction: 'ingress',
        protocol: 'tcp',
        portRange: '3306',
        sourceIp: '10.61.0.0/16',
        remark: 'app',
      },
    });
    const fixed = await mysql();
    assert.equal(fixed.reachable, true, JSON.stringify(fixed.problems));
    const { rules } = await sgs('b').getSecurityGroup({ securityGroupId: db.group });
    const admitted = rules.find((r) => r.direction === 'ingress');
    const arriving = fixed.forward[1]?.arriving.map(checkText);
    assert.deepEqual(arriving, [
      'acl ingress allow default@65535',
      `securityGroup ingress allow ${db.group}/${admitted?.securityGroupRuleId}`,
    ]);
    assert.deepEqual(fixed.to, { ip: fixed.to.ip, vpcId: db.vpcId, subnetId: db.subnetId, eniId: db.eniId });
  });

  test('SecurityGroupDeniesEgress end to end: a group that lets only web traffic out', async () => {
    const web = (
      await sgs('a').createSecurityGroup({
        name: 'web-only',
        vpcId: app.vpcId,
        rules: [{ direction: 'egress', protocol: 'tcp', portRange: '80', destIp: '' }],
      })
    ).securityGroupId;
    await enis('a').updateEniSecurityGroups({ eniId: app.eniId, securityGroupIds: [web] });
    try {
      const report = await mysql();
      assert.deepEqual(
        report.problems.map((p) => p.code),
        ['SecurityGroupDeniesEgress'],
      );
      assert.match(
        report.problems[0]?.message ?? '',
        new RegExp(`Add one to ${web}: direction egress, protocol tcp, portRange 3306`),
      );
      assert.deepEqual(report.forward[0]?.leaving.map(checkText).slice(0, 1), [
        'securityGroup egress deny -',
      ]);
    } finally {
      await enis('a').updateEniSecurityGroups({ eniId: app.eniId, securityGroupIds: [app.group] });
    }
    assert.equal((await mysql()).reachable, true);
  });

  test('AclDeniesIngress and AclDeniesEgress end to end, each named by rule id and position', async () => {
    const deny = {
      protocol: 'tcp',
      sourceIpAddress: 'all',
      destinationIpAddress: 'all',
      sourcePort: 'all',
      destinationPort: '3306',
      action: 'deny',
    } as const;
    const into = await addAclRule('b', db.subnetId, { ...deny, position: 10, direction: 'ingress' });
    let report = await mysql();
    assert.deepEqual(
      report.problems.map((p) => p.code),
      ['AclDeniesIngress'],
    );
    assert.match(report.problems[0]?.message ?? '', new RegExp(`rule ${into} at position 10`));
    const allow = await addAclRule('b', db.subnetId, {
      ...deny,
      sourceIpAddress: '10.61.0.0/16',
      position: 5,
      direction: 'ingress',
      action: 'allow',
    });
    report = await mysql();
    assert.equal(report.reachable, true, JSON.stringify(report.problems));
    assert.equal(report.forward[1]?.arriving.map(checkText)[0], `acl ingress allow ${allow}@5`);
    await acls('b').deleteAclRule({ aclRuleId: into });
    await acls('b').deleteAclRule({ aclRuleId: allow });

    const out = await addAclRule('a', app.subnetId, { ...deny, position: 7, direction: 'egress' });
    report = await mysql();
    assert.deepEqual(
      report.problems.map((p) => p.code),
      ['AclDeniesEgress'],
    );
    assert.match(report.problems[0]?.message ?? '', new RegExp(`rule ${out} at position 7`));
    await acls('a').deleteAclRule({ aclRuleId: out });
    assert.equal((await mysql()).reachable, true);
  });

  test('AclDeniesReturn end to end: db’s subnet drops the answer; a rule for the client ports lets it out', async () => {
    const drop = await addAclRule(
      'b',
      db.subnetId,
      openAcl({ destinationIpAddress: '10.61.0.0/16', position: 20, direction: 'egress', action: 'deny' }),
    );
    const report = await mysql();
    assert.deepEqual(
      report.problems.map((p) => p.code),
      ['AclDeniesReturn'],
    );
    assert.match(report.problems[0]?.message ?? '', new RegExp(`rule ${drop} at position 20`));
    assert.deepEqual(report.return[0]?.leaving.map(checkText), [`acl egress deny ${drop}@20`]);
    const replies = await addAclRule(
      'b',
      db.subnetId,
      openAcl({
        protocol: 'tcp',
        destinationIpAddress: '10.61.0.0/16',
        sourcePort: '3306',
        destinationPort: '1024-65535',
        position: 10,
        direction: 'egress',
        action: 'allow',
      }),
    );
    const fixed = await mysql();
    assert.equal(fixed.reachable, true, JSON.stringify(fixed.problems));
    assert.deepEqual(fixed.return[0]?.leaving.map(checkText), [`acl egress allow ${replies}@10`]);
    // Another client port the rule does not cover is dropped again.
    const low = await reach({
      from: { eniId: app.eniId },
      to: { eniId: db.eniId },
      protocol: 'tcp',
      port: 3306,
      sourcePort: 1000,
    });
    assert.deepEqual(
      low.problems.map((p) => p.code),
      ['AclDeniesReturn'],
    );
    await acls('b').deleteAclRule({ aclRuleId: drop });
    await acls('b').deleteAclRule({ aclRuleId: replies });
  });

  test('the ends: an interface’s address counts as the interface; a plain address has no groups', async () => {
    const { privateIpSet } = await enis('a').getEni({ eniId: app.eniId });
    const ip = privateIpSet[0]?.privateIpAddress as string;
    const byAddress = await reach({
      from: { vpcId: app.vpcId, ip },
      to: { ip: '10.62.1.200' },
      protocol: 'icmp',
    });
    assert.equal(byAddress.from.eniId, app.eniId);
    assert.equal(byAddress.to.eniId, null);
    assert.deepEqual(byAddress.forward[1]?.arriving.map(checkText), [
      'acl ingress allow default@65535',
      'securityGroup ingress skip -',
    ]);
  });

  test('the old question, an address to an address with no protocol, keeps its answer', async () => {
    const report = await reach({ from: { vpcId: app.vpcId, ip: '10.61.1.50' }, to: { ip: '10.62.1.60' } });
    assert.equal(report.reachable, true, JSON.stringify(report.problems));
    assert.deepEqual([report.protocol, report.port, report.sourcePort], ['all', null, null]);
  });

  test('requests it cannot answer: unknown interfaces, half an end, a port without tcp', async () => {
    const refused = async (body: unknown, status: number, code: string, message: RegExp) => {
      const res = await fetch(`${server.adminUrl}/reachability`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      const answer = (await res.json()) as { code: string; message: string };
      assert.deepEqual([res.status, answer.code], [status, code], answer.message);
      assert.match(answer.message, message);
    };
    const unknown: Array<[body: unknown, message: RegExp]> = [
      [{ from: { eniId: 'eni-000000000000' }, to: { ip: '10.62.1.7' } }, /eni-000000000000/],
      [{ from: { eniId: app.eniId }, to: { eniId: 'eni-000000000000' } }, /"to\.eniId"/],
    ];
    for (const [body, message] of unknown) await refused(body, 404, 'NoSuchObject', message);
    const malformed: Array<[body: unknown, message: RegExp]> = [
      [{ from: { vpcId: app.vpcId }, to: { ip: '10.62.1.7' } }, /"from" must be/],
      [{ from: { eniId: app.eniId, ip: '10.61.1.5' }, to: { ip: '10.62.1.7' } }, /not both/],
      [{ from: { eniId: app.eniId }, to: { ip: '10.62.1.7' }, port: 3306 }, /tcp and udp only/],
      [{ from: { eniId: app.eniId }, to: { ip: '10.62.1.7' }, protocol: 'sctp' }, /"protocol"/],
      [{ from: { eniId: app.eniId }, to: { vpcId: db.vpcId, ip: '10.9.9.9' } }, /not inside VPC/],
    ];
    for (const [body, message] of malformed) await refused(body, 400, 'InappropriateJSON', message);
  });
});
