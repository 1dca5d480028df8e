// Server options: their defaults, the command-line/env parser behind `npm start` and `peerconn serve`, and the
// accounts file format.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  isTimingPreset,
  TIMING_PRESET_NAMES,
  type TimingTable,
  TRANSITION_NAMES,
  type TransitionName,
  type TransitionTiming,
  timingPreset,
} from './domain/timing.ts';
import { ACCOUNT_ID_PATTERN } from './domain/values.ts';
import type { Snapshot } from './engine/api.ts';
import { isPostgresUrl } from './store/url.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** `json`: one pino JSON object per line; `pretty`: one readable line per entry; `auto`: pretty on a terminal. */
export type LogFormat = 'auto' | 'json' | 'pretty';
const LOG_FORMATS: readonly LogFormat[] = ['auto', 'json', 'pretty'];

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
  dataPath?: string;
  accountsFile?: string;
  region?: string;
  logLevel?: LogLevel;
  /** How log lines look on stderr (default `auto`: readable on a terminal, JSON otherwise). */
  logFormat?: LogFormat;
  /** Where log lines go (default stderr); tests collect them here. */
  logStream?: { write(line: string): void };
  /** Demo accounts of a fresh database get random ids and keys instead of the fixed, documented ones. */
  randomDemoKeys?: boolean;
  /** A snapshot file (GET /_admin/snapshot) loaded at start-up into a database that has no accounts yet. */
  seedFile?: string;
  timing?: Partial<Record<TransitionName, TransitionTiming>>;
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
  /** Randomness for fault rules with a ratio; tests pin it. */
  faultRandom?: () => number;
  /** How long close() waits for in-flight requests before cutting connections. */
  drainTimeoutMs?: number;
  /** How long a client may take to send a whole request (headers and body) before it is answered 408. */
  requestTimeoutMs?: number;
  /** Directory of the built web console (default: packages/server/dist/console); tests point it elsewhere. */
  consoleDir?: string;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  dataPath: './data/peerconn.db',
  region: 'bj',
  logLevel: 'info' as LogLevel,
  quotaPerVpc: 10,
  quotaPerAccount: 10,
  quotaSubnetsPerVpc: 10,
  quotaRulesPerTable: 50,
  quotaAclRulesPerDirection: 150,
  quotaSecurityGroupRulesPerDirection: 100,
  bodyLimitBytes: 64 * 1024,
  adminBodyLimitBytes: 64 * 1024 * 1024,
  clockSkewSeconds: 15 * 60,
  consultTimeoutMs: 7 * 24 * 3600 * 1000,
  drainTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};

export class UsageError extends Error {
  override name = 'UsageError';
}

function parseOneTiming(text: string): TransitionTiming {
  if (text === 'immediate' || text === 'manual') return { mode: text };
  if (/^\d+$/.test(text)) return { mode: 'delay', delayMs: Number(text) };
  throw new UsageError(`bad timing "${text}": use immediate, manual or a number of milliseconds`);
}

/** A preset name (`default`, `immediate`, `manual`) or `create=500,delete=manual,…` (others keep theirs). */
export function parseTiming(text: string): Partial<TimingTable> {
  if (isTimingPreset(text)) return timingPreset(text);
  const out: Partial<Record<TransitionName, TransitionTiming>> = {};
  for (const part of text.split(',')) {
    const [name, value] = part.split('=').map((s) => s.trim());
    if (!name || value === undefined || !(TRANSITION_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(
        `bad --timing entry "${part}": use ${TIMING_PRESET_NAMES.join('|')} or <transition>=<immediate|manual|ms> with transitions ${TRANSITION_NAMES.join(', ')}`,
      );
    }
    out[name as TransitionName] = parseOneTiming(value);
  }
  return out;
}

const REGION = /^[a-z][a-z0-9-]{0,31}$/;

/** `bj=8080,gz=8081`. */
export function parseListen(text: string): Array<{ region: string; port: number }> {
  const seen = new Set<string>();
  return text.split(',').map((part) => {
    const m = /^\s*([^=\s]+)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m || !REGION.test(m[1] as string)) {
      throw new UsageError(`bad --listen entry "${part}": use <region>=<port>, e.g. bj=8080,gz=8081`);
    }
    const region = m[1] as string;
    if (seen.has(region)) throw new UsageError(`--listen names region "${region}" twice`);
    seen.add(region);
    return { region, port: parsePort(m[2] as string, '--listen') };
  });
}

function parsePort(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535)
    throw new UsageError(`${flag} must be a port number 0-65535, not "${text}"`);
  return n;
}

function parsePositiveInt(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`${flag} must be a positive integer, not "${text}"`);
  return Number(text);
}

function parseBool(text: string, flag: string): boolean {
  if (['1', 'true', 'yes', ''].includes(text)) return true;
  if (['0', 'false', 'no'].includes(text)) return false;
  throw new UsageError(`${flag} must be true or false, not "${text}"`);
}

export const USAGE = `Usage: peerconn-server [options]   (npm start -- [options], peerconn serve [options])

Runs the local Baidu AI Cloud VPC peering service (wire-compatible with the official SDKs).

Options (environment variable in brackets):
  --host <addr>             address to bind (127.0.0.1) [PEERCONN_HOST]
  --port <n>                port; 0 picks a free one (8080) [PEERCONN_PORT]
  --store <kind>            where state lives: sqlite (default), or postgres://user:pass@host:port/db to
                            share one state between several server processes [PEERCONN_STORE, DATABASE_URL]
  --pool-size <n>           PostgreSQL connections per process (10) [PEERCONN_POOL_SIZE]
  --store-schema <name>     PostgreSQL schema for the tables, so several emulated clouds can share one
                            database (the connection's search_path, normally public) [PEERCONN_STORE_SCHEMA]
  --data <file>             SQLite database file, or :memory: (./data/peerconn.db); ignored with PostgreSQL
                            [PEERCONN_DATA]
  --accounts <file.json>    accounts and keys to load [PEERCONN_ACCOUNTS]
  --region <name>           region for hosts that do not name one (bj) [PEERCONN_REGION]
  --listen <r=port,...>     one listener per region, e.g. bj=8080,gz=8081 [PEERCONN_LISTEN]
  --log-level <level>       fatal|error|warn|info|debug|trace|silent (info); debug adds the canonical
                            request of a failed signature check [PEERCONN_LOG_LEVEL]
  --log-format <format>     auto|json|pretty: pretty lines on a terminal, JSON otherwise (auto)
                            [PEERCONN_LOG_FORMAT]
  --seed <snapshot.json>    load a snapshot (GET /_admin/snapshot) into a database with no accounts yet
                            [PEERCONN_SEED]
  --random-demo-keys        demo accounts of a fresh database get random ids and keys instead of the
                            fixed ones (demo-a-ak/demo-a-sk, demo-b-ak/demo-b-sk) [PEERCONN_RANDOM_DEMO_KEYS]
  --timing <spec>           ${TIMING_PRESET_NAMES.join('|')}, or per transition: create=500,delete=manual
                            (transitions: ${TRANSITION_NAMES.join(', ')}) [PEERCONN_TIMING]
  --admin-port <n>          also serve the admin API on this port [PEERCONN_ADMIN_PORT]
  --admin-token <token>     bearer token for /_admin (generated when binding beyond loopback) [PEERCONN_ADMIN_TOKEN]
  --keep-deleted            released connections stay visible as "deleted" [PEERCONN_KEEP_DELETED]
  --quota-per-vpc <n>       peering connections per VPC (10) [PEERCONN_QUOTA_PER_VPC]
  --quota-per-account <n>   peering connections per account (10) [PEERCONN_QUOTA_PER_ACCOUNT]
  --quota-subnets-per-vpc <n>  subnets per VPC (10) [PEERCONN_QUOTA_SUBNETS_PER_VPC]
  --quota-rules-per-table <n>  custom rules per route table (50) [PEERCONN_QUOTA_RULES_PER_TABLE]
  --quota-acl-rules <n>     ACL rules per subnet and direction (150) [PEERCONN_QUOTA_ACL_RULES]
  --quota-sg-rules <n>      rules per security group and direction (100) [PEERCONN_QUOTA_SG_RULES]
  --body-limit <bytes>      largest accepted request body (65536) [PEERCONN_BODY_LIMIT]
  --clock-skew <seconds>    how far in the future a signature may be dated (900) [PEERCONN_CLOCK_SKEW]
  -h, --help                show this help
`;

export type CliResult = { help: true } | { help: false; options: ServerOptions };

/** Flags win over `PEERCONN_*` environment variables. Throws UsageError on anything it does not understand. */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        data: { type: 'string' },
        store: { type: 'string' },
        'pool-size': { type: 'string' },
        'store-schema': { type: 'string' },
        accounts: { type: 'string' },
        region: { type: 'string' },
        listen: { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        seed: { type: 'string' },
        'random-demo-keys': { type: 'boolean' },
        timing: { type: 'string' },
        'admin-port': { type: 'string' },
        'admin-token': { type: 'string' },
        'keep-deleted': { type: 'boolean' },
        'quota-per-vpc': { type: 'string' },
        'quota-per-account': { type: 'string' },
        'quota-subnets-per-vpc': { type: 'string' },
        'quota-rules-per-table': { type: 'string' },
        'quota-acl-rules': { type: 'string' },
        'quota-sg-rules': { type: 'string' },
        'body-limit': { type: 'string' },
        'clock-skew': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true };
  const pick = (flag: string, envName: string): string | undefined => {
    const v = values[flag];
    if (typeof v === 'string') return v;
    const e = env[envName];
    return e === undefined || e === '' ? undefined : e;
  };
  const options: ServerOptions = {};
  const host = pick('host', 'PEERCONN_HOST');
  if (host !== undefined) options.host = host;
  const port = pick('port', 'PEERCONN_PORT');
  if (port !== undefined) options.port = parsePort(port, '--port');
  const store = pick('store', 'PEERCONN_STORE') ?? (env.DATABASE_URL || undefined);
  if (store !== undefined) {
    if (store !== 'sqlite' && !isPostgresUrl(store)) {
      throw new UsageError(
        // Not echoed: a mistyped URL may still carry a password.
        '--store must be sqlite or a postgres://user:password@host:port/database URL',
      );
    }
    options.store = store;
  }
  const poolSize = pick('pool-size', 'PEERCONN_POOL_SIZE');
  if (poolSize !== undefined) options.poolSize = parsePositiveInt(poolSize, '--pool-size');
  const schema = pick('store-schema', 'PEERCONN_STORE_SCHEMA');
  if (schema !== undefined) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new UsageError(`--store-schema must be a lowercase SQL name like peerconn_ci, not "${schema}"`);
    }
    options.storeSchema = schema;
  }
  const data = pick('data', 'PEERCONN_DATA');
  if (data !== undefined) options.dataPath = data;
  const accounts = pick('accounts', 'PEERCONN_ACCOUNTS');
  if (accounts !== undefined) options.accountsFile = accounts;
  const region = pick('region', 'PEERCONN_REGION');
  if (region !== undefined) {
    if (!REGION.test(region))
      throw new UsageError(`--region must be a region name like bj or gz, not "${region}"`);
    options.region = region;
  }
  const listen = pick('listen', 'PEERCONN_LISTEN');
  if (listen !== undefined) options.listen = parseListen(listen);
  const level = pick('log-level', 'PEERCONN_LOG_LEVEL');
  if (level !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(level)) {
      throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
    }
    options.logLevel = level as LogLevel;
  }
  const format = pick('log-format', 'PEERCONN_LOG_FORMAT');
  if (format !== undefined) {
    if (!(LOG_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--log-format must be one of ${LOG_FORMATS.join(', ')}`);
    }
    options.logFormat = format as LogFormat;
  }
  const seed = pick('seed', 'PEERCONN_SEED');
  if (seed !== undefined) options.seedFile = seed;
  if (values['random-demo-keys'] === true) options.randomDemoKeys = true;
  else if (env.PEERCONN_RANDOM_DEMO_KEYS !== undefined && env.PEERCONN_RANDOM_DEMO_KEYS !== '') {
    options.randomDemoKeys = parseBool(env.PEERCONN_RANDOM_DEMO_KEYS, 'PEERCONN_RANDOM_DEMO_KEYS');
  }
  const timing = pick('timing', 'PEERCONN_TIMING');
  if (timing !== undefined) options.timing = parseTiming(timing);
  const adminPort = pick('admin-port', 'PEERCONN_ADMIN_PORT');
  if (adminPort !== undefined) options.adminPort = parsePort(adminPort, '--admin-port');
  const adminToken = pick('admin-token', 'PEERCONN_ADMIN_TOKEN');
  if (adminToken !== undefined) options.adminToken = adminToken;
  if (values['keep-deleted'] === true) options.keepDeleted = true;
  else if (env.PEERCONN_KEEP_DELETED !== undefined) {
    options.keepDeleted = parseBool(env.PEERCONN_KEEP_DELETED, 'PEERCONN_KEEP_DELETED');
  }
  const perVpc = pick('quota-per-vpc', 'PEERCONN_QUOTA_PER_VPC');
  if (perVpc !== undefined) options.quotaPerVpc = parsePositiveInt(perVpc, '--quota-per-vpc');
  const perAccount = pick('quota-per-account', 'PEERCONN_QUOTA_PER_ACCOUNT');
  if (perAccount !== undefined) options.quotaPerAccount = parsePositiveInt(perAccount, '--quota-per-account');
  const subnets = pick('quota-subnets-per-vpc', 'PEERCONN_QUOTA_SUBNETS_PER_VPC');
  if (subnets !== undefined) {
    options.quotaSubnetsPerVpc = parsePositiveInt(subnets, '--quota-subnets-per-vpc');
  }
  const rules = pick('quota-rules-per-table', 'PEERCONN_QUOTA_RULES_PER_TABLE');
  if (rules !== undefined) options.quotaRulesPerTable = parsePositiveInt(rules, '--quota-rules-per-table');
  const aclRules = pick('quota-acl-rules', 'PEERCONN_QUOTA_ACL_RULES');
  if (aclRules !== undefined) {
    options.quotaAclRulesPerDirection = parsePositiveInt(aclRules, '--quota-acl-rules');
  }
  const sgRules = pick('quota-sg-rules', 'PEERCONN_QUOTA_SG_RULES');
  if (sgRules !== undefined) {
    options.quotaSecurityGroupRulesPerDirection = parsePositiveInt(sgRules, '--quota-sg-rules');
  }
  const bodyLimit = pick('body-limit', 'PEERCONN_BODY_LIMIT');
  if (bodyLimit !== undefined) options.bodyLimitBytes = parsePositiveInt(bodyLimit, '--body-limit');
  const skew = pick('clock-skew', 'PEERCONN_CLOCK_SKEW');
  if (skew !== undefined) options.clockSkewSeconds = parsePositiveInt(skew, '--clock-skew');
  return { help: false, options };
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
