// The reachability check as a pure function, table-driven: worlds of two or three VPCs with their subnets,
// rules and connections, and for each the verdict, the problem codes and the path it reports. Plus the CIDR
// arithmetic the check and the route rules stand on.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cidrField, containsCidr, ipText, overlaps, parseIp, readCidr } from '../src/domain/cidr.ts';
import {
  checkReachability,
  REACH_PROBLEMS,
  type ReachProblemCode,
  type ReachReport,
  type ReachWorld,
  type VpcNetwork,
} from '../src/domain/reachability.ts';
import type { PeerConnRecord, RouteRuleRecord, SideRecord } from '../src/domain/types.ts';
import { ServiceError } from '../src/errors.ts';

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
