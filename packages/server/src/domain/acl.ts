// Subnet ACLs: what a rule may say (protocol, addresses, ports, position, direction, action), how many a subnet
// holds, which rules a change may not collide with, and which rule decides a packet. Stateless and ordered: the
// matching rule with the lowest position decides; each subnet ends with a default rule per direction that
// allows everything (derived, never stored, so no request can change it).
import {
  ACL_ACTIONS,
  ACL_PROTOCOLS,
  type AclAction,
  type AclProtocol,
  type AclRuleRequest,
  RULE_DIRECTIONS,
  type RuleDirection,
  type UpdateAclRuleInput,
} from '@peerconn/sdk';
import { ServiceError } from '../errors.ts';
import { ipText, parseIp } from './cidr.ts';
import {
  type AddressBlock,
  blockHolds,
  everything,
  type IpFamily,
  type Packet,
  packetFamily,
  portsHold,
  readBlock,
  readPorts,
} from './packet.ts';
import type { Fields } from './requests.ts';
import type { AclRuleRecord, AclRuleTerms } from './resources.ts';
import { subnetNotFound } from './subnet.ts';
import type { CallerScope, SubnetRecord } from './types.ts';
import { DESCRIPTION_MAX_LENGTH, limited } from './values.ts';

/** Baidu's newest limit per subnet and direction (its older pages said 256); `--quota-acl-rules-per-direction`. */
export const DEFAULT_ACL_RULES_PER_DIRECTION = 150;
/** Baidu: at most 20 rules per create call. */
export const ACL_RULES_PER_CALL = 20;
export const ACL_POSITION_MIN = 1;
export const ACL_POSITION_MAX = 5000;
/** The default rules' position: after every rule a request can make (ours; Baidu shows none). */
export const DEFAULT_ACL_RULE_POSITION = 65535;
/** What `all` means for an address or a port term. */
export const ALL = 'all';

export function aclRuleNotFound(aclRuleId: string, caller: CallerScope): ServiceError {
  return new ServiceError(
    'NoSuchObject',
    `ACL rule ${aclRuleId} does not exist in region ${caller.region} for your account. Check the id and the endpoint's region; the default rules have no id and cannot be changed.`,
  );
}

export function requireOwnAclRule(
  rule: AclRuleRecord | undefined,
  aclRuleId: string,
  caller: CallerScope,
): AclRuleRecord {
  if (!rule || rule.accountId !== caller.accountId || rule.region !== caller.region) {
    throw aclRuleNotFound(aclRuleId, caller);
  }
  return rule;
}

function invalid(field: string, message: string): ServiceError {
  return new ServiceError('InvalidAclRule', `Field "${field}" ${message}`);
}

function protocolOf(field: string, value: string): AclProtocol {
  if (!(ACL_PROTOCOLS as readonly string[]).includes(value)) {
    throw invalid(field, `(${JSON.stringify(value)}) must be one of ${ACL_PROTOCOLS.join(', ')}.`);
  }
  return value as AclProtocol;
}

function ipVersionOf(field: string, value: number | undefined): 4 | 6 {
  if (value === undefined || value === 4) return 4;
  if (value === 6) return 6;
  throw invalid(field, `(${value}) must be 4 or 6.`);
}

/** `all` (or empty), an address, or a CIDR block with its host bits zero, of the rule's IP version. */
function addressOf(field: string, value: string, ipVersion: 4 | 6): string {
  if (value === '' || value === ALL) return ALL;
  const block = readBlock(value);
  if ('problem' in block) {
    throw invalid(
      field,
      `(${JSON.stringify(value)}) is not all, an address or a CIDR block: ${block.problem}.`,
    );
  }
  if (block.family !== ipVersion) {
    throw invalid(
      field,
      `(${value}) is an IPv${block.family} address, but the rule is for IPv${ipVersion} (ipVersion).`,
    );
  }
  // IPv4 is written canonically (no leading zeros); the text is otherwise kept as given, so a client that
  // compares what it sent with what it reads back sees no change.
  if (block.family === 4) {
    const slash = value.indexOf('/');
    const address = ipText(parseIp(slash === -1 ? value : value.slice(0, slash)) as number);
    return slash === -1 ? address : `${address}${value.slice(slash)}`;
  }
  return value.toLowerCase();
}

/** `all` (or empty), a port, or `low-high`; anything narrower than every port only for tcp and udp. */
function portsOf(field: string, value: string, protocol: AclProtocol): string {
  if (value === '' || value === ALL) return ALL;
  const range = readPorts(value);
  if ('problem' in range) throw invalid(field, `(${JSON.stringify(value)}) is invalid: ${range.detail}.`);
  if (!range.all && protocol !== 'tcp' && protocol !== 'udp') {
    throw invalid(
      field,
      `(${value}) narrows the ports of a rule for ${protocol}; ports apply to tcp and udp only: use all.`,
    );
  }
  return value;
}

function positionOf(field: string, value: number): number {
  if (!Number.isInteger(value) || value < ACL_POSITION_MIN || value > ACL_POSITION_MAX) {
    throw invalid(
      field,
      `(${value}) must be a whole number from ${ACL_POSITION_MIN} to ${ACL_POSITION_MAX} (lower positions are evaluated first).`,
    );
  }
  return value;
}

function directionOf(field: string, value: string): RuleDirection {
  if (!(RULE_DIRECTIONS as readonly string[]).includes(value)) {
    throw invalid(field, `(${JSON.stringify(value)}) must be ingress or egress.`);
  }
  return value as RuleDirection;
}

function actionOf(field: string, value: string): AclAction {
  if (!(ACL_ACTIONS as readonly string[]).includes(value)) {
    throw invalid(field, `(${JSON.stringify(value)}) must be allow or deny.`);
  }
  return value as AclAction;
}

export interface AclRuleValues extends AclRuleTerms {
  subnetId: string;
}

/** The terms of one rule of a create call after their value rules; `at` prefixes the field names in messages. */
export function aclRuleValues(request: AclRuleRequest, at: string): AclRuleValues {
  const ipVersion = ipVersionOf(`${at}ipVersion`, request.ipVersion);
  const protocol = protocolOf(`${at}protocol`, request.protocol);
  if (request.subnetId === '') {
    throw new ServiceError(
      'InappropriateJSON',
      `Field "${at}subnetId" is invalid: required and must not be empty.`,
    );
  }
  return {
    subnetId: request.subnetId,
    description: limited(`${at}description`, request.description, DESCRIPTION_MAX_LENGTH) ?? '',
    protocol,
    sourceIpAddress: addressOf(`${at}sourceIpAddress`, request.sourceIpAddress, ipVersion),
    destinationIpAddress: addressOf(`${at}destinationIpAddress`, request.destinationIpAddress, ipVersion),
    sourcePort: portsOf(`${at}sourcePort`, request.sourcePort, protocol),
    destinationPort: portsOf(`${at}destinationPort`, request.destinationPort, protocol),
    position: positionOf(`${at}position`, request.position),
    ipVersion,
    direction: directionOf(`${at}direction`, request.direction),
    action: actionOf(`${at}action`, request.action),
  };
}

/** The rules of one create call: 1–20 of them, each after its value rules. */
export function aclRuleRequests(rules: readonly AclRuleRequest[]): AclRuleValues[] {
  if (rules.length === 0 || rules.length > ACL_RULES_PER_CALL) {
    throw new ServiceError(
      'InappropriateJSON',
      `Field "aclRules" is invalid: give 1 to ${ACL_RULES_PER_CALL} rules per call, not ${rules.length}.`,
    );
  }
  return rules.map((rule, i) => aclRuleValues(rule, `aclRules[${i}].`));
}

function positionTaken(
  subnetId: string,
  direction: RuleDirection,
  position: number,
  holder: string,
): ServiceError {
  return new ServiceError(
    'AclRulePositionConflict',
    `Position ${position} of subnet ${subnetId}'s ${direction} rules is taken by ${holder}; positions are unique per subnet and direction, so pick a free one (1-${ACL_POSITION_MAX}) or change that rule.`,
  );
}

function checkQuota(subnetId: string, direction: RuleDirection, count: number, quota: number): void {
  if (count > quota) {
    throw new ServiceError(
      'AclRuleQuotaExceeded',
      `Subnet ${subnetId} would have ${count} ${direction} ACL rules; a subnet holds at most ${quota} per direction (the default rule not counted). Delete some first.`,
    );
  }
}

/** What the store knows of each subnet a create call names, read in its transaction. */
export interface AclFacts {
  /** The caller's subnets by id (a subnet of anyone else is not here). */
  subnets: ReadonlyMap<string, SubnetRecord>;
  /** The stored rules of each of those subnets. */
  rules: ReadonlyMap<string, readonly AclRuleRecord[]>;
  quota: number;
}

/** The records a create call adds, all or none: every subnet the caller's, positions free, quotas kept. */
export function decideAclRules(
  requests: readonly AclRuleValues[],
  facts: AclFacts,
  caller: CallerScope,
  made: { ids: readonly string[]; now: number },
): AclRuleRecord[] {
  const records: AclRuleRecord[] = [];
  for (const [i, request] of requests.entries()) {
    const subnet = facts.subnets.get(request.subnetId);
    if (!subnet) throw subnetNotFound(request.subnetId, caller);
    const sameSide = (rule: { subnetId: string; direction: RuleDirection }) =>
      rule.subnetId === subnet.subnetId && rule.direction === request.direction;
    const stored = (facts.rules.get(subnet.subnetId) ?? []).filter(sameSide);
    const earlier = records.filter(sameSide);
    const holder =
      stored.find((r) => r.position === request.position)?.aclRuleId ??
      (earlier.some((r) => r.position === request.position) ? 'another rule of this call' : undefined);
    if (holder !== undefined)
      throw positionTaken(subnet.subnetId, request.direction, request.position, holder);
    checkQuota(subnet.subnetId, request.direction, stored.length + earlier.length + 1, facts.quota);
    records.push({
      ...request,
      aclRuleId: made.ids[i] as string,
      accountId: subnet.accountId,
      region: subnet.region,
      vpcId: subnet.vpcId,
      createdAt: made.now,
    });
  }
  return records;
}

export type AclRuleChangeFields = Omit<Fields<UpdateAclRuleInput>, 'aclRuleId'>;

/**
 * The fields an update gives. An empty string keeps the current value (the Go SDK cannot send one, and the
 * others send only what is set), except for the description, which it clears.
 */
export function aclRuleChange(fields: AclRuleChangeFields): AclRuleChangeFields {
  const change: AclRuleChangeFields = {};
  for (const [key, value] of Object.entries(fields) as Array<[keyof AclRuleChangeFields, unknown]>) {
    if (value === undefined || (value === '' && key !== 'description')) continue;
    (change as Record<string, unknown>)[key] = value;
  }
  if (Object.keys(change).length === 0) {
    throw new ServiceError(
      'InappropriateJSON',
      'An ACL rule update needs at least one of description, protocol, sourceIpAddress, destinationIpAddress, sourcePort, destinationPort, position, action; its direction and subnet cannot change.',
    );
  }
  return change;
}

/** The rule after an update, checked as a whole (a new protocol may not fit the old ports) and for its position. */
export function updatedAclRule(
  rule: AclRuleRecord,
  change: AclRuleChangeFields,
  siblings: readonly AclRuleRecord[],
): AclRuleRecord {
  const values = aclRuleValues(
    {
      subnetId: rule.subnetId,
      description: change.description ?? rule.description,
      protocol: change.protocol ?? rule.protocol,
      sourceIpAddress: change.sourceIpAddress ?? rule.sourceIpAddress,
      destinationIpAddress: change.destinationIpAddress ?? rule.destinationIpAddress,
      sourcePort: change.sourcePort ?? rule.sourcePort,
      destinationPort: change.destinationPort ?? rule.destinationPort,
      position: change.position ?? rule.position,
      direction: rule.direction,
      action: change.action ?? rule.action,
      ipVersion: rule.ipVersion,
    },
    '',
  );
  const holder = siblings.find(
    (r) =>
      r.aclRuleId !== rule.aclRuleId &&
      r.subnetId === rule.subnetId &&
      r.direction === rule.direction &&
      r.position === values.position,
  );
  if (holder) throw positionTaken(rule.subnetId, rule.direction, values.position, holder.aclRuleId);
  return { ...rule, ...values };
}

/** The two rules every subnet ends with: allow everything, one per direction. */
export function defaultAclTerms(direction: RuleDirection): AclRuleTerms {
  return {
    description: 'default',
    protocol: 'all',
    sourceIpAddress: ALL,
    destinationIpAddress: ALL,
    sourcePort: ALL,
    destinationPort: ALL,
    position: DEFAULT_ACL_RULE_POSITION,
    ipVersion: 4,
    direction,
    action: 'allow',
  };
}

/** Evaluation order: ingress before egress, each by position (the default rules sort last by theirs). */
export function byEvaluationOrder<R extends Pick<AclRuleTerms, 'direction' | 'position'>>(
  a: R,
  b: R,
): number {
  if (a.direction !== b.direction) return a.direction === 'ingress' ? -1 : 1;
  return a.position - b.position;
}

// ---- evaluation ----

function addressTerm(text: string, family: IpFamily): AddressBlock | undefined {
  if (text === ALL) return everything(family);
  const block = readBlock(text);
  return 'problem' in block ? undefined : block;
}

function portTermHolds(text: string, port: number | undefined): boolean {
  if (text === ALL) return true;
  const range = readPorts(text);
  return !('problem' in range) && portsHold(range, port);
}

/** What evaluation reads of a rule: stored records and rules as the lists show them both fit. */
export type AclMatchTerms = Omit<AclRuleTerms, 'ipVersion' | 'description'> & { ipVersion: number };

/** Whether one rule's terms cover a packet (its direction aside). */
export function aclRuleMatches(rule: AclMatchTerms, packet: Packet): boolean {
  const family = packetFamily(packet);
  if (family === undefined || family !== rule.ipVersion) return false;
  if (rule.protocol !== 'all' && rule.protocol !== packet.protocol) return false;
  const source = addressTerm(rule.sourceIpAddress, family);
  const destination = addressTerm(rule.destinationIpAddress, family);
  if (!source || !blockHolds(source, packet.source)) return false;
  if (!destination || !blockHolds(destination, packet.destination)) return false;
  if (packet.protocol === 'icmp') return true;
  return (
    portTermHolds(rule.sourcePort, packet.sourcePort) &&
    portTermHolds(rule.destinationPort, packet.destinationPort)
  );
}

export interface AclDecision<R> {
  /** The rule that decided: the matching rule of the direction with the lowest position. */
  rule: R;
  action: AclAction;
}

/**
 * Which rule of a subnet's ACL decides a packet crossing it in `direction` (ingress: into the subnet; egress:
 * out of it). Give the subnet's rules with its default rules (firewall-view.ts `subnetAclRules`), so that a
 * packet no custom rule matches is decided by the default allow; undefined only when nothing matches at all.
 */
export function evaluateAcl<R extends AclMatchTerms>(
  rules: readonly R[],
  direction: RuleDirection,
  packet: Packet,
): AclDecision<R> | undefined {
  const rule = rules
    .filter((r) => r.direction === direction)
    .sort(byEvaluationOrder)
    .find((r) => aclRuleMatches(r, packet));
  return rule ? { rule, action: rule.action } : undefined;
}
