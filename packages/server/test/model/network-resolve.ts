// Turns a network step (positions, not ids) into a concrete request against the current state of the model:
// which subnet, rule or group, which caller at which endpoint, and the body as one of the official SDKs would
// write it.

import { ACCOUNTS } from './accounts.ts';
import { parseBlock } from './checks.ts';
import type { Model, ModelRequest } from './model.ts';
import type { Group, SgRule, Subnet } from './network.ts';
import {
  type AclChange,
  type AclRuleSpec,
  type EniAddressPick,
  type EniGroup,
  type GroupRef,
  INSTANCE_IDS,
  type NetActor,
  type NetToken,
  type NetworkStep,
  type SdkStyle,
  type SgChange,
  type SgRuleSpec,
} from './network-steps.ts';

export const BOGUS_SUBNET = 'sbn-000000000000';
export const BOGUS_ACL_RULE = 'ar-000000000000';
export const BOGUS_GROUP = 'g-000000000000';
export const BOGUS_GROUP_RULE = 'r-000000000000';
export const BOGUS_ENI = 'eni-000000000000';
const BOGUS_VPC = 'vpc-000000000000';

const RULE_INPUT_FIELDS = [
  'direction',
  'remark',
  'ethertype',
  'protocol',
  'portRange',
  'sourceIp',
  'sourceGroupId',
  'destIp',
  'destGroupId',
] as const;

type Make = (
  op: string,
  accountId: string,
  region: string,
  path: Record<string, string>,
  query: Record<string, string>,
  body: unknown,
  token?: NetToken,
) => ModelRequest;

/** Mostly one that is still there; one index in five picks among every one ever made. */
function pick<T>(all: T[], live: (item: T) => boolean, index: number): T | undefined {
  const alive = all.filter(live);
  const pool = index % 5 === 4 || alive.length === 0 ? all : alive;
  return pool.length === 0 ? undefined : pool[Math.floor(index / 5) % pool.length];
}

function otherRegion(region: string): string {
  return region === 'bj' ? 'gz' : 'bj';
}

export class NetworkResolver {
  constructor(
    private readonly model: Model,
    private readonly make: Make,
  ) {}

  request(step: NetworkStep): ModelRequest {
    switch (step.t) {
      case 'createSubnet':
        return this.createSubnet(step);
      case 'subnetOp': {
        const subnet = this.subnetAt(step.subnet);
        const [accountId, region] = this.caller(step.as, subnet);
        const path = { subnetId: subnet?.id ?? BOGUS_SUBNET };
        let body: Record<string, unknown> | undefined;
        if (step.op === 'updateSubnet') {
          body = { name: step.name };
          if (step.description !== undefined) body.description = step.description;
        }
        return this.make(step.op, accountId, region, path, {}, body, step.token);
      }
      case 'createAcl': {
        const subnet = this.subnetAt(step.subnet);
        const [accountId, region] = this.caller(step.as, subnet);
        const all = [...this.model.network.subnets.values()];
        const aclRules = step.rules.map((rule) => {
          const other = rule.other ? all[(all.indexOf(subnet as Subnet) + rule.other) % all.length] : subnet;
          return aclRuleBody(rule, other?.id ?? BOGUS_SUBNET);
        });
        return this.make('createAclRules', accountId, region, {}, {}, { aclRules }, step.token);
      }
      case 'aclOp': {
        const rules = [...this.model.network.aclRules.values()].filter((r) => r.id !== undefined);
        const rule = pick(rules, (r) => !r.deleted, step.rule);
        const subnet = rule ? this.model.network.subnets.get(rule.subnetId) : undefined;
        const [accountId, region] = this.caller(step.as, subnet);
        const path = { aclRuleId: rule?.id ?? BOGUS_ACL_RULE };
        const body = step.op === 'updateAclRule' ? aclChangeBody(step.change ?? {}) : undefined;
        return this.make(step.op, accountId, region, path, {}, body, step.token);
      }
      case 'createSg':
        return this.createGroup(step);
      case 'sgOp':
        return this.groupOp(step);
      case 'createEni':
        return this.createEni(step);
      case 'eniOp':
        return this.eniOp(step);
    }
  }

  // ---- who calls ----

  /**
   * The account and endpoint of the actor for a resource in `vpcId` of `owner` at `region`: the owner there or at
   * the other region, the account on the other side of a connection on the VPC (the next account when there is
   * none), or one that is neither.
   */
  private callerFor(as: NetActor, owner: string, region: string, vpcId: string): [string, string] {
    if (as === 'owner') return [owner, region];
    if (as === 'otherRegion') return [owner, otherRegion(region)];
    const ids = ACCOUNTS.map((a) => a.id);
    let peer: [string, string] | undefined;
    for (const conn of this.model.conns.values()) {
      if (conn.gone) continue;
      const sides = [conn.initiator, conn.acceptor].filter((s) => s !== undefined);
      const mine = sides.find((s) => s.vpcId === vpcId);
      const theirs = sides.find((s) => s !== mine && s.accountId !== owner);
      if (mine && theirs) {
        peer = [theirs.accountId, theirs.region];
        break;
      }
    }
    peer ??= [ids[(ids.indexOf(owner) + 1) % ids.length] as string, region];
    if (as === 'peer') return peer;
    const stranger = ids.find((id) => id !== owner && id !== peer[0]) as string;
    return [stranger, region];
  }

  private caller(
    as: NetActor,
    of: { accountId: string; region: string; vpcId: string } | undefined,
  ): [string, string] {
    if (!of) return [(ACCOUNTS[0] as { id: string }).id, 'bj'];
    return this.callerFor(as, of.accountId, of.region, of.vpcId);
  }

  private subnetAt(index: number): Subnet | undefined {
    return pick([...this.model.network.subnets.values()], (s) => !s.deleted, index);
  }

  // ---- subnets ----

  private createSubnet(step: Extract<NetworkStep, { t: 'createSubnet' }>): ModelRequest {
    const vpc = pick([...this.model.vpcs.values()], (v) => !v.deleted, step.vpc);
    const [accountId, region] = vpc ? this.callerFor(step.as, vpc.accountId, vpc.region, vpc.id) : ['', 'bj'];
    const caller = accountId || (ACCOUNTS[0] as { id: string }).id;
    const vpcRegion = vpc?.region ?? 'bj';
    const letter = 'abc'[step.zoneLetter % 3] as string;
    const zoneName =
      step.zone === 'own'
        ? `cn-${vpcRegion}-${letter}`
        : step.zone === 'otherRegion'
          ? `cn-${otherRegion(vpcRegion)}-${letter}`
          : ['bj-a', `cn-${vpcRegion}-1`][step.zoneLetter % 2];
    const body: Record<string, unknown> = {
      name: step.name,
      zoneName,
      cidr: typeof step.cidr === 'string' ? step.cidr : blockWithin(vpc?.cidr ?? '10.0.0.0/16', ...step.cidr),
      vpcId: vpc?.id ?? BOGUS_VPC,
    };
    if (step.subnetType !== undefined) body.subnetType = step.subnetType;
    if (step.description !== undefined) body.description = step.description;
    return this.make('createSubnet', caller, region, {}, {}, body, step.token);
  }

  // ---- security groups ----

  private groupsWithIds(): Group[] {
    return [...this.model.network.groups.values()].filter((g) => g.id !== undefined);
  }

  /** The group id a rule of a group in `vpcId` of `owner` names as its peer. */
  private groupRef(ref: GroupRef, owner: string, vpcId: string, self?: Group): string {
    if (ref.in === 'bogus') return BOGUS_GROUP;
    const live = this.groupsWithIds().filter((g) => !g.deleted);
    const pool =
      ref.in === 'sameVpc'
        ? live.filter((g) => g.vpcId === vpcId && g.accountId === owner)
        : ref.in === 'otherVpc'
          ? live.filter((g) => g.vpcId !== vpcId && g.accountId === owner)
          : live.filter((g) => g.accountId !== owner);
    // A rule of a group may name the group itself.
    if (ref.in === 'sameVpc' && self && ref.at % 3 === 0) return self.id as string;
    return pool.length === 0 ? BOGUS_GROUP : (pool[ref.at % pool.length]?.id as string);
  }

  private ruleInput(spec: SgRuleSpec, style: SdkStyle, owner: string, vpcId: string, self?: Group) {
    const ingress = spec.direction !== 'egress';
    const onIngress = spec.wrongSide ? !ingress : ingress;
    const input: Record<string, unknown> = { direction: spec.direction };
    if (spec.remark !== undefined) input.remark = spec.remark;
    if (spec.ethertype !== undefined) input.ethertype = spec.ethertype;
    if (spec.protocol !== undefined) input.protocol = spec.protocol;
    if (spec.portRange !== undefined) input.portRange = spec.portRange;
    if (spec.ip !== undefined) input[onIngress ? 'sourceIp' : 'destIp'] = spec.ip;
    if (spec.group)
      input[onIngress ? 'sourceGroupId' : 'destGroupId'] = this.groupRef(spec.group, owner, vpcId, self);
    return styled(input, style);
  }

  private createGroup(step: Extract<NetworkStep, { t: 'createSg' }>): ModelRequest {
    const vpc = pick([...this.model.vpcs.values()], (v) => !v.deleted, step.vpc);
    const [accountId, region] = vpc
      ? this.callerFor(step.as, vpc.accountId, vpc.region, vpc.id)
      : [(ACCOUNTS[0] as { id: string }).id, 'bj'];
    const owner = vpc?.accountId ?? accountId;
    const body: Record<string, unknown> = { name: step.name, vpcId: vpc?.id ?? BOGUS_VPC };
    if (step.desc !== undefined) body.desc = step.desc;
    if (step.tags !== undefined) {
      body.tags = Array.from({ length: step.tags }, (_, i) => ({ tagKey: `k${i}`, tagValue: `v${i}` }));
    }
    const rules = step.rules.map((rule) => this.ruleInput(rule, step.style, owner, vpc?.id ?? BOGUS_VPC));
    if (rules.length > 0) body.rules = rules;
    else if (step.style === 'python') body.rules = [];
    else if (step.style === 'java') body.rules = null;
    if (step.style === 'python') {
      body.desc ??= null;
      body.tags ??= null;
    }
    if (step.broken === 'noVpcId') delete body.vpcId;
    return this.make('createSecurityGroup', accountId, region, {}, {}, body, step.token);
  }

  private groupOp(step: Extract<NetworkStep, { t: 'sgOp' }>): ModelRequest {
    const group = pick(this.groupsWithIds(), (g) => !g.deleted, step.group);
    const [accountId, region] = this.caller(step.as, group);
    const query: Record<string, string> = {};
    if (group && step.version !== 'none') {
      query.sgVersion =
        step.version === 'current'
          ? String(group.version)
          : step.version === 'stale'
            ? String(group.version + (step.rule % 2 === 0 ? -1 : 1))
            : 'v1';
    }
    const rules = group ? group.rules.filter((r) => r.id !== undefined) : [];
    const rule: SgRule | undefined = rules.length === 0 ? undefined : rules[step.rule % rules.length];
    const groupPath = { securityGroupId: group?.id ?? BOGUS_GROUP };
    const owner = group?.accountId ?? accountId;
    const vpcId = group?.vpcId ?? BOGUS_VPC;
    switch (step.op) {
      case 'authorize':
      case 'revoke': {
        const input =
          step.spec || !rule
            ? this.ruleInput(step.spec ?? { direction: 'ingress' }, step.style, owner, vpcId, group)
            : styled(termsOf(rule), step.style);
        const op = step.op === 'authorize' ? 'authorizeSecurityGroupRule' : 'revokeSecurityGroupRule';
        return this.make(op, accountId, region, groupPath, query, { rule: input }, step.token);
      }
      case 'updateRule': {
        const body = this.ruleChange(step.change ?? {}, rule, step.style, owner, vpcId, group);
        return this.make('updateSecurityGroupRule', accountId, region, {}, query, body, step.token);
      }
      case 'deleteRule':
        return this.make(
          'deleteSecurityGroupRule',
          accountId,
          region,
          { securityGroupRuleId: rule?.id ?? BOGUS_GROUP_RULE },
          query,
          undefined,
          step.token,
        );
      case 'deleteGroup':
        return this.make('deleteSecurityGroup', accountId, region, groupPath, {}, undefined, step.token);
      case 'getGroup':
        return this.make('getSecurityGroup', accountId, region, groupPath, {}, undefined);
    }
  }

  // ---- network interfaces ----

  /** A group id for an interface in `vpcId` of `owner`. */
  private eniGroup(pick: EniGroup, owner: string, vpcId: string): string {
    return pick.in === 'empty' ? '' : this.groupRef(pick, owner, vpcId);
  }

  /** The address text of a pick in `subnet` (undefined: the server picks). */
  private address(pick: EniAddressPick, subnet: Subnet | undefined): string | undefined {
    if (pick === 'auto') return undefined;
    if (pick === 'malformed') return '10.1.1';
    const block = subnet ? parseBlock(subnet.cidr, 4) : undefined;
    if (!block) return '10.0.0.5';
    if (pick === 'held') {
      const held = this.model.network.interfaces.inVpc(subnet?.vpcId ?? '').flatMap((e) => e.addresses);
      if (held.length > 0) return held[held.length - 1]?.address;
      pick = { offset: 2 };
    }
    const size = 1n << BigInt(32 - block.prefix);
    const offset = pick.offset >= 0 ? BigInt(pick.offset) : size + BigInt(pick.offset + 1);
    return [24n, 16n, 8n, 0n].map((shift) => String(((block.network + offset) >> shift) & 255n)).join('.');
  }

  private createEni(step: Extract<NetworkStep, { t: 'createEni' }>): ModelRequest {
    const subnet = this.subnetAt(step.subnet);
    const [accountId, region] = this.caller(step.as, subnet);
    const owner = subnet?.accountId ?? accountId;
    const vpcId = subnet?.vpcId ?? BOGUS_VPC;
    const python = step.style === 'python';
    const privateIpSet = step.addresses.map((pick, i) => {
      const address = this.address(pick, subnet);
      const entry: Record<string, unknown> = { primary: i === 0 };
      if (address !== undefined) entry.privateIpAddress = address;
      else if (python) entry.privateIpAddress = null;
      if (python) entry.publicIpAddress = null;
      return entry;
    });
    const body: Record<string, unknown> = {
      name: step.name,
      subnetId: subnet?.id ?? BOGUS_SUBNET,
      privateIpSet,
    };
    const groups = step.groups.map((g) => this.eniGroup(g, owner, vpcId));
    if (groups.length > 0) body.securityGroupIds = groups;
    else if (step.style !== 'java') body.securityGroupIds = null;
    if (step.instance !== undefined) body.instanceId = INSTANCE_IDS[step.instance % INSTANCE_IDS.length];
    if (step.style === 'go') {
      body.enterpriseSecurityGroupIds = null;
      body.ipv6PrivateIpSet = null;
    }
    switch (step.broken) {
      case 'noPrimary':
        for (const entry of privateIpSet) entry.primary = false;
        break;
      case 'twoPrimaries':
        privateIpSet.push({ primary: true });
        break;
      case 'noAddresses':
        if (step.style === 'python') body.privateIpSet = [];
        else delete body.privateIpSet;
        break;
      case 'publicIp':
        (privateIpSet[0] as Record<string, unknown>).publicIpAddress = '100.64.0.1';
        break;
      case 'enterprise':
        body.enterpriseSecurityGroupIds = ['esg-000000000000'];
        break;
      case 'ipv6':
        body.ipv6PrivateIpSet = [{ primary: false, privateIpAddress: '' }];
        break;
      case 'elevenGroups':
        body.securityGroupIds = Array.from({ length: 11 }, (_, i) => `g-${String(i).padStart(12, '0')}`);
        break;
    }
    return this.make('createEni', accountId, region, {}, {}, body, step.token);
  }

  private eniOp(step: Extract<NetworkStep, { t: 'eniOp' }>): ModelRequest {
    const interfaces = this.model.network.interfaces;
    const eni = pick([...interfaces.enis.values()], (e) => !e.deleted, step.eni);
    const [accountId, region] = this.caller(step.as, eni);
    const path = { eniId: eni?.id ?? BOGUS_ENI };
    const owner = eni?.accountId ?? accountId;
    const vpcId = eni?.vpcId ?? BOGUS_VPC;
    const instance = INSTANCE_IDS[(step.instance ?? 0) % INSTANCE_IDS.length] as string;
    switch (step.op) {
      case 'getEni':
        return this.make('getEni', accountId, region, path, {}, undefined);
      case 'status':
        return this.make('getEniStatus', accountId, region, path, {}, undefined);
      case 'updateEni': {
        const body: Record<string, unknown> = {};
        if (step.name !== undefined) body.name = step.name;
        if (step.description !== undefined) body.description = step.description;
        return this.make('updateEni', accountId, region, path, {}, body, step.token);
      }
      case 'bindSg': {
        const securityGroupIds = (step.groups ?? []).map((g) => this.eniGroup(g, owner, vpcId));
        return this.make(
          'updateEniSecurityGroups',
          accountId,
          region,
          path,
          {},
          { securityGroupIds },
          step.token,
        );
      }
      case 'attach':
        return this.make('attachEni', accountId, region, path, {}, { instanceId: instance }, step.token);
      case 'detach': {
        // Mostly the instance it is attached to.
        const attached = eni?.instanceId ?? '';
        const id = attached !== '' && (step.instance ?? 0) < 2 ? attached : instance;
        return this.make('detachEni', accountId, region, path, {}, { instanceId: id }, step.token);
      }
      case 'deleteEni':
        return this.make('deleteEni', accountId, region, path, {}, undefined, step.token);
      case 'addIp': {
        const subnet = eni ? this.model.network.subnets.get(eni.subnetId) : undefined;
        const address = this.address((step.address ?? 'auto') as EniAddressPick, subnet);
        const body = { privateIpAddress: address ?? '' };
        return this.make('addEniPrivateIp', accountId, region, path, {}, body, step.token);
      }
      case 'deleteIp': {
        const addresses = eni?.addresses ?? [];
        const secondary = addresses.filter((a) => !a.primary);
        const address =
          step.address === 'primary'
            ? addresses[0]?.address
            : step.address === 'secondary'
              ? (secondary[step.eni % Math.max(1, secondary.length)]?.address ?? addresses[0]?.address)
              : '10.255.255.250';
        return this.make(
          'deleteEniPrivateIp',
          accountId,
          region,
          { ...path, privateIpAddress: address ?? '10.255.255.250' },
          {},
          undefined,
          step.token,
        );
      }
    }
  }

  private ruleChange(
    change: SgChange,
    rule: SgRule | undefined,
    style: SdkStyle,
    owner: string,
    vpcId: string,
    group: Group | undefined,
  ): Record<string, unknown> {
    const ingress = rule?.direction !== 'egress';
    const body: Record<string, unknown> = { securityGroupRuleId: rule?.id ?? BOGUS_GROUP_RULE };
    if (change.allSeven) {
      for (const field of [
        'remark',
        'portRange',
        'protocol',
        'sourceIp',
        'sourceGroupId',
        'destIp',
        'destGroupId',
      ]) {
        body[field] = '';
      }
      // Terraform sends the rule as it wants it: the fields it does not change hold their current values.
      if (rule) {
        body.remark = rule.remark;
        body.portRange = rule.portRange;
        body.protocol = rule.protocol;
        body[ingress ? 'sourceIp' : 'destIp'] = rule.ip;
        body[ingress ? 'sourceGroupId' : 'destGroupId'] = rule.groupId;
      }
    }
    if (change.remark !== undefined) body.remark = change.remark;
    if (change.portRange !== undefined) body.portRange = change.portRange;
    if (change.protocol !== undefined) body.protocol = change.protocol;
    if (change.ip !== undefined) body[ingress ? 'sourceIp' : 'destIp'] = change.ip;
    if (change.group !== undefined) {
      body[ingress ? 'sourceGroupId' : 'destGroupId'] = this.groupRef(change.group, owner, vpcId, group);
    }
    if (style === 'python') {
      for (const field of [
        'remark',
        'portRange',
        'protocol',
        'sourceIp',
        'sourceGroupId',
        'destIp',
        'destGroupId',
      ]) {
        body[field] ??= null;
      }
    }
    return body;
  }
}

/** A block of a VPC's range: `add` bits longer than the VPC's prefix (at most /29), the `index`-th of them. */
function blockWithin(vpcCidr: string, add: number, index: number): string {
  const block = parseBlock(vpcCidr, 4);
  if (!block) return vpcCidr;
  const prefix = Math.min(block.prefix + add, 29);
  const network = block.network + BigInt(index) * (1n << BigInt(32 - prefix));
  const octets = [24n, 16n, 8n, 0n].map((shift) => String((network >> shift) & 255n));
  return `${octets.join('.')}/${prefix}`;
}

function aclRuleBody(rule: AclRuleSpec, subnetId: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    subnetId,
    protocol: rule.protocol,
    sourceIpAddress: rule.source,
    destinationIpAddress: rule.destination,
    sourcePort: rule.sourcePort,
    destinationPort: rule.destinationPort,
    position: rule.position,
    direction: rule.direction,
    action: rule.action,
  };
  if (rule.ipVersion !== undefined) body.ipVersion = rule.ipVersion;
  if (rule.description !== undefined) body.description = rule.description;
  return body;
}

function aclChangeBody(change: AclChange): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (change.description !== undefined) body.description = change.description;
  if (change.protocol !== undefined) body.protocol = change.protocol;
  if (change.source !== undefined) body.sourceIpAddress = change.source;
  if (change.destination !== undefined) body.destinationIpAddress = change.destination;
  if (change.sourcePort !== undefined) body.sourcePort = change.sourcePort;
  if (change.destinationPort !== undefined) body.destinationPort = change.destinationPort;
  if (change.position !== undefined) body.position = change.position;
  if (change.action !== undefined) body.action = change.action;
  return body;
}

/** A stored rule written back as a request names it (a revoke by its terms). */
function termsOf(rule: SgRule): Record<string, unknown> {
  const ingress = rule.direction === 'ingress';
  const input: Record<string, unknown> = {
    direction: rule.direction,
    remark: rule.remark,
    ethertype: rule.ethertype,
    protocol: rule.protocol,
    portRange: rule.portRange,
  };
  if (rule.groupId !== '') input[ingress ? 'sourceGroupId' : 'destGroupId'] = rule.groupId;
  else input[ingress ? 'sourceIp' : 'destIp'] = rule.ip;
  return input;
}

/** The rule as an SDK writes it: Python sends every key (unset ones as null), Java an empty protocol. */
function styled(input: Record<string, unknown>, style: SdkStyle): Record<string, unknown> {
  if (style === 'python') {
    const out: Record<string, unknown> = {};
    for (const field of RULE_INPUT_FIELDS) out[field] = input[field] ?? null;
    out.securityGroupId = null;
    return out;
  }
  if (style === 'java' && input.protocol === undefined) return { ...input, protocol: '' };
  return input;
}
