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

/** A subnet as the VPC detail lists it (Baidu's Subnet model). */
export interface Subnet {
  subnetId: string;
  name: string;
  zoneName?: string;
  cidr: string;
  ipv6Cidr?: string;
  vpcId: string;
  subnetType?: string;
  description?: string;
  createdTime?: string;
  availableIp?: number;
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
