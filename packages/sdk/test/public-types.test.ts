// The public surface as a user sees it through the package name: `tsc -p packages/sdk` compiles this file, so
// every `@ts-expect-error` below must stay an error and every typed assignment must stay valid. The runtime
// part checks that what the types promise exists (one method per operation of the table).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AclClient,
  type BceServiceError,
  type CreatePeerConnOutput,
  type CreateRouteRuleOutput,
  createWaiter,
  DNS_STATUSES,
  type DnsStatus,
  type EmptyOutput,
  type Eni,
  EniClient,
  type ErrorCode,
  type GetPeerConnOutput,
  type GetVpcOutput,
  type KnownErrorCode,
  type ListItem,
  type ListPeerConnsOutput,
  type OperationInput,
  type OperationName,
  type OperationOutput,
  type PaymentTiming,
  PEER_CONN_STATUSES,
  type PeerConn,
  PeerConnClient,
  type PeerConnRole,
  type PeerConnStatus,
  type RequestOutput,
  type ResponseMetadata,
  RouteClient,
  type RouteRule,
  SecurityGroupClient,
  SubnetClient,
  VpcClient,
  type WaiterResult,
  waitUntilPeerConnActive,
} from '@peerconn/sdk';
import { CLIENT_CLASSES } from '@peerconn/sdk/internal';
import { OPERATIONS } from '@peerconn/sdk/operations';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(_proof: T): void {}

// Literal unions, not strings.
expectType<
  Equal<
    PeerConnStatus,
    | 'creating'
    | 'consulting'
    | 'consult_failed'
    | 'active'
    | 'down'
    | 'starting'
    | 'stopping'
    | 'deleting'
    | 'deleted'
    | 'expired'
    | 'error'
    | 'updating'
  >
>(true);
expectType<Equal<DnsStatus, 'close' | 'wait' | 'syncing' | 'open' | 'closing'>>(true);
expectType<Equal<PeerConnRole, 'initiator' | 'acceptor'>>(true);
expectType<Equal<PaymentTiming, 'Prepaid' | 'Postpaid'>>(true);
expectType<Equal<GetPeerConnOutput['status'], PeerConnStatus>>(true);
expectType<Equal<GetPeerConnOutput['$metadata'], ResponseMetadata>>(true);
// Known error codes are a union a switch can narrow; unknown strings are still allowed.
expectType<Equal<'DeleteProtected' extends KnownErrorCode ? true : false, true>>(true);
expectType<Equal<BceServiceError['code'], ErrorCode>>(true);

// Every named method takes and returns exactly the types of its table row.
type MethodsOf<C> = { [K in OperationName & keyof C]: C[K] };
type Row<N extends OperationName> = (input: OperationInput<N>) => Promise<OperationOutput<N>>;
type PeerConnMethods = MethodsOf<PeerConnClient>;
type VpcMethods = MethodsOf<VpcClient>;
type SubnetMethods = MethodsOf<SubnetClient>;
type RouteMethods = MethodsOf<RouteClient>;
type NetworkMethods = MethodsOf<AclClient> & MethodsOf<SecurityGroupClient> & MethodsOf<EniClient>;
expectType<
  Equal<
    | keyof PeerConnMethods
    | keyof VpcMethods
    | keyof SubnetMethods
    | keyof RouteMethods
    | keyof NetworkMethods,
    OperationName
  >
>(true);
expectType<Equal<NetworkMethods['listAclRules'], Row<'listAclRules'>>>(true);
expectType<Equal<ListItem<'listEnis'>, Eni>>(true);
expectType<Equal<ListItem<'listPeerConns'>, PeerConn>>(true);
expectType<Equal<RouteMethods['createRouteRule'], Row<'createRouteRule'>>>(true);
expectType<Equal<Awaited<ReturnType<RouteClient['createRouteRule']>>, CreateRouteRuleOutput>>(true);
expectType<Equal<PeerConnMethods['resizePeerConn'], Row<'resizePeerConn'>>>(true);
expectType<Equal<Awaited<ReturnType<PeerConnClient['createPeerConn']>>, CreatePeerConnOutput>>(true);
expectType<Equal<Awaited<ReturnType<PeerConnClient['listPeerConns']>>, ListPeerConnsOutput>>(true);
expectType<Equal<Awaited<ReturnType<PeerConnClient['deletePeerConn']>>, EmptyOutput>>(true);
expectType<Equal<Awaited<ReturnType<VpcClient['getVpc']>>, GetVpcOutput>>(true);

// Compile-only: the calls below are never made (the function is never invoked).
async function typedCalls(
  client: PeerConnClient,
  vpcs: VpcClient,
  subnets: SubnetClient,
  routes: RouteClient,
): Promise<void> {
  const created = await client.createPeerConn({
    bandwidthInMbps: 10,
    localVpcId: 'vpc-a',
    peerVpcId: 'vpc-b',
    peerRegion: 'bj',
    billing: { paymentTiming: 'Prepaid', reservation: { reservationLength: 1 } },
    tags: [{ tagKey: 'env', tagValue: 'dev' }],
    clientToken: 'token',
    abortSignal: AbortSignal.timeout(1000),
  });
  const id: string = created.peerConnId;
  const attempts: number = created.$metadata.attempts;
  void attempts;

  // @ts-expect-error bandwidth is a number, not a string
  await client.createPeerConn({ bandwidthInMbps: '10', localVpcId: 'a', peerVpcId: 'b', peerRegion: 'bj' });
  // @ts-expect-error paymentTiming is 'Prepaid' | 'Postpaid'
  const lowercase: PaymentTiming = 'prepaid';
  void lowercase;
  // @ts-expect-error role is 'initiator' | 'acceptor'
  await client.getPeerConn({ peerConnId: id, role: 'owner' });
  // @ts-expect-error DNS sync needs a role
  await client.openPeerConnDnsSync({ peerConnId: id });
  // @ts-expect-error resize takes newBandwidthInMbps
  await client.resizePeerConn({ peerConnId: id, bandwidthInMbps: 20 });
  // @ts-expect-error renew's body is { billing: { reservation } }
  await client.renewPeerConn({ peerConnId: id, reservationLength: 1 });
  // @ts-expect-error a read is not idempotency-keyed
  await client.getPeerConn({ peerConnId: id, clientToken: 'x' });
  // @ts-expect-error VPC operations live on VpcClient
  await client.createVpc({ name: 'n', cidr: '10.0.0.0/16' });

  const view = await client.getPeerConn({ peerConnId: id, role: 'acceptor' });
  const status: PeerConnStatus = view.status;
  const dns: DnsStatus = view.dnsStatus;
  const bandwidth: number = view.bandwidthInMbps;
  const deleteProtect: boolean | undefined = view.deleteProtect;
  void [status, dns, bandwidth, deleteProtect];

  const { vpc } = await vpcs.getVpc({ vpcId: 'vpc-a' });
  const subnetIds: string[] = (vpc.subnets ?? []).map((s) => s.subnetId);
  const isDefault: boolean = vpc.isDefault;
  void [subnetIds, isDefault];

  const waited: WaiterResult = await waitUntilPeerConnActive(
    { client, maxWaitTime: 60 },
    { peerConnId: id, role: 'initiator' },
  );
  const finalStatus: PeerConnStatus | undefined = waited.result?.status;
  void finalStatus;

  const { subnetId } = await subnets.createSubnet({
    name: 'app',
    zoneName: 'cn-bj-a',
    cidr: '10.1.1.0/24',
    vpcId: 'vpc-a',
    subnetType: 'BCC',
  });
  // @ts-expect-error the service wants the name on every update
  await subnets.updateSubnet({ subnetId, description: 'd' });
  const table = await routes.getRouteTable({ vpcId: 'vpc-a' });
  const rules: RouteRule[] = table.routeRules;
  const { routeRuleId } = await routes.createRouteRule({
    routeTableId: table.routeTableId,
    sourceAddress: '0.0.0.0/0',
    destinationAddress: '10.2.0.0/16',
    nexthopType: 'peerConn',
    nexthopId: view.localIfId,
  });
  await routes.updateRouteRule({ routeRuleId, description: 'to db', clientToken: 't' });
  // @ts-expect-error the next hop type is not updatable
  await routes.updateRouteRule({ routeRuleId, nexthopType: 'vpn' });
  void rules;

  // The generic dispatcher is typed by the operation's name, too.
  const page = await client.call('listPeerConns', { maxKeys: 10 });
  const truncated: boolean = page.isTruncated;
  void truncated;
  // @ts-expect-error the name picks the input type
  await client.call('resizePeerConn', { peerConnId: id });

  // A raw request: any path, the same pipeline; the body is the caller's to check.
  const raw: RequestOutput = await client.request({ method: 'GET', path: '/_whoami' });
  const body: unknown = raw.body;
  const statusCode: number = raw.statusCode;
  void [body, statusCode];
  // @ts-expect-error the methods are the wire's four
  await client.request({ method: 'PATCH', path: '/v1/peerconn' });

  // A waiter is a row: the operation it polls and acceptors typed by that operation's output.
  const waitUntilRelayed = createWaiter({
    operation: 'getVpc',
    goal: 'relay on',
    acceptors: [
      { state: 'success', field: 'vpc.relay', in: [true] },
      { state: 'failure', notFound: true },
    ],
  });
  const relayed = await waitUntilRelayed({ client: vpcs, maxWaitTime: 60 }, { vpcId: 'vpc-a' });
  const relayedVpcId: string | undefined = relayed.result?.vpc.vpcId;
  void relayedVpcId;
  createWaiter({
    operation: 'getVpc',
    goal: 'typo',
    // @ts-expect-error relay is a boolean
    acceptors: [{ state: 'success', field: 'vpc.relay', in: ['yes'] }],
  });
  createWaiter({
    operation: 'getPeerConn',
    goal: 'typo',
    // @ts-expect-error acceptor values are the field's own literal union
    acceptors: [{ state: 'success', field: 'status', in: ['actve'] }],
  });
  // @ts-expect-error a waiter takes a client that has the polled operation
  await waitUntilPeerConnActive({ client: vpcs, maxWaitTime: 60 }, { peerConnId: id });
}
void typedCalls;

test('the package entry exports a method for every operation of the table, on the right client only', () => {
  assert.ok(Object.keys(OPERATIONS).length > 0, 'the operation table is not empty');
  const clients = {
    peerconn: PeerConnClient,
    vpc: VpcClient,
    subnet: SubnetClient,
    route: RouteClient,
    acl: AclClient,
    securityGroup: SecurityGroupClient,
    eni: EniClient,
  };
  assert.deepEqual(CLIENT_CLASSES, clients);
  for (const spec of Object.values(OPERATIONS)) {
    for (const [service, client] of Object.entries(clients)) {
      assert.equal(
        Object.hasOwn(client.prototype, spec.name),
        service === spec.service,
        `${spec.name} is on the ${spec.service} client only (checked ${service})`,
      );
    }
  }
  assert.equal(PEER_CONN_STATUSES.length, 12);
  assert.equal(DNS_STATUSES.length, 5);
});
