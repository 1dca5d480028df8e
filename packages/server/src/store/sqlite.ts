// The embedded store on better-sqlite3. Transactions are serialised in-process by a queue and across
// processes by BEGIN IMMEDIATE (the write lock is taken up front, so check-then-write cannot interleave).
import Database from 'better-sqlite3';
import type { PeerConnRecord, TransitionKind, TransitionSide, VpcRecord } from '../domain/types.ts';
import { isLive, sidesOf } from '../domain/types.ts';
import type { AccountCredential } from '../engine/api.ts';
import type { AccountRow, PageQuery, Store, StoreDump, StoreTx, TokenRow, TransitionRow } from './api.ts';
import { MIGRATIONS } from './migrations.ts';

/** SQL of the list pages, exported so tests can check with EXPLAIN QUERY PLAN that they read an index. */
export const LIST_SQL = {
  sides: `SELECT s.seq, s.if_id, s.role, p.doc FROM peerconn_sides s JOIN peerconns p ON p.id = s.peerconn_id
          WHERE s.account_id = ? AND s.region = ? AND s.seq >= ? ORDER BY s.seq LIMIT ?`,
  sidesByVpc: `SELECT s.seq, s.if_id, s.role, p.doc FROM peerconn_sides s JOIN peerconns p ON p.id = s.peerconn_id
          WHERE s.account_id = ? AND s.region = ? AND s.vpc_id = ? AND s.seq >= ? ORDER BY s.seq LIMIT ?`,
  vpcs: `SELECT seq, doc FROM vpcs WHERE account_id = ? AND region = ? AND seq >= ? ORDER BY seq LIMIT ?`,
} as const;

type Row = Record<string, unknown>;

function pairKey(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

class SqliteTx implements StoreTx {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private all(sql: string, ...params: unknown[]): Row[] {
    return this.stmt(sql).all(...params) as Row[];
  }

  private get(sql: string, ...params: unknown[]): Row | undefined {
    return this.stmt(sql).get(...params) as Row | undefined;
  }

  private run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.stmt(sql).run(...params);
  }

  async getMeta(key: string): Promise<string | undefined> {
    return this.get('SELECT value FROM meta WHERE key = ?', key)?.value as string | undefined;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.run(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      key,
      value,
    );
  }

  private credentialsOf(accountId: string): AccountCredential[] {
    return this.all(
      'SELECT access_key_id, secret, session_token FROM credentials WHERE account_id = ? ORDER BY rowid',
      accountId,
    ).map(toCredential);
  }

  async listAccounts(): Promise<AccountRow[]> {
    return this.all('SELECT id, name FROM accounts ORDER BY seq').map((row) => ({
      id: row.id as string,
      name: row.name as string,
      credentials: this.credentialsOf(row.id as string),
    }));
  }

  async getAccount(id: string): Promise<AccountRow | undefined> {
    const row = this.get('SELECT id, name FROM accounts WHERE id = ?', id);
    if (!row) return undefined;
    return { id, name: row.name as string, credentials: this.credentialsOf(id) };
  }

  async insertAccount(account: AccountRow): Promise<void> {
    this.run('INSERT INTO accounts (id, name) VALUES (?, ?)', account.id, account.name);
    for (const credential of account.credentials) await this.insertCredential(account.id, credential);
  }

  async insertCredential(accountId: string, credential: AccountCredential): Promise<void> {
    this.run(
      'INSERT INTO credentials (access_key_id, account_id, secret, session_token) VALUES (?, ?, ?, ?)',
      credential.accessKeyId,
      accountId,
      credential.secretAccessKey,
      credential.sessionToken ?? null,
    );
  }

  async deleteCredential(accountId: string, accessKeyId: string): Promise<boolean> {
    return (
      this.run('DELETE FROM credentials WHERE account_id = ? AND access_key_id = ?', accountId, accessKeyId)
        .changes > 0
    );
  }

  async findCredential(
    accessKeyId: string,
  ): Promise<{ accountId: string; credential: AccountCredential } | undefined> {
    const row = this.get(
      'SELECT access_key_id, account_id, secret, session_token FROM credentials WHERE access_key_id = ?',
      accessKeyId,
    );
    return row ? { accountId: row.account_id as string, credential: toCredential(row) } : undefined;
  }

  async getVpc(vpcId: string): Promise<VpcRecord | undefined> {
    const row = this.get('SELECT doc FROM vpcs WHERE vpc_id = ?', vpcId);
    return row ? (JSON.parse(row.doc as string) as VpcRecord) : undefined;
  }

  async insertVpc(vpc: VpcRecord): Promise<void> {
    this.run(
      'INSERT INTO vpcs (vpc_id, account_id, region, doc) VALUES (?, ?, ?, ?)',
      vpc.vpcId,
      vpc.accountId,
      vpc.region,
      JSON.stringify(vpc),
    );
  }

  async updateVpc(vpc: VpcRecord): Promise<void> {
    this.run('UPDATE vpcs SET doc = ? WHERE vpc_id = ?', JSON.stringify(vpc), vpc.vpcId);
  }

  async deleteVpc(vpcId: string): Promise<void> {
    this.run('DELETE FROM vpcs WHERE vpc_id = ?', vpcId);
  }

  async vpcSeq(vpcId: string): Promise<{ seq: number; accountId: string; region: string } | undefined> {
    const row = this.get('SELECT seq, account_id, region FROM vpcs WHERE vpc_id = ?', vpcId);
    if (!row) return undefined;
    return { seq: row.seq as number, accountId: row.account_id as string, region: row.region as string };
  }

  async listVpcs(query: PageQuery & { vpcIds?: string[] }): Promise<Array<VpcRecord & { seq: number }>> {
    const rows = query.vpcIds
      ? this.all(
          `SELECT seq, doc FROM vpcs WHERE account_id = ? AND region = ? AND seq >= ?
           AND vpc_id IN (SELECT value FROM json_each(?)) ORDER BY seq LIMIT ?`,
          query.accountId,
          query.region,
          query.fromSeq ?? 0,
          JSON.stringify(query.vpcIds),
          query.limit,
        )
      : this.all(LIST_SQL.vpcs, query.accountId, query.region, query.fromSeq ?? 0, query.limit);
    return rows.map((row) => ({ ...(JSON.parse(row.doc as string) as VpcRecord), seq: row.seq as number }));
  }

  async getPeerConn(id: string): Promise<PeerConnRecord | undefined> {
    const row = this.get('SELECT doc FROM peerconns WHERE id = ?', id);
    return row ? (JSON.parse(row.doc as string) as PeerConnRecord) : undefined;
  }

  async savePeerConn(record: PeerConnRecord): Promise<void> {
    const [lo, hi] = pairKey(record.initiator.vpcId, record.acceptor.vpcId);
    const live = isLive(record) ? 1 : 0;
    this.run(
      `INSERT INTO peerconns (id, vpc_lo, vpc_hi, live, doc) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET live = excluded.live, doc = excluded.doc`,
      record.id,
      lo,
      hi,
      live,
      JSON.stringify(record),
    );
    const present = sidesOf(record);
    for (const side of present) {
      this.run(
        `INSERT INTO peerconn_sides (if_id, peerconn_id, role, account_id, region, vpc_id, live)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(if_id) DO UPDATE SET live = excluded.live`,
        side.ifId,
        record.id,
        side.role,
        side.accountId,
        side.region,
        side.vpcId,
        live,
      );
    }
    if (present.length === 1) this.run('DELETE FROM peerconn_sides WHERE if_id = ?', record.acceptor.ifId);
  }

  async deletePeerConn(id: string): Promise<void> {
    this.run('DELETE FROM peerconn_sides WHERE peerconn_id = ?', id);
    this.run('DELETE FROM peerconns WHERE id = ?', id);
  }

  async livePairExists(vpcA: string, vpcB: string): Promise<boolean> {
    const [lo, hi] = pairKey(vpcA, vpcB);
    return (
      this.get('SELECT 1 AS hit FROM peerconns WHERE vpc_lo = ? AND vpc_hi = ? AND live = 1', lo, hi) !==
      undefined
    );
  }

  async countLiveOnVpc(vpcId: string): Promise<number> {
    return this.get('SELECT count(*) AS n FROM peerconn_sides WHERE vpc_id = ? AND live = 1', vpcId)
      ?.n as number;
  }

  async countLiveForAccount(accountId: string): Promise<number> {
    return this.get(
      'SELECT count(DISTINCT peerconn_id) AS n FROM peerconn_sides WHERE account_id = ? AND live = 1',
      accountId,
    )?.n as number;
  }

  async sideSeq(
    ifId: string,
  ): Promise<{ seq: number; accountId: string; region: string; vpcId: string } | undefined> {
    const row = this.get('SELECT seq, account_id, region, vpc_id FROM peerconn_sides WHERE if_id = ?', ifId);
    if (!row) return undefined;
    return {
      seq: row.seq as number,
      accountId: row.account_id as string,
      region: row.region as string,
      vpcId: row.vpc_id as string,
    };
  }

  async listSides(query: PageQuery & { vpcId?: string }) {
    const rows = query.vpcId
      ? this.all(
          LIST_SQL.sidesByVpc,
          query.accountId,
          query.region,
          query.vpcId,
          query.fromSeq ?? 0,
          query.limit,
        )
      : this.all(LIST_SQL.sides, query.accountId, query.region, query.fromSeq ?? 0, query.limit);
    return rows.map((row) => ({
      seq: row.seq as number,
      ifId: row.if_id as string,
      role: row.role as 'initiator' | 'acceptor',
      record: JSON.parse(row.doc as string) as PeerConnRecord,
    }));
  }

  async upsertTransition(row: TransitionRow): Promise<void> {
    // REPLACE gives the row a fresh sequence, so a rescheduled transition orders after older ones due at the same instant.
    this.run(
      'INSERT OR REPLACE INTO transitions (peerconn_id, kind, side, due_at) VALUES (?, ?, ?, ?)',
      row.peerConnId,
      row.kind,
      row.side,
      row.dueAt,
    );
  }

  async deleteTransition(peerConnId: string, kind: TransitionKind, side: TransitionSide): Promise<void> {
    this.run(
      'DELETE FROM transitions WHERE peerconn_id = ? AND kind = ? AND side = ?',
      peerConnId,
      kind,
      side,
    );
  }

  async deleteTransitionsOf(peerConnId: string): Promise<void> {
    this.run('DELETE FROM transitions WHERE peerconn_id = ?', peerConnId);
  }

  async nextTimed(): Promise<(TransitionRow & { dueAt: number }) | undefined> {
    const row = this.get(
      `SELECT peerconn_id, kind, side, due_at FROM transitions WHERE due_at IS NOT NULL
       ORDER BY due_at, seq LIMIT 1`,
    );
    return row ? { ...toTransition(row), dueAt: row.due_at as number } : undefined;
  }

  async listTransitions(): Promise<TransitionRow[]> {
    return this.all(
      'SELECT peerconn_id, kind, side, due_at FROM transitions ORDER BY due_at IS NULL, due_at, seq',
    ).map(toTransition);
  }

  async manualTransitions(peerConnId?: string): Promise<TransitionRow[]> {
    const rows = peerConnId
      ? this.all(
          'SELECT peerconn_id, kind, side, due_at FROM transitions WHERE due_at IS NULL AND peerconn_id = ? ORDER BY seq',
          peerConnId,
        )
      : this.all('SELECT peerconn_id, kind, side, due_at FROM transitions WHERE due_at IS NULL ORDER BY seq');
    return rows.map(toTransition);
  }

  async getToken(accountId: string, region: string, token: string): Promise<TokenRow | undefined> {
    const row = this.get(
      'SELECT * FROM client_tokens WHERE account_id = ? AND region = ? AND token = ?',
      accountId,
      region,
      token,
    );
    return row ? toToken(row) : undefined;
  }

  async putToken(row: TokenRow): Promise<void> {
    this.run(
      `INSERT OR REPLACE INTO client_tokens (account_id, region, token, operation, fingerprint, response, last_used_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
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
    this.run('DELETE FROM client_tokens WHERE last_used_at < ?', lastUsedBefore);
  }

  async clearResources(): Promise<void> {
    this.db.exec(
      'DELETE FROM transitions; DELETE FROM peerconn_sides; DELETE FROM peerconns; DELETE FROM vpcs; DELETE FROM client_tokens;',
    );
  }

  async clearAccounts(): Promise<void> {
    this.db.exec('DELETE FROM credentials; DELETE FROM accounts;');
  }

  async dump(): Promise<StoreDump> {
    const meta: Record<string, string> = {};
    for (const row of this.all('SELECT key, value FROM meta ORDER BY key'))
      meta[row.key as string] = row.value as string;
    const sideSeqs = new Map<string, number>();
    for (const row of this.all('SELECT if_id, seq FROM peerconn_sides'))
      sideSeqs.set(row.if_id as string, row.seq as number);
    return {
      meta,
      accounts: await this.listAccounts(),
      vpcs: this.all('SELECT seq, doc FROM vpcs ORDER BY seq').map((row) => ({
        ...(JSON.parse(row.doc as string) as VpcRecord),
        seq: row.seq as number,
      })),
      peerConns: this.all('SELECT seq, doc FROM peerconns ORDER BY seq').map((row) => {
        const record = JSON.parse(row.doc as string) as PeerConnRecord;
        return {
          seq: row.seq as number,
          record,
          sideSeqs: {
            initiator: sideSeqs.get(record.initiator.ifId) ?? 0,
            acceptor: sideSeqs.get(record.acceptor.ifId) ?? 0,
          },
        };
      }),
      transitions: await this.listTransitions(),
      tokens: this.all('SELECT * FROM client_tokens ORDER BY account_id, region, token').map(toToken),
    };
  }

  async load(dump: StoreDump): Promise<void> {
    await this.clearResources();
    await this.clearAccounts();
    this.db.exec('DELETE FROM meta');
    for (const [key, value] of Object.entries(dump.meta)) await this.setMeta(key, value);
    for (const account of dump.accounts) await this.insertAccount(account);
    for (const { seq, ...vpc } of dump.vpcs) {
      this.run(
        'INSERT INTO vpcs (seq, vpc_id, account_id, region, doc) VALUES (?, ?, ?, ?, ?)',
        seq,
        vpc.vpcId,
        vpc.accountId,
        vpc.region,
        JSON.stringify(vpc),
      );
    }
    for (const { seq, record, sideSeqs } of dump.peerConns) {
      const [lo, hi] = pairKey(record.initiator.vpcId, record.acceptor.vpcId);
      const live = isLive(record) ? 1 : 0;
      this.run(
        'INSERT INTO peerconns (seq, id, vpc_lo, vpc_hi, live, doc) VALUES (?, ?, ?, ?, ?, ?)',
        seq,
        record.id,
        lo,
        hi,
        live,
        JSON.stringify(record),
      );
      for (const side of sidesOf(record)) {
        this.run(
          `INSERT INTO peerconn_sides (seq, if_id, peerconn_id, role, account_id, region, vpc_id, live)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          sideSeqs[side.role],
          side.ifId,
          record.id,
          side.role,
          side.accountId,
          side.region,
          side.vpcId,
          live,
        );
      }
    }
    for (const transition of dump.transitions) await this.upsertTransition(transition);
    for (const token of dump.tokens) await this.putToken(token);
  }
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
    dueAt: (row.due_at as number | null) ?? null,
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
    lastUsedAt: row.last_used_at as number,
  };
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly tx: SqliteTx;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // FULL: with WAL this syncs on every commit, so an acknowledged write survives power loss, not just kill -9.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    migrate(this.db);
    this.tx = new SqliteTx(this.db);
    // Prepared once: every request runs these, and exec() would parse them each time.
    this.begin = this.db.prepare('BEGIN IMMEDIATE');
    this.commit = this.db.prepare('COMMIT');
    this.rollback = this.db.prepare('ROLLBACK');
  }

  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.begin.run();
      try {
        const result = await work(this.tx);
        this.commit.run();
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.rollback.run();
        throw error;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.db.open) this.db.close();
  }
}

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map(
      (r) => r.version,
    ),
  );
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
        migration.version,
        new Date().toISOString(),
      );
    }).immediate();
  }
}
