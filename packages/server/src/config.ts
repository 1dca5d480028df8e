// What a server start is given: the shape of its options (their flags, variables, defaults and help are the
// table in options.ts), the fixed demo accounts, the accounts file and the seed file.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { TimingPreset, TransitionName, TransitionTiming } from './domain/timing.ts';
import { ACCOUNT_ID_PATTERN } from './domain/values.ts';
import type { Snapshot } from './engine/api.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** `json`: one pino JSON object per line; `pretty`: one readable line per entry; `auto`: pretty on a terminal. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/**
 * The demo accounts a fresh database gets: fixed ids and keys, the same on every machine and after every
 * `rm -r data/`, so saved profiles and scripts keep working (LocalStack's `test`/`test` idea). Only for a
 * local emulator: `--random-demo-keys` or an accounts file gives private ones.
 */
export const DEMO_ACCOUNTS = [
  {
    id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    name: 'demo-a',
    credentials: [{ accessKeyId: 'demo-a-ak', secretAccessKey: 'demo-a-sk' }],
  },
  {
    id: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
    name: 'demo-b',
    credentials: [{ accessKeyId: 'demo-b-ak', secretAccessKey: 'demo-b-sk' }],
  },
] as const;

/**
 * What `startServer` takes. Every option with a flag has its flag, environment variables, default and help in
 * the table of options.ts (SERVER_OPTIONS); the last few take values only a program can give.
 */
export interface ServerOptions {
  host?: string;
  port?: number;
  listen?: Array<{ region: string; port: number }>;
  /** `sqlite` (default) or a `postgres://user:password@host:port/database` URL. */
  store?: string;
  /** PostgreSQL connections per server process. */
  poolSize?: number;
  /** PostgreSQL schema for the tables (default: the connection's search_path). */
  storeSchema?: string;
  /** The SQLite file; in-process the default is `:memory:` (nothing written), for the command `./data/peerconn.db`. */
  dataPath?: string;
  /** Free bytes the SQLite data directory needs before a full disk counts as over (0: any write that succeeds). */
  minFreeDiskBytes?: number;
  accountsFile?: string;
  region?: string;
  logLevel?: LogLevel;
  /** How log lines look on stderr (default `auto`: readable on a terminal, JSON otherwise). */
  logFormat?: LogFormat;
  /** Demo accounts of a fresh database get random ids and keys instead of the fixed, documented ones. */
  randomDemoKeys?: boolean;
  /** A snapshot file (GET /_admin/snapshot) loaded at start-up into a database that has no accounts yet. */
  seedFile?: string;
  /** A preset (`'immediate'` suits tests; TIMING_PRESET_NAMES) or the timing of some transitions. */
  timing?: TimingPreset | Partial<Record<TransitionName, TransitionTiming>>;
  adminToken?: string;
  adminPort?: number;
  keepDeleted?: boolean;
  quotaPerVpc?: number;
  quotaPerAccount?: number;
  /** Subnets a VPC may have (Baidu's 10). */
  quotaSubnetsPerVpc?: number;
  /** Custom rules a route table may hold (Baidu's 50). */
  quotaRulesPerTable?: number;
  /** Network interfaces attached to nothing, per VPC (Baidu's 500). */
  quotaEnisPerVpc?: number;
  /** Addresses per network interface (Baidu's 40). */
  quotaIpsPerEni?: number;
  /** Network interfaces per instance id (Baidu's 8). */
  quotaEnisPerInstance?: number;
  /** ACL rules a subnet may hold per direction (Baidu's newest 150). */
  quotaAclRulesPerDirection?: number;
  /** Rules a security group may hold per direction (Baidu's newest 100). */
  quotaSecurityGroupRulesPerDirection?: number;
  bodyLimitBytes?: number;
  clockSkewSeconds?: number;

  /** Where log lines go (default stderr); tests collect them here. */
  logStream?: { write(line: string): void };
  /** Randomness for fault rules with a ratio; tests pin it. */
  faultRandom?: () => number;
  /** How long close() waits for in-flight requests before cutting connections. */
  drainTimeoutMs?: number;
  /** How long a client may take to send a whole request (headers and body) before it is answered 408. */
  requestTimeoutMs?: number;
  /** Directory of the built web console (default: the package's dist/web); tests point it elsewhere. */
  consoleDir?: string;
  /** The console's files from somewhere other than a directory (the single executable carries them inside). */
  consoleFiles?: (name: string) => Promise<Buffer | undefined>;
  /** better-sqlite3's native addon, already loaded (the single executable loads it from its own assets). */
  sqliteAddon?: object;
}

/** Fixed values that are not options. */
export const DEFAULTS = {
  adminBodyLimitBytes: 64 * 1024 * 1024,
  consultTimeoutMs: 7 * 24 * 3600 * 1000,
  drainTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};

export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * A usage error about one option, whose message names options the way the caller knows them: `dataPath` for
 * startServer, `--data` for the command (`render(flagOf)`).
 */
export class OptionError extends UsageError {
  override name = 'OptionError';
  constructor(
    readonly option: keyof ServerOptions,
    readonly render: (name: (option: keyof ServerOptions) => string) => string,
  ) {
    super(render((option) => option));
  }
}

const accountsFileSchema = z.object({
  accounts: z
    .array(
      z.object({
        id: z.string().regex(ACCOUNT_ID_PATTERN, 'must be 32 lowercase hex characters'),
        name: z.string().min(1),
        credentials: z
          .array(
            z.object({
              accessKeyId: z.string().min(1),
              secretAccessKey: z.string().min(1),
              sessionToken: z.string().min(1).optional(),
            }),
          )
          .default([]),
      }),
    )
    .superRefine((accounts, ctx) => {
      for (const field of ['id', 'name'] as const) {
        const seen = new Set<string>();
        accounts.forEach((account, index) => {
          if (seen.has(account[field])) {
            ctx.addIssue({
              code: 'custom',
              path: [index, field],
              message: `repeats "${account[field]}" (each account needs its own ${field})`,
            });
          }
          seen.add(account[field]);
        });
      }
    }),
});

export type AccountsFile = z.infer<typeof accountsFileSchema>;

/** Reads and validates an accounts file; errors name the file and the offending field. */
export function loadAccountsFile(path: string): AccountsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read accounts file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`accounts file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = accountsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `accounts file ${path}: ${issue?.path.map(String).join('.') || '(root)'} ${issue?.message ?? 'is invalid'}; expected {"accounts":[{"id":"<32 hex>","name":"…","credentials":[{"accessKeyId":"…","secretAccessKey":"…"}]}]}`,
    );
  }
  return parsed.data;
}

/** Reads a seed file: JSON as GET /_admin/snapshot writes it; its content is checked when it is loaded. */
export function loadSeedFile(path: string): { file: string; snapshot: Snapshot } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read seed file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`seed file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const head = json as Partial<Snapshot> | null;
  if (head === null || typeof head !== 'object' || head.format !== 'peerconn-snapshot') {
    throw new UsageError(
      `seed file ${path} is not a snapshot: expected {"format":"peerconn-snapshot","version":1,…} as GET /_admin/snapshot writes it`,
    );
  }
  return { file: path, snapshot: head as Snapshot };
}

export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || host === '[::1]';
}
