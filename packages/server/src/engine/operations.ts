// The table from operation names to their handlers: reads run on committed data, writes inside the request's
// transaction. The table is total and typed by the SDK's operation table: a row without a handler, a handler
// given the wrong context (a read where the row is mutating) or returning another shape than the operation's
// output fails the type-check. Adding an operation means one handler here (and its rule in domain/); see
// docs/contributing.md.
import type { OPERATIONS, OperationName } from '@peerconn/sdk/operations';
import type { CallerScope } from '../domain/types.ts';
import * as acls from './acl-ops.ts';
import type { RequestFields, WireOutput } from './api.ts';
import * as enis from './eni-ops.ts';
import type { ReadContext, RequestContext } from './outcomes.ts';
import * as peerConns from './peerconn-ops.ts';
import * as routes from './route-ops.ts';
import * as securityGroups from './security-group-ops.ts';
import * as subnets from './subnet-ops.ts';
import * as vpcs from './vpc-ops.ts';

type Row<N extends OperationName> = (typeof OPERATIONS)[N];

/** A mutating row's handler runs in the request's transaction; any other reads committed data. */
type Handler<N extends OperationName> = (
  ctx: Row<N>['mutating'] extends true ? RequestContext : ReadContext,
  fields: RequestFields<N>,
) => Promise<WireOutput<N>>;

const HANDLERS = {
  createPeerConn: peerConns.createPeerConn,
  listPeerConns: peerConns.listPeerConns,
  getPeerConn: peerConns.getPeerConn,
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
  listVpcs: vpcs.listVpcs,
  getVpc: vpcs.getVpc,
  updateVpc: vpcs.updateVpc,
  deleteVpc: vpcs.deleteVpc,
  openVpcRelay: vpcs.openVpcRelay,
  shutdownVpcRelay: vpcs.shutdownVpcRelay,
  createSubnet: subnets.createSubnet,
  listSubnets: subnets.listSubnets,
  getSubnet: subnets.getSubnet,
  updateSubnet: subnets.updateSubnet,
  deleteSubnet: subnets.deleteSubnet,
  getRouteTable: routes.getRouteTable,
  createRouteRule: routes.createRouteRule,
  listRouteRules: routes.listRouteRules,
  updateRouteRule: routes.updateRouteRule,
  deleteRouteRule: routes.deleteRouteRule,
  switchRouteRule: routes.switchRouteRule,
  listAclEntrys: acls.listAclEntrys,
  createAclRules: acls.createAclRules,
  listAclRules: acls.listAclRules,
  updateAclRule: acls.updateAclRule,
  deleteAclRule: acls.deleteAclRule,
  createSecurityGroup: securityGroups.createSecurityGroup,
  listSecurityGroups: securityGroups.listSecurityGroups,
  getSecurityGroup: securityGroups.getSecurityGroup,
  authorizeSecurityGroupRule: securityGroups.authorizeSecurityGroupRule,
  revokeSecurityGroupRule: securityGroups.revokeSecurityGroupRule,
  updateSecurityGroupRule: securityGroups.updateSecurityGroupRule,
  deleteSecurityGroupRule: securityGroups.deleteSecurityGroupRule,
  deleteSecurityGroup: securityGroups.deleteSecurityGroup,
  createEni: enis.createEni,
  listEnis: enis.listEnis,
  getEniQuota: enis.getEniQuota,
  getEni: enis.getEni,
  getEniStatus: enis.getEniStatus,
  updateEni: enis.updateEni,
  updateEniSecurityGroups: enis.updateEniSecurityGroups,
  attachEni: enis.attachEni,
  detachEni: enis.detachEni,
  deleteEni: enis.deleteEni,
  addEniPrivateIp: enis.addEniPrivateIp,
  deleteEniPrivateIp: enis.deleteEniPrivateIp,
  batchAddEniPrivateIps: enis.batchAddEniPrivateIps,
  batchDeleteEniPrivateIps: enis.batchDeleteEniPrivateIps,
} satisfies { [N in OperationName]: Handler<N> };

/** Runs one read-only operation on committed data; returns the response body. */
export function runRead<N extends OperationName>(ctx: ReadContext, operation: N, fields: RequestFields<N>) {
  // The mapped type guarantees the pairing of name, context and input; TypeScript cannot follow it through a
  // lookup by a generic name.
  const handler = HANDLERS[operation] as unknown as (
    ctx: ReadContext,
    fields: RequestFields<N>,
  ) => Promise<WireOutput<N>>;
  return handler(ctx, fields);
}

/** Runs one mutating operation inside the request's transaction; returns the response body or undefined. */
export function runWrite<N extends OperationName>(
  ctx: RequestContext,
  operation: N,
  fields: RequestFields<N>,
) {
  const handler = HANDLERS[operation] as unknown as (
    ctx: RequestContext,
    fields: RequestFields<N>,
  ) => Promise<WireOutput<N>>;
  return handler(ctx, fields);
}

/**
 * The names a write of this operation serialises on across server processes (see WriteOptions.lockKeys): the
 * accounts whose quotas, VPCs and tokens it reads. On PostgreSQL the rules rest on them (docs/postgres.md,
 * "Writes"): a rule that reads another account's data needs that account's name here. Subnet and route writes
 * touch only the caller's VPC, its subnets and its table; a connection a route names may be released meanwhile
 * by the other account, which the rules allow (the route stays as a blackhole), so it takes no lock of that
 * account. A change of a connection both accounts may change (accept, release, …) takes the caller's only: the
 * two writes change the same row, which the database itself refuses to let both do unseen.
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
