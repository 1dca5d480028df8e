// Which store a server runs on: chosen once at start-up from `--store`, and handed to the engine.
import type { Store } from './api.ts';
import { SqliteStore, type SqliteStoreOptions } from './sqlite.ts';
import { isPostgresUrl } from './url.ts';

export interface StoreChoice {
  /** `sqlite` (default) or a `postgres://` URL. */
  store?: string | undefined;
  /** The SQLite file, or ':memory:'; ignored for PostgreSQL. */
  dataPath: string;
  /** PostgreSQL connections per process. */
  poolSize?: number | undefined;
  /** PostgreSQL schema for the tables (tests keep each run apart with it). */
  schema?: string | undefined;
  /** better-sqlite3's native addon, loaded by the caller (see SqliteStore). */
  sqliteAddon?: object | undefined;
  /** How the SQLite store keeps its WAL (tests make it small); ignored for PostgreSQL. */
  sqlite?: SqliteStoreOptions | undefined;
}

export async function openStore(choice: StoreChoice): Promise<Store> {
  if (choice.store !== undefined && isPostgresUrl(choice.store)) {
    // Loaded only when asked for: a SQLite server never pays for the PostgreSQL client.
    const { PostgresStore } = await import('./postgres.ts');
    return PostgresStore.open({
      url: choice.store,
      ...(choice.poolSize !== undefined ? { poolSize: choice.poolSize } : {}),
      ...(choice.schema !== undefined ? { schema: choice.schema } : {}),
    });
  }
  return new SqliteStore(choice.dataPath, { ...choice.sqlite, addon: choice.sqliteAddon });
}
