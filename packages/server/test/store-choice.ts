// Which store the suites run on: SQLite files by default; PostgreSQL when PEERCONN_TEST_POSTGRES holds a URL
// (scripts/run-tests.mjs sets it for the second pass). Each fixture gets a database of its own: a temp file,
// or a fresh schema that is dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Store } from '../src/store/api.ts';
import { openStore } from '../src/store/open.ts';

export const TEST_POSTGRES_URL = process.env.PEERCONN_TEST_POSTGRES || undefined;
export const TEST_STORE_KIND: 'sqlite' | 'postgres' = TEST_POSTGRES_URL ? 'postgres' : 'sqlite';

/** Where one fixture keeps its state. */
export interface StorePlace {
  /** The server's `store` option (undefined: SQLite). */
  store: string | undefined;
  /** The PostgreSQL schema; undefined for SQLite. */
  schema: string | undefined;
  dataPath: string;
}

export function newStorePlace(dataPath: string): StorePlace {
  return {
    store: TEST_POSTGRES_URL,
    schema: TEST_POSTGRES_URL ? `t_${randomBytes(6).toString('hex')}` : undefined,
    dataPath,
  };
}

export function openPlace(place: StorePlace): Promise<Store> {
  return openStore(place);
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

/** Drops a fixture's PostgreSQL schema (SQLite files go with their temp dir). */
export async function dropPlace(place: StorePlace): Promise<void> {
  if (!place.store || !place.schema) return;
  const client = new pg.Client({ connectionString: place.store });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${place.schema} CASCADE`);
  } finally {
    await client.end();
  }
}
