// `@peerconn/sdk/internal`: what peerconn's own packages (server, CLI), tests and benchmarks use of the SDK
// beyond its public surface. Not documented for users and free to change with them; docs/CONTRACTS.md lists
// these names and test/sdk-surface.test.ts holds the list to the built declarations.

// The clients by service, and how a call becomes a request (tools and benchmarks built from the table)
export { CLIENT_CLASSES } from './client.ts';
// How keys and endpoints are found (the CLI words its own messages around these)
export { MISSING_CREDENTIALS_HELP } from './credentials.ts';
export { DEFAULT_REGION, parseEndpoint, regionEndpoint } from './endpoint.ts';
// The service's error codes with their statuses (the server answers with them; docs/wire.md lists them)
export { ERROR_CODES, isKnownErrorCode } from './error-codes.ts';
export { abortError, parseServiceError } from './errors.ts';
export type {
  AclOperations,
  EniOperations,
  OperationMethods,
  OperationsOf,
  OperationTypes,
  PeerConnOperations,
  RouteOperations,
  SecurityGroupOperations,
  SubnetOperations,
  VpcOperations,
} from './operation-types.ts';
// The local server's reachability request and answer (POST /_admin/reachability): built by the server, asked
// for and printed by the CLI
export {
  type AclCheck,
  type AclRuleMatch,
  DEFAULT_SOURCE_PORT,
  type FilterCheck,
  type FilterVerdict,
  type HopNext,
  type MatchedRule,
  type PacketView,
  REACH_PROBLEMS,
  REACH_PROTOCOLS,
  type ReachEnd,
  type ReachFrom,
  type ReachHop,
  type ReachProblem,
  type ReachProblemCode,
  type ReachProtocol,
  type ReachReport,
  type ReachRequest,
  type ReachTo,
  type SecurityGroupCheck,
  type SecurityGroupRuleMatch,
  type SideState,
} from './reachability.ts';
export { type BuiltRequest, buildRequest } from './requests.ts';
// The retry policy's parts, for tests of each on its own
export {
  backoffDelayMs,
  classifyError,
  isRetryableError,
  parseRetryAfter,
  RETRY_DEFAULTS,
  RetryBudget,
  type RetryClass,
  retryDelayMs,
} from './retry.ts';
// bce-auth-v1: the signer, and the pieces the server's verifier and the raw-request tests use
export {
  AUTH_VERSION,
  authStringPrefix,
  type CanonicalHeaders,
  canonicalHeaders,
  canonicalHeadersOf,
  canonicalQueryString,
  canonicalRequest,
  canonicalRequestHead,
  canonicalUri,
  DEFAULT_EXPIRATION_SECONDS,
  DEFAULT_HEADERS_TO_SIGN,
  formatBceTimestamp,
  type HeaderInput,
  type ParsedAuthorization,
  parseAuthorization,
  parseBceTimestamp,
  type QueryInput,
  type SignRequest,
  sign,
  signatureMatches,
  signCanonicalRequest,
  signingKey,
  uriEncode,
} from './signer.ts';
// One HTTP exchange, below retries and signing (the SDK benchmark measures it alone)
export {
  headersToRecord,
  type SendOptions,
  sendOnce,
  type TransportRequest,
  type TransportResponse,
} from './transport.ts';
// The waiter rows of the SDK (their acceptors are held to Terraform's sets and to docs/sdk.md by tests)
export { WAITERS } from './waiters.ts';
