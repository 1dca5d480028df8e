// The JSON of the admin API's cross-account endpoints (`GET /_admin/state`, `POST /_admin/act`,
// `POST /_admin/reachability`, the change stream), shared as types with the console page, their main reader.
import type { PaymentTiming, RouteRule, TagModel } from '@peerconn/sdk';
import type { OperationName } from '@peerconn/sdk/operations';
import { type ActionVerdict, type SideOperation, sideActions } from '../domain/peerconn-actions.ts';
import { USABLE_PEERCONN_STATUSES } from '../domain/route.ts';
import { availableIps } from '../domain/subnet.ts';
import { wireTime } from '../domain/time.ts';
import { renderRouteRule, systemRoute } from '../domain/view.ts';
import type {
  Account,
  ClockState,
  EngineChange,
  FaultRule,
  Overview,
  PeerConnRecord,
  PendingTransition,
  RouteRuleRecord,
  RouteTableRecord,
  SideRecord,
  SubnetRecord,
  TimingTable,
  VpcRecord,
  WireOutput,
} from '../engine/api.ts';
import { type NetworkViews, networkViews } from './network-views.ts';

export type { ActionVerdict, SideOperation } from '../domain/peerconn-actions.ts';
export type {
  HopNext,
  MatchedRule,
  ReachHop,
  ReachProblem,
  ReachProblemCode,
  SideState,
} from '../domain/reachability.ts';
export type { EngineChange, PeerConnEvent, ReachQuery, ReachReport, RequestFields } from '../engine/api.ts';
export type {
  AclRuleView,
  EniView,
  SecurityGroupRuleView,
  SecurityGroupView,
} from './network-views.ts';
export type { OperationName };

export interface VpcView
  extends Pick<VpcRecord, 'vpcId' | 'accountId' | 'region' | 'name' | 'cidr' | 'description' | 'relay'> {
  createdTime: string;
}

export interface SubnetView
  extends Pick<
    SubnetRecord,
    'subnetId' | 'vpcId' | 'accountId' | 'region' | 'name' | 'zoneName' | 'cidr' | 'subnetType'
  > {
  availableIp: number;
  createdTime: string;
}

/**
 * Where a rule's next hop leads: `usable` (a connection that carries traffic), `unusable` (a connection that
 * does not, yet or any more), `blackhole` (an interface of no connection: released), or `external` (a resource
 * this server does not model). System routes deliver inside the VPC: `local`.
 */
export type NexthopState = 'local' | 'usable' | 'unusable' | 'blackhole' | 'external';

/** A rule as the wire shows it (system routes included), with where its next hop leads. */
export interface RouteRuleView extends RouteRule {
  system: boolean;
  nexthopState: NexthopState;
  /** For a peerConn rule whose interface belongs to a connection: that connection. */
  peerConnId?: string;
}

export interface RouteTableView {
  routeTableId: string;
  vpcId: string;
  accountId: string;
  region: string;
  /** Custom rules in creation order, then one system route per subnet, as getRouteTable answers. */
  rules: RouteRuleView[];
}

/** One side of a connection as its owner sees it, plus who owns it. */
export interface SideView extends SideRecord {
  /** The acceptor side after a reject or a consult timeout: kept for the record, invisible to its account. */
  removed: boolean;
  /**
   * What the rules say to each operation this side's account could send now (domain/peerconn-actions.ts):
   * the console offers the allowed ones and says why the others are refused.
   */
  actions: Record<SideOperation, ActionVerdict>;
}

export interface PeerConnView {
  peerConnId: string;
  crossAccount: boolean;
  bandwidthInMbps: number;
  paymentTiming: PaymentTiming;
  /** Months of the last purchase (Prepaid). */
  reservationLength: number | null;
  createdTime: string;
  /** "" for Postpaid, as on the wire. */
  expiredTime: string;
  deleteProtect: boolean;
  tags: TagModel[];
  initiator: SideView;
  acceptor: SideView;
}

/** Everything at once: the console's picture of the local cloud. */
export interface StateView extends NetworkViews {
  /** Regions the server has an endpoint for; resources may name others (through a Host header). */
  regions: string[];
  clock: ClockState;
  accounts: Account[];
  vpcs: VpcView[];
  peerConns: PeerConnView[];
  subnets: SubnetView[];
  routeTables: RouteTableView[];
  pending: PendingTransition[];
  timing: TimingTable;
  faults: FaultRule[];
}

/** `POST /_admin/act`: one operation of the table, run as an account at a region's endpoint. */
export interface ActRequest {
  accountId: string;
  region: string;
  operation: string;
  /** The operation's input as the SDK takes it: path, query and body fields together. */
  input?: Record<string, unknown>;
}

export interface ActResult {
  /** The request id the timeline records as the cause (also the response's x-bce-request-id). */
  requestId: string;
  /** The operation's response body; absent for operations that return none. */
  result?: unknown;
}

/** What `POST /_admin/act` answers for one operation, its result typed as the operation's wire answer. */
export interface ActAnswer<N extends OperationName> {
  requestId: string;
  result: WireOutput<N>;
}

/** A message of `GET /_admin/stream` (event `change`): what changed since the previous message. */
export interface ChangeMessage {
  changes: EngineChange[];
}

function vpcView(vpc: VpcRecord): VpcView {
  return {
    vpcId: vpc.vpcId,
    accountId: vpc.accountId,
    region: vpc.region,
    name: vpc.name,
    cidr: vpc.cidr,
    description: vpc.description,
    relay: vpc.relay,
    createdTime: wireTime(vpc.createdAt),
  };
}

function sideView(record: PeerConnRecord, side: SideRecord, removed: boolean, now: number): SideView {
  return {
    role: side.role,
    accountId: side.accountId,
    region: side.region,
    vpcId: side.vpcId,
    ifId: side.ifId,
    ifName: side.ifName,
    description: side.description,
    status: side.status,
    dnsStatus: side.dnsStatus,
    removed,
    actions: sideActions(record, side.role, now),
  };
}

function peerConnView(record: PeerConnRecord, now: number): PeerConnView {
  return {
    peerConnId: record.id,
    crossAccount: record.crossAccount,
    bandwidthInMbps: record.bandwidthInMbps,
    paymentTiming: record.paymentTiming,
    reservationLength: record.reservationLength,
    createdTime: wireTime(record.createdAt),
    expiredTime: record.expiresAt === null ? '' : wireTime(record.expiresAt),
    deleteProtect: record.deleteProtect,
    tags: record.tags,
    initiator: sideView(record, record.initiator, false, now),
    acceptor: sideView(record, record.acceptor, record.acceptorRemoved, now),
  };
}

function subnetView(subnet: SubnetRecord): SubnetView {
  return {
    subnetId: subnet.subnetId,
    vpcId: subnet.vpcId,
    accountId: subnet.accountId,
    region: subnet.region,
    name: subnet.name,
    zoneName: subnet.zoneName,
    cidr: subnet.cidr,
    subnetType: subnet.subnetType,
    availableIp: availableIps(subnet.cidr),
    createdTime: wireTime(subnet.createdAt),
  };
}

function routeTableViews(overview: Overview): RouteTableView[] {
  const byInterface = new Map<string, PeerConnRecord>();
  for (const record of overview.peerConns) {
    byInterface.set(record.initiator.ifId, record);
    if (!record.acceptorRemoved) byInterface.set(record.acceptor.ifId, record);
  }
  const ruleView = (rule: RouteRuleRecord): RouteRuleView => {
    const wire = renderRouteRule(rule);
    if (rule.nexthopType !== 'peerConn') return { ...wire, system: false, nexthopState: 'external' };
    const record = byInterface.get(rule.nexthopId);
    // A connection kept visible as `deleted` (keepDeleted) is as released for routing, as the reachability check says.
    const released = record && [record.initiator, record.acceptor].every((side) => side.status === 'deleted');
    if (!record || released) return { ...wire, system: false, nexthopState: 'blackhole' };
    const usable =
      !record.acceptorRemoved &&
      [record.initiator, record.acceptor].every((side) => USABLE_PEERCONN_STATUSES.includes(side.status));
    return { ...wire, system: false, nexthopState: usable ? 'usable' : 'unusable', peerConnId: record.id };
  };
  const rulesOf = new Map<string, RouteRuleRecord[]>();
  for (const rule of overview.routeRules) {
    rulesOf.set(rule.routeTableId, [...(rulesOf.get(rule.routeTableId) ?? []), rule]);
  }
  return overview.routeTables.map((table: RouteTableRecord) => ({
    routeTableId: table.routeTableId,
    vpcId: table.vpcId,
    accountId: table.accountId,
    region: table.region,
    rules: [
      ...(rulesOf.get(table.routeTableId) ?? []).map(ruleView),
      ...overview.subnets
        .filter((subnet) => subnet.vpcId === table.vpcId)
        .map(
          (subnet): RouteRuleView => ({ ...systemRoute(table, subnet), system: true, nexthopState: 'local' }),
        ),
    ],
  }));
}

export function stateView(
  overview: Overview,
  rest: Pick<StateView, 'regions' | 'clock' | 'pending' | 'timing' | 'faults'>,
): StateView {
  return {
    regions: rest.regions,
    clock: rest.clock,
    accounts: overview.accounts,
    vpcs: overview.vpcs.map(vpcView),
    // The verdicts are the rules' at the instant the clock reading was taken, as a request then would meet them.
    peerConns: overview.peerConns.map((record) => peerConnView(record, Date.parse(rest.clock.now))),
    subnets: overview.subnets.map(subnetView),
    routeTables: routeTableViews(overview),
    ...networkViews(overview.resources, overview.subnets),
    pending: rest.pending,
    timing: rest.timing,
    faults: rest.faults,
  };
}
