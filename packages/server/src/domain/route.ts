// Route table rules: who sees a table, what a custom rule may say (addresses, duplicates, quota, next hop),
// and what a peering next hop must be. System routes are derived from the subnets and never stored, so no
// request can reach them.
import { NEXTHOP_TYPES } from '@peerconn/sdk';
import { ServiceError } from '../errors.ts';
import { type Cidr, cidrField, cidrOf, cidrText, containsCidr, isAnywhere, overlaps } from './cidr.ts';
import type { CreateRouteRuleFields, UpdateRouteRuleFields } from './requests.ts';
import type {
  CallerScope,
  PeerConnRecord,
  RouteRuleRecord,
  RouteTableRecord,
  SubnetRecord,
  VpcRecord,
} from './types.ts';
import { sidesOf } from './types.ts';
import { DESCRIPTION_MAX_LENGTH, limited, required } from './values.ts';

/** Baidu: 50 route table entries per VPC; counted here as custom rules (system routes do not count). */
export const DEFAULT_RULES_PER_TABLE = 50;
/** The name Baidu gives a VPC's route table. */
export const ROUTE_TABLE_NAME = 'default';
/** Connection statuses in which traffic flows: a route may use the connection, the reachability check passes it. */
export const USABLE_PEERCONN_STATUSES: readonly string[] = ['active', 'updating'];

export function routeTableNotFound(routeTableId: string, caller: CallerScope): ServiceError {
  return new ServiceError(
    'NoSuchObject',
    `Route table ${routeTableId} does not exist in region ${caller.region} for your account. Check the id and the endpoint's region.`,
  );
}

export function routeRuleNotFound(routeRuleId: string, caller: CallerScope): ServiceError {
  return new ServiceError(
    'NoSuchObject',
    `Route rule ${routeRuleId} does not exist in region ${caller.region} for your account. Check the id and the endpoint's region.`,
  );
}

function owned(record: { accountId: string; region: string }, caller: CallerScope): boolean {
  return record.accountId === caller.accountId && record.region === caller.region;
}

/** Only the VPC's owner, at its region, sees its route table; anyone else gets the not-found of a missing id. */
export function requireOwnTable(
  table: RouteTableRecord | undefined,
  routeTableId: string,
  caller: CallerScope,
): RouteTableRecord {
  if (!table || !owned(table, caller)) throw routeTableNotFound(routeTableId, caller);
  return table;
}

export function requireOwnRule(
  rule: RouteRuleRecord | undefined,
  routeRuleId: string,
  caller: CallerScope,
): RouteRuleRecord {
  if (!rule || !owned(rule, caller)) throw routeRuleNotFound(routeRuleId, caller);
  return rule;
}

/** A table named both ways must be named consistently. */
export function requireSameTable(
  table: RouteTableRecord,
  byId: string | undefined,
  byVpc: string | undefined,
): void {
  if (byId !== undefined && byVpc !== undefined && (table.routeTableId !== byId || table.vpcId !== byVpc)) {
    throw new ServiceError(
      'InvalidParameter',
      `Parameters "routeTableId" (${byId}) and "vpcId" (${byVpc}) name different route tables: VPC ${table.vpcId}'s table is ${table.routeTableId}. Give one of them.`,
    );
  }
}

/** The parts of a rule its checks look at. */
export interface RuleShape {
  source: Cidr;
  destination: Cidr;
  nexthopType: string;
  nexthopId: string;
}

export interface RouteRuleRequest extends RuleShape {
  routeTableId: string;
  description: string;
}

function nexthopTypeOf(value: string | undefined): string {
  const type = required('nexthopType', value, 32);
  if (type === 'sys') {
    throw new ServiceError(
      'SystemRouteImmutable',
      'System routes (nexthopType sys) are made by the VPC, one per subnet; they cannot be created, changed or deleted.',
    );
  }
  if (!(NEXTHOP_TYPES as readonly string[]).includes(type)) {
    throw new ServiceError(
      'InvalidNexthop',
      `Field "nexthopType" (${type}) must be one of ${NEXTHOP_TYPES.join(', ')}.`,
    );
  }
  return type;
}

function nexthopIdOf(type: string, value: string | undefined): string {
  // Only the local gateway needs no id (the Python SDK documents an empty one for it).
  if (type === 'defaultGateway') return limited('nexthopId', value, 64) ?? '';
  return required('nexthopId', value, 64);
}

/** The request after its value rules; decideRouteRule checks it against the table. */
export function routeRuleRequest(fields: CreateRouteRuleFields): RouteRuleRequest {
  if (fields.nextHopList !== undefined && fields.nextHopList.length > 0) {
    throw new ServiceError(
      'InvalidRouteRule',
      'Multi-path rules (nextHopList) are not supported by this server, which has no dedicated gateways; give one next hop with nexthopType and nexthopId.',
    );
  }
  const nexthopType = nexthopTypeOf(fields.nexthopType);
  return {
    routeTableId: required('routeTableId', fields.routeTableId, 64),
    source: cidrField('sourceAddress', required('sourceAddress', fields.sourceAddress, 32)),
    destination: cidrField(
      'destinationAddress',
      required('destinationAddress', fields.destinationAddress, 32),
    ),
    nexthopType,
    nexthopId: nexthopIdOf(nexthopType, fields.nexthopId),
    description: limited('description', fields.description, DESCRIPTION_MAX_LENGTH) ?? '',
  };
}

/** What the store knows that a rule's checks depend on, read in the same transaction. */
export interface RouteFacts {
  table: RouteTableRecord;
  vpc: VpcRecord;
  subnets: readonly SubnetRecord[];
  /** The table's custom rules, the one being changed left out. */
  others: readonly RouteRuleRecord[];
  /** Custom rules a table may hold. */
  quota: number;
  /**
   * For a peerConn next hop: the connection with a side whose interface is the nexthopId, or, when the
   * nexthopId is a peering connection id, that connection.
   */
  connection: PeerConnRecord | undefined;
}

function checkAddresses(shape: RuleShape, facts: RouteFacts): void {
  const { vpc } = facts;
  if (!isAnywhere(shape.destination) && overlaps(shape.destination, cidrOf(vpc.cidr))) {
    throw new ServiceError(
      'InvalidRouteRule',
      `Destination ${cidrText(shape.destination)} overlaps VPC ${vpc.vpcId}'s own CIDR ${vpc.cidr}, which its system routes deliver; route other networks (or 0.0.0.0/0).`,
    );
  }
  if (!isAnywhere(shape.source) && !facts.subnets.some((s) => containsCidr(cidrOf(s.cidr), shape.source))) {
    const known = facts.subnets.map((s) => s.cidr).join(', ') || 'none yet';
    throw new ServiceError(
      'InvalidRouteRule',
      `Source ${cidrText(shape.source)} is neither 0.0.0.0/0 nor inside a subnet of VPC ${vpc.vpcId} (subnets: ${known}).`,
    );
  }
  const twin = facts.others.find(
    (r) => r.sourceAddress === cidrText(shape.source) && r.destinationAddress === cidrText(shape.destination),
  );
  if (twin) {
    throw new ServiceError(
      'RouteRuleConflict',
      `Route table ${facts.table.routeTableId} already has rule ${twin.routeRuleId} from ${twin.sourceAddress} to ${twin.destinationAddress}; change that rule instead.`,
    );
  }
}

/**
 * A peerConn next hop is the interface of this VPC's side of a usable connection, as Baidu documents: the
 * rule says which way out of this VPC, so it names this VPC's end of the connection.
 */
export function checkPeerConnNexthop(
  nexthopId: string,
  connection: PeerConnRecord | undefined,
  vpc: VpcRecord,
  caller: CallerScope,
): void {
  const mine = connection ? sidesOf(connection).filter((side) => owned(side, caller)) : [];
  if (nexthopId.startsWith('peerconn-')) {
    const here = mine.find((side) => side.vpcId === vpc.vpcId);
    throw new ServiceError(
      'InvalidNexthop',
      `Field "nexthopId" (${nexthopId}) is a peering connection id; a peerConn next hop is your side's interface: pass the localIfId (qpif-…) that GET /v1/peerconn/{id} shows${here ? ` (here: ${here.ifId})` : ''}.`,
    );
  }
  const side = mine.find((s) => s.ifId === nexthopId);
  if (!connection || !side) {
    throw new ServiceError(
      'InvalidNexthop',
      `Field "nexthopId" (${nexthopId}) is not the interface of a peering connection of yours; pass the localIfId of your side of the connection, as GET /v1/peerconn/{id} shows it.`,
    );
  }
  if (side.vpcId !== vpc.vpcId) {
    throw new ServiceError(
      'InvalidNexthop',
      `Interface ${nexthopId} is the ${side.role} side of ${connection.id} in VPC ${side.vpcId}, not in this route table's VPC ${vpc.vpcId}; use the localIfId of the side in ${vpc.vpcId}.`,
    );
  }
  const sides = sidesOf(connection);
  const unusable =
    connection.acceptorRemoved || sides.some((s) => !USABLE_PEERCONN_STATUSES.includes(s.status));
  if (unusable) {
    const states = connection.acceptorRemoved
      ? `${connection.initiator.status}, its acceptor side removed`
      : sides.map((s) => `${s.role} ${s.status}`).join(', ');
    throw new ServiceError(
      'InvalidPeerConnStatus',
      `Peering connection ${connection.id} carries no traffic yet (${states}); a route can use it once both sides are active.`,
    );
  }
}

function checkNexthop(shape: RuleShape, facts: RouteFacts, caller: CallerScope): void {
  if (shape.nexthopType === 'peerConn') {
    checkPeerConnNexthop(shape.nexthopId, facts.connection, facts.vpc, caller);
  }
  // Other next hops (instances, VPN, NAT and dedicated gateways, …) are resources this server does not have:
  // their ids are stored as given.
}

export function decideRouteRule(
  request: RouteRuleRequest,
  facts: RouteFacts,
  caller: CallerScope,
  made: { routeRuleId: string; now: number },
): RouteRuleRecord {
  checkAddresses(request, facts);
  if (facts.others.length >= facts.quota) {
    throw new ServiceError(
      'RouteRuleQuotaExceeded',
      `Route table ${facts.table.routeTableId} already has ${facts.others.length} custom rules, the most a table may have (${facts.quota}); delete one first.`,
    );
  }
  checkNexthop(request, facts, caller);
  return {
    routeRuleId: made.routeRuleId,
    routeTableId: facts.table.routeTableId,
    vpcId: facts.vpc.vpcId,
    accountId: facts.vpc.accountId,
    region: facts.vpc.region,
    sourceAddress: cidrText(request.source),
    destinationAddress: cidrText(request.destination),
    nexthopType: request.nexthopType,
    nexthopId: request.nexthopId,
    description: request.description,
    createdAt: made.now,
  };
}

/** An update field: `""` and absent both keep the current value (the Go SDK sends `""` for fields left unset). */
function given(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** The fields an update would change, after their value rules; nexthopId changes need the next-hop facts. */
export interface RuleChange {
  source?: Cidr;
  destination?: Cidr;
  nexthopId?: string;
  description?: string;
}

export function ruleChange(fields: Omit<UpdateRouteRuleFields, 'routeRuleId'>): RuleChange {
  const change: RuleChange = {};
  const source = given(fields.sourceAddress);
  const destination = given(fields.destinationAddress);
  const nexthopId = given(limited('nexthopId', fields.nexthopId, 64));
  const description = given(limited('description', fields.description, DESCRIPTION_MAX_LENGTH));
  if (source !== undefined) change.source = cidrField('sourceAddress', source);
  if (destination !== undefined) change.destination = cidrField('destinationAddress', destination);
  if (nexthopId !== undefined) change.nexthopId = nexthopId;
  if (description !== undefined) change.description = description;
  return change;
}

/**
 * The rule after an update. The next hop is checked again only when it changes, so the description of a rule
 * whose connection was released can still be edited.
 */
export function updatedRouteRule(
  rule: RouteRuleRecord,
  change: RuleChange,
  facts: RouteFacts,
  caller: CallerScope,
): RouteRuleRecord {
  const shape: RuleShape = {
    source: change.source ?? cidrOf(rule.sourceAddress),
    destination: change.destination ?? cidrOf(rule.destinationAddress),
    nexthopType: rule.nexthopType,
    nexthopId: change.nexthopId ?? rule.nexthopId,
  };
  checkAddresses(shape, facts);
  if (shape.nexthopId !== rule.nexthopId) checkNexthop(shape, facts, caller);
  return {
    ...rule,
    sourceAddress: cidrText(shape.source),
    destinationAddress: cidrText(shape.destination),
    nexthopId: shape.nexthopId,
    description: change.description ?? rule.description,
  };
}
