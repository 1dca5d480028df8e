// Plain data the rules work on. Times are virtual-clock epoch milliseconds; rendering to wire strings happens
// in view.ts only.
import type { DnsStatus, PaymentTiming, PeerConnRole, PeerConnStatus, TagModel } from '@peerconn/sdk';
import type { TransitionName } from './timing.ts';

export interface AccountCredential {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests with this key must carry x-bce-security-token with this value. */
  sessionToken?: string;
}

export interface Account {
  id: string;
  name: string;
  credentials: AccountCredential[];
}

/** Who acts, as far as the rules care: an account at one region's endpoint. */
export interface CallerScope {
  accountId: string;
  region: string;
}

export interface VpcRecord {
  vpcId: string;
  accountId: string;
  region: string;
  name: string;
  cidr: string;
  description: string;
  relay: boolean;
  tags: TagModel[];
  createdAt: number;
}

export interface SubnetRecord {
  subnetId: string;
  vpcId: string;
  accountId: string;
  region: string;
  name: string;
  zoneName: string;
  /** Canonical `a.b.c.d/n`. */
  cidr: string;
  subnetType: string;
  description: string;
  tags: TagModel[];
  createdAt: number;
}

/** A VPC's one route table, made with the VPC; its system routes are derived from the subnets, never stored. */
export interface RouteTableRecord {
  routeTableId: string;
  vpcId: string;
  accountId: string;
  region: string;
}

/**
 * How a rule takes part in routing: `normal` (its one next hop carries the traffic), or one member of a
 * primary/standby pair (two rules with the same source and destination; the `ha:active` one carries it).
 */
export type RoutePathType = 'normal' | 'ha:active' | 'ha:standby';

/** A custom route rule (system routes are not records). */
export interface RouteRuleRecord {
  routeRuleId: string;
  routeTableId: string;
  vpcId: string;
  accountId: string;
  region: string;
  /** Canonical `a.b.c.d/n`. */
  sourceAddress: string;
  destinationAddress: string;
  nexthopType: string;
  /** For `peerConn`, the interface id of this VPC's side of the connection. */
  nexthopId: string;
  description: string;
  createdAt: number;
  /** Absent in rules stored before primary/standby pairs existed: `normal`. */
  pathType?: RoutePathType;
}

export interface SideRecord {
  role: PeerConnRole;
  accountId: string;
  region: string;
  vpcId: string;
  ifId: string;
  ifName: string;
  description: string;
  status: PeerConnStatus;
  dnsStatus: DnsStatus;
}

export interface PeerConnRecord {
  id: string;
  initiator: SideRecord;
  /** Kept after removal so the initiator's view still names its peer. */
  acceptor: SideRecord;
  /** The acceptor side was removed (reject or consult timeout): invisible to the acceptor account. */
  acceptorRemoved: boolean;
  crossAccount: boolean;
  bandwidthInMbps: number;
  paymentTiming: PaymentTiming;
  /** Months of the last purchase, kept so a snapshot shows what was bought. */
  reservationLength: number | null;
  createdAt: number;
  /** Prepaid only. */
  expiresAt: number | null;
  deleteProtect: boolean;
  tags: TagModel[];
  resourceGroupId: string;
}

/** Every kind of timed change; the first six follow the configurable timing, the last two the clock only. */
export type TransitionKind = TransitionName | 'consultTimeout' | 'expiry';

/** Which side a transition concerns; `both` for the ones that move the whole connection. */
export type TransitionSide = PeerConnRole | 'both';

export interface TransitionRequest {
  kind: TransitionKind;
  side: TransitionSide;
  /** Absolute virtual instant for clock-driven kinds; timing-driven kinds leave it to the timing config. */
  at?: number;
}

/** Result of a rule: the new record (null = the connection is gone) and the timed changes it starts. */
export interface Outcome {
  record: PeerConnRecord | null;
  schedule: TransitionRequest[];
  /** Pending transitions the change makes obsolete. */
  cancel: Array<{ kind: TransitionKind; side: TransitionSide }>;
}

export function isLive(record: PeerConnRecord): boolean {
  return record.initiator.status !== 'deleted';
}

export function sidesOf(record: PeerConnRecord): SideRecord[] {
  return record.acceptorRemoved ? [record.initiator] : [record.initiator, record.acceptor];
}
