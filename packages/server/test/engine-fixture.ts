// Shared setup for the engine tests: a real engine on a real store (a SQLite file in a temp dir, or a fresh
// PostgreSQL schema, see store-choice.ts), with the real-time source pinned so only setClock moves time.
import assert from 'node:assert/strict';
import type { PeerConnRole } from '@peerconn/sdk';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DEFAULTS } from '../src/config.ts';
import type { CreatePeerConnFields } from '../src/domain/requests.ts';
import { type TimingTable, type TransitionTiming, timingPreset } from '../src/domain/timing.ts';
import type { Caller, Engine, EngineConfig } from '../src/engine/api.ts';
import { createEngine, type EngineOptions } from '../src/engine/index.ts';
import { ServiceError } from '../src/errors.ts';
import { defaultOf } from '../src/options.ts';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '../src/store/migrations.ts';
import { dropPlace, newStorePlace, openPlace, type StorePlace } from './store-choice.ts';

export const REAL_NOW = Date.parse('2026-01-15T08:00:00Z');

export interface Fixture {
  engine: Engine;
  /** The SQLite file (unused when the suite runs on PostgreSQL). */
  path: string;
  dir: string;
  place: StorePlace;
  reopen(extra?: Partial<EngineConfig>, options?: EngineOptions): Promise<Engine>;
  cleanup(): Promise<void>;
}

/** The engine settings the server starts with, as tests start them. */
export function engineConfig(extra: Partial<EngineConfig> = {}): EngineConfig {
  return {
    quotaPerVpc: defaultOf('quotaPerVpc'),
    quotaPerAccount: defaultOf('quotaPerAccount'),
    consultTimeoutMs: DEFAULTS.consultTimeoutMs,
    keepDeleted: false,
    timing: timingPreset('default'),
    ...extra,
  };
}

export function allTiming(rule: TransitionTiming): TimingTable {
  return { create: rule, accept: rule, update: rule, delete: rule, dnsOpen: rule, dnsClose: rule };
}

/** An engine on the fixture's store; `now` defaults to the pinned REAL_NOW. */
export async function engineOn(
  place: StorePlace,
  config: EngineConfig,
  options: EngineOptions = { now: () => REAL_NOW },
): Promise<Engine> {
  return createEngine(await openPlace(place), config, options);
}

export async function openFixture(extra: Partial<EngineConfig> = {}): Promise<Fixture> {
  const place = newStorePlace();
  const config = engineConfig({ timing: allTiming({ mode: 'immediate' }), ...extra });
  const fixture: Fixture = {
    engine: await engineOn(place, config),
    path: place.dataPath,
    dir: place.dir as string,
    place,
    async reopen(more = {}, options) {
      await fixture.engine.close();
      fixture.engine = await engineOn(place, { ...config, ...more }, options);
      return fixture.engine;
    },
    async cleanup() {
      await fixture.engine.close();
      await dropPlace(place);
    },
  };
  return fixture;
}

export function caller(accountId: string, region = 'bj'): Caller {
  return { accountId, region, requestId: 'test-request' };
}

let cidrCounter = 0;

export async function makeVpc(engine: Engine, who: Caller, name = 'vpc'): Promise<string> {
  cidrCounter = (cidrCounter + 1) % 250;
  const out = (await engine.execute('createVpc', who, { name, cidr: `10.${cidrCounter}.0.0/16` })) as {
    vpcId: string;
  };
  return out.vpcId;
}

export async function makeAccount(engine: Engine, name: string): Promise<string> {
  return (await engine.createAccount({ name })).id;
}

export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ServiceError, `expected ServiceError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

export interface PeerConnView {
  peerConnId: string;
  role: string;
  status: string;
  dnsStatus: string;
  localIfId: string;
  localIfName: string;
  localVpcId: string;
  peerVpcId: string;
  peerAccountId: string;
  peerRegion: string;
  localRegion: string;
  bandwidthInMbps: number;
  expiredTime: string;
  createdTime: string;
  description: string;
  deleteProtect: boolean;
  tags: unknown[];
  paymentTiming: string;
}

export async function getPc(
  engine: Engine,
  who: Caller,
  peerConnId: string,
  role?: PeerConnRole,
): Promise<PeerConnView> {
  return (await engine.execute(
    'getPeerConn',
    who,
    role ? { peerConnId, role } : { peerConnId },
  )) as PeerConnView;
}

export function postpaid(
  localVpcId: string,
  peerVpcId: string,
  peerRegion = 'bj',
  more: Partial<CreatePeerConnFields> = {},
): CreatePeerConnFields {
  return {
    localVpcId,
    peerVpcId,
    peerRegion,
    bandwidthInMbps: 10,
    billing: { paymentTiming: 'Postpaid' },
    ...more,
  };
}

export function prepaid(
  localVpcId: string,
  peerVpcId: string,
  peerRegion: string,
  months = 1,
  more: Partial<CreatePeerConnFields> = {},
): CreatePeerConnFields {
  return {
    localVpcId,
    peerVpcId,
    peerRegion,
    bandwidthInMbps: 10,
    billing: {
      paymentTiming: 'Prepaid',
      reservation: { reservationLength: months, reservationTimeUnit: 'month' },
    },
    ...more,
  };
}

export async function createPc(engine: Engine, who: Caller, input: CreatePeerConnFields): Promise<string> {
  return ((await engine.execute('createPeerConn', who, input)) as { peerConnId: string }).peerConnId;
}

/** The world most tests start from: accounts a and b, with one VPC each in Beijing. */
export interface TwoAccounts {
  a: Caller;
  b: Caller;
  va: string;
  vb: string;
}

export async function twoAccounts(engine: Engine): Promise<TwoAccounts> {
  const a = caller(await makeAccount(engine, 'a'));
  const b = caller(await makeAccount(engine, 'b'));
  return { a, b, va: await makeVpc(engine, a), vb: await makeVpc(engine, b) };
}

/** twoAccounts and a Postpaid connection from a's VPC to b's (it waits for b to accept). */
export async function crossAccountPeering(engine: Engine): Promise<TwoAccounts & { id: string }> {
  const world = await twoAccounts(engine);
  const id = await createPc(
    engine,
    world.a,
    postpaid(world.va, world.vb, 'bj', { peerAccountId: world.b.accountId }),
  );
  return { ...world, id };
}

/** A row to write into an old database: SQL with `?` parameters, and its values. */
export type OldRow = [sql: string, params: unknown[]];

/** The row of a VPC in the `vpcs` table of a database an older release left, as it stored a VPC of region bj. */
export function oldVpcRow(vpc: {
  vpcId: string;
  accountId: string;
  name: string;
  cidr: string;
  createdAt: number;
}): OldRow {
  return [
    'INSERT INTO vpcs (vpc_id, account_id, region, doc) VALUES (?, ?, ?, ?)',
    [
      vpc.vpcId,
      vpc.accountId,
      'bj',
      JSON.stringify({
        vpcId: vpc.vpcId,
        accountId: vpc.accountId,
        region: 'bj',
        name: vpc.name,
        cidr: vpc.cidr,
        description: '',
        relay: false,
        tags: [],
        createdAt: vpc.createdAt,
      }),
    ],
  ];
}

/**
 * Makes the place's database as an older release left it: the migrations up to `version` (SQLite's or
 * PostgreSQL's, as the place is), then `rows`. Opening it afterwards runs the migrations since.
 */
export async function writeOldDatabase(
  place: StorePlace,
  version: { sqlite: number; postgres: number },
  rows: OldRow[],
): Promise<void> {
  const schemaMigrations =
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)';
  if (!place.store || !place.schema) {
    const db = new Database(place.dataPath);
    try {
      db.exec(schemaMigrations);
      for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version <= version.sqlite)) {
        db.exec(migration.sql);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(migration.version, 'then');
      }
      for (const [sql, params] of rows) db.prepare(sql).run(...params);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: place.store });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${place.schema}`);
    await client.query(`SET search_path TO ${place.schema}`);
    await client.query(schemaMigrations);
    for (const migration of POSTGRES_MIGRATIONS.filter((m) => m.version <= version.postgres)) {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations VALUES ($1, $2)', [migration.version, 'then']);
    }
    for (const [sql, params] of rows) {
      let n = 0;
      await client.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      );
    }
  } finally {
    await client.end();
  }
}
