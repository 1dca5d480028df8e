// The persistence contract. Every request runs in one transaction (`Store.transaction`), which must be
// serialisable for the invariants checked inside it (SQLite: BEGIN IMMEDIATE; PostgreSQL: SERIALIZABLE or
// row locks). Methods are async so a network-backed implementation fits the same shape.

import type { PeerConnRecord, TransitionKind, TransitionSide, VpcRecord } from '../domain/types.ts';
import type { AccountCredential } from '../engine/api.ts';

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
}

export interface StoreTx {
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  listAccounts(): Promise<AccountRow[]>;
  getAccount(id: string): Promise<AccountRow | undefined>;
  insertAccount(account: AccountRow): Promise<void>;
  insertCredential(accountId: string, credential: AccountCredential): Promise<void>;
  deleteCredential(accountId: string, accessKeyId: string): Promise<boolean>;
  findCredential(
    accessKeyId: string,
  ): Promise<{ accountId: string; credential: AccountCredential } | undefined>;

  getVpc(vpcId: string): Promise<VpcRecord | undefined>;
  insertVpc(vpc: VpcRecord): Promise<void>;
  updateVpc(vpc: VpcRecord): Promise<void>;
  deleteVpc(vpcId: string): Promise<void>;
  /** Creation-order key and owner of a VPC (the list marker); undefined when unknown. */
  vpcSeq(vpcId: string): Promise<{ seq: number; accountId: string; region: string } | undefined>;
  listVpcs(query: PageQuery & { vpcIds?: string[] }): Promise<Array<VpcRecord & { seq: number }>>;

  getPeerConn(id: string): Promise<PeerConnRecord | undefined>;
  /** Inserts or updates, keeping each side's creation-order key across updates. */
  savePeerConn(record: PeerConnRecord): Promise<void>;
  deletePeerConn(id: string): Promise<void>;
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

  upsertTransition(row: TransitionRow): Promise<void>;
  deleteTransition(peerConnId: string, kind: TransitionKind, side: TransitionSide): Promise<void>;
  deleteTransitionsOf(peerConnId: string): Promise<void>;
  /**
   * The earliest timed (non-manual) transition, ties broken by insertion order. One read answers both what
   * the scheduler applies next and when to wake up for it.
   */
  nextTimed(): Promise<(TransitionRow & { dueAt: number }) | undefined>;
  listTransitions(): Promise<TransitionRow[]>;
  manualTransitions(peerConnId?: string): Promise<TransitionRow[]>;

  getToken(accountId: string, region: string, token: string): Promise<TokenRow | undefined>;
  putToken(row: TokenRow): Promise<void>;
  pruneTokens(lastUsedBefore: number): Promise<void>;

  clearResources(): Promise<void>;
  clearAccounts(): Promise<void>;
  dump(): Promise<StoreDump>;
  load(dump: StoreDump): Promise<void>;
}

export interface Store {
  /** Runs `work` in one serialisable transaction: commits on return, rolls back on throw. */
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
