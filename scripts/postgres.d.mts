// Types of scripts/postgres.mjs, for the TypeScript that imports it (tests and benchmarks).

/** The directory of initdb/pg_ctl, or undefined when no PostgreSQL server is installed. */
export function findPostgresBin(): string | undefined;

export interface ThrowawayPostgres {
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url: string;
  /** Stops the server and removes its files; synchronous, so it can run in exit handlers. */
  stop(): void;
  /** Stops the server but keeps its data and port (pg_ctl stop -m mode; default 'fast'). */
  halt(mode?: 'smart' | 'fast' | 'immediate'): void;
  /** Starts a halted server again on the same port and data. */
  resume(): void;
}

export function startThrowawayPostgres(options?: {
  database?: string;
  maxConnections?: number;
  /** synchronous_commit on: every acknowledged commit survives halt('immediate'). Default off (faster). */
  durableCommits?: boolean;
}): Promise<ThrowawayPostgres>;
