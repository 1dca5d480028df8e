// The operation table: the single contract shared by the SDK (builds requests from it), the server (routes
// requests by it), the CLI (derives verbs from it) and the tests (enumerate it).
//
// Adding an operation is its row here, and then:
//   1. SDK types: its method signature in OperationMethods (packages/sdk/src/client.ts), with its input and
//      output types in models.ts. The type-check fails until the input's fields are exactly the row's path,
//      query and body fields and it takes a clientToken exactly when the row is mutating. The method
//      itself is installed from the row on the client of the row's service.
//   2. Server parsing: when the row has body fields, a schema with exactly those keys in BODY_SCHEMAS
//      (packages/server/src/http/schemas.ts; packages/server/test/operation-fields.test.ts holds them to the
//      row); a query field that is not plain text needs a case in parseQueryInput there.
//   3. Server behaviour: its case in runOperation (packages/server/src/engine/operations.ts); without one the
//      server answers NotFound.
//   4. When the service's output needs reshaping (numbers or booleans sent as strings, a misspelt field): a
//      case in normalizeOutput (packages/sdk/src/normalize.ts).
//   5. Tests: its wire case in packages/sdk/test/wire.test.ts (which fails until every row has one) and the
//      operation count in test/sdk-package.test.ts.
// The CLI derives a verb from the row by itself; a written one in packages/cli/src/verbs.ts only adds
// friendlier flags and help.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type ServiceName = 'peerconn' | 'vpc' | 'subnet' | 'route';

export interface OperationSpec {
  /** SDK method name, also the operation's identity everywhere else. */
  readonly name: string;
  readonly service: ServiceName;
  readonly method: HttpMethod;
  /** Path template; `{field}` segments are filled from the input field of that name. */
  readonly path: string;
  /** Value-less query key that selects the operation (`?accept`), if any. */
  readonly flag?: string;
  /** Input fields sent as query parameters (besides the flag and clientToken). */
  readonly query: readonly string[];
  /** Input fields sent in the JSON body; empty means the request has no body. */
  readonly body: readonly string[];
  /** Mutating operations carry a clientToken (generated once per call, reused across retries). */
  readonly mutating: boolean;
  /** Whether a successful response carries a JSON body worth parsing. */
  readonly returnsData: boolean;
  /** One line for help texts and docs. */
  readonly summary: string;
}

function op<const T extends OperationSpec>(spec: T): T {
  return spec;
}

export const OPERATIONS = {
  createPeerConn: op({
    name: 'createPeerConn',
    service: 'peerconn',
    method: 'POST',
    path: '/v1/peerconn',
    query: [],
    body: [
      'bandwidthInMbps',
      'description',
      'localIfName',
      'localVpcId',
      'peerAccountId',
      'peerVpcId',
      'peerRegion',
      'peerIfName',
      'billing',
      'tags',
      'resourceGroupId',
      'deleteProtect',
    ],
    mutating: true,
    returnsData: true,
    summary: 'Create a peering connection between two VPCs',
  }),
  listPeerConns: op({
    name: 'listPeerConns',
    service: 'peerconn',
    method: 'GET',
    path: '/v1/peerconn',
    query: ['vpcId', 'marker', 'maxKeys'],
    body: [],
    mutating: false,
    returnsData: true,
    summary: 'List peering connections (one page)',
  }),
  getPeerConn: op({
    name: 'getPeerConn',
    service: 'peerconn',
    method: 'GET',
    path: '/v1/peerconn/{peerConnId}',
    query: ['role'],
    body: [],
    mutating: false,
    returnsData: true,
    summary: 'Get one side of a peering connection',
  }),
  updatePeerConn: op({
    name: 'updatePeerConn',
    service: 'peerconn',
    method: 'PUT',
    path: '/v1/peerconn/{peerConnId}',
    query: [],
    body: ['localIfId', 'description', 'localIfName'],
    mutating: true,
    returnsData: false,
    summary: "Update the local interface name and description of the caller's side",
  }),
  acceptPeerConn: op({
    name: 'acceptPeerConn',
    service: 'peerconn',
    method: 'PUT',
    path: '/v1/peerconn/{peerConnId}',
    flag: 'accept',
    query: [],
    body: [],
    mutating: true,
    returnsData: false,
    summary: 'Accept a cross-account peering request (acceptor only)',
  }),
  rejectPeerConn: op({
    name: 'rejectPeerConn',
    service: 'peerconn',
    method: 'PUT',
    path: '/v1/peerconn/{peerConnId}',
    flag: 'reject',
    query: [],
    body: [],
    mutating: true,
    returnsData: false,
    summary: 'Reject a cross-account peering request (acceptor only)',
  }),
  deletePeerConn: op({
    name: 'deletePeerConn',
    service: 'peerconn',
    method: 'DELETE',
    path: '/v1/peerconn/{peerConnId}',
    query: [],
    body: [],
    mutating: true,
    returnsData: false,
    summary: 'Release a peering connection',
  }),
  resizePeerConn: op({
    name: 'resizePeerConn',
    service: 'peerconn',
    method: 'PUT',
    path: '/v1/peerconn/{peerConnId}',
    flag: 'resize',
    query: [],
    body: ['newBandwidthInMbps'],
    mutating: true,
    returnsData: false,
    summary: 'Change the bandwidth of a peering connection',
  }),
  renewPeerConn: op({
    name: 'renewPeerConn',
    service: 'peerconn',
    method: 'PUT',
    path: '/v1/peerconn/{peerConnId}',
    flag: 'purchaseReserved',
    query: [],
    body: ['billing'],
    mutating: true,
    returnsData: false,
    summary: 'Renew a prepaid peering connection',
  }),
  refundPeerConn: op({
    name: 'refundPeerConn',
    service: 'peerconn',
    method: 'PUT',
    path: '/v1/peerconn/{peerConnId}',
    flag: 'refund',
    query: [],
    body: [],
    mutating: true,
    returnsData: false,
    summary: 'Unsubscribe (refund and release) a prepaid peering connection',
  }),
  openPeerConnDnsSync: op({
    name: 'openPeerConnDnsSync',
    service: 'peerconn',
    method: 'PUT',
    path: '/v1/peerconn/{peerConnId}',
    flag: 'open',
    query: ['role'],
    body: [],
    mutating: true,
    returnsData: false,
    summary: "Turn on DNS synchronisation for one side's VPC",
  }),
  closePeerConnDnsSync: op({
    name: 'closePeerConnDnsSync',
    service: 'peerconn',
    method: 'PUT',
    path: '/v1/peerconn/{peerConnId}',
    flag: 'close',
    query: ['role'],
    body: [],
    mutating: true,
    returnsData: false,
    summary: "Turn off DNS synchronisation for one side's VPC",
  }),
  updatePeerConnDeleteProtect: op({
    name: 'updatePeerConnDeleteProtect',
    service: 'peerconn',
    method: 'PUT',
    path: '/v1/peerconn/{peerConnId}/deleteProtect',
    query: [],
    body: ['deleteProtect'],
    mutating: true,
    returnsData: false,
    summary: 'Switch release protection on or off',
  }),
  createVpc: op({
    name: 'createVpc',
    service: 'vpc',
    method: 'POST',
    path: '/v1/vpc',
    query: [],
    body: ['name', 'description', 'cidr', 'enableIpv6', 'tags'],
    mutating: true,
    returnsData: true,
    summary: 'Create a VPC',
  }),
  listVpcs: op({
    name: 'listVpcs',
    service: 'vpc',
    method: 'GET',
    path: '/v1/vpc',
    query: ['marker', 'maxKeys', 'isDefault', 'vpcIds'],
    body: [],
    mutating: false,
    returnsData: true,
    summary: 'List VPCs (one page)',
  }),
  getVpc: op({
    name: 'getVpc',
    service: 'vpc',
    method: 'GET',
    path: '/v1/vpc/{vpcId}',
    query: [],
    body: [],
    mutating: false,
    returnsData: true,
    summary: 'Get one VPC',
  }),
  updateVpc: op({
    name: 'updateVpc',
    service: 'vpc',
    method: 'PUT',
    path: '/v1/vpc/{vpcId}',
    flag: 'modifyAttribute',
    query: [],
    body: ['name', 'description', 'enableIpv6'],
    mutating: true,
    returnsData: false,
    summary: 'Update the name or description of a VPC',
  }),
  deleteVpc: op({
    name: 'deleteVpc',
    service: 'vpc',
    method: 'DELETE',
    path: '/v1/vpc/{vpcId}',
    query: [],
    body: [],
    mutating: true,
    returnsData: false,
    summary: 'Delete a VPC (refused while it has peering connections, subnets or route rules)',
  }),
  openVpcRelay: op({
    name: 'openVpcRelay',
    service: 'vpc',
    method: 'PUT',
    path: '/v1/vpc/openRelay/{vpcId}',
    query: [],
    body: [],
    mutating: true,
    returnsData: false,
    summary: 'Turn a VPC into a relay (transit) VPC',
  }),
  shutdownVpcRelay: op({
    name: 'shutdownVpcRelay',
    service: 'vpc',
    method: 'PUT',
    path: '/v1/vpc/shutdownRelay/{vpcId}',
    query: [],
    body: [],
    mutating: true,
    returnsData: false,
    summary: 'Turn off relay on a VPC',
  }),
  createSubnet: op({
    name: 'createSubnet',
    service: 'subnet',
    method: 'POST',
    path: '/v1/subnet',
    query: [],
    body: ['name', 'zoneName', 'cidr', 'vpcId', 'subnetType', 'description', 'enableIpv6', 'tags'],
    mutating: true,
    returnsData: true,
    summary: 'Create a subnet in a VPC',
  }),
  listSubnets: op({
    name: 'listSubnets',
    service: 'subnet',
    method: 'GET',
    path: '/v1/subnet',
    query: ['marker', 'maxKeys', 'vpcId', 'zoneName', 'subnetType', 'subnetIds'],
    body: [],
    mutating: false,
    returnsData: true,
    summary: 'List subnets (one page)',
  }),
  getSubnet: op({
    name: 'getSubnet',
    service: 'subnet',
    method: 'GET',
    path: '/v1/subnet/{subnetId}',
    query: [],
    body: [],
    mutating: false,
    returnsData: true,
    summary: 'Get one subnet',
  }),
  updateSubnet: op({
    name: 'updateSubnet',
    service: 'subnet',
    method: 'PUT',
    path: '/v1/subnet/{subnetId}',
    flag: 'modifyAttribute',
    query: [],
    body: ['name', 'description', 'enableIpv6'],
    mutating: true,
    returnsData: false,
    summary: 'Rename a subnet or change its description',
  }),
  deleteSubnet: op({
    name: 'deleteSubnet',
    service: 'subnet',
    method: 'DELETE',
    path: '/v1/subnet/{subnetId}',
    query: [],
    body: [],
    mutating: true,
    returnsData: false,
    summary: 'Delete a subnet (refused while a route rule uses it)',
  }),
  getRouteTable: op({
    name: 'getRouteTable',
    service: 'route',
    method: 'GET',
    path: '/v1/route',
    query: ['routeTableId', 'vpcId'],
    body: [],
    mutating: false,
    returnsData: true,
    summary: "Get a VPC's route table with every rule, system routes included",
  }),
  createRouteRule: op({
    name: 'createRouteRule',
    service: 'route',
    method: 'POST',
    path: '/v1/route/rule',
    query: [],
    body: [
      'routeTableId',
      'sourceAddress',
      'destinationAddress',
      'nexthopId',
      'nexthopType',
      'description',
      'nextHopList',
    ],
    mutating: true,
    returnsData: true,
    summary: 'Add a route rule to a route table',
  }),
  listRouteRules: op({
    name: 'listRouteRules',
    service: 'route',
    method: 'GET',
    path: '/v1/route/rule',
    query: ['routeTableId', 'vpcId', 'marker', 'maxKeys'],
    body: [],
    mutating: false,
    returnsData: true,
    summary: 'List the custom route rules of a route table (one page)',
  }),
  updateRouteRule: op({
    name: 'updateRouteRule',
    service: 'route',
    method: 'PUT',
    path: '/v1/route/rule/{routeRuleId}',
    query: [],
    body: ['sourceAddress', 'destinationAddress', 'nexthopId', 'description'],
    mutating: true,
    returnsData: false,
    summary: 'Change the addresses, next hop or description of a route rule',
  }),
  deleteRouteRule: op({
    name: 'deleteRouteRule',
    service: 'route',
    method: 'DELETE',
    path: '/v1/route/rule/{routeRuleId}',
    query: [],
    body: [],
    mutating: true,
    returnsData: false,
    summary: 'Delete a route rule',
  }),
} as const satisfies Record<string, OperationSpec>;

export type OperationName = keyof typeof OPERATIONS;
export const OPERATION_LIST: readonly OperationSpec[] = Object.values(OPERATIONS);

const PATH_PARAMS = new Map<string, readonly string[]>();

/** Names of the `{field}` placeholders of a path template, in order. */
export function pathParams(spec: OperationSpec): string[] {
  // Every request asks; the templates are few and never change, so each is parsed once.
  let params = PATH_PARAMS.get(spec.path);
  if (params === undefined) {
    params = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    PATH_PARAMS.set(spec.path, params);
  }
  return [...params];
}

/** Every flag key any operation uses; the server treats more than one of them on a request as an error. */
export const ALL_FLAGS: readonly string[] = [
  ...new Set(OPERATION_LIST.flatMap((o) => (o.flag ? [o.flag] : []))),
];
