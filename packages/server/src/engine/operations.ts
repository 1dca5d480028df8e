// The table from operation names to their handlers: reads run on committed data, writes inside the request's
// transaction. Adding an operation of the table means one handler here (and its rule in domain/).
import type { OperationName } from '@peerconn/sdk/operations';
import type { CallerScope } from '../domain/types.ts';
import { ServiceError } from '../errors.ts';
import type { RequestFields } from './api.ts';
import type { ReadContext, RequestContext } from './outcomes.ts';
import * as peerConns from './peerconn-ops.ts';
import * as routes from './route-ops.ts';
import * as subnets from './subnet-ops.ts';
import * as vpcs from './vpc-ops.ts';

type Handlers<Context> = {
  [N in OperationName]?: (ctx: Context, fields: RequestFields<N>) => Promise<unknown>;
};

const READS: Handlers<ReadContext> = {
  getPeerConn: peerConns.getPeerConn,
  listPeerConns: peerConns.listPeerConns,
  getVpc: vpcs.getVpc,
  listVpcs: vpcs.listVpcs,
  getSubnet: subnets.getSubnet,
  listSubnets: subnets.listSubnets,
  getRouteTable: routes.getRouteTable,
  listRouteRules: routes.listRouteRules,
};

const WRITES: Handlers<RequestContext> = {
  createPeerConn: peerConns.createPeerConn,
  updatePeerConn: peerConns.updatePeerConn,
  acceptPeerConn: peerConns.acceptPeerConn,
  rejectPeerConn: peerConns.rejectPeerConn,
  deletePeerConn: peerConns.deletePeerConn,
  resizePeerConn: peerConns.resizePeerConn,
  renewPeerConn: peerConns.renewPeerConn,
  refundPeerConn: peerConns.refundPeerConn,
  openPeerConnDnsSync: peerConns.openPeerConnDnsSync,
  closePeerConnDnsSync: peerConns.closePeerConnDnsSync,
  updatePeerConnDeleteProtect: peerConns.updatePeerConnDeleteProtect,
  createVpc: vpcs.createVpc,
  updateVpc: vpcs.updateVpc,
  deleteVpc: vpcs.deleteVpc,
  openVpcRelay: vpcs.openVpcRelay,
  shutdownVpcRelay: vpcs.shutdownVpcRelay,
  createSubnet: subnets.createSubnet,
  updateSubnet: subnets.updateSubnet,
  deleteSubnet: subnets.deleteSubnet,
  createRouteRule: routes.createRouteRule,
  updateRouteRule: routes.updateRouteRule,
  deleteRouteRule: routes.deleteRouteRule,
};

function handlerOf<Context, N extends OperationName>(
  table: Handlers<Context>,
  operation: N,
): (ctx: Context, fields: RequestFields<N>) => Promise<unknown> {
  // The mapped table guarantees the pairing of name and input; TypeScript cannot follow it through a lookup.
  const handler = table[operation] as
    | ((ctx: Context, fields: RequestFields<N>) => Promise<unknown>)
    | undefined;
  if (!handler)
    throw new ServiceError('NotFound', `Operation ${operation} is not implemented by this server.`);
  return handler;
}

/** Runs one read-only operation on committed data; returns the response body. */
export function runRead<N extends OperationName>(ctx: ReadContext, operation: N, fields: RequestFields<N>) {
  return handlerOf(READS, operation)(ctx, fields);
}

/** Runs one mutating operation inside the request's transaction; returns the response body or undefined. */
export function runWrite<N extends OperationName>(
  ctx: RequestContext,
  operation: N,
  fields: RequestFields<N>,
) {
  return handlerOf(WRITES, operation)(ctx, fields);
}

/**
 * The names a write of this operation serialises on across server processes (see WriteOptions.lockKeys):
 * the accounts whose quotas, VPCs and tokens it reads. Subnet and route writes touch only the caller's VPC,
 * its subnets and its table; a connection a route names may be released meanwhile by the other account, which
 * the rules allow (the route stays as a blackhole), so it takes no lock of that account.
 */
export function lockKeysOf(operation: OperationName, caller: CallerScope, fields: object): string[] {
  const keys = [`account:${caller.accountId}`];
  const peer = (fields as { peerAccountId?: unknown }).peerAccountId;
  if (
    operation === 'createPeerConn' &&
    typeof peer === 'string' &&
    peer !== '' &&
    peer !== caller.accountId
  ) {
    keys.push(`account:${peer}`);
  }
  return keys.sort();
}
