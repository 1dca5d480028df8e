// Wire types of the BCE VPC peering API (and the VPC operations peering depends on).
// Field names are the wire's camelCase names; see docs/wire.md, "Request bodies" and "Responses".

export const PEER_CONN_STATUSES = [
  'creating',
  'consulting',
  'consult_failed',
  'active',
  'down',
  'starting',
  'stopping',
  'deleting',
  'deleted',
  'expired',
  'error',
  'updating',
] as const;
export type PeerConnStatus = (typeof PEER_CONN_STATUSES)[number];

export const DNS_STATUSES = ['close', 'wait', 'syncing', 'open', 'closing'] as const;
export type DnsStatus = (typeof DNS_STATUSES)[number];

export const PEER_CONN_ROLES = ['initiator', 'acceptor'] as const;
export type PeerConnRole = (typeof PEER_CONN_ROLES)[number];

export const PAYMENT_TIMINGS = ['Prepaid', 'Postpaid'] as const;
export type PaymentTiming = (typeof PAYMENT_TIMINGS)[number];

/** Allowed prepaid reservation lengths, in months. */
export const RESERVATION_LENGTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36] as const;

export interface Reservation {
  reservationLength: number;
  /** Only months are supported; the service compares case-insensitively ("Month" / "month"). */
  reservationTimeUnit?: string;
}

export interface Billing {
  paymentTiming?: PaymentTiming;
  reservation?: Reservation;
}

export interface TagModel {
  tagKey: string;
  tagValue?: string;
}

/** One side of a peering connection, as seen by the account that owns that side. */
export interface PeerConn {
  peerConnId: string;
  role: PeerConnRole;
  status: PeerConnStatus;
  bandwidthInMbps: number;
  description?: string;
  localIfId: string;
  localIfName?: string;
  localVpcId: string;
  localRegion: string;
  peerVpcId: string;
  peerRegion: string;
  peerAccountId: string;
  paymentTiming: PaymentTiming;
  dnsStatus: DnsStatus;
  createdTime: string;
  expiredTime?: string;
  tags?: TagModel[];
  deleteProtect?: boolean;
}

/**
 * Why the SDK did not retry a failed attempt: the failure is not one a retry can fix, the call made all the
 * attempts it may (maxRetries + 1), or the client's retry budget is spent (a sustained outage).
 */
export type RetryRefusal = 'not-retryable' | 'max-attempts-reached' | 'retry-budget-exhausted';

/** Metadata attached to every successful SDK output, and to the errors of failed calls. */
export interface ResponseMetadata {
  httpStatusCode: number;
  requestId?: string;
  attempts: number;
  totalRetryDelayMs: number;
  /** On the error a call failed with: why its last failure was not retried. */
  retryRefusal?: RetryRefusal;
}

export interface WithMetadata {
  $metadata: ResponseMetadata;
}

/** Options every SDK call accepts besides its input fields. */
export interface CallOptions {
  abortSignal?: AbortSignal;
  /** Overrides the client's per-attempt timeout for this call. */
  timeoutMs?: number;
  /** Deadline for this whole call, retries and their sleeps included (overrides the client's). */
  callTimeoutMs?: number;
}

export interface MutatingCallOptions extends CallOptions {
  /** Idempotency token; generated once per call (UUID v4) when omitted and reused on every retry. */
  clientToken?: string;
}

// ---- peering inputs / outputs ----

export interface CreatePeerConnInput extends MutatingCallOptions {
  bandwidthInMbps: number;
  localVpcId: string;
  peerVpcId: string;
  peerRegion: string;
  peerAccountId?: string;
  description?: string;
  localIfName?: string;
  peerIfName?: string;
  /** Defaults to `{ paymentTiming: 'Postpaid' }`, as the Python SDK does (the service requires the field). */
  billing?: Billing;
  tags?: TagModel[];
  resourceGroupId?: string;
  deleteProtect?: boolean;
}
export interface CreatePeerConnOutput extends WithMetadata {
  peerConnId: string;
}

export interface ListPeerConnsInput extends CallOptions {
  vpcId?: string;
  marker?: string;
  maxKeys?: number;
}
export interface ListPeerConnsOutput extends WithMetadata {
  peerConns: PeerConn[];
  marker?: string;
  isTruncated: boolean;
  nextMarker?: string;
  maxKeys: number;
}

export interface GetPeerConnInput extends CallOptions {
  peerConnId: string;
  role?: PeerConnRole;
}
export type GetPeerConnOutput = PeerConn & WithMetadata;

export interface UpdatePeerConnInput extends MutatingCallOptions {
  peerConnId: string;
  localIfId: string;
  description?: string;
  localIfName?: string;
}

export interface PeerConnIdInput extends MutatingCallOptions {
  peerConnId: string;
}

export interface ResizePeerConnInput extends MutatingCallOptions {
  peerConnId: string;
  newBandwidthInMbps: number;
}

export interface RenewPeerConnInput extends MutatingCallOptions {
  peerConnId: string;
  billing: { reservation: Reservation };
}

export interface PeerConnDnsSyncInput extends MutatingCallOptions {
  peerConnId: string;
  role: PeerConnRole;
}

export interface UpdatePeerConnDeleteProtectInput extends MutatingCallOptions {
  peerConnId: string;
  deleteProtect: boolean;
}

/** Output of operations that return no data. */
export type EmptyOutput = WithMetadata;

// ---- VPC ----

export interface Vpc {
  vpcId: string;
  name: string;
  cidr: string;
  ipv6Cidr?: string;
  description?: string;
  isDefault: boolean;
  secondaryCidr?: string[];
  tags?: TagModel[];
  createdTime?: string;
  /** Whether the VPC is a relay (transit) VPC. */
  relay?: boolean;
  /** Only in the detail view (getVpc, Baidu's ShowVpcModel). */
  subnets?: Subnet[];
}

/** Subnet types: `BCC_NAT` is no longer in Baidu's pages but older SDKs and Terraform still send it. */
export const SUBNET_TYPES = ['BCC', 'BBC', 'BCC_NAT'] as const;
export type SubnetType = (typeof SUBNET_TYPES)[number];

/** A subnet (Baidu's Subnet model), as getSubnet, listSubnets and the VPC detail answer it. */
export interface Subnet {
  subnetId: string;
  name: string;
  zoneName?: string;
  cidr: string;
  /** `""` when the subnet has no IPv6 range. */
  ipv6Cidr?: string;
  vpcId: string;
  subnetType?: SubnetType | (string & {});
  description?: string;
  createdTime?: string;
  /** Addresses left for resources. */
  availableIp?: number;
  /** Addresses left outside reserved ranges. */
  availableUnreservedIp?: number;
  tags?: TagModel[];
}

export interface CreateVpcInput extends MutatingCallOptions {
  name: string;
  cidr: string;
  description?: string;
  enableIpv6?: boolean;
  tags?: TagModel[];
}
export interface CreateVpcOutput extends WithMetadata {
  vpcId: string;
}

export interface ListVpcsInput extends CallOptions {
  marker?: string;
  maxKeys?: number;
  isDefault?: boolean;
  /** Comma-separated on the wire. */
  vpcIds?: string[];
}
export interface ListVpcsOutput extends WithMetadata {
  vpcs: Vpc[];
  marker?: string;
  isTruncated: boolean;
  nextMarker?: string;
  maxKeys: number;
}

export interface GetVpcInput extends CallOptions {
  vpcId: string;
}
export interface GetVpcOutput extends WithMetadata {
  vpc: Vpc;
}

export interface UpdateVpcInput extends MutatingCallOptions {
  vpcId: string;
  name?: string;
  description?: string;
  enableIpv6?: boolean;
}

export interface VpcIdInput extends MutatingCallOptions {
  vpcId: string;
}

// ---- subnets ----

export interface CreateSubnetInput extends MutatingCallOptions {
  name: string;
  /** `cn-<region>-<letter>`, a zone of the VPC's region, e.g. `cn-bj-a`. */
  zoneName: string;
  /** Inside the VPC's CIDR. */
  cidr: string;
  vpcId: string;
  /** `BCC` when left out. */
  subnetType?: SubnetType | (string & {});
  description?: string;
  enableIpv6?: boolean;
  tags?: TagModel[];
}
export interface CreateSubnetOutput extends WithMetadata {
  subnetId: string;
}

export interface ListSubnetsInput extends CallOptions {
  marker?: string;
  maxKeys?: number;
  vpcId?: string;
  zoneName?: string;
  subnetType?: SubnetType | (string & {});
  /** Comma-separated on the wire. */
  subnetIds?: string[];
}
export interface ListSubnetsOutput extends WithMetadata {
  subnets: Subnet[];
  marker?: string;
  isTruncated: boolean;
  nextMarker?: string;
  maxKeys: number;
}

export interface GetSubnetInput extends CallOptions {
  subnetId: string;
}
export interface GetSubnetOutput extends WithMetadata {
  subnet: Subnet;
}

export interface UpdateSubnetInput extends MutatingCallOptions {
  subnetId: string;
  /** Required by the service, even when only the description changes. */
  name: string;
  description?: string;
  enableIpv6?: boolean;
}

export interface SubnetIdInput extends MutatingCallOptions {
  subnetId: string;
}

// ---- route tables and route rules ----

/** Next hop types a route rule may be created with (`sys` marks the system routes and cannot be created). */
export const NEXTHOP_TYPES = [
  'custom',
  'vpn',
  'nat',
  'dcGateway',
  'peerConn',
  'ipv6gateway',
  'enic',
  'havip',
  'defaultGateway',
] as const;
export type NexthopType = (typeof NEXTHOP_TYPES)[number];

/** One rule of a route table. System routes (`nexthopType` `sys`, one per subnet) have an empty routeRuleId. */
export interface RouteRule {
  routeRuleId: string;
  routeTableId: string;
  sourceAddress: string;
  destinationAddress: string;
  /** For `peerConn`: the interface id (`qpif-…`) of this VPC's side of the connection, not the peerConnId. */
  nexthopId: string;
  nexthopType: NexthopType | 'sys' | (string & {});
  description: string;
  /** `normal` for a single next hop; `ecmp`, `ha:active`, `ha:standby` for multi-path rules. */
  pathType?: string;
}

/** One next hop of a multi-path rule (Baidu: dedicated gateways only; the local server has none). */
export interface NextHop {
  nexthopId: string;
  nexthopType: string;
  pathType?: string;
}

export interface GetRouteTableInput extends CallOptions {
  /** Give this or vpcId; when both are given they must name the same table. */
  routeTableId?: string;
  vpcId?: string;
}
export interface GetRouteTableOutput extends WithMetadata {
  name?: string;
  routeTableId: string;
  vpcId: string;
  routeRules: RouteRule[];
}

export interface CreateRouteRuleInput extends MutatingCallOptions {
  routeTableId: string;
  /** `0.0.0.0/0`, or a range inside one of the VPC's subnets. */
  sourceAddress: string;
  /** Must not overlap the VPC's own CIDR, unless it is `0.0.0.0/0`. */
  destinationAddress: string;
  /** Required for a single-path rule. */
  nexthopType?: NexthopType | (string & {});
  /** For `peerConn`: the localIfId (`qpif-…`) of your side of the connection. */
  nexthopId?: string;
  description?: string;
  /** Multi-path next hops instead of nexthopType/nexthopId (refused by the local server). */
  nextHopList?: NextHop[];
}
export interface CreateRouteRuleOutput extends WithMetadata {
  /** The new rule (a single-path rule). */
  routeRuleId: string;
  /** The new rules of a multi-path rule. */
  routeRuleIds?: string[];
}

export interface ListRouteRulesInput extends CallOptions {
  /** Give this or vpcId. */
  routeTableId?: string;
  vpcId?: string;
  marker?: string;
  maxKeys?: number;
}
export interface ListRouteRulesOutput extends WithMetadata {
  routeRules: RouteRule[];
  marker?: string;
  isTruncated: boolean;
  nextMarker?: string;
  maxKeys: number;
}

export interface UpdateRouteRuleInput extends MutatingCallOptions {
  routeRuleId: string;
  /** `""` or absent keeps the current value (the Go SDK always sends both addresses). */
  sourceAddress?: string;
  destinationAddress?: string;
  nexthopId?: string;
  description?: string;
}

export interface RouteRuleIdInput extends MutatingCallOptions {
  routeRuleId: string;
}
