// The persistence contract, implemented by SQLite (embedded, one process) and PostgreSQL (shared by any number
// of server processes).
//
// Reads and writes are split. `read` runs on committed data and never waits for a writer (SQLite: a second
// connection on the WAL that sees only what is durable; PostgreSQL: pooled queries behind a read cache).
// `write` runs one transaction that behaves as if it ran alone: SQLite groups the writes that arrive together
// into one transaction and one fsync (a failing write never reaching its batch-mates); PostgreSQL runs each in a
// REPEATABLE READ transaction behind the advisory locks it names (WriteOptions), and retries a conflict itself,
// invisibly to the caller.
//
// Whatever a write wants others to learn (a transition scheduled, settings changed, an event recorded) it
// announces with `tx.announce`; after the commit the store hands it to every subscriber — in this process and,
// for PostgreSQL, in every other server process on the same database.
import type { AnyResource, ResourceKind, ResourceRecords } from '../domain/resources.ts';
import type {
  AccountCredential,
  PeerConnRecord,
  RouteRuleRecord,
  RouteTableRecord,
  SubnetRecord,
  TransitionKind,
  TransitionSide,
  VpcRecord,
} from '../domain/types.ts';
import type { StoreHealth } from './availability.ts';

export interface AccountRow {
  id: string;
  name: string;
  credentials: AccountCredential[];
}

export interface TransitionRow {
  peerConnId: string;
  kind: TransitionKind;
  side: TransitionSide;
  /** Virtual-clock ms; null for manual transitions. */
  dueAt: number | null;
}

export interface TokenRow {
  accountId: string;
  region: string;
  token: string;
  operation: string;
  fingerprint: string;
  /** JSON of the response body; "null" for operations without one. */
  response: string;
  lastUsedAt: number;
}

export interface PageQuery {
  accountId: string;
  region: string;
  /** Start at the item whose key is this (inclusive); resolved by the store from the marker. */
  fromSeq?: number;
  limit: number;
}

export interface SideListItem {
  record: PeerConnRecord;
  role: 'initiator' | 'acceptor';
}

/** A fault rule as stored: the rule itself is opaque JSON to the store; `remaining` counts down atomically. */
export interface FaultRow {
  id: string;
  /** JSON of the rule. */
  rule: string;
  /** How many more times it fires; null = unlimited. */
  remaining: number | null;
}

/** One recorded change of a peering connection (the timeline). */
export interface EventRow {
  seq: number;
  peerConnId: string;
  /** Virtual instant of the change. */
  at: number;
  /** JSON of the event body (cause and changes). */
  body: string;
}

/** Everything the store holds, as plain rows: the body of a snapshot. */
export interface StoreDump {
  meta: Record<string, string>;
  accounts: AccountRow[];
  vpcs: Array<VpcRecord & { seq: number }>;
  peerConns: Array<{
    seq: number;
    record: PeerConnRecord;
    sideSeqs: { initiator: number; acceptor: number };
  }>;
  transitions: TransitionRow[];
  tokens: TokenRow[];
  subnets: Array<SubnetRecord & { seq: number }>;
  routeTables: Array<RouteTableRecord & { seq: number }>;
  routeRules: Array<RouteRuleRecord & { seq: number }>;
  /** The network resources of the generic table (domain/resources.ts), in creation order. */
  resources: Array<AnyResource & { seq: number }>;
}

/** Filters of a subnet list page (all optional, combined with AND). */
export interface SubnetFilter {
  vpcId?: string;
  zoneName?: string;
  subnetType?: string;
  subnetIds?: string[];
}

/** Every resource of every account and region, in creation order (the console's view). */
export interface ResourceDump {
  vpcs: VpcRecord[];
  peerConns: PeerConnRecord[];
  subnets: SubnetRecord[];
  routeTables: RouteTableRecord[];
  routeRules: RouteRuleRecord[];
  /** ACL rules, security groups and their rules, network interfaces (domain/resources.ts). */
  resources: AnyResource[];
}

/** Where a network resource sits in its kind's creation order, and whose it is (the list marker). */
export interface ResourcePlace {
  seq: number;
  accountId: string;
  region: string;
  parentId: string;
}

/** What a committed write tells the rest of the service (and the other server processes). */
export type StoreSignal =
  /** A timed transition is due at this virtual instant. */
  | { type: 'due'; at: number }
  /** The clock or the timing table changed. */
  | { type: 'settings' }
  /** Accounts or credentials changed. */
  | { type: 'accounts' }
  /** Fault rules changed. */
  | { type: 'faults' }
  /** Events were recorded (the timeline grew). */
  | { type: 'events' }
  /** A VPC, a subnet or a route rule was created, changed or deleted (they have no timeline). */
  | { type: 'vpcs' }
  /** Everything may have changed (reset, snapshot import). */
  | { type: 'all' };

export interface StoreReader {
  getMeta(key: string): Promise<string | undefined>;

  listAccounts(): Promise<AccountRow[]>;
  getAccount(id: string): Promise<AccountRow | undefined>;
  findCredential(
    accessKeyId: string,
  ): Promise<{ accountId: string; credential: AccountCredential } | undefined>;
  /**
   * What an account still owns, in every region: its VPCs, the sides of peering connections, and its network
   * resources (ACL rules, security groups and rules, interfaces).
   */
  accountUsage(accountId: string): Promise<{ vpcs: number; peerConns: number; resources: number }>;

  getVpc(vpcId: string): Promise<VpcRecord | undefined>;
  /** Creation-order key and owner of a VPC (the list marker); undefined when unknown. */
  vpcSeq(vpcId: string): Promise<{ seq: number; accountId: string; region: string } | undefined>;
  listVpcs(query: PageQuery & { vpcIds?: string[] }): Promise<Array<{ seq: number; vpc: VpcRecord }>>;

  getPeerConn(id: string): Promise<PeerConnRecord | undefined>;
  /** The connection one of whose present sides has this interface id. */
  getPeerConnByInterface(ifId: string): Promise<PeerConnRecord | undefined>;
  /** Whether a live connection joins these two VPCs, in either direction. */
  livePairExists(vpcA: string, vpcB: string): Promise<boolean>;
  countLiveOnVpc(vpcId: string): Promise<number>;
  countLiveForAccount(accountId: string): Promise<number>;
  /** Creation-order key of a side, by its interface id (the list marker). */
  sideSeq(
    ifId: string,
  ): Promise<{ seq: number; accountId: string; region: string; vpcId: string } | undefined>;
  listSides(
    query: PageQuery & { vpcId?: string },
  ): Promise<Array<SideListItem & { seq: number; ifId: string }>>;

  /**
   * The earliest timed (non-manual) transition, ties broken by insertion order. One read answers both what
   * the scheduler applies next and when to wake up for it.
   */
  nextTimed(): Promise<(TransitionRow & { dueAt: number }) | undefined>;
  listTransitions(): Promise<TransitionRow[]>;
  /** Every VPC, connection, subnet, route table and rule of every account and region, in creation order. */
  listResources(): Promise<ResourceDump>;
  manualTransitions(peerConnId?: string): Promise<TransitionRow[]>;

  listFaults(): Promise<FaultRow[]>;

  getSubnet(subnetId: string): Promise<SubnetRecord | undefined>;
  /** Creation-order key and owner of a subnet (the list marker). */
  subnetSeq(subnetId: string): Promise<{ seq: number; accountId: string; region: string } | undefined>;
  listSubnets(query: PageQuery & SubnetFilter): Promise<Array<{ seq: number; subnet: SubnetRecord }>>;
  /** A VPC's subnets in creation order. */
  subnetsOfVpc(vpcId: string): Promise<SubnetRecord[]>;

  getRouteTable(routeTableId: string): Promise<RouteTableRecord | undefined>;
  routeTableOfVpc(vpcId: string): Promise<RouteTableRecord | undefined>;
  getRouteRule(routeRuleId: string): Promise<RouteRuleRecord | undefined>;
  /** Creation-order key of a rule and its table (the list marker). */
  routeRuleSeq(routeRuleId: string): Promise<{ seq: number; routeTableId: string } | undefined>;
  listRouteRules(query: {
    routeTableId: string;
    fromSeq?: number;
    limit: number;
  }): Promise<Array<{ seq: number; rule: RouteRuleRecord }>>;
  /** A table's custom rules in creation order. */
  rulesOfTable(routeTableId: string): Promise<RouteRuleRecord[]>;

  /** A network resource of a kind by its id (domain/resources.ts). */
  getResource<K extends ResourceKind>(kind: K, id: string): Promise<ResourceRecords[K] | undefined>;
  /** Creation-order key and owner of a network resource (the list marker). */
  resourcePlace(kind: ResourceKind, id: string): Promise<ResourcePlace | undefined>;
  /**
   * One page of a kind in creation order, starting at `fromSeq`: the owner's in a region, or (with `parentId`)
   * only those under that parent.
   */
  listResourcePage<K extends ResourceKind>(
    kind: K,
    query: PageQuery & { parentId?: string },
  ): Promise<Array<{ seq: number; record: ResourceRecords[K] }>>;
  /** Every resource of a kind under any of these parents, in creation order. */
  resourcesUnder<K extends ResourceKind>(
    kind: K,
    parentIds: readonly string[],
  ): Promise<ResourceRecords[K][]>;

  /** Events after `afterSeq`, oldest first, optionally of one connection. */
  listEvents(query: { peerConnId?: string; afterSeq?: number; limit: number }): Promise<EventRow[]>;

  dump(): Promise<StoreDump>;
}

export interface StoreTx extends StoreReader {
  /** Runs after the commit: tells every subscriber (here and in other processes) what changed. */
  announce(signal: StoreSignal): void;

  setMeta(key: string, value: string): Promise<void>;

  insertAccount(account: AccountRow): Promise<void>;
  deleteAccount(id: string): Promise<boolean>;
  insertCredential(accountId: string, credential: AccountCredential): Promise<void>;
  deleteCredential(accountId: string, accessKeyId: string): Promise<boolean>;

  insertVpc(vpc: VpcRecord): Promise<void>;
  updateVpc(vpc: VpcRecord): Promise<void>;
  deleteVpc(vpcId: string): Promise<void>;

  insertSubnet(subnet: SubnetRecord): Promise<void>;
  updateSubnet(subnet: SubnetRecord): Promise<void>;
  deleteSubnet(subnetId: string): Promise<void>;
  insertRouteTable(table: RouteTableRecord): Promise<void>;
  deleteRouteTable(routeTableId: string): Promise<void>;
  insertRouteRule(rule: RouteRuleRecord): Promise<void>;
  updateRouteRule(rule: RouteRuleRecord): Promise<void>;
  deleteRouteRule(routeRuleId: string): Promise<void>;

  insertResource<K extends ResourceKind>(kind: K, record: ResourceRecords[K]): Promise<void>;
  /** Replaces a resource's record (its id and parent stay). */
  updateResource<K extends ResourceKind>(kind: K, record: ResourceRecords[K]): Promise<void>;
  deleteResource(kind: ResourceKind, id: string): Promise<void>;

  /**
   * Inserts or updates, keeping each side's creation-order key across updates. `stored` is what the store holds
   * for this id now (null: nothing), when the caller has it at hand: the store then need not read it back to move
   * the per-account live counts (a round trip on PostgreSQL).
   */
  savePeerConn(record: PeerConnRecord, stored?: PeerConnRecord | null): Promise<void>;
  /** `stored` as for savePeerConn. */
  deletePeerConn(id: string, stored?: PeerConnRecord): Promise<void>;

  upsertTransition(row: TransitionRow): Promise<void>;
  deleteTransition(peerConnId: string, kind: TransitionKind, side: TransitionSide): Promise<void>;
  deleteTransitionsOf(peerConnId: string): Promise<void>;

  getToken(accountId: string, region: string, token: string): Promise<TokenRow | undefined>;
  putToken(row: TokenRow): Promise<void>;
  pruneTokens(lastUsedBefore: number): Promise<void>;

  insertFault(row: FaultRow): Promise<void>;
  deleteFault(id: string): Promise<boolean>;
  clearFaults(): Promise<void>;
  /**
   * Counts one firing of a rule with a limit: the remaining count after it, or undefined when the rule is gone
   * or already spent (another request, perhaps in another process, took the last one). Spent rules are deleted.
   */
  takeFault(id: string): Promise<number | undefined>;

  insertEvent(event: Omit<EventRow, 'seq'>): Promise<void>;
  /** Keeps the newest `keep` events. */
  pruneEvents(keep: number): Promise<void>;

  clearResources(): Promise<void>;
  clearAccounts(): Promise<void>;
  load(dump: StoreDump): Promise<void>;
}

export interface WriteOptions {
  /**
   * Names this write serialises on across processes (PostgreSQL advisory locks, taken in this order before the
   * transaction's snapshot). On PostgreSQL the rules depend on them: two writes whose rules read what the other
   * changes must share a name (writes that change the same row are caught without one). docs/postgres.md,
   * "Writes", says which rule rests on which name. SQLite ignores them: its writes are serial anyway.
   */
  lockKeys?: readonly string[];
  /**
   * The write may change anything (a reset, a snapshot import): it runs alone, with no other write in flight
   * in any process. SQLite's writes are always alone.
   */
  exclusive?: boolean;
}

/**
 * What a store has done since it opened, by name (writes, retries, batches, …): for diagnostics and the benchmarks,
 * through GET /_admin/store. Each store has its own names (docs/server.md lists them).
 */
export type StoreCounters = Readonly<Record<string, number>>;

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the data lives, safe to print (a PostgreSQL URL has its password masked). */
  readonly location: string;
  /**
   * Whether the store can serve now. Operations that fail because the database is unreachable or the disk is
   * full reject with StoreUnavailableError (availability.ts), and the outage shows here until it ends.
   */
  readonly health: StoreHealth;
  /** Runs `work` on committed data without waiting for writers. */
  read<T>(work: (reader: StoreReader) => Promise<T>): Promise<T>;
  /** Runs `work` in one serialisable transaction: commits on return, rolls back on throw. */
  write<T>(work: (tx: StoreTx) => Promise<T>, options?: WriteOptions): Promise<T>;
  /** Calls `listener` with every signal announced by a committed write, from this process or another. */
  subscribe(listener: (signal: StoreSignal) => void): () => void;
  /** What the store has done since it opened. */
  counters(): StoreCounters;
  close(): Promise<void>;
}
