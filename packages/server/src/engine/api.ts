// The contract between the server's core (domain rules + store + scheduler) and its adapters (HTTP, admin
// HTTP, main). The core never sees HTTP; the adapters never touch the store.
import type { OperationInput, OperationShapes } from '@peerconn/sdk';
import type { OPERATIONS, OperationName } from '@peerconn/sdk/operations';
import type { PeerConnEvent } from '../domain/events.ts';
import type { FaultRule, FaultRuleInput } from '../domain/faults.ts';
import type { ReachReport, ReachRequest } from '../domain/reachability.ts';
import type { Fields } from '../domain/requests.ts';
import type { AnyResource } from '../domain/resources.ts';
import type { TimingTable, TransitionName } from '../domain/timing.ts';
import type {
  Account,
  AccountCredential,
  PeerConnRecord,
  RouteRuleRecord,
  RouteTableRecord,
  SubnetRecord,
  VpcRecord,
} from '../domain/types.ts';
import type { StoreCounters } from '../store/api.ts';
import type { StoreHealth } from '../store/availability.ts';

export type { EventCause, EventChange, PeerConnEvent } from '../domain/events.ts';
export type { FaultRule, FaultRuleInput } from '../domain/faults.ts';
export type { ReachQuery, ReachReport, ReachRequest } from '../domain/reachability.ts';
export type { TimingTable, TransitionName, TransitionTiming } from '../domain/timing.ts';
export type {
  Account,
  AccountCredential,
  PeerConnRecord,
  RouteRuleRecord,
  RouteTableRecord,
  SideRecord,
  SubnetRecord,
  VpcRecord,
} from '../domain/types.ts';

/** Who is calling, as established by signature verification and the endpoint that received the request. */
export interface Caller {
  accountId: string;
  /** Region of the endpoint that received the request (Host header or listener). */
  region: string;
  requestId: string;
}

/** Idempotency data the HTTP layer derives from the request. */
export interface Idempotency {
  clientToken: string;
  /** Hash of method, path, query without clientToken, and normalised body: a reused token must match it. */
  fingerprint: string;
}

/**
 * Input of one operation after wire parsing and shape validation at the edge: exactly the wire fields of the
 * SDK's input type for it (packages/sdk/src/models.ts), without the SDK's call options.
 */
export type RequestFields<N extends OperationName> = Fields<OperationInput<N>>;

/** The body an operation answers with: its SDK output without `$metadata`, or nothing. */
export type WireOutput<N extends OperationName> = (typeof OPERATIONS)[N]['returnsData'] extends true
  ? Omit<OperationShapes[N]['output'], '$metadata'>
  : undefined;

export interface ClockState {
  /** Virtual now, `YYYY-MM-DDThh:mm:ssZ` plus milliseconds as ISO 8601. */
  now: string;
  /** Virtual minus real time, in ms. */
  offsetMs: number;
  frozen: boolean;
  /** True when the virtual clock is real time: no offset and not frozen. */
  realTime: boolean;
}

/**
 * A change of the virtual clock. `set` is an ISO 8601 instant or `now` (the real time); `advanceMs` moves it
 * forward; `freeze` stops or restarts it; `realTime` (alone) returns to real time, running.
 */
export interface ClockChange {
  set?: string;
  advanceMs?: number;
  freeze?: boolean;
  realTime?: boolean;
}

/** What a reset clears besides resources, tokens and fault rules. */
export interface ResetOptions {
  /** Also the accounts and their keys. */
  accounts?: boolean;
  /** Also the virtual clock: back to real time, running. */
  clock?: boolean;
  /** Also the timing: back to the timing the server was started with (`--timing`, else `default`). */
  timing?: boolean;
}

export interface PendingTransition {
  peerConnId: string;
  name: TransitionName | 'consultTimeout' | 'expiry';
  /** ISO instant on the virtual clock; absent for manual transitions. */
  dueAt?: string;
  manual: boolean;
}

export interface Snapshot {
  format: 'peerconn-snapshot';
  version: 1;
  exportedAt: string;
  [key: string]: unknown;
}

/**
 * What a committed change touched: peering connections (events of the timeline), VPCs, the clock or timing
 * (settings), the fault rules, the accounts, or everything (reset, snapshot import).
 */
export type EngineChange = 'events' | 'vpcs' | 'settings' | 'faults' | 'accounts' | 'all';

/** Everything there is, across accounts and regions: what the console shows. */
export interface Overview {
  accounts: Account[];
  vpcs: VpcRecord[];
  /** Both sides of each connection; a side whose owner removed it is flagged `acceptorRemoved`. */
  peerConns: PeerConnRecord[];
  subnets: SubnetRecord[];
  /** One per VPC. */
  routeTables: RouteTableRecord[];
  /** Custom rules only; system routes follow from the subnets. */
  routeRules: RouteRuleRecord[];
  /** ACL rules, security groups and their rules, network interfaces, each with its kind. */
  resources: AnyResource[];
}

export interface EngineConfig {
  quotaPerVpc: number;
  quotaPerAccount: number;
  /** Subnets a VPC may have; Baidu's 10 when absent. */
  quotaSubnetsPerVpc?: number;
  /** Custom rules a route table may hold; Baidu's 50 when absent. */
  quotaRulesPerTable?: number;
  /** Network interfaces attached to nothing, per VPC; Baidu's 500 when absent. */
  quotaEnisPerVpc?: number;
  /** Addresses per network interface; Baidu's 40 when absent. */
  quotaIpsPerEni?: number;
  /** Network interfaces attached to one instance id; Baidu's 8 (min(cores, 8)) when absent. */
  quotaEnisPerInstance?: number;
  /** ACL rules a subnet may hold per direction; Baidu's 150 when absent. */
  quotaAclRulesPerDirection?: number;
  /** Rules a security group may hold per direction; Baidu's 100 when absent. */
  quotaSecurityGroupRulesPerDirection?: number;
  consultTimeoutMs: number;
  /** After release, GET answers NoSuchObject (false) or shows status `deleted` (true). */
  keepDeleted: boolean;
  /** Timing of a fresh database; a database keeps the timing set through the admin API. */
  timing: TimingTable;
}

export interface Engine {
  /**
   * Runs one operation for the caller inside one store transaction, with idempotency when given.
   * Returns the response body (undefined for operations that return no data); throws ServiceError.
   */
  execute<N extends OperationName>(
    operation: N,
    caller: Caller,
    input: RequestFields<N>,
    idempotency?: Idempotency,
  ): Promise<unknown>;

  /** Looks up the credential for signature verification. */
  findCredential(
    accessKeyId: string,
  ): Promise<{ accountId: string; credential: AccountCredential } | undefined>;

  // ---- control plane (admin API) ----
  listAccounts(): Promise<Account[]>;
  /** Creates an account; id (32 hex) and one key pair are generated when not given. */
  createAccount(input: { id?: string; name: string; credentials?: AccountCredential[] }): Promise<Account>;
  /**
   * Creates the accounts that do not exist yet and gives existing ones the listed keys they lack, in one
   * transaction. With `onlyIfNone`, does nothing when any account exists. Resolves to whether it created any.
   */
  ensureAccounts(
    accounts: Array<{ id?: string; name: string; credentials?: AccountCredential[] }>,
    options?: { onlyIfNone?: boolean },
  ): Promise<boolean>;
  addCredential(accountId: string, credential?: Partial<AccountCredential>): Promise<AccountCredential>;
  removeCredential(accountId: string, accessKeyId: string): Promise<void>;
  /** Clears resources, tokens and fault rules; accounts, clock and timing stay unless asked. */
  reset(options?: ResetOptions): Promise<void>;
  deleteAccount(accountId: string): Promise<void>;
  listFaults(): FaultRule[];
  addFault(input: FaultRuleInput): Promise<FaultRule>;
  removeFault(id: string): Promise<void>;
  clearFaults(): Promise<void>;
  /** The rule that fires for this request of `operation`, if any (counting it down). */
  takeFault(operation: string): Promise<FaultRule | undefined>;
  /** The timeline, oldest first: all connections or one, after a sequence number. */
  listEvents(query?: { peerConnId?: string; afterSeq?: number; limit?: number }): Promise<PeerConnEvent[]>;
  /** Calls `listener` whenever events were recorded (in this process or, on PostgreSQL, another). */
  onEvents(listener: () => void): () => void;
  /**
   * Calls `listener` after each committed change (here or, on PostgreSQL, in another process), once this
   * engine's own view reflects it: `clock()`, `timing()` and `listFaults()` already answer the new state.
   */
  onChange(listener: (change: EngineChange) => void): () => void;
  /** Accounts, VPCs and peering connections of everyone, after applying the transitions due by now. */
  overview(): Promise<Overview>;
  /**
   * Whether a packet of a protocol and port from a network interface or an address in a VPC reaches another
   * through security groups, ACLs, route tables and peering connections, and whether the answer comes back;
   * whoever owns them (an admin view).
   */
  reachability(request: ReachRequest): Promise<ReachReport>;
  clock(): ClockState;
  setClock(change: ClockChange): Promise<ClockState>;
  timing(): TimingTable;
  setTiming(change: Partial<TimingTable>): Promise<TimingTable>;
  pendingTransitions(): Promise<PendingTransition[]>;
  /** Applies pending manual (and due) transitions, all or for one connection; returns how many ran. */
  runTransitions(peerConnId?: string): Promise<number>;
  exportSnapshot(): Promise<Snapshot>;
  /**
   * Replaces the whole state with a snapshot's. With `onlyIfEmpty`, does nothing when the database holds any
   * account (checked in the loading transaction). Resolves to whether it loaded.
   */
  importSnapshot(snapshot: Snapshot, options?: { onlyIfEmpty?: boolean }): Promise<boolean>;
  /** Whether the store can serve: the last outcome, an active check (readiness), and outage reports. */
  storeHealth(): StoreHealth;
  /** Which store this is, and what it has done since it opened (Store.counters). */
  storeCounters(): { kind: 'sqlite' | 'postgres'; counters: StoreCounters };
  close(): Promise<void>;
}
