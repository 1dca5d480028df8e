import type { PeerConnRole } from './models.ts';

// The answer of the local server's reachability check (POST /_admin/reachability, docs/server.md
// "Reachability"): an admin API of peerconn's server, not a Baidu operation. Its shape lives here so that the
// server that builds it and the CLI that prints it (`peerconn reach`) share one definition.
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

/** One route table lookup in one VPC. */
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
}

export interface ReachReport {
  reachable: boolean;
  forward: ReachHop[];
  return: ReachHop[];
  problems: ReachProblem[];
}
