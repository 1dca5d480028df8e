// Error codes users can switch on. The common BCE codes are documented by Baidu; the peering, subnet and route
// rule codes are this project's choice (Baidu publishes none) and are listed with their HTTP status in
// docs/wire.md. The server renders exactly these; the SDK exposes them as a literal union.

export const ERROR_CODES = {
  // --- documented BCE common codes ---
  AccessDenied: 403,
  InappropriateJSON: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidHTTPAuthHeader: 400,
  InvalidHTTPRequest: 400,
  InvalidURI: 400,
  MalformedJSON: 400,
  InvalidVersion: 404,
  RequestExpired: 400,
  IdempotentParameterMismatch: 403,
  SignatureDoesNotMatch: 400,
  // --- request shape (this project's choice) ---
  /** A query parameter is missing or has a bad value (`role`, `maxKeys`, `marker`, flags). */
  InvalidParameter: 400,
  /** No route for this method and path. */
  NotFound: 404,
  MethodNotAllowed: 405,
  /** The request was not received completely in time (slow client). */
  RequestTimeout: 408,
  /** Request body larger than the server's limit. */
  EntityTooLarge: 413,
  /** Injected by the server's fault injection, or a real throttle. */
  ServiceUnavailable: 503,
  Throttling: 429,
  // --- resources and peering rules (this project's choice) ---
  /** The peering connection, VPC, subnet, route table or route rule does not exist, or the caller may not see it. */
  NoSuchObject: 404,
  /** The operation is not allowed in the connection's current status. */
  InvalidPeerConnStatus: 409,
  /** DNS sync cannot change while it is syncing or closing. */
  InvalidDnsStatus: 409,
  /** Only the other side may do this (accept/reject: acceptor; release/resize/renew/refund: initiator). */
  OperationNotPermitted: 403,
  /** A peering connection already exists between these two VPCs. */
  PeerConnAlreadyExists: 409,
  /** Local and peer VPC are the same, or the peer VPC is in an unknown region/account. */
  InvalidPeerVpc: 400,
  /** Both VPCs are relay VPCs. */
  RelayVpcPeeringNotAllowed: 400,
  /** 10 per VPC or 10 per account (configurable). */
  PeerConnQuotaExceeded: 400,
  /** Billing not allowed for this connection (same region must be Postpaid; renew/refund need Prepaid). */
  InvalidBilling: 400,
  /** Prepaid bandwidth can only go up. */
  BandwidthDowngradeNotAllowed: 400,
  /** Bandwidth outside the allowed range. */
  InvalidBandwidth: 400,
  /** An active, unexpired Prepaid connection cannot be released (refund it instead). */
  PrepaidReleaseNotAllowed: 409,
  /** Release protection is on. */
  DeleteProtected: 409,
  /** A VPC that still has peering connections, subnets or custom route rules cannot be deleted. */
  VpcInUse: 409,
  /** An emulator account that still owns resources cannot be deleted (admin API). */
  AccountInUse: 409,
  /** A CIDR (VPC, subnet, route address) that is malformed, has host bits set or a prefix out of range. */
  InvalidCidr: 400,
  // --- subnets and route tables (this project's choice) ---
  /** Subnet CIDR not inside its VPC's, or a zone that is not one of the VPC's region. */
  InvalidSubnet: 400,
  /** The subnet CIDR overlaps another subnet of the VPC. */
  SubnetConflict: 409,
  /** 10 subnets per VPC (configurable). */
  SubnetQuotaExceeded: 400,
  /** A custom route rule takes its source from the subnet. */
  SubnetInUse: 409,
  /** Destination inside the VPC's own CIDR, source outside every subnet, or a multi-path rule. */
  InvalidRouteRule: 400,
  /** The table already has a rule with this source and destination. */
  RouteRuleConflict: 409,
  /** 50 custom rules per route table (configurable). */
  RouteRuleQuotaExceeded: 400,
  /** System routes (nexthopType sys) are made by the VPC itself: they cannot be created. */
  SystemRouteImmutable: 400,
  /** Unknown nexthopType, or a peering next hop that is not the caller's interface in this VPC. */
  InvalidNexthop: 400,
  // --- network interfaces (this project's choice; Baidu publishes no ENI codes but Vpc.SecurityGroupsNotSameVpc) ---
  /** A security group of another VPC than the network interface's (Baidu's code for the same refusal). */
  'Vpc.SecurityGroupsNotSameVpc': 400,
  /**
   * A private address that is malformed, outside the interface's subnet or reserved there, IPv6 on a subnet
   * without IPv6, not held by the interface, or its primary address on a delete.
   */
  InvalidPrivateIp: 400,
  /** Another network interface of the VPC already holds the address. */
  PrivateIpInUse: 409,
  /** The subnet has no free address left to pick. */
  SubnetIpExhausted: 400,
  /** Unattached interfaces per VPC (500), addresses per interface (40), interfaces per instance (8); configurable. */
  EniQuotaExceeded: 400,
  /** Attach or detach in a status that does not allow it, or a detach naming another instance. */
  InvalidEniStatus: 409,
  /** An attached network interface cannot be deleted. */
  EniInUse: 409,
  /** A Baidu feature the local server does not model (enterprise security groups, elastic IPs). */
  UnsupportedFeature: 400,
  // --- subnet ACLs and security groups (docs/server-rules.md says which are Baidu's and which ours) ---
  /** An ACL rule value out of range or of the wrong form (protocol, address, port, position, direction, action). */
  InvalidAclRule: 400,
  /** Another ACL rule of the subnet and direction already has this position. */
  AclRulePositionConflict: 409,
  /** A subnet already has its ACL rules in this direction (150 by default, configurable). */
  AclRuleQuotaExceeded: 400,
  /** Baidu's code for a security group rule protocol other than tcp, udp, icmp or all. */
  BadRequest: 400,
  /** A port range outside 1-65535, or a range on a protocol without ports (Baidu). */
  'SecurityGroup.RulePortRangeInvalid': 400,
  /** A port range whose first port is above its last (Baidu). */
  'SecurityGroup.RulePortOrderInvalid': 400,
  /** A port that is not a number (Baidu). */
  'SecurityGroup.RulePortInvalid': 400,
  /** A sourceIp or destIp that is no address or CIDR of the rule's ethertype (Baidu). */
  'SecurityGroup.RuleCIDRAddressError': 400,
  /** A remark longer than the limit (Baidu). */
  'SecurityGroup.RuleRemarkTooLong': 400,
  /** A rule direction other than ingress or egress. */
  'SecurityGroup.RuleDirectionInvalid': 400,
  /** An ethertype other than IPv4 or IPv6. */
  'SecurityGroup.RuleEthertypeInvalid': 400,
  /** An address and a group for the same peer, or a peer field of the other direction. */
  'SecurityGroup.RulePeerInvalid': 400,
  /** A rule naming a group of another VPC (use the peer's CIDR instead). */
  'SecurityGroup.RuleGroupNotInVpc': 400,
  /** The group already has a rule with the same remark, protocol, direction, ports and peer (409: Baidu). */
  'SecurityGroup.RuleAlreadyExists': 409,
  /** A group already has its rules in this direction (100 by default, configurable). */
  'SecurityGroup.RuleQuotaExceeded': 400,
  /** The sgVersion given is not the group's current version: someone changed its rules meanwhile. */
  'SecurityGroup.VersionMismatch': 409,
  /** Network interfaces still use the group (Baidu). */
  'SecurityGroup.InstancesAssociatedSecurityGroupCanNotBeDeleted': 409,
  /** A VPC's default group goes only with its VPC. */
  'SecurityGroup.DefaultSecurityGroupCanNotBeDeleted': 409,
  /** Another group's rule names this group as its source or destination. */
  'SecurityGroup.ReferencedSecurityGroupCanNotBeDeleted': 409,
} as const;

export type KnownErrorCode = keyof typeof ERROR_CODES;
/** A known code, or any other string the service may return. */
export type ErrorCode = KnownErrorCode | (string & {});

export function isKnownErrorCode(code: string): code is KnownErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
