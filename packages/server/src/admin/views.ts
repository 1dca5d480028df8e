// The JSON of the admin API's cross-account endpoints (`GET /_admin/state`, `POST /_admin/act`, the change
// stream), shared as types with the console page, which is their main reader.
import type { PaymentTiming, TagModel } from '@peerconn/sdk/models';
import { wireTime } from '../domain/time.ts';
import type {
  Account,
  ClockState,
  EngineChange,
  FaultRule,
  Overview,
  PeerConnRecord,
  PendingTransition,
  SideRecord,
  TimingTable,
  VpcRecord,
} from '../engine/api.ts';

export type { EngineChange, PeerConnEvent } from '../engine/api.ts';

export interface VpcView {
  vpcId: string;
  accountId: string;
  region: string;
  name: string;
  cidr: string;
  description: string;
  relay: boolean;
  createdTime: string;
}

/** One side of a connection as its owner sees it, plus who owns it. */
export interface SideView extends SideRecord {
  /** The acceptor side after a reject or a consult timeout: kept for the record, invisible to its account. */
  removed: boolean;
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
export interface StateView {
  /** Regions the server has an endpoint for; resources may name others (through a Host header). */
  regions: string[];
  clock: ClockState;
  accounts: Account[];
  vpcs: VpcView[];
  peerConns: PeerConnView[];
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

function sideView(side: SideRecord, removed: boolean): SideView {
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
  };
}

function peerConnView(record: PeerConnRecord): PeerConnView {
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
    initiator: sideView(record.initiator, false),
    acceptor: sideView(record.acceptor, record.acceptorRemoved),
  };
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
    peerConns: overview.peerConns.map(peerConnView),
    pending: rest.pending,
    timing: rest.timing,
    faults: rest.faults,
  };
}
