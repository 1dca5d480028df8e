// Security groups: what a group and its rules may say, when two rules are the same rule, the version every
// change moves, what a group may name as a peer, when a group may go, the default group of every VPC, and which
// rule lets a packet through. Stateful and allow-only: a packet passes when any rule of any of the interface's
// groups allows it, and the answer to a packet that passed is never checked again.
import {
  type CreateSecurityGroupInput,
  ETHERTYPES,
  type Ethertype,
  RULE_DIRECTIONS,
  type RuleDirection,
  type SecurityGroupRuleInput,
  type UpdateSecurityGroupRuleInput,
} from '@peerconn/sdk';
import { ServiceError } from '../errors.ts';
import { ipText, parseIp } from './cidr.ts';
import {
  type AddressBlock,
  blockHolds,
  everything,
  type Packet,
  packetFamily,
  parseAddress,
  portsHold,
  readBlock,
  readPorts,
} from './packet.ts';
import type { Fields } from './requests.ts';
import type {
  EniRecord,
  SecurityGroupRecord,
  SecurityGroupRuleRecord,
  SecurityGroupRuleTerms,
} from './resources.ts';
import type { CallerScope, VpcRecord } from './types.ts';
import { DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, tags as tagList } from './values.ts';

/** Baidu's newest limit of rules per group and direction (its older pages said 50); configurable. */
export const DEFAULT_SECURITY_GROUP_RULES_PER_DIRECTION = 100;
/** Baidu: an instance (here a network interface) is in at most 10 security groups. */
export const SECURITY_GROUPS_PER_ENI = 10;
/** The default group of every VPC, named as Baidu's answers name it. */
export const DEFAULT_SECURITY_GROUP_NAME = '默认安全组';
export const DEFAULT_SECURITY_GROUP_DESC = 'default';
/** Longest rule remark (ours: Baidu refuses longer remarks with SecurityGroup.RuleRemarkTooLong, not saying where). */
export const REMARK_MAX_LENGTH = 255;
/** Every port, as Baidu writes it (an empty portRange means the same). */
export const ALL_PORT_RANGE = '1-65535';
/** Every protocol, as rules are shown (an empty protocol means the same). */
export const ALL_PROTOCOLS = 'all';
/** Every address of the rule's ethertype, as rules are shown (an empty peer means the same). */
export const ANY_PEER = 'all';

const SECURITY_GROUP_PROTOCOLS_SHOWN = ['tcp', 'udp', 'icmp', ALL_PROTOCOLS] as const;
/** Baidu: 1–65 characters, starting with a letter (Chinese counts), then letters, digits and `-_ /.`. */
const GROUP_NAME = /^\p{L}[\p{L}\p{N}\-_ /.]*$/u;

// ---- ownership ----

export function securityGroupNotFound(securityGroupId: string, caller: CallerScope): ServiceError {
  return new ServiceError(
    'NoSuchObject',
    `Security group ${securityGroupId} does not exist in region ${caller.region} for your account. Check the id and the endpoint's region.`,
  );
}

function owned(record: { accountId: string; region: string }, caller: CallerScope): boolean {
  return record.accountId === caller.accountId && record.region === caller.region;
}

/** Only the owner, at the group's region, sees a group; anyone else gets the not-found of a missing id. */
export function requireOwnGroup(
  group: SecurityGroupRecord | undefined,
  securityGroupId: string,
  caller: CallerScope,
): SecurityGroupRecord {
  if (!group || !owned(group, caller)) throw securityGroupNotFound(securityGroupId, caller);
  return group;
}

export function requireOwnGroupRule(
  rule: SecurityGroupRuleRecord | undefined,
  securityGroupRuleId: string,
  caller: CallerScope,
): SecurityGroupRuleRecord {
  if (!rule || !owned(rule, caller)) {
    throw new ServiceError(
      'NoSuchObject',
      `Security group rule ${securityGroupRuleId} does not exist in region ${caller.region} for your account. Check the id and the endpoint's region.`,
    );
  }
  return rule;
}

// ---- rule values ----

type RuleFields = {
  [K in keyof SecurityGroupRuleInput]?: SecurityGroupRuleInput[K] | undefined;
};

function text(value: string | null | undefined): string {
  return value ?? '';
}

function directionOf(value: string | null | undefined): RuleDirection {
  if (!(RULE_DIRECTIONS as readonly string[]).includes(text(value))) {
    throw new ServiceError(
      'SecurityGroup.RuleDirectionInvalid',
      `The rule's direction (${JSON.stringify(value ?? null)}) must be ingress or egress.`,
    );
  }
  return value as RuleDirection;
}

function ethertypeOf(value: string | null | undefined): Ethertype {
  if (text(value) === '') return 'IPv4';
  const found = ETHERTYPES.find((e) => e.toLowerCase() === (value as string).toLowerCase());
  if (!found) {
    throw new ServiceError(
      'SecurityGroup.RuleEthertypeInvalid',
      `The rule's ethertype (${JSON.stringify(value)}) must be IPv4 or IPv6 (or left out for IPv4).`,
    );
  }
  return found;
}

function protocolOf(value: string | null | undefined): string {
  const given = text(value).toLowerCase();
  if (given === '') return ALL_PROTOCOLS;
  if (!(SECURITY_GROUP_PROTOCOLS_SHOWN as readonly string[]).includes(given)) {
    throw new ServiceError(
      'BadRequest',
      `protocol is invalid. The rule's protocol (${JSON.stringify(value)}) must be tcp, udp, icmp, or all (also written "" or left out).`,
    );
  }
  return given;
}

function portRangeOf(value: string | null | undefined, protocol: string): string {
  const given = text(value);
  if (given === '') return ALL_PORT_RANGE;
  const range = readPorts(given);
  if ('problem' in range) {
    const code =
      range.problem === 'notNumber'
        ? 'SecurityGroup.RulePortInvalid'
        : range.problem === 'order'
          ? 'SecurityGroup.RulePortOrderInvalid'
          : 'SecurityGroup.RulePortRangeInvalid';
    throw new ServiceError(
      code,
      `The rule's portRange (${JSON.stringify(given)}) is invalid: ${range.detail}.`,
    );
  }
  if (!range.all && protocol !== 'tcp' && protocol !== 'udp') {
    throw new ServiceError(
      'SecurityGroup.RulePortRangeInvalid',
      `The rule's portRange (${given}) narrows the ports of a rule for ${protocol}; only tcp and udp rules name ports: leave portRange empty or give ${ALL_PORT_RANGE}.`,
    );
  }
  return range.all ? ALL_PORT_RANGE : given;
}

function remarkOf(value: string | null | undefined): string {
  const remark = text(value);
  if (remark.length > REMARK_MAX_LENGTH) {
    throw new ServiceError(
      'SecurityGroup.RuleRemarkTooLong',
      `The rule's remark is ${remark.length} characters long; at most ${REMARK_MAX_LENGTH} are allowed.`,
    );
  }
  return remark;
}

/** `all` (or empty), an address, or a CIDR block with its host bits zero, of the rule's ethertype. */
function peerIpOf(field: string, value: string, ethertype: Ethertype): string {
  if (value === '' || value === ANY_PEER) return ANY_PEER;
  const block = readBlock(value);
  const family = ethertype === 'IPv4' ? 4 : 6;
  if ('problem' in block || block.family !== family) {
    const why = 'problem' in block ? block.problem : `an IPv${block.family} address in an ${ethertype} rule`;
    throw new ServiceError(
      'SecurityGroup.RuleCIDRAddressError',
      `The rule's ${field} (${JSON.stringify(value)}) is not all, an address or a CIDR block of ${ethertype}: ${why}.`,
    );
  }
  if (family === 4) {
    const slash = value.indexOf('/');
    const address = ipText(parseIp(slash === -1 ? value : value.slice(0, slash)) as number);
    return slash === -1 ? address : `${address}${value.slice(slash)}`;
  }
  return value.toLowerCase();
}

/** The peer fields of a direction: an ingress rule names its source, an egress rule its destination. */
function peerFields(direction: RuleDirection) {
  return direction === 'ingress'
    ? ({ ip: 'sourceIp', group: 'sourceGroupId', otherIp: 'destIp', otherGroup: 'destGroupId' } as const)
    : ({ ip: 'destIp', group: 'destGroupId', otherIp: 'sourceIp', otherGroup: 'sourceGroupId' } as const);
}

/**
 * A rule after its value rules. Unset fields may come as null (Python), be left out (Go) or be `""` (Java's
 * protocol): all mean "not given".
 */
export function securityGroupRuleTerms(input: RuleFields): SecurityGroupRuleTerms {
  const direction = directionOf(input.direction);
  const ethertype = ethertypeOf(input.ethertype);
  const protocol = protocolOf(input.protocol);
  const portRange = portRangeOf(input.portRange, protocol);
  const remark = remarkOf(input.remark);
  const peer = peerFields(direction);
  const ip = text(input[peer.ip]);
  const group = text(input[peer.group]);
  for (const field of [peer.otherIp, peer.otherGroup]) {
    if (text(input[field]) !== '') {
      throw new ServiceError(
        'SecurityGroup.RulePeerInvalid',
        `An ${direction} rule names its peer with ${peer.ip} or ${peer.group}; ${field} (${input[field]}) belongs to ${direction === 'ingress' ? 'egress' : 'ingress'} rules.`,
      );
    }
  }
  if (ip !== '' && group !== '') {
    throw new ServiceError(
      'SecurityGroup.RulePeerInvalid',
      `The rule gives both ${peer.ip} (${ip}) and ${peer.group} (${group}); a rule names its peer by one of them.`,
    );
  }
  const terms: SecurityGroupRuleTerms = {
    remark,
    direction,
    ethertype,
    portRange,
    protocol,
    sourceGroupId: '',
    sourceIp: '',
    destGroupId: '',
    destIp: '',
  };
  if (group !== '') terms[peer.group] = group;
  else terms[peer.ip] = peerIpOf(peer.ip, ip, ethertype);
  return terms;
}

/** The group a rule names as its peer, if any. */
export function referencedGroup(terms: SecurityGroupRuleTerms): string | undefined {
  return (terms.direction === 'ingress' ? terms.sourceGroupId : terms.destGroupId) || undefined;
}

function canonicalPeer(terms: SecurityGroupRuleTerms): string {
  const group = referencedGroup(terms);
  if (group !== undefined) return `group:${group}`;
  const ip = terms.direction === 'ingress' ? terms.sourceIp : terms.destIp;
  const block = ip === ANY_PEER ? everything(terms.ethertype === 'IPv4' ? 4 : 6) : readBlock(ip);
  if ('problem' in block) return `ip:${ip}`;
  return `ip:${block.family}:${block.base}/${block.prefix}`;
}

function canonicalPorts(portRange: string): string {
  const range = readPorts(portRange);
  if ('problem' in range || range.all) return ALL_PORT_RANGE;
  return `${range.low}-${range.high}`;
}

/**
 * When two rules of a group are the same rule: Baidu's six terms (remark, protocol, direction, ports, peer
 * address, peer group), compared by meaning: `80` is `80-80`, `10.0.0.1` is `10.0.0.1/32`, `all` is
 * `0.0.0.0/0` (or `::/0` in an IPv6 rule).
 */
export function ruleIdentity(terms: SecurityGroupRuleTerms): string {
  return [
    terms.remark,
    terms.protocol,
    terms.direction,
    canonicalPorts(terms.portRange),
    canonicalPeer(terms),
  ].join('\u0000');
}

function describeRule(terms: SecurityGroupRuleTerms): string {
  const peer = referencedGroup(terms) ?? (terms.direction === 'ingress' ? terms.sourceIp : terms.destIp);
  const ports = terms.protocol === 'tcp' || terms.protocol === 'udp' ? ` ports ${terms.portRange}` : '';
  const remark = terms.remark === '' ? '' : ` "${terms.remark}"`;
  return `${terms.direction} ${terms.protocol}${ports} ${terms.direction === 'ingress' ? 'from' : 'to'} ${peer}${remark}`;
}

// ---- groups ----

export interface SecurityGroupRequest {
  name: string;
  desc: string;
  vpcId: string;
  tags: SecurityGroupRecord['tags'];
  rules: SecurityGroupRuleTerms[];
}

function inappropriate(field: string, why: string): ServiceError {
  return new ServiceError('InappropriateJSON', `Field "${field}" is invalid: ${why}.`);
}

export function securityGroupRequest(fields: Fields<CreateSecurityGroupInput>): SecurityGroupRequest {
  const name = fields.name;
  if (name === '' || name.length > NAME_MAX_LENGTH || !GROUP_NAME.test(name)) {
    throw inappropriate(
      'name',
      `1 to ${NAME_MAX_LENGTH} characters starting with a letter, then letters, digits, "-", "_", "/", "." and spaces`,
    );
  }
  const desc = fields.desc ?? '';
  if (desc.length > DESCRIPTION_MAX_LENGTH)
    throw inappropriate('desc', `at most ${DESCRIPTION_MAX_LENGTH} characters`);
  const vpcId = fields.vpcId ?? '';
  if (vpcId === '') {
    throw inappropriate(
      'vpcId',
      "required by this server, which has no default VPC to put the group in; give the group's VPC",
    );
  }
  return {
    name,
    desc,
    vpcId,
    tags: tagList('tags', fields.tags),
    rules: (fields.rules ?? []).map((rule) => securityGroupRuleTerms(rule)),
  };
}

/** Allows everything out: what a new group holds when it is given no egress rule (Baidu's new-group default). */
export function allowAllTerms(direction: RuleDirection): SecurityGroupRuleTerms {
  return {
    remark: '',
    direction,
    ethertype: 'IPv4',
    portRange: ALL_PORT_RANGE,
    protocol: ALL_PROTOCOLS,
    sourceGroupId: '',
    sourceIp: direction === 'ingress' ? ANY_PEER : '',
    destGroupId: '',
    destIp: direction === 'egress' ? ANY_PEER : '',
  };
}

/** What the store knows that a group's rules are checked against, read in the request's transaction. */
export interface RuleFacts {
  group: SecurityGroupRecord;
  /** The group's stored rules (the one being changed left out). */
  rules: readonly SecurityGroupRuleRecord[];
  /** The caller's groups the rules name as peers, by id (anyone else's are not here). */
  referenced: ReadonlyMap<string, SecurityGroupRecord>;
  /** Rules a group holds per direction. */
  quota: number;
  /** The group is being created: its id is not known to the caller yet, so messages do not name it. */
  creating?: boolean;
}

/** How a message names the group whose rules are judged. */
function groupLabel(facts: RuleFacts): string {
  return facts.creating ? 'the new security group' : `security group ${facts.group.securityGroupId}`;
}

function checkReference(terms: SecurityGroupRuleTerms, facts: RuleFacts, caller: CallerScope): void {
  const id = referencedGroup(terms);
  if (id === undefined) return;
  const field = terms.direction === 'ingress' ? 'sourceGroupId' : 'destGroupId';
  const peer = facts.referenced.get(id);
  if (!peer) {
    throw new ServiceError(
      'NoSuchObject',
      `Security group ${id}, named by the rule's ${field}, does not exist in region ${caller.region} for your account.`,
    );
  }
  if (peer.vpcId !== facts.group.vpcId) {
    throw new ServiceError(
      'SecurityGroup.RuleGroupNotInVpc',
      `Security group ${id} (${field}) is in VPC ${peer.vpcId}, not in ${facts.group.vpcId} where ${groupLabel(facts)} is; a rule names groups of its own VPC only. For traffic across a peering, name the peer VPC's CIDR (or the peer's addresses) in ${field === 'sourceGroupId' ? 'sourceIp' : 'destIp'} instead.`,
    );
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function checkVersion(group: SecurityGroupRecord, sgVersion: number | undefined): void {
  if (sgVersion !== undefined && sgVersion !== group.version) {
    throw new ServiceError(
      'SecurityGroup.VersionMismatch',
      `Security group ${group.securityGroupId} is at version ${group.version}, not ${sgVersion}: its rules changed since you read them. Read the group again (sgVersion), check its rules, and retry with the current version, or leave sgVersion out.`,
    );
  }
}

function checkNew(
  terms: SecurityGroupRuleTerms,
  facts: RuleFacts,
  added: readonly SecurityGroupRuleTerms[],
  caller: CallerScope,
): void {
  checkReference(terms, facts, caller);
  const identity = ruleIdentity(terms);
  const twin = facts.rules.find((rule) => ruleIdentity(rule) === identity);
  if (twin || added.some((rule) => ruleIdentity(rule) === identity)) {
    throw new ServiceError(
      'SecurityGroup.RuleAlreadyExists',
      `${twin ? `${capitalized(groupLabel(facts))} already has the rule ${describeRule(terms)} (${twin.securityGroupRuleId})` : `The request names the rule ${describeRule(terms)} twice for ${groupLabel(facts)}`}; rules are unique by remark, protocol, direction, ports and peer.`,
    );
  }
  const count =
    facts.rules.filter((r) => r.direction === terms.direction).length +
    added.filter((r) => r.direction === terms.direction).length +
    1;
  if (count > facts.quota) {
    throw new ServiceError(
      'SecurityGroup.RuleQuotaExceeded',
      `${capitalized(groupLabel(facts))} would have ${count} ${terms.direction} rules; a group holds at most ${facts.quota} per direction. ${facts.creating ? 'Create it with fewer and add the rest to another group.' : 'Delete some first.'}`,
    );
  }
}

function ruleRecord(
  terms: SecurityGroupRuleTerms,
  group: SecurityGroupRecord,
  securityGroupRuleId: string,
  now: number,
): SecurityGroupRuleRecord {
  return {
    ...terms,
    securityGroupRuleId,
    securityGroupId: group.securityGroupId,
    accountId: group.accountId,
    region: group.region,
    vpcId: group.vpcId,
    createdAt: now,
    updatedAt: now,
  };
}

/** A new group and its first rules (plus the allow-all egress rule when none of them goes out). */
export function decideSecurityGroup(
  request: SecurityGroupRequest,
  vpc: VpcRecord,
  facts: Omit<RuleFacts, 'group' | 'rules'>,
  caller: CallerScope,
  made: { securityGroupId: string; ruleIds: () => string; now: number },
): { group: SecurityGroupRecord; rules: SecurityGroupRuleRecord[] } {
  const group: SecurityGroupRecord = {
    securityGroupId: made.securityGroupId,
    accountId: vpc.accountId,
    region: vpc.region,
    vpcId: vpc.vpcId,
    name: request.name,
    desc: request.desc,
    tags: request.tags,
    isDefault: false,
    version: 0,
    createdAt: made.now,
  };
  const terms = request.rules.some((r) => r.direction === 'egress')
    ? request.rules
    : [...request.rules, allowAllTerms('egress')];
  const ruleFacts: RuleFacts = { ...facts, group, rules: [], creating: true };
  const accepted: SecurityGroupRuleTerms[] = [];
  for (const rule of terms) {
    checkNew(rule, ruleFacts, accepted, caller);
    accepted.push(rule);
  }
  return { group, rules: accepted.map((rule) => ruleRecord(rule, group, made.ruleIds(), made.now)) };
}

/** The default group a VPC is made with: allow everything in and out, as Baidu's default group does. */
export function defaultSecurityGroup(
  vpc: VpcRecord,
  made: { securityGroupId: string; ruleIds: () => string; now: number },
): { group: SecurityGroupRecord; rules: SecurityGroupRuleRecord[] } {
  const group: SecurityGroupRecord = {
    securityGroupId: made.securityGroupId,
    accountId: vpc.accountId,
    region: vpc.region,
    vpcId: vpc.vpcId,
    name: DEFAULT_SECURITY_GROUP_NAME,
    desc: DEFAULT_SECURITY_GROUP_DESC,
    tags: [],
    isDefault: true,
    version: 0,
    createdAt: made.now,
  };
  const rules = (['ingress', 'egress'] as const).map((direction) =>
    ruleRecord(allowAllTerms(direction), group, made.ruleIds(), made.now),
  );
  return { group, rules };
}

/** A rule added to a group, and the group at its next version. */
export function decideAuthorize(
  terms: SecurityGroupRuleTerms,
  facts: RuleFacts,
  sgVersion: number | undefined,
  caller: CallerScope,
  made: { securityGroupRuleId: string; now: number },
): { group: SecurityGroupRecord; rule: SecurityGroupRuleRecord } {
  checkVersion(facts.group, sgVersion);
  checkNew(terms, facts, [], caller);
  return {
    group: { ...facts.group, version: facts.group.version + 1 },
    rule: ruleRecord(terms, facts.group, made.securityGroupRuleId, made.now),
  };
}

/** The rule of the group that is the same rule as the one given (Baidu: a rule is removed by its terms). */
export function decideRevoke(
  terms: SecurityGroupRuleTerms,
  facts: Pick<RuleFacts, 'group' | 'rules'>,
  sgVersion: number | undefined,
): { group: SecurityGroupRecord; rule: SecurityGroupRuleRecord } {
  checkVersion(facts.group, sgVersion);
  const identity = ruleIdentity(terms);
  const rule = facts.rules.find((r) => ruleIdentity(r) === identity);
  if (!rule) {
    throw new ServiceError(
      'NoSuchObject',
      `Security group ${facts.group.securityGroupId} has no rule ${describeRule(terms)}; a revoke names a rule by its remark, protocol, direction, ports and peer exactly (list the group to see them), or delete a rule by its id.`,
    );
  }
  return { group: { ...facts.group, version: facts.group.version + 1 }, rule };
}

export type RuleChangeFields = Omit<
  Fields<UpdateSecurityGroupRuleInput>,
  'securityGroupRuleId' | 'sgVersion'
>;

/**
 * The rule after an update by id. A field given (even `""`, which the Go SDK and Terraform send on purpose)
 * replaces the current value; a field left out keeps it. Giving one of a direction's peer fields replaces the
 * peer: the other one is cleared unless it is given too. Direction and ethertype cannot change.
 */
export function decideRuleUpdate(
  rule: SecurityGroupRuleRecord,
  change: RuleChangeFields,
  facts: RuleFacts,
  sgVersion: number | undefined,
  caller: CallerScope,
  now: number,
): { group: SecurityGroupRecord; rule: SecurityGroupRuleRecord } {
  const given = Object.entries(change).filter(([, value]) => value !== undefined);
  if (given.length === 0) {
    throw new ServiceError(
      'InappropriateJSON',
      'A security group rule update needs at least one of remark, portRange, sourceIp, sourceGroupId, destIp, destGroupId, protocol besides securityGroupRuleId.',
    );
  }
  checkVersion(facts.group, sgVersion);
  const peer = peerFields(rule.direction);
  const replacesPeer = change[peer.ip] !== undefined || change[peer.group] !== undefined;
  const merged: RuleFields = {
    remark: change.remark ?? rule.remark,
    direction: rule.direction,
    ethertype: rule.ethertype,
    portRange: change.portRange ?? rule.portRange,
    protocol: change.protocol ?? rule.protocol,
    [peer.ip]: replacesPeer ? change[peer.ip] : rule[peer.ip],
    [peer.group]: replacesPeer ? change[peer.group] : rule[peer.group],
    [peer.otherIp]: change[peer.otherIp],
    [peer.otherGroup]: change[peer.otherGroup],
  };
  const terms = securityGroupRuleTerms(merged);
  checkNew(terms, facts, [], caller);
  return {
    group: { ...facts.group, version: facts.group.version + 1 },
    rule: { ...rule, ...terms, updatedAt: now },
  };
}

/** The group after one of its rules was deleted by id. */
export function decideRuleDelete(
  group: SecurityGroupRecord,
  sgVersion: number | undefined,
): SecurityGroupRecord {
  checkVersion(group, sgVersion);
  return { ...group, version: group.version + 1 };
}

/** The interfaces that use a group (Baidu's bindInstanceNum counts instances; here they are interfaces). */
export function interfacesUsing(group: SecurityGroupRecord, enis: readonly EniRecord[]): EniRecord[] {
  return enis.filter((eni) => eni.securityGroupIds.includes(group.securityGroupId));
}

/** A group goes only when it is not the VPC's default, no interface uses it and no other group's rule names it. */
export function requireGroupDeletable(
  group: SecurityGroupRecord,
  enis: readonly EniRecord[],
  rulesOfVpc: readonly SecurityGroupRuleRecord[],
): void {
  if (group.isDefault) {
    throw new ServiceError(
      'SecurityGroup.DefaultSecurityGroupCanNotBeDeleted',
      `Security group ${group.securityGroupId} is the default group of VPC ${group.vpcId}; it goes when the VPC is deleted. Its rules can be changed.`,
    );
  }
  const users = interfacesUsing(group, enis);
  if (users.length > 0) {
    throw new ServiceError(
      'SecurityGroup.InstancesAssociatedSecurityGroupCanNotBeDeleted',
      `Security group ${group.securityGroupId} is used by network interface(s) ${users.map((e) => e.eniId).join(', ')}; give them other groups (bindSg) or delete them first.`,
    );
  }
  const referrers = rulesOfVpc.filter(
    (rule) =>
      rule.securityGroupId !== group.securityGroupId && referencedGroup(rule) === group.securityGroupId,
  );
  if (referrers.length > 0) {
    const names = referrers.map((r) => `${r.securityGroupRuleId} of ${r.securityGroupId}`).join(', ');
    throw new ServiceError(
      'SecurityGroup.ReferencedSecurityGroupCanNotBeDeleted',
      `Security group ${group.securityGroupId} is named as a peer by rule(s) ${names}; delete or change those rules first.`,
    );
  }
}

// ---- evaluation ----

function peerTerm(ip: string, ethertype: Ethertype): AddressBlock | undefined {
  if (ip === ANY_PEER) return everything(ethertype === 'IPv4' ? 4 : 6);
  const block = readBlock(ip);
  return 'problem' in block ? undefined : block;
}

function sameAddress(a: string, b: string): boolean {
  const x = parseAddress(a);
  const y = parseAddress(b);
  return x !== undefined && y !== undefined && x.family === y.family && x.value === y.value;
}

/**
 * Whether one rule lets a packet through in its direction (ingress: the packet comes from its source to the
 * interface; egress: it leaves the interface for its destination). Ports bind the destination port.
 */
export function securityGroupRuleAllows(
  rule: Omit<SecurityGroupRuleTerms, 'remark'>,
  direction: RuleDirection,
  packet: Packet,
  membersOf: (securityGroupId: string) => readonly string[],
): boolean {
  if (rule.direction !== direction) return false;
  const family = packetFamily(packet);
  if (family === undefined || family !== (rule.ethertype === 'IPv4' ? 4 : 6)) return false;
  const protocol = rule.protocol === '' ? ALL_PROTOCOLS : rule.protocol;
  if (protocol !== ALL_PROTOCOLS && protocol !== packet.protocol) return false;
  const peer = direction === 'ingress' ? packet.source : packet.destination;
  const group = direction === 'ingress' ? rule.sourceGroupId : rule.destGroupId;
  if (group !== '') {
    if (!membersOf(group).some((address) => sameAddress(address, peer))) return false;
  } else {
    const block = peerTerm(direction === 'ingress' ? rule.sourceIp : rule.destIp, rule.ethertype);
    if (!block || !blockHolds(block, peer)) return false;
  }
  if (packet.protocol === 'icmp' || rule.portRange === '') return true;
  const ports = readPorts(rule.portRange);
  return !('problem' in ports) && portsHold(ports, packet.destinationPort);
}

export interface GroupRules<R> {
  securityGroupId: string;
  rules: readonly R[];
}

export interface SecurityGroupAllowance<R> {
  securityGroupId: string;
  /** The first rule (in the groups' order, then the rules') that lets the packet through. */
  rule: R;
}

/**
 * Whether an interface's groups let a packet through in `direction`: the first allowing rule, or undefined when
 * no rule of any group allows it (groups are allow-lists). Stateful: check a packet's own direction only, never
 * its answer. `membersOf` gives the addresses of the interfaces in a group, for rules that name a group.
 */
export function evaluateSecurityGroups<R extends Omit<SecurityGroupRuleTerms, 'remark'>>(
  groups: readonly GroupRules<R>[],
  direction: RuleDirection,
  packet: Packet,
  membersOf: (securityGroupId: string) => readonly string[],
): SecurityGroupAllowance<R> | undefined {
  for (const group of groups) {
    const rule = group.rules.find((r) => securityGroupRuleAllows(r, direction, packet, membersOf));
    if (rule) return { securityGroupId: group.securityGroupId, rule };
  }
  return undefined;
}
