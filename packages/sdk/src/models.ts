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

/**
 * One next hop of a multi-path rule (Baidu: dedicated gateways). The local server takes a primary/standby pair:
 * one `ha:active` and one `ha:standby` next hop.
 */
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
  /** Multi-path next hops instead of nexthopType/nexthopId: a primary/standby pair (`ha:active`, `ha:standby`). */
  nextHopList?: NextHop[];
}
export interface CreateRouteRuleOutput extends WithMetadata {
  /** The new rule (a single-path rule). */
  routeRuleId: string;
  /** The new rules of a multi-path rule, the active one first. */
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

// ---- pages ----

/** The paging fields every list answer carries besides its items. */
export interface PageInfo {
  marker?: string;
  isTruncated: boolean;
  nextMarker?: string;
  maxKeys: number;
}

/** A list answer: its items under `K` (the row's `listItems`), the paging fields, and `$metadata`. */
export type ListPage<K extends string, Item> = { [P in K]: Item[] } & PageInfo & WithMetadata;

/** The paging inputs of every list operation. */
export interface PageInput {
  marker?: string;
  /** 1–1000; 1000 when left out. */
  maxKeys?: number;
}

export interface RouteRuleSwitchInput extends MutatingCallOptions {
  /** The primary (`ha:active`) rule of a primary/standby pair. */
  routeRuleId: string;
}

// ---- subnet ACLs (stateless, per subnet) ----

export const ACL_PROTOCOLS = ['all', 'tcp', 'udp', 'icmp'] as const;
export type AclProtocol = (typeof ACL_PROTOCOLS)[number];
export const RULE_DIRECTIONS = ['ingress', 'egress'] as const;
export type RuleDirection = (typeof RULE_DIRECTIONS)[number];
export const ACL_ACTIONS = ['allow', 'deny'] as const;
export type AclAction = (typeof ACL_ACTIONS)[number];

/** One ACL rule of a subnet. The two default rules (allow all, one per direction) have an empty `id`. */
export interface AclRule {
  id: string;
  subnetId: string;
  description: string;
  protocol: AclProtocol;
  /** An address or CIDR, or `all`. */
  sourceIpAddress: string;
  destinationIpAddress: string;
  /** A port (`443`), a range (`1-65535`) or `all`. */
  sourcePort: string;
  destinationPort: string;
  /** 1–5000, unique per subnet and direction; the lowest matching position decides. */
  position: number;
  ipVersion: number;
  direction: RuleDirection;
  action: AclAction;
}

/** A rule as createAclRules takes it. */
export interface AclRuleRequest {
  subnetId: string;
  description?: string;
  protocol: AclProtocol | (string & {});
  sourceIpAddress: string;
  destinationIpAddress: string;
  sourcePort: string;
  destinationPort: string;
  position: number;
  direction: RuleDirection | (string & {});
  action: AclAction | (string & {});
  /** 4 (the default) or 6. */
  ipVersion?: number;
}

/** A subnet with its ACL rules, as listAclEntrys answers it. */
export interface AclEntry {
  subnetId: string;
  subnetName: string;
  subnetCidr: string;
  aclRules: AclRule[];
}

export interface ListAclEntrysInput extends CallOptions {
  vpcId: string;
}
export interface ListAclEntrysOutput extends WithMetadata {
  vpcId: string;
  vpcName: string;
  vpcCidr: string;
  aclEntrys: AclEntry[];
}

export interface CreateAclRulesInput extends MutatingCallOptions {
  /** 1–20 rules, each for a subnet of the caller. */
  aclRules: AclRuleRequest[];
}

export interface ListAclRulesInput extends CallOptions, PageInput {
  subnetId: string;
}
export type ListAclRulesOutput = ListPage<'aclRules', AclRule>;

export interface UpdateAclRuleInput extends MutatingCallOptions {
  aclRuleId: string;
  description?: string;
  protocol?: AclProtocol | (string & {});
  sourceIpAddress?: string;
  destinationIpAddress?: string;
  sourcePort?: string;
  destinationPort?: string;
  position?: number;
  action?: AclAction | (string & {});
}

export interface AclRuleIdInput extends MutatingCallOptions {
  aclRuleId: string;
}

// ---- security groups (stateful, per VPC; the BCC API under /v2) ----

export const ETHERTYPES = ['IPv4', 'IPv6'] as const;
export type Ethertype = (typeof ETHERTYPES)[number];
/** Security group rule protocols; `""` (or leaving it out) means all, as does `all`. */
export const SECURITY_GROUP_PROTOCOLS = ['tcp', 'udp', 'icmp', 'all', ''] as const;

/**
 * A security group rule as authorize, revoke and create take it. An ingress rule names its peers by
 * `sourceIp` or `sourceGroupId`, an egress rule by `destIp` or `destGroupId`; `null` (as the Python SDK sends
 * unset fields) means left out.
 */
export interface SecurityGroupRuleInput {
  remark?: string | null;
  direction: RuleDirection | (string & {});
  /** `IPv4` when left out. */
  ethertype?: Ethertype | (string & {}) | null;
  /** `""` or left out: every port; `80`; `8000-8080`. */
  portRange?: string | null;
  /** `tcp`, `udp`, `icmp`; `""`, `all` or left out: every protocol. */
  protocol?: string | null;
  sourceGroupId?: string | null;
  /** An address or CIDR; `""` or left out with no group: everyone (`0.0.0.0/0`). */
  sourceIp?: string | null;
  destGroupId?: string | null;
  destIp?: string | null;
  securityGroupId?: string | null;
}

/** A stored security group rule, as the group's answers show it. */
export interface SecurityGroupRule {
  securityGroupRuleId: string;
  securityGroupId: string;
  /** The group again (the Go SDK's detail model reads it under this name). */
  securityGroupUuid?: string;
  remark: string;
  direction: RuleDirection;
  ethertype: Ethertype;
  portRange: string;
  protocol: string;
  sourceGroupId: string;
  sourceIp: string;
  destGroupId: string;
  destIp: string;
  createdTime: string;
  updatedTime: string;
}

/** A security group, as listSecurityGroups and getSecurityGroup answer it. */
export interface SecurityGroup {
  id: string;
  name: string;
  desc: string;
  vpcId: string;
  rules: SecurityGroupRule[];
  tags: TagModel[];
  createdTime: string;
  /** Goes up by one with every change of the group's rules. */
  sgVersion: number;
  /** Network interfaces using the group (the local server has no instances). */
  bindInstanceNum: number;
}

export interface CreateSecurityGroupInput extends MutatingCallOptions {
  name: string;
  desc?: string;
  vpcId?: string;
  /** The Go SDK and Terraform send `null` when there are none. */
  rules?: SecurityGroupRuleInput[] | null;
  tags?: TagModel[];
}
export interface CreateSecurityGroupOutput extends WithMetadata {
  securityGroupId: string;
}

export interface ListSecurityGroupsInput extends CallOptions, PageInput {
  /** Groups of the instance (a network interface here) with this id. */
  instanceId?: string;
  vpcId?: string;
  securityGroupId?: string;
  /** Comma-separated on the wire. */
  securityGroupIds?: string[];
}
export type ListSecurityGroupsOutput = ListPage<'securityGroups', SecurityGroup>;

export interface GetSecurityGroupInput extends CallOptions {
  securityGroupId: string;
}
export type GetSecurityGroupOutput = SecurityGroup & WithMetadata;

export interface SecurityGroupRuleChangeInput extends MutatingCallOptions {
  securityGroupId: string;
  rule: SecurityGroupRuleInput;
  /** The group's version the change is based on; a stale one is refused. */
  sgVersion?: number;
}

export interface UpdateSecurityGroupRuleInput extends MutatingCallOptions {
  securityGroupRuleId: string;
  sgVersion?: number;
  remark?: string;
  portRange?: string;
  sourceIp?: string;
  sourceGroupId?: string;
  destIp?: string;
  destGroupId?: string;
  protocol?: string;
}

export interface DeleteSecurityGroupRuleInput extends MutatingCallOptions {
  securityGroupRuleId: string;
  sgVersion?: number;
}

export interface SecurityGroupIdInput extends MutatingCallOptions {
  securityGroupId: string;
}

// ---- elastic network interfaces ----

/** `available` (attached to nothing), `attaching`, `inuse` (attached), `detaching`. */
export const ENI_STATUSES = ['available', 'attaching', 'inuse', 'detaching'] as const;
export type EniStatus = (typeof ENI_STATUSES)[number];

export interface EniPrivateIp {
  publicIpAddress: string;
  primary: boolean;
  privateIpAddress: string;
}

/** An elastic network interface: where traffic starts and ends in the local server's network. */
export interface Eni {
  eniId: string;
  name: string;
  zoneName: string;
  description: string;
  instanceId: string;
  macAddress: string;
  vpcId: string;
  subnetId: string;
  status: EniStatus;
  privateIpSet: EniPrivateIp[];
  ipv6PrivateIpSet: EniPrivateIp[];
  securityGroupIds: string[];
  enterpriseSecurityGroupIds: string[];
  createdTime: string;
  tags?: TagModel[];
}

/** An address of a new interface: `privateIpAddress` `""` or left out picks a free one of the subnet. */
export interface EniPrivateIpRequest {
  primary: boolean;
  privateIpAddress?: string | null;
  publicIpAddress?: string | null;
}

export interface CreateEniInput extends MutatingCallOptions {
  name: string;
  subnetId: string;
  instanceId?: string;
  /** Groups of the interface's VPC (1–10). */
  securityGroupIds?: string[] | null;
  enterpriseSecurityGroupIds?: string[] | null;
  /** Exactly one primary address; the others are secondary. */
  privateIpSet: EniPrivateIpRequest[] | null;
  ipv6PrivateIpSet?: EniPrivateIpRequest[] | null;
  description?: string;
  tags?: TagModel[];
  networkInterfaceTrafficMode?: string;
}
export interface CreateEniOutput extends WithMetadata {
  eniId: string;
}

export interface ListEnisInput extends CallOptions, PageInput {
  vpcId: string;
  instanceId?: string;
  name?: string;
  /** Interfaces holding any of these addresses; comma-separated on the wire. */
  privateIpAddress?: string[];
}
export type ListEnisOutput = ListPage<'enis', Eni>;

export interface GetEniQuotaInput extends CallOptions {
  eniId?: string;
  instanceId?: string;
}
export interface GetEniQuotaOutput extends WithMetadata {
  totalQuantity: number;
  availableQuantity: number;
}

export interface EniIdInput extends CallOptions {
  eniId: string;
}
export type GetEniOutput = Eni & WithMetadata;
export interface GetEniStatusOutput extends WithMetadata {
  status: EniStatus;
}

export interface UpdateEniInput extends MutatingCallOptions {
  eniId: string;
  name?: string;
  description?: string;
}

export interface UpdateEniSecurityGroupsInput extends MutatingCallOptions {
  eniId: string;
  securityGroupIds: string[];
}

export interface AttachEniInput extends MutatingCallOptions {
  eniId: string;
  instanceId: string;
  instanceType?: string;
}

export interface DetachEniInput extends MutatingCallOptions {
  eniId: string;
  instanceId: string;
}

export interface DeleteEniInput extends MutatingCallOptions {
  eniId: string;
}

export interface AddEniPrivateIpInput extends MutatingCallOptions {
  eniId: string;
  /** `""` or left out picks a free address of the subnet. */
  privateIpAddress?: string;
  isIpv6?: boolean;
}
export interface AddEniPrivateIpOutput extends WithMetadata {
  privateIpAddress: string;
}

export interface DeleteEniPrivateIpInput extends MutatingCallOptions {
  eniId: string;
  privateIpAddress: string;
}

export interface BatchAddEniPrivateIpsInput extends MutatingCallOptions {
  eniId: string;
  /** Up to 10 addresses; or give privateIpAddressCount to have free ones picked. */
  privateIpAddresses?: string[];
  privateIpAddressCount?: number;
  isIpv6?: boolean;
}
export interface BatchAddEniPrivateIpsOutput extends WithMetadata {
  privateIpAddresses: string[];
}

export interface BatchDeleteEniPrivateIpsInput extends MutatingCallOptions {
  eniId: string;
  privateIpAddresses: string[];
}

// ---- every operation's input and output ----

/**
 * The input and output type of each operation of the table (operations.ts), keyed by its name. The clients'
 * methods are derived from this (client.ts), and a type-check holds it to the table: one entry per row, the
 * input's wire fields exactly the row's fields. `optionalInput` marks operations callable with no input.
 */
export interface OperationShapes {
  createPeerConn: { input: CreatePeerConnInput; output: CreatePeerConnOutput };
  listPeerConns: { input: ListPeerConnsInput; output: ListPeerConnsOutput; optionalInput: true };
  getPeerConn: { input: GetPeerConnInput; output: GetPeerConnOutput };
  updatePeerConn: { input: UpdatePeerConnInput; output: EmptyOutput };
  acceptPeerConn: { input: PeerConnIdInput; output: EmptyOutput };
  rejectPeerConn: { input: PeerConnIdInput; output: EmptyOutput };
  deletePeerConn: { input: PeerConnIdInput; output: EmptyOutput };
  resizePeerConn: { input: ResizePeerConnInput; output: EmptyOutput };
  renewPeerConn: { input: RenewPeerConnInput; output: EmptyOutput };
  refundPeerConn: { input: PeerConnIdInput; output: EmptyOutput };
  openPeerConnDnsSync: { input: PeerConnDnsSyncInput; output: EmptyOutput };
  closePeerConnDnsSync: { input: PeerConnDnsSyncInput; output: EmptyOutput };
  updatePeerConnDeleteProtect: { input: UpdatePeerConnDeleteProtectInput; output: EmptyOutput };
  createVpc: { input: CreateVpcInput; output: CreateVpcOutput };
  listVpcs: { input: ListVpcsInput; output: ListVpcsOutput; optionalInput: true };
  getVpc: { input: GetVpcInput; output: GetVpcOutput };
  updateVpc: { input: UpdateVpcInput; output: EmptyOutput };
  deleteVpc: { input: VpcIdInput; output: EmptyOutput };
  openVpcRelay: { input: VpcIdInput; output: EmptyOutput };
  shutdownVpcRelay: { input: VpcIdInput; output: EmptyOutput };
  createSubnet: { input: CreateSubnetInput; output: CreateSubnetOutput };
  listSubnets: { input: ListSubnetsInput; output: ListSubnetsOutput; optionalInput: true };
  getSubnet: { input: GetSubnetInput; output: GetSubnetOutput };
  updateSubnet: { input: UpdateSubnetInput; output: EmptyOutput };
  deleteSubnet: { input: SubnetIdInput; output: EmptyOutput };
  getRouteTable: { input: GetRouteTableInput; output: GetRouteTableOutput };
  createRouteRule: { input: CreateRouteRuleInput; output: CreateRouteRuleOutput };
  listRouteRules: { input: ListRouteRulesInput; output: ListRouteRulesOutput };
  updateRouteRule: { input: UpdateRouteRuleInput; output: EmptyOutput };
  deleteRouteRule: { input: RouteRuleIdInput; output: EmptyOutput };
  switchRouteRule: { input: RouteRuleSwitchInput; output: EmptyOutput };
  listAclEntrys: { input: ListAclEntrysInput; output: ListAclEntrysOutput };
  createAclRules: { input: CreateAclRulesInput; output: EmptyOutput };
  listAclRules: { input: ListAclRulesInput; output: ListAclRulesOutput };
  updateAclRule: { input: UpdateAclRuleInput; output: EmptyOutput };
  deleteAclRule: { input: AclRuleIdInput; output: EmptyOutput };
  createSecurityGroup: { input: CreateSecurityGroupInput; output: CreateSecurityGroupOutput };
  listSecurityGroups: {
    input: ListSecurityGroupsInput;
    output: ListSecurityGroupsOutput;
    optionalInput: true;
  };
  getSecurityGroup: { input: GetSecurityGroupInput; output: GetSecurityGroupOutput };
  authorizeSecurityGroupRule: { input: SecurityGroupRuleChangeInput; output: EmptyOutput };
  revokeSecurityGroupRule: { input: SecurityGroupRuleChangeInput; output: EmptyOutput };
  updateSecurityGroupRule: { input: UpdateSecurityGroupRuleInput; output: EmptyOutput };
  deleteSecurityGroupRule: { input: DeleteSecurityGroupRuleInput; output: EmptyOutput };
  deleteSecurityGroup: { input: SecurityGroupIdInput; output: EmptyOutput };
  createEni: { input: CreateEniInput; output: CreateEniOutput };
  listEnis: { input: ListEnisInput; output: ListEnisOutput };
  getEniQuota: { input: GetEniQuotaInput; output: GetEniQuotaOutput; optionalInput: true };
  getEni: { input: EniIdInput; output: GetEniOutput };
  getEniStatus: { input: EniIdInput; output: GetEniStatusOutput };
  updateEni: { input: UpdateEniInput; output: EmptyOutput };
  updateEniSecurityGroups: { input: UpdateEniSecurityGroupsInput; output: EmptyOutput };
  attachEni: { input: AttachEniInput; output: EmptyOutput };
  detachEni: { input: DetachEniInput; output: EmptyOutput };
  deleteEni: { input: DeleteEniInput; output: EmptyOutput };
  addEniPrivateIp: { input: AddEniPrivateIpInput; output: AddEniPrivateIpOutput };
  deleteEniPrivateIp: { input: DeleteEniPrivateIpInput; output: EmptyOutput };
  batchAddEniPrivateIps: { input: BatchAddEniPrivateIpsInput; output: BatchAddEniPrivateIpsOutput };
  batchDeleteEniPrivateIps: { input: BatchDeleteEniPrivateIpsInput; output: EmptyOutput };
}
