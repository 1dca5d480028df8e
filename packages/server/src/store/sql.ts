// The store's queries, written once for both databases. SQLite and PostgreSQL differ here only in what a
// `SqlDriver` hides (placeholders, how a statement reaches the database) and in the few `Dialect` hooks below;
// the schemas they run on are kept equivalent by their migrations (migrations.ts).

import {
  type AnyResource,
  type ResourceKind,
  type ResourceRecords,
  resourceKeys,
} from '../domain/resources.ts';
import { pathKeyOf } from '../domain/route.ts';
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
import { isLive, sidesOf } from '../domain/types.ts';
import type {
  AccountRow,
  EventRow,
  FaultRow,
  PageQuery,
  ResourceDump,
  ResourcePlace,
  SideListItem,
  StoreDump,
  StoreReader,
  StoreSignal,
  StoreTx,
  SubnetFilter,
  TokenRow,
  TransitionRow,
} from './api.ts';

export type Row = Record<string, unknown>;

/** One connection's way to run SQL written with `?` placeholders. */
export interface SqlDriver {
  all(sql: string, params: readonly unknown[]): Promise<Row[]> | Row[];
  get(sql: string, params: readonly unknown[]): Promise<Row | undefined> | Row | undefined;
  /** Returns the number of rows changed. */
  run(sql: string, params: readonly unknown[]): Promise<number> | number;
  /**
   * Runs a statement whose outcome nobody reads (an insert, an update or a delete whose count does not matter).
   * A driver may send it on without waiting for the answer (PostgreSQL pipelines it with what follows), as long
   * as its failure fails the statements after it and the commit.
   */
  send(sql: string, params: readonly unknown[]): Promise<void> | void;
}

export interface Dialect {
  /** A condition that `column` is one of the strings of the list bound to the next placeholder. */
  inList(column: string): string;
  /** How the list for `inList` is bound. */
  listParam(values: readonly string[]): unknown;
  /** Statements run after a load wrote explicit sequence numbers (PostgreSQL moves its sequences past them). */
  afterLoad: readonly string[];
}

/** SQL of the list pages, exported so tests can check with EXPLAIN QUERY PLAN that they read an index. */
export const LIST_SQL = {
  sides: `SELECT s.seq, s.if_id, s.role, p.doc FROM peerconn_sides s JOIN peerconns p ON p.id = s.peerconn_id
          WHERE s.account_id = ? AND s.region = ? AND s.seq >= ? ORDER BY s.seq LIMIT ?`,
  sidesByVpc: `SELECT s.seq, s.if_id, s.role, p.doc FROM peerconn_sides s JOIN peerconns p ON p.id = s.peerconn_id
          WHERE s.account_id = ? AND s.region = ? AND s.vpc_id = ? AND s.seq >= ? ORDER BY s.seq LIMIT ?`,
  vpcs: `SELECT seq, doc FROM vpcs WHERE account_id = ? AND region = ? AND seq >= ? ORDER BY seq LIMIT ?`,
  subnets: `SELECT seq, doc FROM subnets WHERE account_id = ? AND region = ? AND seq >= ? ORDER BY seq LIMIT ?`,
  routeRules: `SELECT seq, doc FROM route_rules WHERE route_table_id = ? AND seq >= ? ORDER BY seq LIMIT ?`,
  resources: `SELECT seq, doc FROM resources WHERE kind = ? AND account_id = ? AND region = ? AND seq >= ?
          ORDER BY seq LIMIT ?`,
  resourcesByParent: `SELECT seq, doc FROM resources WHERE kind = ? AND parent_id = ? AND seq >= ?
          ORDER BY seq LIMIT ?`,
} as const;

const TRANSITION_COLUMNS = 'peerconn_id, kind, side, due_at';
const ROUTE_TABLE_COLUMNS = 'route_table_id, vpc_id, account_id, region';
const TOKEN_COLUMNS = 'account_id, region, token, operation, fingerprint, response, last_used_at';

function pairKey(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

/**
 * Parsed documents by their text. A stored record is never changed in place (a change writes a new text), so
 * the same text always means the same record: the parse is shared, frozen so no caller can alter it, and the
 * renderings remembered for it (domain/view.ts) stay valid. Bounded; the oldest entry goes first.
 */
class DocCache {
  private readonly entries = new Map<string, unknown>();

  constructor(private readonly capacity: number) {}

  parse<T>(text: string): T {
    const hit = this.entries.get(text);
    if (hit !== undefined) return hit as T;
    const value = deepFreeze(JSON.parse(text) as T);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(text, value);
    return value;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

const docs = new DocCache(10_000);

function peerConnDoc(row: Row): PeerConnRecord {
  return docs.parse<PeerConnRecord>(row.doc as string);
}

function vpcDoc(row: Row): VpcRecord {
  return docs.parse<VpcRecord>(row.doc as string);
}

function subnetDoc(row: Row): SubnetRecord {
  return docs.parse<SubnetRecord>(row.doc as string);
}

function ruleDoc(row: Row): RouteRuleRecord {
  return docs.parse<RouteRuleRecord>(row.doc as string);
}

function toRouteTable(row: Row): RouteTableRecord {
  return {
    routeTableId: row.route_table_id as string,
    vpcId: row.vpc_id as string,
    accountId: row.account_id as string,
    region: row.region as string,
  };
}

/** Integers may arrive as strings (PostgreSQL bigint without a parser) or bigint; the store speaks numbers. */
function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export class SqlReader implements StoreReader {
  constructor(
    protected readonly db: SqlDriver,
    protected readonly dialect: Dialect,
  ) {}

  protected async all(sql: string, ...params: unknown[]): Promise<Row[]> {
    return this.db.all(sql, params);
  }

  protected async get(sql: string, ...params: unknown[]): Promise<Row | undefined> {
    return this.db.get(sql, params);
  }

  async getMeta(key: string): Promise<string | undefined> {
    return (await this.get('SELECT value FROM meta WHERE key = ?', key))?.value as string | undefined;
  }

  private async credentialsOf(accountId: string): Promise<AccountCredential[]> {
    const rows = await this.all(
      'SELECT access_key_id, secret, session_token FROM credentials WHERE account_id = ? ORDER BY seq',
      accountId,
    );
    return rows.map(toCredential);
  }

  async listAccounts(): Promise<AccountRow[]> {
    const accounts = await this.all('SELECT id, name FROM accounts ORDER BY seq');
    const credentials = await this.all(
      'SELECT account_id, access_key_id, secret, session_token FROM credentials ORDER BY seq',
    );
    const byAccount = new Map<string, AccountCredential[]>();
    for (const row of credentials) {
      const list = byAccount.get(row.account_id as string) ?? [];
      list.push(toCredential(row));
      byAccount.set(row.account_id as string, list);
    }
    return accounts.map((row) => ({
      id: row.id as string,
      name: row.name as string,
      credentials: byAccount.get(row.id as string) ?? [],
    }));
  }

  async getAccount(id: string): Promise<AccountRow | undefined> {
    const row = await this.get('SELECT id, name FROM accounts WHERE id = ?', id);
    if (!row) return undefined;
    return { id, name: row.name as string, credentials: await this.credentialsOf(id) };
  }

  async findCredential(
    accessKeyId: string,
  ): Promise<{ accountId: string; credential: AccountCredential } | undefined> {
    const row = await this.get(
      'SELECT access_key_id, account_id, secret, session_token FROM credentials WHERE access_key_id = ?',
      accessKeyId,
    );
    return row ? { accountId: row.account_id as string, credential: toCredential(row) } : undefined;
  }

  async accountUsage(accountId: string): Promise<{ vpcs: number; peerConns: number; resources: number }> {
    const vpcs = await this.get('SELECT count(*) AS n FROM vpcs WHERE account_id = ?', accountId);
    const sides = await this.get('SELECT count(*) AS n FROM peerconn_sides WHERE account_id = ?', accountId);
    const resources = await this.get('SELECT count(*) AS n FROM resources WHERE account_id = ?', accountId);
    return { vpcs: num(vpcs?.n ?? 0), peerConns: num(sides?.n ?? 0), resources: num(resources?.n ?? 0) };
  }

  async getVpc(vpcId: string): Promise<VpcRecord | undefined> {
    const row = await this.get('SELECT doc FROM vpcs WHERE vpc_id = ?', vpcId);
    return row ? vpcDoc(row) : undefined;
  }

  async vpcSeq(vpcId: string): Promise<{ seq: number; accountId: string; region: string } | undefined> {
    const row = await this.get('SELECT seq, account_id, region FROM vpcs WHERE vpc_id = ?', vpcId);
    if (!row) return undefined;
    return { seq: num(row.seq), accountId: row.account_id as string, region: row.region as string };
  }

  async listVpcs(query: PageQuery & { vpcIds?: string[] }): Promise<Array<{ seq: number; vpc: VpcRecord }>> {
    const rows = query.vpcIds
      ? await this.all(
          `SELECT seq, doc FROM vpcs WHERE account_id = ? AND region = ? AND seq >= ?
           AND ${this.dialect.inList('vpc_id')} ORDER BY seq LIMIT ?`,
          query.accountId,
          query.region,
          query.fromSeq ?? 0,
          this.dialect.listParam(query.vpcIds),
          query.limit,
        )
      : await this.all(LIST_SQL.vpcs, query.accountId, query.region, query.fromSeq ?? 0, query.limit);
    return rows.map((row) => ({ seq: num(row.seq), vpc: vpcDoc(row) }));
  }

  async getPeerConn(id: string): Promise<PeerConnRecord | undefined> {
    const row = await this.get('SELECT doc FROM peerconns WHERE id = ?', id);
    return row ? peerConnDoc(row) : undefined;
  }

  async getPeerConnByInterface(ifId: string): Promise<PeerConnRecord | undefined> {
    const row = await this.get(
      'SELECT p.doc FROM peerconn_sides s JOIN peerconns p ON p.id = s.peerconn_id WHERE s.if_id = ?',
      ifId,
    );
    return row ? peerConnDoc(row) : undefined;
  }

  async livePairExists(vpcA: string, vpcB: string): Promise<boolean> {
    const [lo, hi] = pairKey(vpcA, vpcB);
    const row = await this.get(
      'SELECT 1 AS hit FROM peerconns WHERE vpc_lo = ? AND vpc_hi = ? AND live = 1',
      lo,
      hi,
    );
    return row !== undefined;
  }

  async countLiveOnVpc(vpcId: string): Promise<number> {
    const row = await this.get(
      'SELECT count(*) AS n FROM peerconn_sides WHERE vpc_id = ? AND live = 1',
      vpcId,
    );
    return num(row?.n ?? 0);
  }

  async countLiveForAccount(accountId: string): Promise<number> {
    const row = await this.get('SELECT n FROM account_live_peerconns WHERE account_id = ?', accountId);
    return num(row?.n ?? 0);
  }

  async sideSeq(
    ifId: string,
  ): Promise<{ seq: number; accountId: string; region: string; vpcId: string } | undefined> {
    const row = await this.get(
      'SELECT seq, account_id, region, vpc_id FROM peerconn_sides WHERE if_id = ?',
      ifId,
    );
    if (!row) return undefined;
    return {
      seq: num(row.seq),
      accountId: row.account_id as string,
      region: row.region as string,
      vpcId: row.vpc_id as string,
    };
  }

  async listSides(
    query: PageQuery & { vpcId?: string },
  ): Promise<Array<SideListItem & { seq: number; ifId: string }>> {
    const rows = query.vpcId
      ? await this.all(
          LIST_SQL.sidesByVpc,
          query.accountId,
          query.region,
          query.vpcId,
          query.fromSeq ?? 0,
          query.limit,
        )
      : await this.all(LIST_SQL.sides, query.accountId, query.region, query.fromSeq ?? 0, query.limit);
    return rows.map((row) => ({
      seq: num(row.seq),
      ifId: row.if_id as string,
      role: row.role as 'initiator' | 'acceptor',
      record: peerConnDoc(row),
    }));
  }

  async nextTimed(): Promise<(TransitionRow & { dueAt: number }) | undefined> {
    const row = await this.get(
      `SELECT ${TRANSITION_COLUMNS} FROM transitions WHERE due_at IS NOT NULL ORDER BY due_at, seq LIMIT 1`,
    );
    return row ? { ...toTransition(row), dueAt: num(row.due_at) } : undefined;
  }

  async listTransitions(): Promise<TransitionRow[]> {
    const rows = await this.all(
      `SELECT ${TRANSITION_COLUMNS} FROM transitions ORDER BY due_at IS NULL, due_at, seq`,
    );
    return rows.map(toTransition);
  }

  async listResources(): Promise<ResourceDump> {
    const vpcs = await this.all('SELECT doc FROM vpcs ORDER BY seq');
    const peerConns = await this.all('SELECT doc FROM peerconns ORDER BY seq');
    const subnets = await this.all('SELECT doc FROM subnets ORDER BY seq');
    const tables = await this.all(`SELECT ${ROUTE_TABLE_COLUMNS} FROM route_tables ORDER BY seq`);
    const rules = await this.all('SELECT doc FROM route_rules ORDER BY seq');
    const resources = await this.all('SELECT kind, doc FROM resources ORDER BY seq');
    return {
      vpcs: vpcs.map(vpcDoc),
      peerConns: peerConns.map(peerConnDoc),
      subnets: subnets.map(subnetDoc),
      routeTables: tables.map(toRouteTable),
      routeRules: rules.map(ruleDoc),
      resources: resources.map(
        (row) => ({ kind: row.kind as ResourceKind, record: docs.parse(row.doc as string) }) as AnyResource,
      ),
    };
  }

  async getResource<K extends ResourceKind>(kind: K, id: string): Promise<ResourceRecords[K] | undefined> {
    const row = await this.get('SELECT doc FROM resources WHERE kind = ? AND id = ?', kind, id);
    return row ? docs.parse<ResourceRecords[K]>(row.doc as string) : undefined;
  }

  async resourcePlace(kind: ResourceKind, id: string): Promise<ResourcePlace | undefined> {
    const row = await this.get(
      'SELECT seq, account_id, region, parent_id FROM resources WHERE kind = ? AND id = ?',
      kind,
      id,
    );
    return row
      ? {
          seq: num(row.seq),
          accountId: row.account_id as string,
          region: row.region as string,
          parentId: row.parent_id as string,
        }
      : undefined;
  }

  async listResourcePage<K extends ResourceKind>(
    kind: K,
    query: PageQuery & { parentId?: string },
  ): Promise<Array<{ seq: number; record: ResourceRecords[K] }>> {
    const rows =
      query.parentId === undefined
        ? await this.all(
            LIST_SQL.resources,
            kind,
            query.accountId,
            query.region,
            query.fromSeq ?? 0,
            query.limit,
          )
        : await this.all(LIST_SQL.resourcesByParent, kind, query.parentId, query.fromSeq ?? 0, query.limit);
    // A parent's children are the parent owner's; the owner is checked by the caller from the parent.
    return rows.map((row) => ({
      seq: num(row.seq),
      record: docs.parse<ResourceRecords[K]>(row.doc as string),
    }));
  }

  async resourcesUnder<K extends ResourceKind>(
    kind: K,
    parentIds: readonly string[],
  ): Promise<ResourceRecords[K][]> {
    if (parentIds.length === 0) return [];
    const rows =
      parentIds.length === 1
        ? await this.all(
            'SELECT doc FROM resources WHERE kind = ? AND parent_id = ? ORDER BY seq',
            kind,
            parentIds[0],
          )
        : await this.all(
            `SELECT doc FROM resources WHERE kind = ? AND ${this.dialect.inList('parent_id')} ORDER BY seq`,
            kind,
            this.dialect.listParam(parentIds),
          );
    return rows.map((row) => docs.parse<ResourceRecords[K]>(row.doc as string));
  }

  async getSubnet(subnetId: string): Promise<SubnetRecord | undefined> {
    const row = await this.get('SELECT doc FROM subnets WHERE subnet_id = ?', subnetId);
    return row ? subnetDoc(row) : undefined;
  }

  async subnetSeq(subnetId: string): Promise<{ seq: number; accountId: string; region: string } | undefined> {
    const row = await this.get('SELECT seq, account_id, region FROM subnets WHERE subnet_id = ?', subnetId);
    if (!row) return undefined;
    return { seq: num(row.seq), accountId: row.account_id as string, region: row.region as string };
  }

  async listSubnets(query: PageQuery & SubnetFilter): Promise<Array<{ seq: number; subnet: SubnetRecord }>> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    for (const [column, value] of [
      ['vpc_id', query.vpcId],
      ['zone_name', query.zoneName],
      ['subnet_type', query.subnetType],
    ] as const) {
      if (value === undefined) continue;
      conditions.push(`${column} = ?`);
      params.push(value);
    }
    if (query.subnetIds) {
      conditions.push(this.dialect.inList('subnet_id'));
      params.push(this.dialect.listParam(query.subnetIds));
    }
    const rows =
      conditions.length === 0
        ? await this.all(LIST_SQL.subnets, query.accountId, query.region, query.fromSeq ?? 0, query.limit)
        : await this.all(
            `SELECT seq, doc FROM subnets WHERE account_id = ? AND region = ? AND seq >= ?
             AND ${conditions.join(' AND ')} ORDER BY seq LIMIT ?`,
            query.accountId,
            query.region,
            query.fromSeq ?? 0,
            ...params,
            query.limit,
          );
    return rows.map((row) => ({ seq: num(row.seq), subnet: subnetDoc(row) }));
  }

  async subnetsOfVpc(vpcId: string): Promise<SubnetRecord[]> {
    return (await this.all('SELECT doc FROM subnets WHERE vpc_id = ? ORDER BY seq', vpcId)).map(subnetDoc);
  }

  async getRouteTable(routeTableId: string): Promise<RouteTableRecord | undefined> {
    const row = await this.get(
      `SELECT ${ROUTE_TABLE_COLUMNS} FROM route_tables WHERE route_table_id = ?`,
      routeTableId,
    );
    return row ? toRouteTable(row) : undefined;
  }

  async routeTableOfVpc(vpcId: string): Promise<RouteTableRecord | undefined> {
    const row = await this.get(`SELECT ${ROUTE_TABLE_COLUMNS} FROM route_tables WHERE vpc_id = ?`, vpcId);
    return row ? toRouteTable(row) : undefined;
  }

  async getRouteRule(routeRuleId: string): Promise<RouteRuleRecord | undefined> {
    const row = await this.get('SELECT doc FROM route_rules WHERE route_rule_id = ?', routeRuleId);
    return row ? ruleDoc(row) : undefined;
  }

  async routeRuleSeq(routeRuleId: string): Promise<{ seq: number; routeTableId: string } | undefined> {
    const row = await this.get(
      'SELECT seq, route_table_id FROM route_rules WHERE route_rule_id = ?',
      routeRuleId,
    );
    return row ? { seq: num(row.seq), routeTableId: row.route_table_id as string } : undefined;
  }

  async listRouteRules(query: {
    routeTableId: string;
    fromSeq?: number;
    limit: number;
  }): Promise<Array<{ seq: number; rule: RouteRuleRecord }>> {
    const rows = await this.all(LIST_SQL.routeRules, query.routeTableId, query.fromSeq ?? 0, query.limit);
    return rows.map((row) => ({ seq: num(row.seq), rule: ruleDoc(row) }));
  }

  async rulesOfTable(routeTableId: string): Promise<RouteRuleRecord[]> {
    const rows = await this.all(
      'SELECT doc FROM route_rules WHERE route_table_id = ? ORDER BY seq',
      routeTableId,
    );
    return rows.map(ruleDoc);
  }

  async manualTransitions(peerConnId?: string): Promise<TransitionRow[]> {
    const rows = peerConnId
      ? await this.all(
          `SELECT ${TRANSITION_COLUMNS} FROM transitions WHERE due_at IS NULL AND peerconn_id = ? ORDER BY seq`,
          peerConnId,
        )
      : await this.all(`SELECT ${TRANSITION_COLUMNS} FROM transitions WHERE due_at IS NULL ORDER BY seq`);
    return rows.map(toTransition);
  }

  async listFaults(): Promise<FaultRow[]> {
    const rows = await this.all('SELECT id, rule, remaining FROM fault_rules ORDER BY seq');
    return rows.map((row) => ({
      id: row.id as string,
      rule: row.rule as string,
      remaining: row.remaining === null || row.remaining === undefined ? null : num(row.remaining),
    }));
  }

  async listEvents(query: { peerConnId?: string; afterSeq?: number; limit: number }): Promise<EventRow[]> {
    const rows = query.peerConnId
      ? await this.all(
          'SELECT seq, peerconn_id, at, body FROM events WHERE peerconn_id = ? AND seq > ? ORDER BY seq LIMIT ?',
          query.peerConnId,
          query.afterSeq ?? 0,
          query.limit,
        )
      : await this.all(
          'SELECT seq, peerconn_id, at, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
          query.afterSeq ?? 0,
          query.limit,
        );
    return rows.map((row) => ({
      seq: num(row.seq),
      peerConnId: row.peerconn_id as string,
      at: num(row.at),
      body: row.body as string,
    }));
  }

  async dump(): Promise<StoreDump> {
    const meta: Record<string, string> = {};
    for (const row of await this.all('SELECT key, value FROM meta ORDER BY key')) {
      meta[row.key as string] = row.value as string;
    }
    const sideSeqs = new Map<string, number>();
    for (const row of await this.all('SELECT if_id, seq FROM peerconn_sides')) {
      sideSeqs.set(row.if_id as string, num(row.seq));
    }
    const vpcs = await this.all('SELECT seq, doc FROM vpcs ORDER BY seq');
    const peerConns = await this.all('SELECT seq, doc FROM peerconns ORDER BY seq');
    const tokens = await this.all(
      `SELECT ${TOKEN_COLUMNS} FROM client_tokens ORDER BY account_id, region, token`,
    );
    const subnets = await this.all('SELECT seq, doc FROM subnets ORDER BY seq');
    const tables = await this.all(`SELECT seq, ${ROUTE_TABLE_COLUMNS} FROM route_tables ORDER BY seq`);
    const rules = await this.all('SELECT seq, doc FROM route_rules ORDER BY seq');
    const resources = await this.all('SELECT seq, kind, doc FROM resources ORDER BY seq');
    return {
      meta,
      accounts: await this.listAccounts(),
      vpcs: vpcs.map((row) => ({ ...(JSON.parse(row.doc as string) as VpcRecord), seq: num(row.seq) })),
      peerConns: peerConns.map((row) => {
        const record = JSON.parse(row.doc as string) as PeerConnRecord;
        return {
          seq: num(row.seq),
          record,
          sideSeqs: {
            initiator: sideSeqs.get(record.initiator.ifId) ?? 0,
            acceptor: sideSeqs.get(record.acceptor.ifId) ?? 0,
          },
        };
      }),
      transitions: await this.listTransitions(),
      tokens: tokens.map(toToken),
      subnets: subnets.map((row) => ({
        ...(JSON.parse(row.doc as string) as SubnetRecord),
        seq: num(row.seq),
      })),
      routeTables: tables.map((row) => ({ ...toRouteTable(row), seq: num(row.seq) })),
      routeRules: rules.map((row) => ({
        ...(JSON.parse(row.doc as string) as RouteRuleRecord),
        seq: num(row.seq),
      })),
      resources: resources.map(
        (row) =>
          ({
            seq: num(row.seq),
            kind: row.kind as ResourceKind,
            record: JSON.parse(row.doc as string),
          }) as AnyResource & { seq: number },
      ),
    };
  }
}

export class SqlTx extends SqlReader implements StoreTx {
  /** What this transaction announces; the store delivers it after the commit and drops it on rollback. */
  readonly signals: StoreSignal[] = [];

  announce(signal: StoreSignal): void {
    this.signals.push(signal);
  }

  private async run(sql: string, ...params: unknown[]): Promise<number> {
    return this.db.run(sql, params);
  }

  private async send(sql: string, ...params: unknown[]): Promise<void> {
    await this.db.send(sql, params);
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.send(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      key,
      value,
    );
  }

  async insertAccount(account: AccountRow): Promise<void> {
    await this.send('INSERT INTO accounts (id, name) VALUES (?, ?)', account.id, account.name);
    for (const credential of account.credentials) await this.insertCredential(account.id, credential);
  }

  async deleteAccount(id: string): Promise<boolean> {
    await this.send('DELETE FROM credentials WHERE account_id = ?', id);
    return (await this.run('DELETE FROM accounts WHERE id = ?', id)) > 0;
  }

  async insertCredential(accountId: string, credential: AccountCredential): Promise<void> {
    await this.send(
      'INSERT INTO credentials (access_key_id, account_id, secret, session_token) VALUES (?, ?, ?, ?)',
      credential.accessKeyId,
      accountId,
      credential.secretAccessKey,
      credential.sessionToken ?? null,
    );
  }

  async deleteCredential(accountId: string, accessKeyId: string): Promise<boolean> {
    const changed = await this.run(
      'DELETE FROM credentials WHERE account_id = ? AND access_key_id = ?',
      accountId,
      accessKeyId,
    );
    return changed > 0;
  }

  async insertVpc(vpc: VpcRecord): Promise<void> {
    await this.insertVpcAt(vpc, undefined);
  }

  private async insertVpcAt(vpc: VpcRecord, seq: number | undefined): Promise<void> {
    const doc = JSON.stringify(vpc);
    if (seq === undefined) {
      await this.send(
        'INSERT INTO vpcs (vpc_id, account_id, region, doc) VALUES (?, ?, ?, ?)',
        vpc.vpcId,
        vpc.accountId,
        vpc.region,
        doc,
      );
    } else {
      await this.send(
        'INSERT INTO vpcs (seq, vpc_id, account_id, region, doc) VALUES (?, ?, ?, ?, ?)',
        seq,
        vpc.vpcId,
        vpc.accountId,
        vpc.region,
        doc,
      );
    }
  }

  async updateVpc(vpc: VpcRecord): Promise<void> {
    await this.send('UPDATE vpcs SET doc = ? WHERE vpc_id = ?', JSON.stringify(vpc), vpc.vpcId);
  }

  async deleteVpc(vpcId: string): Promise<void> {
    await this.send('DELETE FROM vpcs WHERE vpc_id = ?', vpcId);
  }

  async insertSubnet(subnet: SubnetRecord): Promise<void> {
    await this.insertSubnetAt(subnet, undefined);
  }

  private async insertSubnetAt(subnet: SubnetRecord, seq: number | undefined): Promise<void> {
    const values = [
      subnet.subnetId,
      subnet.vpcId,
      subnet.accountId,
      subnet.region,
      subnet.zoneName,
      subnet.subnetType,
      JSON.stringify(subnet),
    ];
    const columns = 'subnet_id, vpc_id, account_id, region, zone_name, subnet_type, doc';
    if (seq === undefined) {
      await this.send(`INSERT INTO subnets (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?)`, ...values);
    } else {
      await this.send(
        `INSERT INTO subnets (seq, ${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        seq,
        ...values,
      );
    }
  }

  async updateSubnet(subnet: SubnetRecord): Promise<void> {
    await this.send(
      'UPDATE subnets SET doc = ? WHERE subnet_id = ?',
      JSON.stringify(subnet),
      subnet.subnetId,
    );
  }

  async deleteSubnet(subnetId: string): Promise<void> {
    await this.send('DELETE FROM subnets WHERE subnet_id = ?', subnetId);
  }

  async insertRouteTable(table: RouteTableRecord): Promise<void> {
    await this.insertRouteTableAt(table, undefined);
  }

  private async insertRouteTableAt(table: RouteTableRecord, seq: number | undefined): Promise<void> {
    const values = [table.routeTableId, table.vpcId, table.accountId, table.region];
    if (seq === undefined) {
      await this.send(`INSERT INTO route_tables (${ROUTE_TABLE_COLUMNS}) VALUES (?, ?, ?, ?)`, ...values);
    } else {
      await this.send(
        `INSERT INTO route_tables (seq, ${ROUTE_TABLE_COLUMNS}) VALUES (?, ?, ?, ?, ?)`,
        seq,
        ...values,
      );
    }
  }

  async deleteRouteTable(routeTableId: string): Promise<void> {
    await this.send('DELETE FROM route_tables WHERE route_table_id = ?', routeTableId);
  }

  async insertRouteRule(rule: RouteRuleRecord): Promise<void> {
    await this.insertRouteRuleAt(rule, undefined);
  }

  private async insertRouteRuleAt(rule: RouteRuleRecord, seq: number | undefined): Promise<void> {
    const values = [
      rule.routeRuleId,
      rule.routeTableId,
      rule.sourceAddress,
      rule.destinationAddress,
      pathKeyOf(rule),
      JSON.stringify(rule),
    ];
    const columns = 'route_rule_id, route_table_id, source_address, destination_address, path_key, doc';
    if (seq === undefined) {
      await this.send(`INSERT INTO route_rules (${columns}) VALUES (?, ?, ?, ?, ?, ?)`, ...values);
    } else {
      await this.send(
        `INSERT INTO route_rules (seq, ${columns}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        seq,
        ...values,
      );
    }
  }

  async updateRouteRule(rule: RouteRuleRecord): Promise<void> {
    await this.send(
      'UPDATE route_rules SET source_address = ?, destination_address = ?, path_key = ?, doc = ? WHERE route_rule_id = ?',
      rule.sourceAddress,
      rule.destinationAddress,
      pathKeyOf(rule),
      JSON.stringify(rule),
      rule.routeRuleId,
    );
  }

  async deleteRouteRule(routeRuleId: string): Promise<void> {
    await this.send('DELETE FROM route_rules WHERE route_rule_id = ?', routeRuleId);
  }

  async insertResource<K extends ResourceKind>(kind: K, record: ResourceRecords[K]): Promise<void> {
    await this.insertResourceAt(kind, record, undefined);
  }

  private async insertResourceAt<K extends ResourceKind>(
    kind: K,
    record: ResourceRecords[K],
    seq: number | undefined,
  ): Promise<void> {
    const { id, parentId } = resourceKeys(kind, record);
    const values = [kind, id, record.accountId, record.region, parentId, JSON.stringify(record)];
    const columns = 'kind, id, account_id, region, parent_id, doc';
    if (seq === undefined) {
      await this.send(`INSERT INTO resources (${columns}) VALUES (?, ?, ?, ?, ?, ?)`, ...values);
    } else {
      await this.send(`INSERT INTO resources (seq, ${columns}) VALUES (?, ?, ?, ?, ?, ?, ?)`, seq, ...values);
    }
  }

  async updateResource<K extends ResourceKind>(kind: K, record: ResourceRecords[K]): Promise<void> {
    const { id } = resourceKeys(kind, record);
    await this.send(
      'UPDATE resources SET doc = ? WHERE kind = ? AND id = ?',
      JSON.stringify(record),
      kind,
      id,
    );
  }

  async deleteResource(kind: ResourceKind, id: string): Promise<void> {
    await this.send('DELETE FROM resources WHERE kind = ? AND id = ?', kind, id);
  }

  async savePeerConn(record: PeerConnRecord, stored?: PeerConnRecord | null): Promise<void> {
    const [lo, hi] = pairKey(record.initiator.vpcId, record.acceptor.vpcId);
    const live = isLive(record) ? 1 : 0;
    const before = stored === undefined ? await this.liveAccountsOf(record.id) : liveAccountsIn(stored);
    await this.send(
      `INSERT INTO peerconns (id, vpc_lo, vpc_hi, live, doc) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET live = excluded.live, doc = excluded.doc`,
      record.id,
      lo,
      hi,
      live,
      JSON.stringify(record),
    );
    await this.saveSides(record, live, undefined, before);
  }

  /** Writes the present sides (with explicit creation-order keys when loading) and drops a removed acceptor. */
  private async saveSides(
    record: PeerConnRecord,
    live: number,
    seqs: { initiator: number; acceptor: number } | undefined,
    before: Set<string>,
  ): Promise<void> {
    const present = sidesOf(record);
    for (const side of present) {
      const values = [side.ifId, record.id, side.role, side.accountId, side.region, side.vpcId, live];
      if (seqs) {
        await this.send(
          `INSERT INTO peerconn_sides (seq, if_id, peerconn_id, role, account_id, region, vpc_id, live)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          seqs[side.role],
          ...values,
        );
      } else {
        await this.send(
          `INSERT INTO peerconn_sides (if_id, peerconn_id, role, account_id, region, vpc_id, live)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (if_id) DO UPDATE SET live = excluded.live`,
          ...values,
        );
      }
    }
    if (present.length === 1) {
      await this.send('DELETE FROM peerconn_sides WHERE if_id = ?', record.acceptor.ifId);
    }
    await this.countLiveAccounts(before, new Set(live ? present.map((side) => side.accountId) : []));
  }

  async deletePeerConn(id: string, stored?: PeerConnRecord): Promise<void> {
    const before = stored === undefined ? await this.liveAccountsOf(id) : liveAccountsIn(stored);
    await this.send('DELETE FROM peerconn_sides WHERE peerconn_id = ?', id);
    await this.send('DELETE FROM peerconns WHERE id = ?', id);
    await this.countLiveAccounts(before, new Set());
  }

  /** The accounts a connection counts for (a live side of theirs), as stored before this write. */
  private async liveAccountsOf(peerConnId: string): Promise<Set<string>> {
    const rows = await this.all(
      'SELECT account_id FROM peerconn_sides WHERE peerconn_id = ? AND live = 1',
      peerConnId,
    );
    return new Set(rows.map((row) => String(row.account_id)));
  }

  /** Moves the per-account live counts (countLiveForAccount) from what a connection counted for to what it does. */
  private async countLiveAccounts(before: Set<string>, after: Set<string>): Promise<void> {
    for (const account of new Set([...before, ...after])) {
      const delta = (after.has(account) ? 1 : 0) - (before.has(account) ? 1 : 0);
      if (delta === 0) continue;
      await this.send(
        `INSERT INTO account_live_peerconns (account_id, n) VALUES (?, ?)
         ON CONFLICT (account_id) DO UPDATE SET n = account_live_peerconns.n + excluded.n`,
        account,
        delta,
      );
    }
  }

  async upsertTransition(row: TransitionRow): Promise<void> {
    // Delete and insert rather than update: the row gets a fresh sequence, so a rescheduled transition orders
    // after older ones due at the same instant.
    await this.deleteTransition(row.peerConnId, row.kind, row.side);
    await this.send(
      `INSERT INTO transitions (${TRANSITION_COLUMNS}) VALUES (?, ?, ?, ?)`,
      row.peerConnId,
      row.kind,
      row.side,
      row.dueAt,
    );
  }

  async deleteTransition(peerConnId: string, kind: TransitionKind, side: TransitionSide): Promise<void> {
    await this.send(
      'DELETE FROM transitions WHERE peerconn_id = ? AND kind = ? AND side = ?',
      peerConnId,
      kind,
      side,
    );
  }

  async deleteTransitionsOf(peerConnId: string): Promise<void> {
    await this.send('DELETE FROM transitions WHERE peerconn_id = ?', peerConnId);
  }

  async getToken(accountId: string, region: string, token: string): Promise<TokenRow | undefined> {
    const row = await this.get(
      `SELECT ${TOKEN_COLUMNS} FROM client_tokens WHERE account_id = ? AND region = ? AND token = ?`,
      accountId,
      region,
      token,
    );
    return row ? toToken(row) : undefined;
  }

  async putToken(row: TokenRow): Promise<void> {
    await this.send(
      `INSERT INTO client_tokens (${TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, region, token) DO UPDATE SET operation = excluded.operation,
         fingerprint = excluded.fingerprint, response = excluded.response, last_used_at = excluded.last_used_at`,
      row.accountId,
      row.region,
      row.token,
      row.operation,
      row.fingerprint,
      row.response,
      row.lastUsedAt,
    );
  }

  async pruneTokens(lastUsedBefore: number): Promise<void> {
    await this.send('DELETE FROM client_tokens WHERE last_used_at < ?', lastUsedBefore);
  }

  async insertFault(row: FaultRow): Promise<void> {
    await this.send(
      'INSERT INTO fault_rules (id, rule, remaining) VALUES (?, ?, ?)',
      row.id,
      row.rule,
      row.remaining,
    );
  }

  async deleteFault(id: string): Promise<boolean> {
    return (await this.run('DELETE FROM fault_rules WHERE id = ?', id)) > 0;
  }

  async clearFaults(): Promise<void> {
    await this.send('DELETE FROM fault_rules');
  }

  async takeFault(id: string): Promise<number | undefined> {
    const row = await this.get(
      'UPDATE fault_rules SET remaining = remaining - 1 WHERE id = ? AND remaining > 0 RETURNING remaining',
      id,
    );
    if (!row) return undefined;
    const remaining = num(row.remaining);
    if (remaining <= 0) await this.deleteFault(id);
    return remaining;
  }

  async insertEvent(event: Omit<EventRow, 'seq'>): Promise<void> {
    await this.send(
      'INSERT INTO events (peerconn_id, at, body) VALUES (?, ?, ?)',
      event.peerConnId,
      event.at,
      event.body,
    );
  }

  async pruneEvents(keep: number): Promise<void> {
    await this.send('DELETE FROM events WHERE seq <= (SELECT max(seq) FROM events) - ?', keep);
  }

  async clearResources(): Promise<void> {
    for (const table of [
      'transitions',
      'peerconn_sides',
      'peerconns',
      'resources',
      'route_rules',
      'route_tables',
      'subnets',
      'vpcs',
      'client_tokens',
      'events',
      'account_live_peerconns',
    ]) {
      await this.send(`DELETE FROM ${table}`);
    }
  }

  async clearAccounts(): Promise<void> {
    await this.send('DELETE FROM credentials');
    await this.send('DELETE FROM accounts');
  }

  async load(dump: StoreDump): Promise<void> {
    await this.clearResources();
    await this.clearAccounts();
    await this.clearFaults();
    await this.send('DELETE FROM meta');
    for (const [key, value] of Object.entries(dump.meta)) await this.setMeta(key, value);
    for (const account of dump.accounts) await this.insertAccount(account);
    for (const { seq, ...vpc } of dump.vpcs) await this.insertVpcAt(vpc, seq);
    for (const { seq, record, sideSeqs } of dump.peerConns) {
      const [lo, hi] = pairKey(record.initiator.vpcId, record.acceptor.vpcId);
      const live = isLive(record) ? 1 : 0;
      await this.send(
        'INSERT INTO peerconns (seq, id, vpc_lo, vpc_hi, live, doc) VALUES (?, ?, ?, ?, ?, ?)',
        seq,
        record.id,
        lo,
        hi,
        live,
        JSON.stringify(record),
      );
      await this.saveSides(record, live, sideSeqs, new Set());
    }
    for (const { seq, ...subnet } of dump.subnets) await this.insertSubnetAt(subnet, seq);
    for (const { seq, ...table } of dump.routeTables) await this.insertRouteTableAt(table, seq);
    for (const { seq, ...rule } of dump.routeRules) await this.insertRouteRuleAt(rule, seq);
    for (const { seq, kind, record } of dump.resources) {
      await this.insertResourceAt(kind, record as ResourceRecords[typeof kind], seq);
    }
    for (const transition of dump.transitions) await this.upsertTransition(transition);
    for (const token of dump.tokens) await this.putToken(token);
    for (const statement of this.dialect.afterLoad) await this.run(statement);
  }
}

/** The accounts a stored connection counts for: those of its present sides, while it is live (liveAccountsOf). */
function liveAccountsIn(stored: PeerConnRecord | null): Set<string> {
  if (stored === null || !isLive(stored)) return new Set();
  return new Set(sidesOf(stored).map((side) => side.accountId));
}

function toCredential(row: Row): AccountCredential {
  const credential: AccountCredential = {
    accessKeyId: row.access_key_id as string,
    secretAccessKey: row.secret as string,
  };
  if (typeof row.session_token === 'string') credential.sessionToken = row.session_token;
  return credential;
}

function toTransition(row: Row): TransitionRow {
  return {
    peerConnId: row.peerconn_id as string,
    kind: row.kind as TransitionKind,
    side: row.side as TransitionSide,
    dueAt: row.due_at === null || row.due_at === undefined ? null : num(row.due_at),
  };
}

function toToken(row: Row): TokenRow {
  return {
    accountId: row.account_id as string,
    region: row.region as string,
    token: row.token as string,
    operation: row.operation as string,
    fingerprint: row.fingerprint as string,
    response: row.response as string,
    lastUsedAt: num(row.last_used_at),
  };
}
