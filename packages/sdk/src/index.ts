// The public surface of @peerconn/sdk: what docs/sdk.md documents, name by name, and nothing else. The list is
// docs/CONTRACTS.md's, checked against the built declarations by test/sdk-surface.test.ts. What peerconn's own
// packages need beyond it comes from the named entries `@peerconn/sdk/operations` and `@peerconn/sdk/internal`.

// Clients and calls
export {
  BceClient,
  type ClientConfig,
  PeerConnClient,
  RouteClient,
  SubnetClient,
  VpcClient,
} from './client.ts';
export type { Clock } from './clock.ts';
export { systemClock } from './clock.ts';
export type { Credentials } from './credentials.ts';
// Credentials, region, endpoint and the profile file
export {
  type CredentialSource,
  type ResolveConfigInput,
  type ResolvedConfig,
  resolveConfig,
} from './credentials.ts';
// Errors
export type { ErrorCode, KnownErrorCode } from './error-codes.ts';
export { BceClientError, BceServiceError, type ClientErrorKind, isNotFoundError } from './errors.ts';
// Wire types: resources, literal unions with their value lists, and every operation's input and output
export {
  type Billing,
  type CallOptions,
  type CreatePeerConnInput,
  type CreatePeerConnOutput,
  type CreateRouteRuleInput,
  type CreateRouteRuleOutput,
  type CreateSubnetInput,
  type CreateSubnetOutput,
  type CreateVpcInput,
  type CreateVpcOutput,
  DNS_STATUSES,
  type DnsStatus,
  type EmptyOutput,
  type GetPeerConnInput,
  type GetPeerConnOutput,
  type GetRouteTableInput,
  type GetRouteTableOutput,
  type GetSubnetInput,
  type GetSubnetOutput,
  type GetVpcInput,
  type GetVpcOutput,
  type ListPeerConnsInput,
  type ListPeerConnsOutput,
  type ListRouteRulesInput,
  type ListRouteRulesOutput,
  type ListSubnetsInput,
  type ListSubnetsOutput,
  type ListVpcsInput,
  type ListVpcsOutput,
  type MutatingCallOptions,
  NEXTHOP_TYPES,
  type NextHop,
  type NexthopType,
  PAYMENT_TIMINGS,
  type PaymentTiming,
  PEER_CONN_ROLES,
  PEER_CONN_STATUSES,
  type PeerConn,
  type PeerConnDnsSyncInput,
  type PeerConnIdInput,
  type PeerConnRole,
  type PeerConnStatus,
  RESERVATION_LENGTHS,
  type RenewPeerConnInput,
  type Reservation,
  type ResizePeerConnInput,
  type ResponseMetadata,
  type RetryRefusal,
  type RouteRule,
  type RouteRuleIdInput,
  SUBNET_TYPES,
  type Subnet,
  type SubnetIdInput,
  type SubnetType,
  type TagModel,
  type UpdatePeerConnDeleteProtectInput,
  type UpdatePeerConnInput,
  type UpdateRouteRuleInput,
  type UpdateSubnetInput,
  type UpdateVpcInput,
  type Vpc,
  type VpcIdInput,
  type WithMetadata,
} from './models.ts';
export type { OperationInput, OperationOutput } from './operation-types.ts';
export type { OperationName } from './operations.ts';
// Pagination
export {
  type Paginator,
  paginateOperation,
  paginatePeerConns,
  paginateRouteRules,
  paginateSubnets,
  paginateVpcs,
} from './paginate.ts';
export {
  type ConfigFile,
  defaultConfigPath,
  deleteProfile,
  getProfile,
  listProfiles,
  type Profile,
  type ProfileEntry,
  type ProfileMode,
  readConfigFile,
  setCurrentProfile,
  writeProfile,
} from './profiles.ts';
export type { RequestInput, RequestOutput } from './requests.ts';
// Retries
export {
  type RetryDecision,
  type RetryFailure,
  type RetryOptions,
  type RetryStrategy,
  type RetryToken,
  StandardRetryStrategy,
} from './retry.ts';
export type { DebugEvent } from './transport.ts';
export { SDK_VERSION } from './version.ts';
// Waiters
export {
  type Acceptor,
  type AcceptorState,
  createWaiter,
  type FieldMatcher,
  type FieldPath,
  type FieldValue,
  type Waiter,
  type WaiterConfig,
  type WaiterDefinition,
  WaiterError,
  type WaiterFailureState,
  type WaiterInput,
  type WaiterOptions,
  type WaiterOutput,
  type WaiterResult,
  type WaiterTarget,
  waitUntilDnsSyncClosed,
  waitUntilDnsSyncOpen,
  waitUntilPeerConnActive,
  waitUntilPeerConnConsulting,
  waitUntilPeerConnDeleted,
} from './waiters.ts';
