// The store fixture: where a suite's servers and engines keep their state. Every suite that opens a store or
// starts a server says first, at its top, on which stores it runs:
//
//   runsOnEveryStore(import.meta.url)                — what it checks depends on the store: `npm test` runs it on
//                                                      SQLite, then again on PostgreSQL
//   runsOnSqliteOnly(import.meta.url, 'why')         — it needs a server, not a particular store
//
// The fixture refuses to hand out a store to a suite that said neither, so a forgotten declaration fails the
// suite instead of leaving it on SQLite only, and suite-stores.test.ts checks that nothing in the suites opens a
// store or starts a server except through these fixtures. scripts/run-tests.mjs learns which suites run on every
// store from the declarations themselves (each one is written to the file PEERCONN_TEST_STORE_SUITES names
// during the SQLite pass), never from their file names.
//
// In the PostgreSQL pass PEERCONN_TEST_POSTGRES holds a URL; each place is then a fresh schema, dropped
// afterwards. Otherwise each place is a SQLite file.
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { ServerOptions } from '../src/config.ts';
import type { Store } from '../src/store/api.ts';
import { openStore, type StoreChoice } from '../src/store/open.ts';

const POSTGRES_URL = process.env.PEERCONN_TEST_POSTGRES || undefined;

/** The store under test in this run, for the suites that run on every store. */
export const TEST_STORE_KIND: 'sqlite' | 'postgres' = POSTGRES_URL ? 'postgres' : 'sqlite';

let declared: 'every store' | 'sqlite only' | undefined;

function declare(suiteUrl: string, stores: 'every store' | 'sqlite only'): void {
  const suite = fileURLToPath(suiteUrl);
  const running = process.argv[1] ? realpathSync(resolve(process.argv[1])) : undefined;
  if (suite !== running) {
    throw new Error(
      `${suite} declares on which stores it runs, but the suite running is ${running}: the declaration belongs at the top of the suite itself, with its own import.meta.url`,
    );
  }
  if (declared !== undefined && declared !== stores) {
    throw new Error(`${suite} declares both "${declared}" and "${stores}"`);
  }
  declared = stores;
}

/** This suite checks what depends on the store: it runs on SQLite and, in the PostgreSQL pass, on PostgreSQL. */
export function runsOnEveryStore(suiteUrl: string): void {
  declare(suiteUrl, 'every store');
  const list = process.env.PEERCONN_TEST_STORE_SUITES;
  if (list) appendFileSync(list, `${fileURLToPath(suiteUrl)}\n`);
}

/** This suite needs a server or a store but checks nothing that depends on which; it runs on SQLite only. */
export function runsOnSqliteOnly(suiteUrl: string, reason: string): void {
  if (reason.trim() === '') throw new Error('runsOnSqliteOnly needs the reason the store does not matter');
  declare(suiteUrl, 'sqlite only');
}

/** Throws unless the running suite said on which stores it runs (the fixtures call it before opening one). */
export function requireStoreDeclaration(): void {
  if (declared !== undefined) return;
  throw new Error(
    `${process.argv[1]} opens a store without saying on which stores it runs: call runsOnEveryStore(import.meta.url) at its top (or runsOnSqliteOnly(import.meta.url, reason) when the store does not matter to it); see packages/server/test/store-choice.ts`,
  );
}

/** Where one fixture keeps its state. */
export interface StorePlace {
  /** The server's `store` option (undefined: SQLite). */
  store: string | undefined;
  /** The PostgreSQL schema; undefined for SQLite. */
  schema: string | undefined;
  dataPath: string;
  /** A temp dir the place made for itself (for its SQLite file and whatever else the suite writes there). */
  dir?: string;
}

/**
 * A fresh place on the store this suite runs on: at `dataPath`, or else in a temp dir of its own (`place.dir`,
 * removed by dropPlace).
 */
export function newStorePlace(dataPath?: string): StorePlace {
  requireStoreDeclaration();
  const dir = dataPath === undefined ? mkdtempSync(join(tmpdir(), 'peerconn-test-')) : undefined;
  const onPostgres = POSTGRES_URL !== undefined && declared === 'every store';
  return {
    store: onPostgres ? POSTGRES_URL : undefined,
    schema: onPostgres ? `t_${randomBytes(6).toString('hex')}` : undefined,
    dataPath: dataPath ?? join(dir as string, 'peerconn.db'),
    ...(dir ? { dir } : {}),
  };
}

export function openPlace(place: StorePlace, options: Pick<StoreChoice, 'sqlite'> = {}): Promise<Store> {
  return openStore({ ...place, ...options });
}

/** The server options that keep its state in the place. */
export function storeOptions(place: StorePlace): Pick<ServerOptions, 'dataPath' | 'store' | 'storeSchema'> {
  return {
    dataPath: place.dataPath,
    ...(place.store ? { store: place.store } : {}),
    ...(place.schema ? { storeSchema: place.schema } : {}),
  };
}

/** The same as flags, for the server as a process. */
export function storeFlags(place: StorePlace): string[] {
  return place.store
    ? ['--store', place.store, '--store-schema', place.schema as string]
    : ['--data', place.dataPath];
}

/** Runs raw SQL (written with `?` placeholders) on a fixture's database, bypassing the store. */
export async function rawQuery(
  place: StorePlace,
  sql: string,
  params: unknown[] = [],
): Promise<Array<Record<string, unknown>>> {
  if (!place.store || !place.schema) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(place.dataPath);
    try {
      const statement = db.prepare(sql);
      if (statement.reader) return statement.all(...params) as Array<Record<string, unknown>>;
      statement.run(...params);
      return [];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: place.store, options: `-c search_path=${place.schema}` });
  await client.connect();
  try {
    let n = 0;
    return (
      await client.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      )
    ).rows;
  } finally {
    await client.end();
  }
}

/** Drops a fixture's PostgreSQL schema, and the temp dir the place made for itself. */
export async function dropPlace(place: StorePlace): Promise<void> {
  if (place.dir) rmSync(place.dir, { recursive: true, force: true });
  if (!place.store || !place.schema) return;
  const client = new pg.Client({ connectionString: place.store });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${place.schema} CASCADE`);
  } finally {
    await client.end();
  }
}
