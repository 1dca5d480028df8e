// The network resources of the reference model: subnets (as far as ACL rules need them), subnet ACL rules and
// security groups with their rules. Written from docs/server-rules.md ("Subnets and route tables", "Subnet ACLs",
// "Security groups") and docs/wire.md (their bodies and answers) alone, never from packages/server/src/domain.
//
// Ids the server invents and does not answer (ACL rule ids, security group rule ids, a VPC's default group) are
// learnt from the first listing that shows them: their views carry a LearnedId until then (compare.ts).

import {
  type Block,
  blockInside,
  blocksOverlap,
  checkLength,
  checkRequired,
  checkTags,
  LearnedId,
  parseBlock,
  refuse,
  type Shape,
  TAG,
  type Tag,
  ValueChecks,
  wireTime,
} from './checks.ts';
import { ENI_MUTATING_OPS, ENI_READ_OPS, Interfaces } from './eni.ts';

/** What the network part reads of the rest of the model. */
export interface NetworkHost {
  readonly now: number;
  nextSeq(): number;
  readonly vpcs: ReadonlyMap<
    string,
    { id: string; accountId: string; region: string; name: string; cidr: string; deleted: boolean }
  >;
  readonly quotas: NetworkQuotas;
}

export interface NetworkQuotas {
  subnetsPerVpc: number;
  aclRulesPerDirection: number;
  securityGroupRulesPerDirection: number;
  enisPerVpc: number;
  ipsPerEni: number;
  enisPerInstance: number;
}

export interface Subnet {
  id: string;
  accountId: string;
  region: string;
  vpcId: string;
  name: string;
  zoneName: string;
  cidr: string;
  subnetType: string;
  description: string;
  tags: Tag[];
  createdAt: number;
  seq: number;
  deleted: boolean;
}

export interface AclRule {
  key: number;
  /** Learnt from the first listing that shows the rule. */
  id: string | undefined;
  subnetId: string;
  description: string;
  protocol: string;
  sourceIpAddress: string;
  destinationIpAddress: string;
  sourcePort: string;
  destinationPort: string;
  position: number;
  ipVersion: 4 | 6;
  direction: string;
  action: string;
  deleted: boolean;
}

export interface SgRule {
  key: number;
  id: string | undefined;
  remark: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string;
  /** As shown: `1-65535` for every port. */
  portRange: string;
  /** The peer: an address (`all` for every one) or a group; the address is `""` when a group is named. */
  ip: string;
  groupId: string;
  createdAt: number;
  updatedAt: number;
  seq: number;
}

export interface Group {
  key: number;
  /** Learnt from the first listing for a VPC's default group; the create's answer for the others. */
  id: string | undefined;
  accountId: string;
  region: string;
  vpcId: string;
  name: string;
  desc: string;
  tags: Tag[];
  createdAt: number;
  seq: number;
  version: number;
  isDefault: boolean;
  rules: SgRule[];
  deleted: boolean;
}

/** The operations of this part that change state. */
export const NETWORK_MUTATING_OPS = [
  'createSubnet',
  'updateSubnet',
  'deleteSubnet',
  'createAclRules',
  'updateAclRule',
  'deleteAclRule',
  'createSecurityGroup',
  'authorizeSecurityGroupRule',
  'revokeSecurityGroupRule',
  'updateSecurityGroupRule',
  'deleteSecurityGroupRule',
  'deleteSecurityGroup',
  ...ENI_MUTATING_OPS,
] as const;

export const NETWORK_READ_OPS = [
  'getSubnet',
  'listSubnets',
  'listAclEntrys',
  'listAclRules',
  'getSecurityGroup',
  'listSecurityGroups',
  ...ENI_READ_OPS,
] as const;

// ---- shapes (docs/wire.md, Request bodies) ----

const ACL_RULE_REQUEST: Shape = {
  object: {
    subnetId: ['string', true],
    description: ['string', false],
    protocol: ['string', true],
    sourceIpAddress: ['string', true],
    destinationIpAddress: ['string', true],
    sourcePort: ['string', true],
    destinationPort: ['string', true],
    position: ['integer', true],
    direction: ['string', true],
    action: ['string', true],
    ipVersion: ['integer', false],
  },
};

const ENI_ADDRESS: Shape = {
  object: {
    primary: ['boolean', false],
    privateIpAddress: ['string', false],
    publicIpAddress: ['string', false],
  },
};

const SG_RULE_INPUT: Shape = {
  object: {
    direction: ['string', true],
    remark: ['string', false],
    ethertype: ['string', false],
    protocol: ['string', false],
    portRange: ['string', false],
    sourceIp: ['string', false],
    sourceGroupId: ['string', false],
    destIp: ['string', false],
    destGroupId: ['string', false],
  },
};

export const NETWORK_BODIES: Record<string, Record<string, [Shape, boolean]>> = {
  createSubnet: {
    name: ['string', true],
    zoneName: ['string', true],
    cidr: ['string', true],
    vpcId: ['string', true],
    subnetType: ['string', false],
    description: ['string', false],
    enableIpv6: ['boolean', false],
    tags: [{ array: TAG }, false],
  },
  updateSubnet: { name: ['string', true], description: ['string', false], enableIpv6: ['boolean', false] },
  createAclRules: { aclRules: [{ array: ACL_RULE_REQUEST }, true] },
  updateAclRule: {
    description: ['string', false],
    protocol: ['string', false],
    sourceIpAddress: ['string', false],
    destinationIpAddress: ['string', false],
    sourcePort: ['string', false],
    destinationPort: ['string', false],
    position: ['integer', false],
    action: ['string', false],
  },
  createSecurityGroup: {
    name: ['string', true],
    desc: ['string', false],
    vpcId: ['string', true],
    rules: [{ array: SG_RULE_INPUT }, false],
    tags: [{ array: TAG }, false],
  },
  authorizeSecurityGroupRule: { rule: [SG_RULE_INPUT, true] },
  revokeSecurityGroupRule: { rule: [SG_RULE_INPUT, true] },
  createEni: {
    name: ['string', true],
    subnetId: ['string', true],
    instanceId: ['string', false],
    securityGroupIds: [{ array: 'string' }, false],
    enterpriseSecurityGroupIds: [{ array: 'string' }, false],
    privateIpSet: [{ array: ENI_ADDRESS }, true],
    ipv6PrivateIpSet: [{ array: ENI_ADDRESS }, false],
    description: ['string', false],
    tags: [{ array: TAG }, false],
    networkInterfaceTrafficMode: ['string', false],
  },
  updateEni: { name: ['string', false], description: ['string', false] },
  updateEniSecurityGroups: { securityGroupIds: [{ array: 'string' }, true] },
  attachEni: { instanceId: ['string', true], instanceType: ['string', false] },
  detachEni: { instanceId: ['string', true] },
  addEniPrivateIp: { privateIpAddress: ['string', false], isIpv6: ['boolean', false] },
  updateSecurityGroupRule: {
    securityGroupRuleId: ['string', true],
    remark: ['string', false],
    portRange: ['string', false],
    sourceIp: ['string', false],
    sourceGroupId: ['string', false],
    destIp: ['string', false],
    destGroupId: ['string', false],
    protocol: ['string', false],
  },
};

// ---- values ----

const ACL_PROTOCOLS = new Set(['all', 'tcp', 'udp', 'icmp']);
const SG_PROTOCOLS = new Set(['all', 'tcp', 'udp', 'icmp']);
const SUBNET_TYPES = new Set(['BCC', 'BBC', 'BCC_NAT']);
/** A letter first (Chinese letters count), then letters, digits, `-_ /.` and spaces; 1–65 characters. */
const GROUP_NAME = /^[A-Za-z\u4e00-\u9fa5][A-Za-z0-9\u4e00-\u9fa5\-_ /.]{0,64}$/;
const DEFAULT_GROUP_NAME = '默认安全组';

/** `N` or `N-M`: the two ends, or undefined when the text is not made of numbers. */
function portTerm(text: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return undefined;
  const first = Number(m[1]);
  return [first, m[2] === undefined ? first : Number(m[2])];
}

/** An ACL address term: `all`, `""` (all) or an address or block of the rule's IP version. */
function aclAddressOk(text: string, version: 4 | 6): boolean {
  return text === '' || text === 'all' || parseBlock(text, version) !== undefined;
}

/** An ACL port term: `all`, `""` (all), `N` or `N-M` within 1–65535; only every port on `icmp` and `all`. */
function aclPortOk(text: string, protocol: string): boolean {
  if (text === '' || text === 'all') return true;
  const term = portTerm(text);
  if (!term) return false;
  const [first, last] = term;
  if (first < 1 || last > 65535 || first > last) return false;
  if (protocol === 'icmp' || protocol === 'all') return first === 1 && last === 65535;
  return true;
}

interface AclValues {
  description?: string;
  protocol: string;
  sourceIpAddress: string;
  destinationIpAddress: string;
  sourcePort: string;
  destinationPort: string;
  position: number;
  direction: string;
  action: string;
  ipVersion?: number;
}

function checkAclRule(v: ValueChecks, rule: AclValues, where: string): void {
  checkLength(v, rule.description, 200, `${where}description`);
  const bad = (field: string) => v.fail('InvalidAclRule', `${where}${field}`);
  if (!ACL_PROTOCOLS.has(rule.protocol)) bad('protocol');
  const version = rule.ipVersion ?? 4;
  if (version !== 4 && version !== 6) bad('ipVersion');
  else {
    if (!aclAddressOk(rule.sourceIpAddress, version)) bad('sourceIpAddress');
    if (!aclAddressOk(rule.destinationIpAddress, version)) bad('destinationIpAddress');
  }
  if (ACL_PROTOCOLS.has(rule.protocol)) {
    if (!aclPortOk(rule.sourcePort, rule.protocol)) bad('sourcePort');
    if (!aclPortOk(rule.destinationPort, rule.protocol)) bad('destinationPort');
  }
  if (!Number.isInteger(rule.position) || rule.position < 1 || rule.position > 5000) bad('position');
  if (rule.direction !== 'ingress' && rule.direction !== 'egress') bad('direction');
  if (rule.action !== 'allow' && rule.action !== 'deny') bad('action');
}

/** A security group rule as create, authorize and revoke take it (nulls already dropped). */
export interface SgRuleInput {
  direction: string;
  remark?: string;
  ethertype?: string;
  protocol?: string;
  portRange?: string;
  sourceIp?: string;
  sourceGroupId?: string;
  destIp?: string;
  destGroupId?: string;
}

/** A rule's terms after the value checks: what is stored, before ids and times. */
interface SgTerms {
  remark: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string;
  portRange: string;
  ip: string;
  groupId: string;
}

/** The ports of a rule: every port for `""`; refusals by Baidu's codes. */
function checkSgPorts(v: ValueChecks, portRange: string, protocol: string): string {
  if (portRange === '') return '1-65535';
  const term = portTerm(portRange);
  if (!term) {
    v.fail('SecurityGroup.RulePortInvalid', `portRange ${portRange}`);
    return portRange;
  }
  const [first, last] = term;
  if (first < 1 || last > 65535 || first > 65535 || last < 1) {
    v.fail('SecurityGroup.RulePortRangeInvalid', `portRange ${portRange}`);
  } else if (first > last) {
    v.fail('SecurityGroup.RulePortOrderInvalid', `portRange ${portRange}`);
  } else if ((protocol === 'icmp' || protocol === 'all') && (first !== 1 || last !== 65535)) {
    v.fail('SecurityGroup.RulePortRangeInvalid', `ports on ${protocol}`);
  }
  return portRange;
}

/**
 * The checks of one rule's own values (direction, ethertype, protocol, ports, remark, peer fields); group
 * references are checked against the state afterwards. `undefined` when something was broken.
 */
function sgTerms(v: ValueChecks, rule: SgRuleInput): SgTerms | undefined {
  const before = v.count;
  const direction = rule.direction;
  if (direction !== 'ingress' && direction !== 'egress') {
    v.fail('SecurityGroup.RuleDirectionInvalid', `direction ${direction}`);
  }
  const ethertypeText = (rule.ethertype ?? '').toLowerCase();
  let ethertype: 'IPv4' | 'IPv6' = 'IPv4';
  if (ethertypeText === 'ipv6') ethertype = 'IPv6';
  else if (ethertypeText !== '' && ethertypeText !== 'ipv4') {
    v.fail('SecurityGroup.RuleEthertypeInvalid', `ethertype ${rule.ethertype}`);
  }
  const protocol = rule.protocol === undefined || rule.protocol === '' ? 'all' : rule.protocol;
  if (!SG_PROTOCOLS.has(protocol)) v.fail('BadRequest', 'protocol is invalid.');
  const portRange = checkSgPorts(v, rule.portRange ?? '', protocol);
  const remark = rule.remark ?? '';
  if (remark.length > 255) v.fail('SecurityGroup.RuleRemarkTooLong', 'remark');
  const ingress = direction !== 'egress';
  const ip = (ingress ? rule.sourceIp : rule.destIp) ?? '';
  const groupId = (ingress ? rule.sourceGroupId : rule.destGroupId) ?? '';
  const otherIp = (ingress ? rule.destIp : rule.sourceIp) ?? '';
  const otherGroup = (ingress ? rule.destGroupId : rule.sourceGroupId) ?? '';
  if (direction === 'ingress' || direction === 'egress') {
    if (otherIp !== '' || otherGroup !== '') v.fail('SecurityGroup.RulePeerInvalid', 'other direction');
    if (ip !== '' && groupId !== '') v.fail('SecurityGroup.RulePeerInvalid', 'address and group');
  }
  if (ip !== '' && ip !== 'all' && !parseBlock(ip, ethertype === 'IPv4' ? 4 : 6)) {
    v.fail('SecurityGroup.RuleCIDRAddressError', `address ${ip}`);
  }
  if (v.count > before) return undefined;
  return {
    remark,
    direction: direction as 'ingress' | 'egress',
    ethertype,
    protocol,
    portRange,
    ip: groupId !== '' ? '' : ip === '' ? 'all' : ip,
    groupId,
  };
}

/** Baidu's six terms, read by meaning: `80` is `80-80`, an address is its /32, `all` is 0.0.0.0/0. */
function sameness(rule: SgTerms): string {
  const term = portTerm(rule.portRange) ?? [0, 0];
  let peer = '';
  if (rule.groupId === '') {
    const version = rule.ethertype === 'IPv4' ? 4 : 6;
    const block: Block | undefined =
      rule.ip === 'all' ? { version, network: 0n, prefix: 0 } : parseBlock(rule.ip, version);
    peer = block ? `${block.version}:${block.network}/${block.prefix}` : rule.ip;
  }
  return JSON.stringify([
    rule.remark,
    rule.protocol,
    rule.direction,
    `${term[0]}-${term[1]}`,
    peer,
    rule.groupId,
  ]);
}

function blockOf(cidr: string): Block | undefined {
  return parseBlock(cidr, 4);
}

/** The default rules of a new group or a VPC's default group: every IPv4 packet. */
function allowAll(direction: 'ingress' | 'egress'): SgTerms {
  return {
    remark: '',
    direction,
    ethertype: 'IPv4',
    protocol: 'all',
    portRange: '1-65535',
    ip: 'all',
    groupId: '',
  };
}

export class Network {
  readonly subnets = new Map<string, Subnet>();
  /** By the model's own key (a rule's id is learnt later). */
  readonly aclRules = new Map<number, AclRule>();
  readonly groups = new Map<number, Group>();
  /** Network interfaces (eni.ts). */
  interfaces: Interfaces;
  private keys = 0;

  constructor(private host: NetworkHost) {
    this.interfaces = new Interfaces(this, host);
  }

  clone(host: NetworkHost): Network {
    const copy = new Network(host);
    for (const [id, subnet] of this.subnets) copy.subnets.set(id, structuredClone(subnet));
    for (const [key, rule] of this.aclRules) copy.aclRules.set(key, structuredClone(rule));
    for (const [key, group] of this.groups) copy.groups.set(key, structuredClone(group));
    copy.interfaces = this.interfaces.clone(copy, host);
    copy.keys = this.keys;
    return copy;
  }

  private nextKey(): number {
    this.keys += 1;
    return this.keys;
  }

  // ---- what the rest of the model asks ----

  /** A new VPC's default group, holding one allow-all rule each way (docs/server-rules.md, Security groups). */
  addDefaultGroup(vpcId: string, accountId: string, region: string): void {
    const group: Group = {
      key: this.nextKey(),
      id: undefined,
      accountId,
      region,
      vpcId,
      name: DEFAULT_GROUP_NAME,
      desc: 'default',
      tags: [],
      createdAt: this.host.now,
      seq: this.host.nextSeq(),
      version: 0,
      isDefault: true,
      rules: [],
      deleted: false,
    };
    group.rules.push(this.newRule(allowAll('ingress')), this.newRule(allowAll('egress')));
    this.groups.set(group.key, group);
  }

  /** What keeps a VPC from being deleted: its subnets, interfaces and groups other than its default one. */
  vpcInUse(vpcId: string): boolean {
    return (
      this.liveSubnets().some((s) => s.vpcId === vpcId) ||
      this.interfaces.inVpc(vpcId).length > 0 ||
      this.liveGroups().some((g) => g.vpcId === vpcId && !g.isDefault)
    );
  }

  defaultGroupOf(vpcId: string): Group | undefined {
    return this.liveGroups().find((g) => g.vpcId === vpcId && g.isDefault);
  }

  /** A deleted VPC takes its default group with it. */
  vpcDeleted(vpcId: string): void {
    for (const group of this.liveGroups()) if (group.vpcId === vpcId) group.deleted = true;
  }

  subnetsOfVpc(vpcId: string): Subnet[] {
    return this.liveSubnets()
      .filter((s) => s.vpcId === vpcId)
      .sort((a, b) => a.seq - b.seq);
  }

  liveSubnets(): Subnet[] {
    return [...this.subnets.values()].filter((s) => !s.deleted);
  }

  liveGroups(): Group[] {
    return [...this.groups.values()].filter((g) => !g.deleted);
  }

  groupById(id: string): Group | undefined {
    return [...this.groups.values()].find((g) => g.id === id);
  }

  /** Whether an id of this kind was learnt or answered before. */
  idTaken(kind: string, id: string): boolean {
    switch (kind) {
      case 'subnetId':
        return this.subnets.has(id);
      case 'securityGroupId':
        return [...this.groups.values()].some((g) => g.id === id);
      case 'aclRuleId':
        return [...this.aclRules.values()].some((r) => r.id === id);
      case 'securityGroupRuleId':
        return [...this.groups.values()].some((g) => g.rules.some((r) => r.id === id));
      case 'eniId':
        return this.interfaces.enis.has(id);
      default:
        return false;
    }
  }

  // ---- requests ----

  read(
    op: string,
    path: Record<string, string>,
    query: Record<string, string>,
    accountId: string,
    region: string,
  ): unknown {
    switch (op) {
      case 'getSubnet':
        return { subnet: renderSubnet(this.visibleSubnet(path.subnetId as string, accountId, region)) };
      case 'listAclEntrys': {
        const vpc = this.visibleVpc(query.vpcId ?? '', accountId, region);
        return {
          vpcId: vpc.id,
          vpcName: vpc.name,
          vpcCidr: vpc.cidr,
          aclEntrys: this.subnetsOfVpc(vpc.id).map((s) => ({
            subnetId: s.id,
            subnetName: s.name,
            subnetCidr: s.cidr,
            aclRules: this.aclView(s.id),
          })),
        };
      }
      case 'getSecurityGroup':
        return this.renderGroup(this.visibleGroup(path.securityGroupId as string, accountId, region));
      case 'getEni':
      case 'getEniStatus':
        return this.interfaces.read(op, path, accountId, region);
      case 'listEnis': {
        // One page of all of them (the state check reads the owner's page by page).
        const vpc = this.visibleVpc(query.vpcId ?? '', accountId, region);
        const enis = this.interfaces.list(accountId, region, vpc.id);
        return {
          enis,
          ...(enis.length > 0 ? { marker: enis[0]?.eniId } : {}),
          isTruncated: false,
          maxKeys: 1000,
        };
      }
      default:
        throw new Error(`unknown read ${op}`);
    }
  }

  write(
    op: string,
    accountId: string,
    region: string,
    path: Record<string, string>,
    query: Record<string, string>,
    body: Record<string, unknown>,
    fresh: { subnetId?: string; securityGroupId?: string; eniId?: string },
  ): unknown {
    switch (op) {
      case 'createEni':
        return this.interfaces.create(accountId, region, body, fresh.eniId);
      case 'updateEni':
      case 'updateEniSecurityGroups':
      case 'attachEni':
      case 'detachEni':
      case 'deleteEni':
      case 'addEniPrivateIp':
      case 'deleteEniPrivateIp':
        return this.interfaces.write(op, path, body, accountId, region);
      case 'createSubnet':
        return this.createSubnet(accountId, region, body, fresh.subnetId);
      case 'updateSubnet': {
        const subnet = this.visibleSubnet(path.subnetId as string, accountId, region);
        const v = new ValueChecks();
        const name = body.name as string;
        checkRequired(v, name, 65, 'name');
        if (name === 'default') v.fail('InappropriateJSON', 'name default');
        checkLength(v, body.description as string | undefined, 200, 'description');
        v.done();
        subnet.name = name;
        if (body.description !== undefined) subnet.description = body.description as string;
        return undefined;
      }
      case 'deleteSubnet': {
        const subnet = this.visibleSubnet(path.subnetId as string, accountId, region);
        if (this.interfaces.inSubnet(subnet.id).length > 0) refuse('SubnetInUse', 'interfaces in it');
        subnet.deleted = true;
        for (const rule of this.aclRules.values()) if (rule.subnetId === subnet.id) rule.deleted = true;
        return undefined;
      }
      case 'createAclRules':
        return this.createAclRules(
          accountId,
          region,
          body.aclRules as Array<AclValues & { subnetId: string }>,
        );
      case 'updateAclRule':
        return this.updateAclRule(this.visibleAclRule(path.aclRuleId as string, accountId, region), body);
      case 'deleteAclRule':
        this.visibleAclRule(path.aclRuleId as string, accountId, region).deleted = true;
        return undefined;
      case 'createSecurityGroup':
        return this.createGroup(accountId, region, body, fresh.securityGroupId);
      case 'authorizeSecurityGroupRule':
      case 'revokeSecurityGroupRule': {
        const group = this.visibleGroup(path.securityGroupId as string, accountId, region);
        const v = new ValueChecks();
        const terms = sgTerms(v, body.rule as SgRuleInput) as SgTerms;
        v.done();
        // The rule's own values, then the version, then what the rule is checked against.
        this.checkVersion(group, query);
        const same = sameness(terms);
        const existing = group.rules.find((r) => sameness(r) === same);
        if (op === 'revokeSecurityGroupRule') {
          // A rule naming a group it cannot name is no rule of the group either.
          if (!existing) refuse('NoSuchObject', 'no such rule in the group');
          group.rules = group.rules.filter((r) => r !== existing);
        } else {
          this.checkNewRule(group.vpcId, terms, group.rules, accountId, region);
          group.rules.push(this.newRule(terms));
        }
        group.version += 1;
        return undefined;
      }
      case 'updateSecurityGroupRule':
        return this.updateGroupRule(accountId, region, query, body);
      case 'deleteSecurityGroupRule': {
        const [group, rule] = this.visibleGroupRule(path.securityGroupRuleId as string, accountId, region);
        this.checkVersion(group, query);
        group.rules = group.rules.filter((r) => r !== rule);
        group.version += 1;
        return undefined;
      }
      case 'deleteSecurityGroup': {
        const group = this.visibleGroup(path.securityGroupId as string, accountId, region);
        if (group.isDefault) refuse('SecurityGroup.DefaultSecurityGroupCanNotBeDeleted', 'default group');
        if (this.interfaces.using(group.id as string).length > 0) {
          refuse('SecurityGroup.InstancesAssociatedSecurityGroupCanNotBeDeleted', 'interfaces use it');
        }
        const referenced = this.liveGroups().some(
          (g) => g !== group && g.rules.some((r) => r.groupId !== '' && r.groupId === group.id),
        );
        if (referenced) refuse('SecurityGroup.ReferencedSecurityGroupCanNotBeDeleted', 'referenced');
        group.deleted = true;
        return undefined;
      }
      default:
        throw new Error(`unknown operation ${op}`);
    }
  }

  // ---- subnets ----

  private visibleVpc(id: string, accountId: string, region: string) {
    const vpc = this.host.vpcs.get(id);
    if (!vpc || vpc.deleted || vpc.accountId !== accountId || vpc.region !== region) {
      refuse('NoSuchObject', 'unknown VPC');
    }
    return vpc;
  }

  visibleSubnet(id: string, accountId: string, region: string): Subnet {
    const subnet = this.subnets.get(id);
    if (!subnet || subnet.deleted || subnet.accountId !== accountId || subnet.region !== region) {
      refuse('NoSuchObject', 'unknown subnet');
    }
    return subnet;
  }

  private createSubnet(
    accountId: string,
    region: string,
    body: Record<string, unknown>,
    freshId: string | undefined,
  ): unknown {
    const v = new ValueChecks();
    const name = body.name as string;
    checkRequired(v, name, 65, 'name');
    if (name === 'default') v.fail('InappropriateJSON', 'name default');
    checkLength(v, body.description as string | undefined, 200, 'description');
    checkTags(v, body.tags as Tag[] | undefined);
    const subnetType = (body.subnetType as string | undefined) ?? 'BCC';
    if (!SUBNET_TYPES.has(subnetType)) v.fail('InappropriateJSON', 'subnetType');
    const cidr = body.cidr as string;
    const block = blockOf(cidr);
    if (!block || !cidr.includes('/') || block.prefix > 29) v.fail('InvalidCidr', 'subnet CIDR');
    const zone = /^cn-([a-z]+)-[a-z]$/.exec(body.zoneName as string);
    if (!zone) v.fail('InvalidSubnet', 'zone name');
    v.done();
    // Then the VPC, then what is checked against it.
    const vpc = this.visibleVpc(body.vpcId as string, accountId, region);
    if (zone?.[1] !== vpc.region) refuse('InvalidSubnet', 'zone of another region');
    if (!blockInside(block as Block, blockOf(vpc.cidr) as Block)) refuse('InvalidSubnet', 'outside the VPC');
    const siblings = this.subnetsOfVpc(vpc.id);
    if (siblings.some((s) => blocksOverlap(blockOf(s.cidr) as Block, block as Block))) {
      refuse('SubnetConflict', 'overlap');
    }
    if (siblings.length >= this.host.quotas.subnetsPerVpc) refuse('SubnetQuotaExceeded', 'quota');
    const id = freshId ?? `sbn-model${this.nextKey()}`;
    this.subnets.set(id, {
      id,
      accountId,
      region,
      vpcId: vpc.id,
      name,
      zoneName: body.zoneName as string,
      cidr,
      subnetType,
      description: (body.description as string | undefined) ?? '',
      tags: ((body.tags as Tag[] | undefined) ?? []).map((t) => ({ ...t })),
      createdAt: this.host.now,
      seq: this.host.nextSeq(),
      deleted: false,
    });
    return { subnetId: id };
  }

  listSubnets(accountId: string, region: string, vpcId?: string): Array<Record<string, unknown>> {
    return this.liveSubnets()
      .filter(
        (s) => s.accountId === accountId && s.region === region && (vpcId === undefined || s.vpcId === vpcId),
      )
      .sort((a, b) => a.seq - b.seq)
      .map(renderSubnet);
  }

  // ---- ACL rules ----

  private visibleAclRule(id: string, accountId: string, region: string): AclRule {
    const rule = [...this.aclRules.values()].find((r) => r.id === id && !r.deleted);
    if (!rule) refuse('NoSuchObject', 'unknown ACL rule');
    this.visibleSubnet(rule.subnetId, accountId, region);
    return rule;
  }

  private liveAclRules(subnetId: string, direction: string): AclRule[] {
    return [...this.aclRules.values()].filter(
      (r) => !r.deleted && r.subnetId === subnetId && r.direction === direction,
    );
  }

  private createAclRules(
    accountId: string,
    region: string,
    rules: Array<AclValues & { subnetId: string }>,
  ): unknown {
    const v = new ValueChecks();
    if (rules.length < 1 || rules.length > 20) v.fail('InappropriateJSON', 'aclRules: 1 to 20 rules');
    for (const [i, rule] of rules.entries()) checkAclRule(v, rule, `aclRules[${i}].`);
    v.done();
    // Then each rule in turn: its subnet, its position (against the subnet's rules and the call's earlier ones),
    // the direction's quota.
    for (const [i, rule] of rules.entries()) {
      this.visibleSubnet(rule.subnetId, accountId, region);
      const earlier = rules
        .slice(0, i)
        .filter((r) => r.subnetId === rule.subnetId && r.direction === rule.direction);
      const stored = this.liveAclRules(rule.subnetId, rule.direction);
      if ([...stored, ...earlier].some((r) => r.position === rule.position)) {
        refuse('AclRulePositionConflict', `${rule.subnetId} ${rule.direction} ${rule.position}`);
      }
      if (stored.length + earlier.length + 1 > this.host.quotas.aclRulesPerDirection) {
        refuse('AclRuleQuotaExceeded', `${rule.subnetId} ${rule.direction}`);
      }
    }
    for (const rule of rules) {
      const key = this.nextKey();
      this.aclRules.set(key, {
        key,
        id: undefined,
        subnetId: rule.subnetId,
        description: rule.description ?? '',
        protocol: rule.protocol,
        sourceIpAddress: rule.sourceIpAddress || 'all',
        destinationIpAddress: rule.destinationIpAddress || 'all',
        sourcePort: rule.sourcePort || 'all',
        destinationPort: rule.destinationPort || 'all',
        position: rule.position,
        ipVersion: (rule.ipVersion ?? 4) as 4 | 6,
        direction: rule.direction,
        action: rule.action,
        deleted: false,
      });
    }
    return undefined;
  }

  private updateAclRule(rule: AclRule, body: Record<string, unknown>): unknown {
    const given = (field: string) => typeof body[field] === 'string' && body[field] !== '';
    const fields = [
      'protocol',
      'sourceIpAddress',
      'destinationIpAddress',
      'sourcePort',
      'destinationPort',
      'action',
    ];
    const any = body.description !== undefined || body.position !== undefined || fields.some(given);
    if (!any) refuse('InappropriateJSON', 'none of the fields');
    const merged: AclValues = {
      description: (body.description as string | undefined) ?? rule.description,
      protocol: given('protocol') ? (body.protocol as string) : rule.protocol,
      sourceIpAddress: given('sourceIpAddress') ? (body.sourceIpAddress as string) : rule.sourceIpAddress,
      destinationIpAddress: given('destinationIpAddress')
        ? (body.destinationIpAddress as string)
        : rule.destinationIpAddress,
      sourcePort: given('sourcePort') ? (body.sourcePort as string) : rule.sourcePort,
      destinationPort: given('destinationPort') ? (body.destinationPort as string) : rule.destinationPort,
      position: (body.position as number | undefined) ?? rule.position,
      direction: rule.direction,
      action: given('action') ? (body.action as string) : rule.action,
      ipVersion: rule.ipVersion,
    };
    const v = new ValueChecks();
    checkAclRule(v, merged, '');
    v.done();
    const clash = this.liveAclRules(rule.subnetId, rule.direction).some(
      (r) => r !== rule && r.position === merged.position,
    );
    if (clash) refuse('AclRulePositionConflict', 'position');
    Object.assign(rule, {
      description: merged.description,
      protocol: merged.protocol,
      sourceIpAddress: merged.sourceIpAddress,
      destinationIpAddress: merged.destinationIpAddress,
      sourcePort: merged.sourcePort,
      destinationPort: merged.destinationPort,
      position: merged.position,
      action: merged.action,
    });
    return undefined;
  }

  /** A subnet's rules as listAclEntrys and listAclRules show them: each direction by position, then its default. */
  aclView(subnetId: string): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const direction of ['ingress', 'egress']) {
      const rules = this.liveAclRules(subnetId, direction).sort((a, b) => a.position - b.position);
      for (const rule of rules) out.push(this.renderAclRule(rule));
      out.push({
        id: '',
        subnetId,
        description: 'default',
        protocol: 'all',
        sourceIpAddress: 'all',
        destinationIpAddress: 'all',
        sourcePort: 'all',
        destinationPort: 'all',
        position: 65535,
        ipVersion: 4,
        direction,
        action: 'allow',
      });
    }
    return out;
  }

  private renderAclRule(rule: AclRule): Record<string, unknown> {
    return {
      id: new LearnedId(
        'aclRuleId',
        () => rule.id,
        (id) => {
          rule.id = id;
        },
      ),
      subnetId: rule.subnetId,
      description: rule.description,
      protocol: rule.protocol,
      sourceIpAddress: rule.sourceIpAddress,
      destinationIpAddress: rule.destinationIpAddress,
      sourcePort: rule.sourcePort,
      destinationPort: rule.destinationPort,
      position: rule.position,
      ipVersion: rule.ipVersion,
      direction: rule.direction,
      action: rule.action,
    };
  }

  // ---- security groups ----

  visibleGroup(id: string, accountId: string, region: string): Group {
    const group = this.groupById(id);
    if (!group || group.deleted || group.accountId !== accountId || group.region !== region) {
      refuse('NoSuchObject', 'unknown security group');
    }
    return group;
  }

  private visibleGroupRule(id: string, accountId: string, region: string): [Group, SgRule] {
    for (const group of this.liveGroups()) {
      const rule = group.rules.find((r) => r.id === id);
      if (!rule) continue;
      if (group.accountId !== accountId || group.region !== region) break;
      return [group, rule];
    }
    refuse('NoSuchObject', 'unknown security group rule');
  }

  private checkVersion(group: Group, query: Record<string, string>): void {
    const wanted = query.sgVersion;
    if (wanted === undefined || wanted === '') return;
    if (Number(wanted) !== group.version) refuse('SecurityGroup.VersionMismatch', 'sgVersion');
  }

  /**
   * A rule joining `others` in a group of `vpcId`: its peer group must be the caller's (NoSuchObject) and of the
   * same VPC (RuleGroupNotInVpc); then it must not be the same rule as one of them; then the direction's quota.
   */
  private checkNewRule(
    vpcId: string,
    rule: SgTerms,
    others: SgTerms[],
    accountId: string,
    region: string,
  ): void {
    if (rule.groupId !== '') {
      const peer = this.groupById(rule.groupId);
      if (!peer || peer.deleted || peer.accountId !== accountId || peer.region !== region) {
        refuse('NoSuchObject', `group ${rule.groupId}`);
      }
      if (peer.vpcId !== vpcId) refuse('SecurityGroup.RuleGroupNotInVpc', `group ${rule.groupId}`);
    }
    const same = sameness(rule);
    if (others.some((r) => sameness(r) === same)) refuse('SecurityGroup.RuleAlreadyExists', 'the same rule');
    const count = others.filter((r) => r.direction === rule.direction).length + 1;
    if (count > this.host.quotas.securityGroupRulesPerDirection) {
      refuse('SecurityGroup.RuleQuotaExceeded', rule.direction);
    }
  }

  private newRule(terms: SgTerms): SgRule {
    return {
      ...terms,
      key: this.nextKey(),
      id: undefined,
      createdAt: this.host.now,
      updatedAt: this.host.now,
      seq: this.host.nextSeq(),
    };
  }

  private createGroup(
    accountId: string,
    region: string,
    body: Record<string, unknown>,
    freshId: string | undefined,
  ): unknown {
    const v = new ValueChecks();
    if (!GROUP_NAME.test(body.name as string)) v.fail('InappropriateJSON', 'name');
    checkLength(v, body.desc as string | undefined, 200, 'desc');
    checkTags(v, body.tags as Tag[] | undefined);
    const inputs = (body.rules as SgRuleInput[] | undefined) ?? [];
    const terms = inputs.map((rule) => sgTerms(v, rule));
    v.done();
    const vpc = this.visibleVpc(body.vpcId as string, accountId, region);
    const rules = terms as SgTerms[];
    if (!rules.some((r) => r.direction === 'egress')) rules.push(allowAll('egress'));
    // Each rule in turn, against the ones before it.
    rules.forEach((rule, i) => {
      this.checkNewRule(vpc.id, rule, rules.slice(0, i), accountId, region);
    });
    const id = freshId ?? `g-model${this.nextKey()}`;
    const group: Group = {
      key: this.nextKey(),
      id,
      accountId,
      region,
      vpcId: vpc.id,
      name: body.name as string,
      desc: (body.desc as string | undefined) ?? '',
      tags: ((body.tags as Tag[] | undefined) ?? []).map((t) => ({ ...t })),
      createdAt: this.host.now,
      seq: this.host.nextSeq(),
      version: 0,
      isDefault: false,
      rules: [],
      deleted: false,
    };
    group.rules = rules.map((r) => this.newRule(r));
    this.groups.set(group.key, group);
    return { securityGroupId: id };
  }

  private updateGroupRule(
    accountId: string,
    region: string,
    query: Record<string, string>,
    body: Record<string, unknown>,
  ): unknown {
    const [group, rule] = this.visibleGroupRule(body.securityGroupRuleId as string, accountId, region);
    const fields = ['remark', 'portRange', 'sourceIp', 'sourceGroupId', 'destIp', 'destGroupId', 'protocol'];
    if (!fields.some((f) => body[f] !== undefined)) refuse('InappropriateJSON', 'nothing but the id');
    // The version first: the new values are judged as a change of the rule as it stands at that version.
    this.checkVersion(group, query);
    const ingress = rule.direction === 'ingress';
    const ipField = ingress ? 'sourceIp' : 'destIp';
    const groupField = ingress ? 'sourceGroupId' : 'destGroupId';
    const peerNamed = body[ipField] !== undefined || body[groupField] !== undefined;
    const input: SgRuleInput = {
      direction: rule.direction,
      ethertype: rule.ethertype,
      remark: (body.remark as string | undefined) ?? rule.remark,
      protocol: (body.protocol as string | undefined) ?? rule.protocol,
      portRange: (body.portRange as string | undefined) ?? rule.portRange,
      [ipField]: peerNamed ? ((body[ipField] as string | undefined) ?? '') : rule.ip,
      [groupField]: peerNamed ? ((body[groupField] as string | undefined) ?? '') : rule.groupId,
    };
    const otherIp = ingress ? 'destIp' : 'sourceIp';
    const otherGroup = ingress ? 'destGroupId' : 'sourceGroupId';
    if (body[otherIp] !== undefined) input[otherIp] = body[otherIp] as string;
    if (body[otherGroup] !== undefined) input[otherGroup] = body[otherGroup] as string;
    const v = new ValueChecks();
    const terms = sgTerms(v, input) as SgTerms;
    v.done();
    this.checkNewRule(
      group.vpcId,
      terms,
      group.rules.filter((r) => r !== rule),
      accountId,
      region,
    );
    Object.assign(rule, terms, { updatedAt: this.host.now });
    group.version += 1;
    return undefined;
  }

  /** The caller's groups in creation order; of one VPC, or of one interface (an instance here). */
  listGroups(
    accountId: string,
    region: string,
    filter: { vpcId?: string; instanceId?: string } = {},
  ): Array<Record<string, unknown>> {
    const eni = filter.instanceId === undefined ? undefined : this.interfaces.enis.get(filter.instanceId);
    const ofInstance =
      eni && !eni.deleted && eni.accountId === accountId && eni.region === region ? eni.groupIds : [];
    return this.liveGroups()
      .filter(
        (g) =>
          g.accountId === accountId &&
          g.region === region &&
          (filter.vpcId === undefined || g.vpcId === filter.vpcId) &&
          (filter.instanceId === undefined || ofInstance.includes(g.id as string)),
      )
      .sort((a, b) => a.seq - b.seq)
      .map((g) => this.renderGroup(g));
  }

  renderGroup(group: Group): Record<string, unknown> {
    const groupId = new LearnedId(
      'securityGroupId',
      () => group.id,
      (id) => {
        group.id = id;
      },
    );
    const ordered = [
      ...group.rules.filter((r) => r.direction === 'ingress'),
      ...group.rules.filter((r) => r.direction === 'egress'),
    ];
    return {
      id: groupId,
      name: group.name,
      desc: group.desc,
      vpcId: group.vpcId,
      rules: ordered.map((rule) => ({
        securityGroupRuleId: new LearnedId(
          'securityGroupRuleId',
          () => rule.id,
          (id) => {
            rule.id = id;
          },
        ),
        securityGroupId: groupId,
        securityGroupUuid: groupId,
        remark: rule.remark,
        direction: rule.direction,
        ethertype: rule.ethertype,
        portRange: rule.portRange,
        protocol: rule.protocol,
        sourceGroupId: rule.direction === 'ingress' ? rule.groupId : '',
        sourceIp: rule.direction === 'ingress' ? rule.ip : '',
        destGroupId: rule.direction === 'egress' ? rule.groupId : '',
        destIp: rule.direction === 'egress' ? rule.ip : '',
        createdTime: wireTime(rule.createdAt),
        updatedTime: wireTime(rule.updatedAt),
      })),
      tags: group.tags.map((t) => ({ ...t })),
      createdTime: wireTime(group.createdAt),
      sgVersion: group.version,
      bindInstanceNum: group.id === undefined ? 0 : this.interfaces.using(group.id).length,
    };
  }
}

export function renderSubnet(subnet: Subnet): Record<string, unknown> {
  const block = blockOf(subnet.cidr) as Block;
  const size = 2 ** (32 - block.prefix);
  return {
    subnetId: subnet.id,
    name: subnet.name,
    zoneName: subnet.zoneName,
    cidr: subnet.cidr,
    ipv6Cidr: '',
    vpcId: subnet.vpcId,
    subnetType: subnet.subnetType,
    description: subnet.description,
    createdTime: wireTime(subnet.createdAt),
    availableIp: size - 3,
    availableUnreservedIp: size - 3,
    tags: subnet.tags.map((t) => ({ ...t })),
  };
}
