// The filters a packet passes on its path, as the reachability check sees them: the security groups of a
// network interface (stateful, so only the way there is checked) and the ACL of a subnet (stateless, so the
// answer is checked again). Each check names the rule that decided, and a refusal says what rule to add. The
// rules' own meaning (which packet a rule covers) is the ACL and security group rules' (acl.ts,
// security-group.ts); here they are applied to the path's packets.
import type {
  AclCheck,
  AclRuleMatch,
  PacketView,
  ReachProblemCode,
  SecurityGroupCheck,
} from '@peerconn/sdk/internal';
import { defaultAclTerms, evaluateAcl } from './acl.ts';
import type { Packet } from './packet.ts';
import type { Flow } from './reach-request.ts';
import type { AclRuleRecord, AclRuleTerms, EniRecord, SecurityGroupRuleRecord } from './resources.ts';
import { evaluateSecurityGroups } from './security-group.ts';
import type { SubnetRecord } from './types.ts';

/** What the filters of one VPC are made of. */
export interface VpcFilters {
  enis: readonly EniRecord[];
  /** The custom ACL rules of the VPC's subnets (each subnet also ends with its default rules). */
  aclRules: readonly AclRuleRecord[];
  /** The rules of the VPC's security groups. */
  securityGroupRules: readonly SecurityGroupRuleRecord[];
}

/** A problem a filter found, for the report. */
export interface FilterProblem {
  code: ReachProblemCode;
  message: string;
}

/** The packet from `source` to `destination`; `reply` turns the ports around for the answer. */
export function packetOf(flow: Flow, source: string, destination: string, reply: boolean): PacketView {
  return {
    protocol: flow.protocol,
    source,
    destination,
    sourcePort: reply ? flow.port : flow.clientPort,
    destinationPort: reply ? flow.clientPort : flow.port,
  };
}

function forRules(packet: PacketView): Packet {
  return {
    protocol: packet.protocol,
    source: packet.source,
    destination: packet.destination,
    ...(packet.sourcePort !== null ? { sourcePort: packet.sourcePort } : {}),
    ...(packet.destinationPort !== null ? { destinationPort: packet.destinationPort } : {}),
  };
}

/** `tcp 10.1.1.5:32768 → 10.2.1.7:3306`, `icmp 10.1.1.5 → 10.2.1.7`, `any protocol 10.1.1.5 → 10.2.1.7`. */
export function packetText(packet: PacketView): string {
  const end = (ip: string, port: number | null) => (port === null ? ip : `${ip}:${port}`);
  const protocol = packet.protocol === 'all' ? 'any protocol' : packet.protocol;
  return `${protocol} ${end(packet.source, packet.sourcePort)} → ${end(packet.destination, packet.destinationPort)}`;
}

// ---- security groups ----

/** The addresses of the interfaces in each security group, for rules that name a group as their peer. */
export function groupMembers(enis: Iterable<EniRecord>): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const eni of enis) {
    for (const groupId of eni.securityGroupIds) {
      const list = members.get(groupId) ?? [];
      list.push(...eni.privateIps.map((ip) => ip.address));
      members.set(groupId, list);
    }
  }
  return members;
}

/**
 * The security groups of the interface at one end, for the packet in `direction` (egress at the source,
 * ingress at the destination). An address of no interface has no groups: the check is skipped.
 */
export function securityGroupCheck(
  eni: EniRecord | undefined,
  filters: VpcFilters,
  members: ReadonlyMap<string, readonly string[]>,
  direction: 'ingress' | 'egress',
  packet: PacketView,
): SecurityGroupCheck {
  const base = { kind: 'securityGroup' as const, direction, packet };
  if (!eni) return { ...base, verdict: 'skip', eniId: null, securityGroupIds: [], rule: null };
  const groups = eni.securityGroupIds.map((securityGroupId) => ({
    securityGroupId,
    rules: filters.securityGroupRules.filter((rule) => rule.securityGroupId === securityGroupId),
  }));
  const allowed = evaluateSecurityGroups(groups, direction, forRules(packet), (id) => members.get(id) ?? []);
  const ids = [...eni.securityGroupIds];
  if (!allowed) return { ...base, verdict: 'deny', eniId: eni.eniId, securityGroupIds: ids, rule: null };
  const rule = allowed.rule;
  const ingress = direction === 'ingress';
  return {
    ...base,
    verdict: 'allow',
    eniId: eni.eniId,
    securityGroupIds: ids,
    rule: {
      securityGroupId: allowed.securityGroupId,
      securityGroupRuleId: rule.securityGroupRuleId,
      direction: rule.direction,
      protocol: rule.protocol,
      portRange: rule.portRange,
      ip: ingress ? rule.sourceIp : rule.destIp,
      groupId: ingress ? rule.sourceGroupId : rule.destGroupId,
      remark: rule.remark,
    },
  };
}

function sgProtocolAdvice(packet: PacketView, port: number | null): string {
  if (packet.protocol === 'all') return 'protocol all, portRange 1-65535';
  if (port === null) return `protocol ${packet.protocol}`;
  return `protocol ${packet.protocol}, portRange ${port}`;
}

/** The peer's address, and the wider range a rule may name instead when there is one. */
function addressOrRange(address: string, range: string): string {
  return range === address || range === `${address}/32` ? address : `${address} (or ${range})`;
}

/**
 * What a security group refusal means and what to add. `peerCidr` is the other end's VPC CIDR, offered as the
 * rule's peer; `acrossVpcs` says that the other end is in another VPC, where a rule naming a group cannot reach.
 */
export function securityGroupProblem(
  check: SecurityGroupCheck,
  peerCidr: string,
  acrossVpcs: boolean,
): FilterProblem {
  const { packet } = check;
  const groups = check.securityGroupIds.join(', ');
  const target = check.securityGroupIds[0] ?? 'one of its groups';
  if (check.direction === 'egress') {
    return {
      code: 'SecurityGroupDeniesEgress',
      message: `No egress rule of security group(s) ${groups} of ${check.eniId} lets ${packetText(packet)} out. Add one to ${target}: direction egress, ${sgProtocolAdvice(packet, packet.destinationPort)}, destIp ${addressOrRange(packet.destination, peerCidr)}.`,
    };
  }
  const across = acrossVpcs
    ? ` Rules that name a security group match only interfaces of the group's own VPC, so a source across a peering needs its address or CIDR.`
    : '';
  return {
    code: 'SecurityGroupDeniesIngress',
    message: `No ingress rule of security group(s) ${groups} of ${check.eniId} lets ${packetText(packet)} in. Add one to ${target}: direction ingress, ${sgProtocolAdvice(packet, packet.destinationPort)}, sourceIp ${addressOrRange(packet.source, peerCidr)}.${across}`,
  };
}

// ---- ACLs ----

/**
 * A subnet's ACL for the packet crossing it in `direction` (egress: leaving the subnet, ingress: entering it).
 * `skip`: the packet stays inside the subnet, which no ACL controls (Baidu: traffic within a subnet is allowed).
 */
export function aclCheck(
  subnet: SubnetRecord,
  filters: VpcFilters,
  direction: 'ingress' | 'egress',
  packet: PacketView,
  skip: boolean,
): AclCheck {
  const base = {
    kind: 'acl' as const,
    direction,
    packet,
    subnetId: subnet.subnetId,
    subnetName: subnet.name,
    subnetCidr: subnet.cidr,
  };
  if (skip) return { ...base, verdict: 'skip', rule: null };
  // Every subnet ends with its default rules (allow everything); they have no id.
  const rules: Array<AclRuleTerms & { aclRuleId: string }> = [
    ...filters.aclRules.filter((rule) => rule.subnetId === subnet.subnetId),
    { ...defaultAclTerms('ingress'), aclRuleId: '' },
    { ...defaultAclTerms('egress'), aclRuleId: '' },
  ];
  const decision = evaluateAcl(rules, direction, forRules(packet));
  if (!decision) return { ...base, verdict: 'deny', rule: null };
  const rule = decision.rule;
  const match: AclRuleMatch = {
    aclRuleId: rule.aclRuleId,
    position: rule.position,
    default: rule.aclRuleId === '',
    action: rule.action,
    protocol: rule.protocol,
    sourceIpAddress: rule.sourceIpAddress,
    destinationIpAddress: rule.destinationIpAddress,
    sourcePort: rule.sourcePort,
    destinationPort: rule.destinationPort,
    description: rule.description,
  };
  return { ...base, verdict: decision.action === 'allow' ? 'allow' : 'deny', rule: match };
}

/** `deny tcp 10.1.0.0/16:all → all:3306`: an ACL rule as one line. */
export function aclRuleText(rule: AclRuleMatch): string {
  return `${rule.action} ${rule.protocol} ${rule.sourceIpAddress}:${rule.sourcePort} → ${rule.destinationIpAddress}:${rule.destinationPort}`;
}

/**
 * The allow rule that would let the packet through. The client's port is advised as the whole ephemeral range
 * (1024-65535), since a client picks another one for every connection; the server's port as itself.
 */
function aclAdvice(check: AclCheck, peerCidr: string, reply: boolean): string {
  const { packet, rule } = check;
  const peer = check.direction === 'egress' ? 'destinationIpAddress' : 'sourceIpAddress';
  const clientRange = '1024-65535';
  const server = reply ? packet.sourcePort : packet.destinationPort;
  const ports =
    packet.protocol === 'tcp' || packet.protocol === 'udp'
      ? reply
        ? `, sourcePort ${server}, destinationPort ${clientRange}`
        : `, sourcePort ${clientRange}, destinationPort ${server}`
      : '';
  const allow = `protocol ${packet.protocol}, ${peer} ${peerCidr}${ports}`;
  // Position 1 is the first an ACL has: nothing can be placed before a rule there.
  if (rule && rule.position <= 1) {
    return `Change ${rule.aclRuleId} (position 1, the first checked) into an allow rule for ${allow}, or delete it and add that rule.`;
  }
  const where = rule ? ` with a position below ${rule.position}, or change or delete ${rule.aclRuleId}` : '';
  return `Add an ${check.direction} allow rule to subnet ${check.subnetId}: ${allow}${where}.`;
}

/** What an ACL refusal means and what to add; `reply` marks the answer's checks (AclDeniesReturn). */
export function aclProblem(check: AclCheck, peerCidr: string, reply: boolean): FilterProblem {
  const by = check.rule
    ? `rule ${check.rule.aclRuleId} at position ${check.rule.position} (${aclRuleText(check.rule)})`
    : 'no rule';
  const way = check.direction === 'egress' ? 'out of' : 'into';
  const denied = `The ACL of subnet ${check.subnetId} (${check.subnetName}, ${check.subnetCidr}) denies ${packetText(check.packet)} ${way} the subnet: ${by} decides it.`;
  if (reply) {
    return {
      code: 'AclDeniesReturn',
      message: `The answer is dropped. ACLs are stateless, so the answer is checked again on its own: ${denied} ${aclAdvice(check, peerCidr, true)}`,
    };
  }
  return {
    code: check.direction === 'egress' ? 'AclDeniesEgress' : 'AclDeniesIngress',
    message: `${denied} ${aclAdvice(check, peerCidr, false)}`,
  };
}
