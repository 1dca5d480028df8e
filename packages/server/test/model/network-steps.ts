// The steps of a history that reach subnets, ACL rules and security groups, as plain data, and their fast-check
// arbitraries. Like the other steps they name things by position (the 3rd subnet ever made, the 2nd rule of a
// group), resolved against the model when they run (network-resolve.ts). The values come from small pools, so
// duplicates, position clashes and quotas come up often; now and then one is out of range or malformed.
import fc from 'fast-check';

/** Who calls: the owner at the resource's region, the owner at the other one, its peer account, or a stranger. */
export type NetActor = 'owner' | 'otherRegion' | 'peer' | 'stranger';

/** How a client writes an optional field it was not given (docs/wire.md, SecurityGroupRuleInput). */
export type SdkStyle = 'go' | 'python' | 'java';

/** A clientToken as in steps.ts: the step's own, or one of a small shared pool. */
export type NetToken = number | 'new';

export interface AclRuleSpec {
  /** 0: the step's subnet; n: the n-th other subnet ever made (a rule for another subnet in the same call). */
  other?: number;
  protocol: string;
  source: string;
  destination: string;
  sourcePort: string;
  destinationPort: string;
  position: number;
  direction: string;
  action: string;
  ipVersion?: number;
  description?: string;
}

export interface AclChange {
  description?: string;
  protocol?: string;
  source?: string;
  destination?: string;
  sourcePort?: string;
  destinationPort?: string;
  position?: number;
  action?: string;
}

/** A group a rule names as its peer, seen from the group the rule is for. */
export type GroupRef =
  | { in: 'sameVpc'; at: number }
  | { in: 'otherVpc'; at: number }
  | { in: 'foreign'; at: number }
  | { in: 'bogus' };

export interface SgRuleSpec {
  direction: string;
  remark?: string;
  ethertype?: string;
  protocol?: string;
  portRange?: string;
  ip?: string;
  group?: GroupRef;
  /** The peer written in the other direction's fields. */
  wrongSide?: boolean;
}

export interface SgChange {
  remark?: string;
  portRange?: string;
  protocol?: string;
  ip?: string;
  group?: GroupRef;
  /** Terraform's way: all seven fields, `""` for what is not changed by meaning. */
  allSeven?: boolean;
}

/** A group for an interface: of its VPC (mostly), of another VPC, another account's, none such, or `""`. */
export type EniGroup = GroupRef | { in: 'empty' };

/**
 * An interface address: picked by the server, the `offset`-th address of the subnet (0 and 1 are the network
 * address and gateway, -1 the broadcast address, -2 the first address past the subnet), one that another
 * interface of the VPC holds, or text that is no address.
 */
export type EniAddressPick = 'auto' | { offset: number } | 'held' | 'malformed';

export type NetworkStep =
  | {
      t: 'createSubnet';
      vpc: number;
      /** A block of the VPC's range ([prefix added to the VPC's, index of the block]), or a fixed text. */
      cidr: [number, number] | string;
      zone: 'own' | 'otherRegion' | 'malformed';
      zoneLetter: number;
      name: string;
      subnetType?: string;
      description?: string;
      as: NetActor;
      token?: NetToken;
    }
  | {
      t: 'subnetOp';
      op: 'deleteSubnet' | 'updateSubnet' | 'getSubnet';
      subnet: number;
      as: NetActor;
      name?: string;
      description?: string;
      token?: NetToken;
    }
  | { t: 'createAcl'; subnet: number; rules: AclRuleSpec[]; as: NetActor; token?: NetToken }
  | {
      t: 'aclOp';
      op: 'updateAclRule' | 'deleteAclRule';
      rule: number;
      as: NetActor;
      change?: AclChange;
      token?: NetToken;
    }
  | {
      t: 'createSg';
      vpc: number;
      name: string;
      desc?: string;
      rules: SgRuleSpec[];
      style: SdkStyle;
      tags?: number;
      /** A required field left out. */
      broken?: 'noVpcId';
      as: NetActor;
      token?: NetToken;
    }
  | {
      t: 'sgOp';
      op: 'authorize' | 'revoke' | 'updateRule' | 'deleteRule' | 'deleteGroup' | 'getGroup';
      group: number;
      /** updateRule, deleteRule and a revoke by an existing rule's terms: which rule of the group. */
      rule: number;
      /** authorize, and a revoke of a rule the group may not have. */
      spec?: SgRuleSpec;
      change?: SgChange;
      version: 'none' | 'current' | 'stale' | 'malformed';
      style: SdkStyle;
      as: NetActor;
      token?: NetToken;
    }
  | {
      t: 'createEni';
      subnet: number;
      name: string;
      /** None: the VPC's default group. */
      groups: EniGroup[];
      /** The first is the primary. */
      addresses: EniAddressPick[];
      /** An instance to attach to at once (an index into the instance ids). */
      instance?: number;
      style: SdkStyle;
      broken?:
        | 'noPrimary'
        | 'twoPrimaries'
        | 'noAddresses'
        | 'publicIp'
        | 'enterprise'
        | 'ipv6'
        | 'elevenGroups';
      as: NetActor;
      token?: NetToken;
    }
  | {
      t: 'eniOp';
      op:
        | 'getEni'
        | 'status'
        | 'updateEni'
        | 'bindSg'
        | 'attach'
        | 'detach'
        | 'deleteEni'
        | 'addIp'
        | 'deleteIp';
      eni: number;
      name?: string;
      description?: string;
      groups?: EniGroup[];
      instance?: number;
      /** addIp: what to add; deleteIp: a secondary address it holds, its primary, or one it does not hold. */
      address?: EniAddressPick | 'secondary' | 'primary';
      as: NetActor;
      token?: NetToken;
    };

/** Instance ids an interface is attached to: three of the caller's, then two that are refused. */
export const INSTANCE_IDS = ['i-app01', 'i-app02', 'i-app03', '', `i-${'x'.repeat(63)}`];

/** Present now and then. */
const sometimes = <T>(arb: fc.Arbitrary<T>, freq = 2) => fc.option(arb, { nil: undefined, freq });
/** Mostly the first, rarely the second. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>, ratio = 12): fc.Arbitrary<T> =>
  fc.oneof({ weight: ratio, arbitrary: good }, { weight: 1, arbitrary: bad });

function tidy<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const tokenArb: fc.Arbitrary<NetToken | undefined> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.constant<NetToken>('new') },
  { weight: 1, arbitrary: fc.nat({ max: 3 }) },
);

const actorArb: fc.Arbitrary<NetActor> = fc.oneof(
  { weight: 20, arbitrary: fc.constant<NetActor>('owner') },
  { weight: 1, arbitrary: fc.constant<NetActor>('otherRegion') },
  { weight: 1, arbitrary: fc.constant<NetActor>('peer') },
  { weight: 1, arbitrary: fc.constant<NetActor>('stranger') },
);

const styleArb = fc.constantFrom<SdkStyle>('go', 'python', 'java');

// ---- subnets ----

export const createSubnetArb: fc.Arbitrary<NetworkStep> = fc
  .record({
    vpc: fc.nat({ max: 40 }),
    cidr: mostly<[number, number] | string>(
      fc.tuple(fc.constantFrom(2, 4, 8, 8, 14), fc.nat({ max: 3 })),
      fc.constantFrom('192.0.2.0/24', '10.0.0.1/24', '10.0.0.0/30', 'ten', '10.0.0.0'),
      10,
    ),
    zone: mostly(
      fc.constant('own' as const),
      fc.constantFrom('otherRegion' as const, 'malformed' as const),
      16,
    ),
    zoneLetter: fc.nat({ max: 2 }),
    name: mostly(fc.constantFrom('web', 'db_a', 'app 1'), fc.constantFrom('', 'default', 'n'.repeat(66)), 30),
    subnetType: sometimes(mostly(fc.constantFrom('BCC', 'BBC', 'BCC_NAT'), fc.constant('GPU'), 20)),
    description: sometimes(mostly(fc.constantFrom('', 'tier'), fc.constant('y'.repeat(201)), 20)),
    as: actorArb,
    token: tokenArb,
  })
  .map((r): NetworkStep => tidy({ t: 'createSubnet', ...r }));

/** A subnet that surely fits: the first /24-ish blocks of the VPC, by the owner (the start of a history). */
export const setupSubnetArb: fc.Arbitrary<NetworkStep> = fc
  .record({ vpc: fc.nat({ max: 7 }), index: fc.nat({ max: 3 }), zoneLetter: fc.nat({ max: 2 }) })
  .map(
    ({ vpc, index, zoneLetter }): NetworkStep => ({
      t: 'createSubnet',
      vpc,
      cidr: [8, index],
      zone: 'own',
      zoneLetter,
      name: 'web',
      as: 'owner',
    }),
  );

export const subnetOpArb: fc.Arbitrary<NetworkStep> = fc
  .record({
    op: fc.constantFrom(
      'deleteSubnet' as const,
      'updateSubnet' as const,
      'getSubnet' as const,
      'deleteSubnet' as const,
    ),
    subnet: fc.nat({ max: 40 }),
    as: actorArb,
    name: mostly(fc.constantFrom('renamed', 'db_b'), fc.constantFrom('', 'default')),
    description: sometimes(fc.constantFrom('', 'moved', 'y'.repeat(201))),
    token: tokenArb,
  })
  .map(
    ({ op, name, description, token, ...rest }): NetworkStep =>
      tidy({
        t: 'subnetOp',
        op,
        ...rest,
        ...(op === 'updateSubnet' ? { name, description } : {}),
        ...(op === 'getSubnet' ? {} : { token }),
      }),
  );

// ---- ACL rules ----

const ACL_ADDRESSES = ['all', '', '10.0.1.0/24', '10.0.1.5', '0.0.0.0/0', '192.168.0.0/16'];
const ACL_BAD_ADDRESSES = ['10.0.1.5/24', '10.0.0.0/33', '999.1.1.1', 'any', '2400:da00::/32'];
const ACL_V6_ADDRESSES = ['all', '2400:da00::/32', '2400:da00::1', '::/0'];
const ACL_PORTS = ['all', '', '80', '443', '1-65535', '8000-8080'];
const EVERY_PORT = ['all', '', '1-65535'];
const ACL_BAD_PORTS = ['0', '65536', '80-70', 'http', '1-'];
const POSITIONS = [1, 2, 3, 10, 100, 5000];

const aclRuleArb: fc.Arbitrary<AclRuleSpec> = fc
  .record({
    other: fc.oneof(
      { weight: 8, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }) },
    ),
    protocol: mostly(
      fc.constantFrom('tcp', 'tcp', 'udp', 'icmp', 'all'),
      fc.constantFrom('gre', 'TCP', ''),
      60,
    ),
    ipVersion: fc.oneof(
      { weight: 24, arbitrary: fc.constant(undefined) },
      { weight: 4, arbitrary: fc.constant(4) },
      { weight: 4, arbitrary: fc.constant(6) },
      { weight: 1, arbitrary: fc.constant(5) },
    ),
    addresses: fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 80 })),
    ports: fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 80 })),
    position: mostly(fc.constantFrom(...POSITIONS), fc.constantFrom(0, 5001), 60),
    direction: mostly(fc.constantFrom('ingress', 'egress'), fc.constant('inbound'), 80),
    action: mostly(fc.constantFrom('allow', 'deny'), fc.constant('drop'), 80),
    description: sometimes(mostly(fc.constantFrom('', 'app to db'), fc.constant('y'.repeat(201)), 30)),
  })
  .map(({ addresses, ports, ...r }): AclRuleSpec => {
    const [a, b, badAddress] = addresses;
    const pool = r.ipVersion === 6 ? ACL_V6_ADDRESSES : ACL_ADDRESSES;
    let source = pool[a % pool.length] as string;
    let destination = pool[b % pool.length] as string;
    if (badAddress === 0) source = ACL_BAD_ADDRESSES[a % ACL_BAD_ADDRESSES.length] as string;
    if (badAddress === 1) destination = ACL_BAD_ADDRESSES[b % ACL_BAD_ADDRESSES.length] as string;
    const [p, q, badPort] = ports;
    const portPool = r.protocol === 'tcp' || r.protocol === 'udp' ? ACL_PORTS : EVERY_PORT;
    let sourcePort = portPool[p % portPool.length] as string;
    let destinationPort = portPool[q % portPool.length] as string;
    if (badPort === 0) sourcePort = ACL_BAD_PORTS[p % ACL_BAD_PORTS.length] as string;
    if (badPort === 1)
      destinationPort = (r.protocol === 'tcp' ? ACL_BAD_PORTS[q % ACL_BAD_PORTS.length] : '80') as string;
    return tidy({ ...r, source, destination, sourcePort, destinationPort });
  });

export const createAclArb: fc.Arbitrary<NetworkStep> = fc
  .record({
    subnet: fc.nat({ max: 40 }),
    rules: fc.oneof(
      { weight: 30, arbitrary: fc.array(aclRuleArb, { minLength: 1, maxLength: 3 }) },
      { weight: 1, arbitrary: fc.constant<AclRuleSpec[]>([]) },
      {
        weight: 1,
        arbitrary: aclRuleArb.map((rule) =>
          Array.from({ length: 21 }, (_, i) => ({ ...rule, position: i + 1 })),
        ),
      },
    ),
    as: actorArb,
    token: tokenArb,
  })
  .map((r): NetworkStep => tidy({ t: 'createAcl', ...r }));

const aclChangeArb: fc.Arbitrary<AclChange> = fc
  .record({
    description: sometimes(fc.constantFrom('', 'changed')),
    protocol: sometimes(mostly(fc.constantFrom('tcp', 'udp', 'icmp', 'all', ''), fc.constant('gre'))),
    source: sometimes(mostly(fc.constantFrom(...ACL_ADDRESSES), fc.constantFrom(...ACL_BAD_ADDRESSES))),
    destination: sometimes(fc.constantFrom(...ACL_ADDRESSES)),
    sourcePort: sometimes(fc.constantFrom(...ACL_PORTS)),
    destinationPort: sometimes(mostly(fc.constantFrom(...ACL_PORTS), fc.constantFrom(...ACL_BAD_PORTS))),
    position: sometimes(mostly(fc.constantFrom(...POSITIONS), fc.constant(0))),
    action: sometimes(fc.constantFrom('allow', 'deny', '')),
  })
  .map(tidy);

export const aclOpArb: fc.Arbitrary<NetworkStep> = fc
  .record({
    op: fc.constantFrom('updateAclRule' as const, 'updateAclRule' as const, 'deleteAclRule' as const),
    rule: fc.nat({ max: 60 }),
    as: actorArb,
    change: aclChangeArb,
    token: tokenArb,
  })
  .map(
    ({ change, ...r }): NetworkStep =>
      tidy({ t: 'aclOp', ...r, ...(r.op === 'updateAclRule' ? { change } : {}) }),
  );

// ---- security groups ----

const SG_IPS = ['', 'all', '10.1.0.0/16', '10.1.2.3', '10.1.2.3/32', '0.0.0.0/0', '192.168.0.0/24'];
const SG_BAD_IPS = ['10.1.0.1/16', 'abc', '10.1.0.0/33'];
const SG_V6_IPS = ['all', '2400:da00::/32', '::/0'];
const SG_PORTS = ['', '80', '80-80', '443', '8000-8080', '1-65535'];
const SG_BAD_PORTS = ['0', '70000', '90-80', 'http'];

const groupRefArb: fc.Arbitrary<GroupRef> = fc.oneof(
  { weight: 8, arbitrary: fc.nat({ max: 5 }).map((at): GroupRef => ({ in: 'sameVpc', at })) },
  { weight: 1, arbitrary: fc.nat({ max: 5 }).map((at): GroupRef => ({ in: 'otherVpc', at })) },
  { weight: 1, arbitrary: fc.nat({ max: 5 }).map((at): GroupRef => ({ in: 'foreign', at })) },
  { weight: 1, arbitrary: fc.constant<GroupRef>({ in: 'bogus' }) },
);

export const sgRuleArb: fc.Arbitrary<SgRuleSpec> = fc
  .record({
    direction: mostly(fc.constantFrom('ingress', 'ingress', 'egress'), fc.constant('inbound'), 80),
    remark: fc.oneof(
      { weight: 20, arbitrary: fc.constant(undefined) },
      { weight: 20, arbitrary: fc.constantFrom('', 'web', 'db') },
      { weight: 1, arbitrary: fc.constant('r'.repeat(256)) },
    ),
    ethertype: fc.oneof(
      { weight: 40, arbitrary: fc.constant(undefined) },
      { weight: 10, arbitrary: fc.constantFrom('IPv4', 'ipv4') },
      { weight: 6, arbitrary: fc.constant('IPv6') },
      { weight: 1, arbitrary: fc.constant('IPv5') },
    ),
    protocol: mostly(
      fc.constantFrom<string | undefined>('tcp', 'tcp', 'udp', 'icmp', 'all', '', undefined),
      fc.constant('gre'),
      60,
    ),
    ports: fc.tuple(fc.nat(), fc.nat({ max: 60 })),
    peer: fc.oneof(
      {
        weight: 10,
        arbitrary: fc.tuple(fc.nat(), fc.nat({ max: 50 })).map(([i, bad]) => ({ ip: i, bad: bad === 0 })),
      },
      { weight: 3, arbitrary: groupRefArb.map((group) => ({ group })) },
      { weight: 2, arbitrary: fc.constant({}) },
      { weight: 1, arbitrary: groupRefArb.map((group) => ({ group, ip: 2, bad: false })) },
    ),
    wrongSide: mostly(fc.constant(false), fc.constant(true), 80),
  })
  .map(({ ports, peer, wrongSide, ...r }): SgRuleSpec => {
    const [p, badPort] = ports;
    const every =
      r.protocol === 'icmp' || r.protocol === 'all' || r.protocol === '' || r.protocol === undefined;
    let portRange: string | undefined = every
      ? (['', '1-65535', undefined] as const)[p % 3]
      : SG_PORTS[p % SG_PORTS.length];
    if (badPort === 0) portRange = SG_BAD_PORTS[p % SG_BAD_PORTS.length];
    if (badPort === 1 && every) portRange = '80';
    const spec: SgRuleSpec = { ...r, ...(portRange === undefined ? {} : { portRange }) };
    if ('ip' in peer && peer.ip !== undefined) {
      const pool = peer.bad ? SG_BAD_IPS : r.ethertype === 'IPv6' ? SG_V6_IPS : SG_IPS;
      spec.ip = pool[peer.ip % pool.length] as string;
    }
    if ('group' in peer && peer.group) spec.group = peer.group;
    if (wrongSide) spec.wrongSide = true;
    return tidy(spec);
  });

export const createSgArb: fc.Arbitrary<NetworkStep> = fc
  .record({
    vpc: fc.nat({ max: 40 }),
    name: mostly(
      fc.constantFrom('db', 'web-1', 'App tier', '数据库'),
      fc.constantFrom('1st', '', '-x', 'n'.repeat(66)),
      30,
    ),
    desc: sometimes(mostly(fc.constantFrom('', 'the database tier'), fc.constant('d'.repeat(201)))),
    rules: fc.oneof(
      { weight: 3, arbitrary: fc.constant<SgRuleSpec[]>([]) },
      { weight: 8, arbitrary: fc.array(sgRuleArb, { minLength: 1, maxLength: 3 }) },
      { weight: 1, arbitrary: fc.array(sgRuleArb, { minLength: 4, maxLength: 8 }) },
    ),
    style: styleArb,
    tags: sometimes(fc.constantFrom(1, 2)),
    broken: fc.oneof(
      { weight: 60, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constant('noVpcId' as const) },
    ),
    as: actorArb,
    token: tokenArb,
  })
  .map((r): NetworkStep => tidy({ t: 'createSg', ...r }));

const sgChangeArb: fc.Arbitrary<SgChange> = fc
  .record({
    remark: sometimes(fc.constantFrom('', 'web', 'changed')),
    portRange: sometimes(mostly(fc.constantFrom(...SG_PORTS), fc.constantFrom(...SG_BAD_PORTS))),
    protocol: sometimes(mostly(fc.constantFrom('tcp', 'udp', 'icmp', 'all', ''), fc.constant('gre'))),
    peer: fc.oneof(
      { weight: 8, arbitrary: fc.constant({}) },
      {
        weight: 4,
        arbitrary: mostly(fc.constantFrom(...SG_IPS), fc.constantFrom(...SG_BAD_IPS)).map((ip) => ({ ip })),
      },
      { weight: 2, arbitrary: groupRefArb.map((group) => ({ group })) },
      { weight: 1, arbitrary: groupRefArb.map((group) => ({ group, ip: '10.1.0.0/16' })) },
    ),
    allSeven: fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
  })
  .map(({ peer, ...r }) => tidy({ ...r, ...peer }));

export const sgOpArb: fc.Arbitrary<NetworkStep> = fc
  .record({
    op: fc.constantFrom(
      'authorize' as const,
      'authorize' as const,
      'authorize' as const,
      'revoke' as const,
      'revoke' as const,
      'updateRule' as const,
      'updateRule' as const,
      'deleteRule' as const,
      'deleteGroup' as const,
      'getGroup' as const,
    ),
    group: fc.nat({ max: 60 }),
    rule: fc.nat({ max: 20 }),
    spec: sgRuleArb,
    byTerms: fc.boolean(),
    change: sgChangeArb,
    version: fc.oneof(
      { weight: 8, arbitrary: fc.constant('none' as const) },
      { weight: 6, arbitrary: fc.constant('current' as const) },
      { weight: 2, arbitrary: fc.constant('stale' as const) },
      { weight: 1, arbitrary: fc.constant('malformed' as const) },
    ),
    style: styleArb,
    as: actorArb,
    token: tokenArb,
  })
  .map(({ op, spec, byTerms, change, version, token, ...r }): NetworkStep => {
    const step: Extract<NetworkStep, { t: 'sgOp' }> = { t: 'sgOp', op, ...r, version: 'none' };
    // A revoke mostly names a rule the group has, by its terms; otherwise one it may not have.
    if (op === 'authorize' || (op === 'revoke' && !byTerms)) step.spec = spec;
    if (op === 'updateRule') step.change = change;
    if (op !== 'deleteGroup' && op !== 'getGroup') step.version = version;
    if (op !== 'getGroup' && token !== undefined) step.token = token;
    return step;
  });

// ---- network interfaces ----

const eniGroupArb: fc.Arbitrary<EniGroup> = fc.oneof(
  { weight: 30, arbitrary: fc.nat({ max: 5 }).map((at): EniGroup => ({ in: 'sameVpc', at })) },
  { weight: 1, arbitrary: fc.nat({ max: 5 }).map((at): EniGroup => ({ in: 'otherVpc', at })) },
  { weight: 1, arbitrary: fc.nat({ max: 5 }).map((at): EniGroup => ({ in: 'foreign', at })) },
  { weight: 1, arbitrary: fc.constant<EniGroup>({ in: 'bogus' }) },
  { weight: 1, arbitrary: fc.constant<EniGroup>({ in: 'empty' }) },
);

const addressArb: fc.Arbitrary<EniAddressPick> = fc.oneof(
  { weight: 16, arbitrary: fc.constant<EniAddressPick>('auto') },
  { weight: 8, arbitrary: fc.constantFrom(2, 3, 4, 5, 9).map((offset): EniAddressPick => ({ offset })) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, -1, -2).map((offset): EniAddressPick => ({ offset })) },
  { weight: 2, arbitrary: fc.constant<EniAddressPick>('held') },
  { weight: 1, arbitrary: fc.constant<EniAddressPick>('malformed') },
);

const instanceArb = mostly(fc.constantFrom(0, 1, 2), fc.constantFrom(3, 4), 20);

export const createEniArb: fc.Arbitrary<NetworkStep> = fc
  .record({
    subnet: fc.nat({ max: 40 }),
    name: mostly(fc.constantFrom('app-eni', 'db'), fc.constantFrom('', 'n'.repeat(66)), 30),
    groups: fc.oneof(
      { weight: 4, arbitrary: fc.constant<EniGroup[]>([]) },
      { weight: 8, arbitrary: fc.array(eniGroupArb, { minLength: 1, maxLength: 3 }) },
    ),
    addresses: fc.array(addressArb, { minLength: 1, maxLength: 3 }),
    instance: sometimes(instanceArb, 4),
    style: styleArb,
    broken: fc.oneof(
      { weight: 60, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'noPrimary' as const,
          'twoPrimaries' as const,
          'noAddresses' as const,
          'publicIp' as const,
          'enterprise' as const,
          'ipv6' as const,
          'elevenGroups' as const,
        ),
      },
    ),
    as: actorArb,
    token: tokenArb,
  })
  .map((r): NetworkStep => tidy({ t: 'createEni', ...r }));

export const eniOpArb: fc.Arbitrary<NetworkStep> = fc
  .record({
    op: fc.constantFrom(
      'getEni' as const,
      'status' as const,
      'updateEni' as const,
      'bindSg' as const,
      'bindSg' as const,
      'attach' as const,
      'attach' as const,
      'detach' as const,
      'detach' as const,
      'deleteEni' as const,
      'deleteEni' as const,
      'addIp' as const,
      'deleteIp' as const,
    ),
    eni: fc.nat({ max: 40 }),
    name: sometimes(mostly(fc.constantFrom('renamed-eni'), fc.constant(''), 8)),
    description: sometimes(mostly(fc.constantFrom('', 'moved'), fc.constant('y'.repeat(201)), 12)),
    groups: fc.oneof(
      { weight: 20, arbitrary: fc.array(eniGroupArb, { minLength: 1, maxLength: 3 }) },
      { weight: 1, arbitrary: fc.constant<EniGroup[]>([]) },
    ),
    instance: instanceArb,
    add: addressArb,
    remove: fc.constantFrom(
      'secondary' as const,
      'secondary' as const,
      'primary' as const,
      'malformed' as const,
    ),
    as: actorArb,
    token: tokenArb,
  })
  .map(({ op, name, description, groups, instance, add, remove, token, ...r }): NetworkStep => {
    const step: Extract<NetworkStep, { t: 'eniOp' }> = { t: 'eniOp', op, ...r };
    if (op === 'updateEni') Object.assign(step, tidy({ name, description }));
    if (op === 'bindSg') step.groups = groups;
    if (op === 'attach' || op === 'detach') step.instance = instance;
    if (op === 'addIp') step.address = add;
    if (op === 'deleteIp') step.address = remove;
    if (op !== 'getEni' && op !== 'status' && token !== undefined) step.token = token;
    return step;
  });
