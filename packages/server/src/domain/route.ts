// Route table rules: who sees a table, what a custom rule may say (addresses, duplicates, quota, next hop),
// what a peering next hop must be, and primary/standby pairs (two rules with one source and destination, one
// of them carrying the traffic, swapped by a switch). System routes are derived from the subnets and never
// stored, so no request can reach them.
import { NEXTHOP_TYPES } from '@peerconn/sdk';
import { ServiceError } from '../errors.ts';
import { type Cidr, cidrField, cidrOf, cidrText, containsCidr, isAnywhere, overlaps } from './cidr.ts';
import type { CreateRouteRuleFields, UpdateRouteRuleFields } from './requests.ts';
import type {
  CallerScope,
  PeerConnRecord,
  RoutePathType,
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

/** Where a rule sends its traffic. */
export interface Nexthop {
  nexthopType: string;
  nexthopId: string;
}

/** The parts of a rule its checks look at. */
export interface RuleShape extends Nexthop {
  source: Cidr;
  destination: Cidr;
}

export interface RouteRuleRequest extends RuleShape {
  routeTableId: string;
  description: string;
  /** A primary/standby rule: the standby next hop (the fields above are the active one). */
  standby?: Nexthop;
}

function nexthopTypeOf(value: string | undefined, field = 'nexthopType'): string {
  const type = required(field, value, 32);
  if (type === 'sys') {
    throw new ServiceError(
      'SystemRouteImmutable',
      'System routes (nexthopType sys) are made by the VPC, one per subnet; they cannot be created, changed or deleted.',
    );
  }
  if (!(NEXTHOP_TYPES as readonly string[]).includes(type)) {
    throw new ServiceError(
      'InvalidNexthop',
      `Field "${field}" (${type}) must be one of ${NEXTHOP_TYPES.join(', ')}.`,
    );
  }
  return type;
}

/** The pathType of a rule stored before primary/standby pairs existed is `normal`. */
export function pathTypeOf(rule: RouteRuleRecord): RoutePathType {
  return rule.pathType ?? 'normal';
}

/** Whether a rule carries traffic: every rule but the standby of a primary/standby pair. */
export function carriesTraffic(rule: RouteRuleRecord): boolean {
  return pathTypeOf(rule) !== 'ha:standby';
}

/**
 * What keeps the two rules of a pair apart in the store's unique index of source and destination: their own
 * next hop (which a switch does not change); `""` for a normal rule, so two normal rules still collide.
 */
export function pathKeyOf(rule: RouteRuleRecord): string {
  return pathTypeOf(rule) === 'normal' ? '' : `${rule.nexthopType}:${rule.nexthopId}`;
}

function invalidRule(message: string): ServiceError {
  return new ServiceError('InvalidRouteRule', message);
}

/**
 * A multi-path rule's next hops. The server models Baidu's primary/standby mode: exactly two next hops, one
 * `ha:active` and one `ha:standby`, of any next hop type it knows (Baidu offers it for dedicated gateways,
 * whose ids the server takes as given). Load-balanced (`ecmp`) rules are refused.
 */
function primaryStandby(list: NonNullable<CreateRouteRuleFields['nextHopList']>): [Nexthop, Nexthop] {
  if (list.some((hop) => hop.pathType === 'ecmp')) {
    throw invalidRule(
      'Load-balanced multi-path rules (pathType ecmp) are not modelled by this server; give a primary/standby pair: two next hops, pathType ha:active and ha:standby.',
    );
  }
  const paths = list.map((hop) => hop.pathType ?? '');
  if (list.length !== 2 || !paths.includes('ha:active') || !paths.includes('ha:standby')) {
    throw invalidRule(
      `Field "nextHopList" must hold exactly two next hops, one with pathType ha:active and one with ha:standby (got ${list.length}: ${paths.map((p) => p || '(none)').join(', ') || 'none'}).`,
    );
  }
  const hops = list.map((hop, i) => {
    const nexthopType = nexthopTypeOf(hop.nexthopType, `nextHopList[${i}].nexthopType`);
    return { nexthopType, nexthopId: required(`nextHopList[${i}].nexthopId`, hop.nexthopId, 64) };
  });
  const active = hops[paths.indexOf('ha:active')] as Nexthop;
  const standby = hops[paths.indexOf('ha:standby')] as Nexthop;
  if (active.nexthopType === standby.nexthopType && active.nexthopId === standby.nexthopId) {
    throw invalidRule(
      `The active and the standby next hop are both ${active.nexthopType} ${active.nexthopId}; a standby must be another next hop.`,
    );
  }
  return [active, standby];
}

function nexthopIdOf(type: string, value: string | undefined): string {
  // Only the local gateway needs no id (the Python SDK documents an empty one for it).
  if (type === 'defaultGateway') return limited('nexthopId', value, 64) ?? '';
  return required('nexthopId', value, 64);
}

/** The request after its value rules; decideRouteRule checks it against the table. */
export function routeRuleRequest(fields: CreateRouteRuleFields): RouteRuleRequest {
  const common = {
    routeTableId: required('routeTableId', fields.routeTableId, 64),
    source: cidrField('sourceAddress', required('sourceAddress', fields.sourceAddress, 32)),
    destination: cidrField(
      'destinationAddress',
      required('destinationAddress', fields.destinationAddress, 32),
    ),
    description: limited('description', fields.description, DESCRIPTION_MAX_LENGTH) ?? '',
  };
  // The Python SDK sends an empty list with every single-path rule, the Go SDK `"nexthopType": ""` with a
  // multi-path one: empty means not given.
  if (fields.nextHopList !== undefined && fields.nextHopList.length > 0) {
    if ((fields.nexthopType ?? '') !== '' || (fields.nexthopId ?? '') !== '') {
      throw invalidRule(
        'Give the next hop either as nexthopType and nexthopId (one next hop) or as nextHopList (a primary/standby pair), not both.',
      );
    }
    const [active, standby] = primaryStandby(fields.nextHopList);
    return { ...common, ...active, standby };
  }
  const nexthopType = nexthopTypeOf(fields.nexthopType);
  return { ...common, nexthopType, nexthopId: nexthopIdOf(nexthopType, fields.nexthopId) };
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
   * For each peerConn next hop, by its nexthopId: the connection with a side whose interface it is, or, when it
   * is a peering connection id, that connection.
   */
  connections: ReadonlyMap<string, PeerConnRecord | undefined>;
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

function checkNexthop(hop: Nexthop, facts: RouteFacts, caller: CallerScope): void {
  if (hop.nexthopType === 'peerConn') {
    checkPeerConnNexthop(hop.nexthopId, facts.connections.get(hop.nexthopId), facts.vpc, caller);
  }
  // Other next hops (instances, VPN, NAT and dedicated gateways, …) are resources this server does not have:
  // their ids are stored as given.
}

/**
 * The rules a create adds: one, or the two of a primary/standby pair (Baidu answers their ids as
 * routeRuleIds). A pair takes two of the table's entries.
 */
export function decideRouteRule(
  request: RouteRuleRequest,
  facts: RouteFacts,
  caller: CallerScope,
  made: { routeRuleIds: readonly [string, string]; now: number },
): RouteRuleRecord[] {
  checkAddresses(request, facts);
  const adding = request.standby ? 2 : 1;
  if (facts.others.length + adding > facts.quota) {
    throw new ServiceError(
      'RouteRuleQuotaExceeded',
      `Route table ${facts.table.routeTableId} already has ${facts.others.length} custom rules, the most a table may have (${facts.quota})${request.standby ? ' counts a primary/standby rule as two' : ''}; delete one first.`,
    );
  }
  checkNexthop(request, facts, caller);
  if (request.standby) checkNexthop(request.standby, facts, caller);
  const base = {
    routeTableId: facts.table.routeTableId,
    vpcId: facts.vpc.vpcId,
    accountId: facts.vpc.accountId,
    region: facts.vpc.region,
    sourceAddress: cidrText(request.source),
    destinationAddress: cidrText(request.destination),
    description: request.description,
    createdAt: made.now,
  };
  const [activeId, standbyId] = made.routeRuleIds;
  const active: RouteRuleRecord = {
    ...base,
    routeRuleId: activeId,
    nexthopType: request.nexthopType,
    nexthopId: request.nexthopId,
    pathType: request.standby ? 'ha:active' : 'normal',
  };
  if (!request.standby) return [active];
  return [active, { ...base, routeRuleId: standbyId, ...request.standby, pathType: 'ha:standby' }];
}

/** The other rule of a primary/standby pair: the rule of the table with the same source and destination. */
export function partnerOf(
  rule: RouteRuleRecord,
  others: readonly RouteRuleRecord[],
): RouteRuleRecord | undefined {
  if (pathTypeOf(rule) === 'normal') return undefined;
  return others.find(
    (r) =>
      r.routeRuleId !== rule.routeRuleId &&
      r.sourceAddress === rule.sourceAddress &&
      r.destinationAddress === rule.destinationAddress &&
      pathTypeOf(r) !== 'normal',
  );
}

/**
 * A switch of a primary/standby pair: the active rule becomes the standby and the standby the active one.
 * Baidu switches by the active rule's id; a normal rule has nothing to switch to.
 */
export function decideSwitch(rule: RouteRuleRecord, others: readonly RouteRuleRecord[]): RouteRuleRecord[] {
  const path = pathTypeOf(rule);
  const partner = partnerOf(rule, others);
  if (path === 'normal' || !partner) {
    throw invalidRule(
      `Route rule ${rule.routeRuleId} has one next hop (pathType normal); only the active rule of a primary/standby pair (pathType ha:active, created with a nextHopList) can be switched.`,
    );
  }
  if (path === 'ha:standby') {
    throw invalidRule(
      `Route rule ${rule.routeRuleId} is the standby (ha:standby) of a primary/standby pair; switch it by the id of the active rule, ${partner.routeRuleId}.`,
    );
  }
  return [
    { ...rule, pathType: 'ha:standby' },
    { ...partner, pathType: 'ha:active' },
  ];
}

/** Baidu updates single-path rules only: a member of a pair is switched or deleted, never changed. */
export function requireSinglePath(rule: RouteRuleRecord, others: readonly RouteRuleRecord[]): void {
  if (pathTypeOf(rule) === 'normal') return;
  const partner = partnerOf(rule, others);
  throw invalidRule(
    `Route rule ${rule.routeRuleId} is the ${pathTypeOf(rule)} rule of a primary/standby pair${partner ? ` with ${partner.routeRuleId}` : ''}; only single-path rules can be updated. Switch the pair, or delete it and create it again.`,
  );
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
  if (Object.keys(change).length === 0) {
    throw new ServiceError(
      'InappropriateJSON',
      "A route rule update needs at least one of sourceAddress, destinationAddress, nexthopId, description (an empty value keeps the current one), and this one has none. To switch a primary/standby pair, send the switchRouteHA flag (PUT /v1/route/rule/{routeRuleId}?switchRouteHA): the official Go SDK's SwitchRoute leaves the flag out and sends exactly this empty update.",
    );
  }
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
