import type { AclAction, PeerConnRole, RuleDirection } from './models.ts';

// The request and answer of the local server's reachability check (POST /_admin/reachability, docs/server.md
// "Reachability"): an admin API of peerconn's server, not a Baidu operation. Its shape lives here so that the
// server that builds it and the CLI that asks and prints it (`peerconn reach`) share one definition.

/** What the packet is: `all` stands for any protocol and port, so only rules for every protocol decide it. */
export const REACH_PROTOCOLS = ['tcp', 'udp', 'icmp', 'all'] as const;
export type ReachProtocol = (typeof REACH_PROTOCOLS)[number];

/**
 * The port the answer goes back to when the request names none: the first of Linux's default ephemeral ports
 * (32768–60999), where a client's connection most likely starts.
 */
export const DEFAULT_SOURCE_PORT = 32768;

/** Where the packet starts: a network interface (its primary address), or an address in a VPC. */
export type ReachFrom = { eniId: string } | { vpcId: string; ip: string };
/**
 * Where it goes: a network interface, or an address (in the VPC named, when one is). An address that belongs
 * to a network interface counts as that interface, at either end.
 */
export type ReachTo = { eniId: string } | { ip: string; vpcId?: string };

export interface ReachRequest {
  from: ReachFrom;
  to: ReachTo;
  /** `all` when left out. */
  protocol?: ReachProtocol;
  /** The destination port: required for tcp and udp, refused for icmp and all. */
  port?: number;
  /** The client's port, where the answer goes back to; DEFAULT_SOURCE_PORT when left out (tcp and udp only). */
  sourcePort?: number;
}

export const REACH_PROBLEMS = [
  'SourceNotInSubnet',
  'DestinationNotInSubnet',
  'NoRoute',
  'ExternalNexthop',
  'Blackhole',
  'ConnectionNotActive',
  'DestinationOutsidePeerVpc',
  'NoReturnRoute',
  'ReturnViaOtherConnection',
  'OverlappingCidrs',
  'SecurityGroupDeniesEgress',
  'SecurityGroupDeniesIngress',
  'AclDeniesEgress',
  'AclDeniesIngress',
  'AclDeniesReturn',
] as const;
export type ReachProblemCode = (typeof REACH_PROBLEMS)[number];

export interface ReachProblem {
  code: ReachProblemCode;
  message: string;
}

/** The rule a lookup matched; a system route has an empty routeRuleId and `system: true`. */
export interface MatchedRule {
  routeRuleId: string;
  sourceAddress: string;
  destinationAddress: string;
  nexthopType: string;
  nexthopId: string;
  description: string;
  system: boolean;
}

export interface SideState {
  role: PeerConnRole;
  accountId: string;
  region: string;
  vpcId: string;
  interfaceId: string;
  status: string;
  /** The acceptor side after a reject or a consult timeout. */
  removed: boolean;
}

export type HopNext =
  /** Delivered in this VPC, to the subnet that holds the destination. */
  | { type: 'local'; subnetId: string; subnetName: string; subnetCidr: string }
  /** Out through a peering connection; peerConnId null when the interface belongs to no connection. */
  | {
      type: 'peerConn';
      interfaceId: string;
      peerConnId: string | null;
      usable: boolean;
      sides: SideState[];
      /** The VPC at the other end. */
      toVpcId: string | null;
    }
  /** Out to a resource this server does not model (instance, VPN, NAT or dedicated gateway, …). */
  | { type: 'external'; nexthopType: string; nexthopId: string };

/** A packet as one check saw it; ports are null for icmp and all. */
export interface PacketView {
  protocol: ReachProtocol;
  source: string;
  destination: string;
  sourcePort: number | null;
  destinationPort: number | null;
}

/** The security group rule that let a packet through. */
export interface SecurityGroupRuleMatch {
  securityGroupId: string;
  securityGroupRuleId: string;
  direction: RuleDirection;
  protocol: string;
  portRange: string;
  /** The peer the rule names: `sourceIp`/`sourceGroupId` for ingress, `destIp`/`destGroupId` for egress. */
  ip: string;
  groupId: string;
  remark: string;
}

/** The ACL rule that decided a packet: a subnet's default rule has an empty id and `default: true`. */
export interface AclRuleMatch {
  aclRuleId: string;
  position: number;
  default: boolean;
  action: AclAction;
  protocol: string;
  sourceIpAddress: string;
  destinationIpAddress: string;
  sourcePort: string;
  destinationPort: string;
  description: string;
}

/**
 * `allow` and `deny` say what the filter decided; `skip` that it does not apply: an address that is no
 * network interface's has no security groups, and traffic that stays inside one subnet passes no ACL.
 */
export type FilterVerdict = 'allow' | 'deny' | 'skip';

/**
 * The security groups of one end (stateful: checked on the way there only). Egress at the source, ingress at
 * the destination; a deny means no rule of any of the interface's groups allows the packet.
 */
export interface SecurityGroupCheck {
  kind: 'securityGroup';
  direction: RuleDirection;
  verdict: FilterVerdict;
  /** The interface whose groups decide; null when the address is no interface's. */
  eniId: string | null;
  securityGroupIds: string[];
  /** The first rule that allows the packet; null when none does or no groups apply. */
  rule: SecurityGroupRuleMatch | null;
  packet: PacketView;
}

/** A subnet's ACL (stateless: checked on the way there and again for the answer). */
export interface AclCheck {
  kind: 'acl';
  direction: RuleDirection;
  verdict: FilterVerdict;
  subnetId: string;
  subnetName: string;
  subnetCidr: string;
  /** The rule that decided (lowest position among those matching); null when skipped. */
  rule: AclRuleMatch | null;
  packet: PacketView;
}

export type FilterCheck = SecurityGroupCheck | AclCheck;

/** One route table lookup in one VPC, with the filters the packet passes there. */
export interface ReachHop {
  vpcId: string;
  vpcName: string;
  vpcCidr: string;
  accountId: string;
  region: string;
  routeTableId: string;
  /** The addresses looked up. */
  source: string;
  destination: string;
  rule: MatchedRule | null;
  next: HopNext | null;
  /**
   * Before the lookup, on the first hop of each direction: the sending interface's security groups (egress, on
   * the way there only), then its subnet's ACL (egress).
   */
  leaving: FilterCheck[];
  /**
   * After a lookup that delivers in this VPC: the receiving subnet's ACL (ingress), then the receiving
   * interface's security groups (ingress, on the way there only).
   */
  arriving: FilterCheck[];
}

/** One end of the path as the check resolved it. */
export interface ReachEnd {
  ip: string;
  /** The VPC the address is in (for the destination: where the packet was delivered); null when nowhere. */
  vpcId: string | null;
  subnetId: string | null;
  /** The network interface holding the address; null when none does. */
  eniId: string | null;
}

export interface ReachReport {
  reachable: boolean;
  /** The packet asked about: protocol, destination port and the client's port (null for icmp and all). */
  protocol: ReachProtocol;
  port: number | null;
  sourcePort: number | null;
  from: ReachEnd;
  to: ReachEnd;
  forward: ReachHop[];
  return: ReachHop[];
  problems: ReachProblem[];
}
