// The server's options, one row each: in-process name, flag, environment variables, type, default and help.
// The command-line parser, `--help`, the in-process checks of startServer, the CLI's completion of
// `peerconn serve` and the option tables of README.md and docs/server.md are all derived from this table.
import { parseArgs } from 'node:util';
import { type LogFormat, type LogLevel, OptionError, type ServerOptions, UsageError } from './config.ts';
import {
  isTimingPreset,
  TIMING_PRESET_NAMES,
  TRANSITION_NAMES,
  type TransitionName,
  type TransitionTiming,
  timingChangeSchema,
} from './domain/timing.ts';
import { DEFAULT_MIN_FREE_DISK_BYTES } from './store/free-space.ts';
import { isPostgresUrl } from './store/url.ts';

/** Options of the command only (`peerconn-server`, `peerconn serve`): they tie the process's life to another's. */
export interface CommandOptions extends ServerOptions {
  /** Exit when the process with this id is gone (checked twice a second). */
  parentPid?: number;
  /** Exit when standard input reaches its end: the process that holds its other end has closed it or died. */
  exitOnStdinClose?: boolean;
}

/** A value that is not acceptable, said as what follows the option's name: `must be …, not "x"`. */
export class OptionProblem extends Error {
  override name = 'OptionProblem';
}

/** How one option's value is read from text (flag, environment) and checked when given in-process. */
export interface OptionType<T> {
  /** The value's placeholder in `--help` (`<n>`); none for a switch, which takes no value on the command line. */
  arg?: string;
  parse(text: string): T;
  check(value: unknown): T;
}

export interface OptionRow<K extends keyof CommandOptions = keyof CommandOptions> {
  /** The in-process name (`startServer({ dataPath })`). */
  key: K;
  /** The command-line flag without its dashes (`data` for `--data`). */
  flag: string;
  /** Environment variables read when the flag is absent, first non-empty one wins; empty means unset. */
  env: readonly string[];
  type: OptionType<NonNullable<CommandOptions[K]>>;
  /** The value in force when the option is not given; absent when "not given" is itself the behaviour. */
  default?: NonNullable<CommandOptions[K]>;
  /** What the command line uses instead of `default` (only the data file differs: in-process is in memory). */
  commandDefault?: NonNullable<CommandOptions[K]>;
  /** How the default reads in help and docs when it is not a plain value (`off`, `search_path`). */
  defaultText?: string;
  help: string;
  /** Only the command takes it (startServer has nothing to tie its life to). */
  commandOnly?: true;
}

const quoted = (value: unknown) => JSON.stringify(value) ?? String(value);

function text(what: string, valid: (value: string) => boolean = (v) => v !== ''): OptionType<string> {
  const check = (value: unknown): string => {
    if (typeof value !== 'string' || !valid(value))
      throw new OptionProblem(`must be ${what}, not ${quoted(value)}`);
    return value;
  };
  return { arg: '<value>', parse: check, check };
}

function integer(what: string, min: number, max: number, arg = '<n>'): OptionType<number> {
  const check = (value: unknown): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new OptionProblem(`must be ${what}, not ${quoted(value)}`);
    }
    return value;
  };
  return {
    arg,
    parse: (text) => {
      if (!/^\d+$/.test(text)) throw new OptionProblem(`must be ${what}, not ${quoted(text)}`);
      return check(Number(text));
    },
    check,
  };
}

const PORT = integer('a port number 0-65535', 0, 65535);
const POSITIVE = integer('a positive integer', 1, Number.MAX_SAFE_INTEGER);
const BYTES = integer('a number of bytes (0 or more)', 0, Number.MAX_SAFE_INTEGER, '<bytes>');

const SWITCH: OptionType<boolean> = {
  parse: (text) => {
    if (['1', 'true', 'yes'].includes(text.toLowerCase())) return true;
    if (['0', 'false', 'no'].includes(text.toLowerCase())) return false;
    throw new OptionProblem(`must be true or false (1/0, yes/no), not ${quoted(text)}`);
  },
  check: (value) => {
    if (typeof value !== 'boolean') throw new OptionProblem(`must be true or false, not ${quoted(value)}`);
    return value;
  },
};

function oneOf<T extends string>(values: readonly T[]): OptionType<T> {
  const check = (value: unknown): T => {
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      throw new OptionProblem(`must be one of ${values.join(', ')}, not ${quoted(value)}`);
    }
    return value as T;
  };
  return { arg: `<${values.join('|')}>`, parse: check, check };
}

const REGION = /^[a-z][a-z0-9-]{0,31}$/;

const LISTEN: OptionType<Array<{ region: string; port: number }>> = {
  arg: '<r=port,...>',
  parse: (text) =>
    LISTEN.check(
      text.split(',').map((part) => {
        const m = /^\s*([^=\s]+)\s*=\s*(\d+)\s*$/.exec(part);
        if (!m)
          throw new OptionProblem(`entry ${quoted(part)} must be <region>=<port>, e.g. bj=8080,gz=8081`);
        return { region: m[1] as string, port: Number(m[2]) };
      }),
    ),
  check: (value) => {
    if (!Array.isArray(value) || value.length === 0) {
      throw new OptionProblem(
        "must list one or more { region, port } listeners, e.g. [{ region: 'bj', port: 8080 }]",
      );
    }
    const seen = new Set<string>();
    return value.map((entry: unknown) => {
      const { region, port } = (entry ?? {}) as { region?: unknown; port?: unknown };
      if (typeof region !== 'string' || !REGION.test(region)) {
        throw new OptionProblem(`names region ${quoted(region)}: a region is a name like bj or gz`);
      }
      if (seen.has(region)) throw new OptionProblem(`names region "${region}" twice`);
      seen.add(region);
      try {
        return { region, port: PORT.check(port) };
      } catch (error) {
        throw new OptionProblem(`port of region "${region}" ${(error as Error).message}`);
      }
    });
  },
};

type TimingOption = NonNullable<ServerOptions['timing']>;

/** `create=500,delete=manual`: the transitions named get that timing, the others keep theirs. */
function parseTimingSpec(text: string): Partial<Record<TransitionName, TransitionTiming>> {
  const out: Partial<Record<TransitionName, TransitionTiming>> = {};
  for (const part of text.split(',')) {
    const [name, value] = part.split('=').map((s) => s.trim());
    if (!name || value === undefined || !(TRANSITION_NAMES as readonly string[]).includes(name)) {
      throw new OptionProblem(
        `entry ${quoted(part)} must be a preset (${TIMING_PRESET_NAMES.join(', ')}) or <transition>=<immediate|manual|ms> with transitions ${TRANSITION_NAMES.join(', ')}`,
      );
    }
    if (value === 'immediate' || value === 'manual') out[name as TransitionName] = { mode: value };
    else if (/^\d+$/.test(value)) out[name as TransitionName] = { mode: 'delay', delayMs: Number(value) };
    else throw new OptionProblem(`entry ${quoted(part)}: use immediate, manual or a number of milliseconds`);
  }
  return out;
}

const TIMING: OptionType<TimingOption> = {
  arg: '<spec>',
  parse: (text) => (isTimingPreset(text) ? text : parseTimingSpec(text)),
  check: (value) => {
    if (typeof value === 'string') return TIMING.parse(value);
    const parsed = timingChangeSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new OptionProblem(
        `must be a preset name (${TIMING_PRESET_NAMES.map((n) => `'${n}'`).join(', ')}) or { <transition>: { mode: 'immediate' | 'manual' | 'delay', delayMs? } } with transitions ${TRANSITION_NAMES.join(', ')}; ${issue?.path.map(String).join('.') || 'the value'}: ${issue?.message ?? 'is invalid'}`,
      );
    }
    return parsed.data;
  },
};

const STORE: OptionType<string> = {
  arg: '<kind>',
  check: (value) => {
    // The value is not echoed: a mistyped URL may still carry a password.
    if (typeof value === 'string' && (value === 'sqlite' || isPostgresUrl(value))) return value;
    throw new OptionProblem('must be sqlite or a postgres://user:password@host:port/database URL');
  },
  parse: (value) => STORE.check(value),
};

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS: readonly LogFormat[] = ['auto', 'json', 'pretty'];

const PID = integer('a process id', 1, 2 ** 31 - 1, '<pid>');

/** One row, type-checked against its own option (its type and default are that option's). */
function row<K extends keyof CommandOptions>(spec: OptionRow<K>): OptionRow<K> {
  return spec;
}

function withArg<T>(type: OptionType<T>, arg: string): OptionType<T> {
  return { ...type, arg };
}

/** Every option, in the order `--help` and the docs list them. */
export const SERVER_OPTIONS = [
  row({
    key: 'host',
    flag: 'host',
    env: ['PEERCONN_HOST'],
    type: withArg(text('an address to bind'), '<addr>'),
    default: '127.0.0.1',
    help: 'address to bind; beyond loopback the admin API needs a token (one is generated)',
  }),
  row({
    key: 'port',
    flag: 'port',
    env: ['PEERCONN_PORT'],
    type: PORT,
    default: 8080,
    help: 'port; 0 picks a free one (the banner prints it)',
  }),
  row({
    key: 'store',
    flag: 'store',
    env: ['PEERCONN_STORE', 'DATABASE_URL'],
    type: STORE,
    default: 'sqlite',
    help: 'where state lives: sqlite, or postgres://user:password@host:port/db so several server processes share one state',
  }),
  row({
    key: 'poolSize',
    flag: 'pool-size',
    env: ['PEERCONN_POOL_SIZE'],
    type: POSITIVE,
    default: 10,
    help: 'PostgreSQL connections per server process',
  }),
  row({
    key: 'storeSchema',
    flag: 'store-schema',
    env: ['PEERCONN_STORE_SCHEMA'],
    type: withArg(
      text('a lowercase SQL name like peerconn_ci', (v) => /^[a-z_][a-z0-9_]{0,62}$/.test(v)),
      '<name>',
    ),
    defaultText: "the connection's search_path",
    help: 'PostgreSQL schema for the tables, so several emulated clouds share one database',
  }),
  row({
    key: 'dataPath',
    flag: 'data',
    env: ['PEERCONN_DATA'],
    type: withArg(text('a file path or :memory:'), '<file>'),
    default: ':memory:',
    commandDefault: './data/peerconn.db',
    help: 'SQLite database file (its directory is created), or :memory: for a throwaway server; ignored with PostgreSQL',
  }),
  row({
    key: 'minFreeDiskBytes',
    flag: 'min-free-disk',
    env: ['PEERCONN_MIN_FREE_DISK'],
    type: BYTES,
    default: DEFAULT_MIN_FREE_DISK_BYTES,
    help: 'after the disk under the SQLite file filled, free bytes it needs (at most half its size) before readiness says ready again; 0: the first write that succeeds (docs/server.md: When things fail)',
  }),
  row({
    key: 'accountsFile',
    flag: 'accounts',
    env: ['PEERCONN_ACCOUNTS'],
    type: withArg(text('a file path'), '<file.json>'),
    help: 'accounts and keys to load, upserted on every start (docs/server.md: Accounts file)',
  }),
  row({
    key: 'randomDemoKeys',
    flag: 'random-demo-keys',
    env: ['PEERCONN_RANDOM_DEMO_KEYS'],
    type: SWITCH,
    default: false,
    help: 'demo accounts of a fresh database get random ids and keys instead of the fixed ones (demo-a-ak/demo-a-sk, demo-b-ak/demo-b-sk)',
  }),
  row({
    key: 'seedFile',
    flag: 'seed',
    env: ['PEERCONN_SEED'],
    type: withArg(text('a file path'), '<snapshot.json>'),
    help: 'a snapshot (GET /_admin/snapshot) loaded into a database that has no accounts yet',
  }),
  row({
    key: 'region',
    flag: 'region',
    env: ['PEERCONN_REGION'],
    type: withArg(
      text('a region name like bj or gz', (v) => REGION.test(v)),
      '<name>',
    ),
    default: 'bj',
    help: 'region for requests whose Host does not name one',
  }),
  row({
    key: 'listen',
    flag: 'listen',
    env: ['PEERCONN_LISTEN'],
    type: LISTEN,
    help: 'one listener per region, e.g. bj=8080,gz=8081 (instead of --port)',
  }),
  row({
    key: 'logLevel',
    flag: 'log-level',
    env: ['PEERCONN_LOG_LEVEL'],
    type: withArg(oneOf(LOG_LEVELS), '<level>'),
    default: 'info',
    help: `${LOG_LEVELS.join('|')}; debug adds the canonical request of a failed signature check`,
  }),
  row({
    key: 'logFormat',
    flag: 'log-format',
    env: ['PEERCONN_LOG_FORMAT'],
    type: withArg(oneOf(LOG_FORMATS), '<format>'),
    default: 'auto',
    help: `${LOG_FORMATS.join('|')}: auto is pretty on a terminal, JSON otherwise`,
  }),
  row({
    key: 'timing',
    flag: 'timing',
    env: ['PEERCONN_TIMING'],
    type: TIMING,
    default: 'default',
    help: `${TIMING_PRESET_NAMES.join('|')}, or per transition create=500,delete=manual (transitions: ${TRANSITION_NAMES.join(', ')}); replaces the timing kept in the database. immediate suits test suites`,
  }),
  row({
    key: 'adminPort',
    flag: 'admin-port',
    env: ['PEERCONN_ADMIN_PORT'],
    type: PORT,
    help: 'also serve the admin API (and the console, nothing else) on this port',
  }),
  row({
    key: 'adminToken',
    flag: 'admin-token',
    env: ['PEERCONN_ADMIN_TOKEN'],
    type: withArg(text('a non-empty token'), '<token>'),
    help: 'bearer token for /_admin; generated and printed when --host is not loopback',
  }),
  row({
    key: 'keepDeleted',
    flag: 'keep-deleted',
    env: ['PEERCONN_KEEP_DELETED'],
    type: SWITCH,
    default: false,
    help: 'released connections stay visible with status deleted instead of NoSuchObject',
  }),
  row({
    key: 'quotaPerVpc',
    flag: 'quota-per-vpc',
    env: ['PEERCONN_QUOTA_PER_VPC'],
    type: POSITIVE,
    default: 10,
    help: 'peering connections per VPC',
  }),
  row({
    key: 'quotaPerAccount',
    flag: 'quota-per-account',
    env: ['PEERCONN_QUOTA_PER_ACCOUNT'],
    type: POSITIVE,
    default: 10,
    help: 'peering connections per account',
  }),
  row({
    key: 'quotaSubnetsPerVpc',
    flag: 'quota-subnets-per-vpc',
    env: ['PEERCONN_QUOTA_SUBNETS_PER_VPC'],
    type: POSITIVE,
    default: 10,
    help: 'subnets per VPC',
  }),
  row({
    key: 'quotaRulesPerTable',
    flag: 'quota-rules-per-table',
    env: ['PEERCONN_QUOTA_RULES_PER_TABLE'],
    type: POSITIVE,
    default: 50,
    help: 'custom rules per route table',
  }),
  row({
    key: 'quotaAclRulesPerDirection',
    flag: 'quota-acl-rules',
    env: ['PEERCONN_QUOTA_ACL_RULES'],
    type: POSITIVE,
    default: 150,
    help: "ACL rules per subnet and direction (Baidu's newest figure; older pages said 256)",
  }),
  row({
    key: 'quotaSecurityGroupRulesPerDirection',
    flag: 'quota-sg-rules',
    env: ['PEERCONN_QUOTA_SG_RULES'],
    type: POSITIVE,
    default: 100,
    help: "rules per security group and direction (Baidu's newest figure; older pages said 50)",
  }),
  row({
    key: 'quotaEnisPerVpc',
    flag: 'quota-enis-per-vpc',
    env: ['PEERCONN_QUOTA_ENIS_PER_VPC'],
    type: POSITIVE,
    default: 500,
    help: 'network interfaces attached to nothing, per VPC',
  }),
  row({
    key: 'quotaIpsPerEni',
    flag: 'quota-ips-per-eni',
    env: ['PEERCONN_QUOTA_IPS_PER_ENI'],
    type: POSITIVE,
    default: 40,
    help: 'private addresses per network interface',
  }),
  row({
    key: 'quotaEnisPerInstance',
    flag: 'quota-enis-per-instance',
    env: ['PEERCONN_QUOTA_ENIS_PER_INSTANCE'],
    type: POSITIVE,
    default: 8,
    help: 'network interfaces attached to one instance',
  }),
  row({
    key: 'bodyLimitBytes',
    flag: 'body-limit',
    env: ['PEERCONN_BODY_LIMIT'],
    type: withArg(POSITIVE, '<bytes>'),
    default: 64 * 1024,
    help: 'largest accepted request body in bytes (larger: EntityTooLarge 413)',
  }),
  row({
    key: 'clockSkewSeconds',
    flag: 'clock-skew',
    env: ['PEERCONN_CLOCK_SKEW'],
    type: withArg(POSITIVE, '<seconds>'),
    default: 15 * 60,
    help: 'how far in the future a signature may be dated',
  }),
  row({
    key: 'parentPid',
    flag: 'parent-pid',
    env: ['PEERCONN_PARENT_PID'],
    type: PID,
    commandOnly: true,
    help: "exit when the process with this id is gone (pass your test runner's own pid); see docs/testing.md",
  }),
  row({
    key: 'exitOnStdinClose',
    flag: 'exit-on-stdin-close',
    env: ['PEERCONN_EXIT_ON_STDIN_CLOSE'],
    type: SWITCH,
    default: false,
    commandOnly: true,
    help: 'exit when standard input closes, e.g. when the process that started the server with a pipe dies',
  }),
] as const;

type Row = (typeof SERVER_OPTIONS)[number];
const ROWS: readonly OptionRow[] = SERVER_OPTIONS;

/** Options that only a program can give (functions, streams, test hooks), so they have no flag. */
const IN_PROCESS_ONLY = [
  'logStream',
  'faultRandom',
  'drainTimeoutMs',
  'requestTimeoutMs',
  'consoleDir',
  'consoleFiles',
  'sqliteAddon',
] as const satisfies ReadonlyArray<keyof ServerOptions>;
type InProcessOnly = (typeof IN_PROCESS_ONLY)[number];

// Every option of the interfaces has a row: an option added to ServerOptions without one fails to compile here.
type Missing = Exclude<keyof CommandOptions, Row['key'] | InProcessOnly>;
const everyOptionHasARow: Missing extends never ? true : Missing = true;
void everyOptionHasARow;

/** What startServer takes: a misspelt option is refused instead of silently ignored. */
const IN_PROCESS_KEYS: ReadonlySet<string> = new Set([
  ...ROWS.filter((r) => !r.commandOnly).map((r) => r.key),
  ...IN_PROCESS_ONLY,
]);

export function rowOf(key: keyof CommandOptions): OptionRow | undefined {
  return ROWS.find((r) => r.key === key);
}

/** `--data` for `dataPath`: what the command line calls an in-process option. */
export function flagOf(key: keyof CommandOptions): string {
  const found = rowOf(key);
  return found ? `--${found.flag}` : key;
}

/** The default as help and docs print it. */
export function defaultTextOf(r: OptionRow, where: 'command' | 'in-process'): string | undefined {
  const value = where === 'command' ? (r.commandDefault ?? r.default) : r.default;
  if (r.type === SWITCH) return 'off';
  if (value === undefined) return r.defaultText;
  return String(value);
}

function usageLine(r: OptionRow): string {
  const head = `  --${r.flag}${r.type.arg ? ` ${r.type.arg}` : ''}`;
  const def = defaultTextOf(r, 'command');
  const tail = `${def !== undefined && r.type !== SWITCH ? ` (default: ${def})` : ''} [${r.env.join(', ')}]`;
  const words = `${r.help}${tail}`.split(' ');
  const lines: string[] = [];
  let line = head.length < 30 ? head.padEnd(30) : `${head}\n${' '.repeat(30)}`;
  let width = line.length - line.lastIndexOf('\n') - 1;
  for (const word of words) {
    if (width + word.length > 110 && width > 30) {
      lines.push(line.trimEnd());
      line = ' '.repeat(30);
      width = 30;
    }
    line += `${word} `;
    width += word.length + 1;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}

/** `--help` of `peerconn-server` and `peerconn serve`. */
export const USAGE = `Usage: peerconn-server [options]   (also: peerconn serve [options], npm start -- [options])

Runs the local Baidu AI Cloud VPC peering service (wire-compatible with the official SDKs) and prints a banner
with its endpoint and the demo accounts' keys. Flags win over environment variables; an empty variable is unset.

Options (environment variables in brackets):
${ROWS.map(usageLine).join('\n')}
  -h, --help                  show this help
`;

export type CliResult = { help: true } | { help: false; options: CommandOptions };

function rethrowNamed(name: string, problem: unknown): never {
  if (problem instanceof OptionProblem) throw new UsageError(`${name} ${problem.message}`);
  throw problem;
}

/**
 * Flags win over `PEERCONN_*` environment variables; an empty variable counts as unset. Throws UsageError, naming
 * the flag or the variable, on anything it does not understand. Defaults are not filled in (startServer does),
 * except the data file, which is `./data/peerconn.db` for the command and in memory in-process.
 */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(
          ROWS.map((r) => [r.flag, { type: r.type.arg ? ('string' as const) : ('boolean' as const) }]),
        ),
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true };
  const options: Record<string, unknown> = {};
  for (const r of ROWS) {
    const flagValue = values[r.flag];
    if (flagValue !== undefined) {
      try {
        options[r.key] = typeof flagValue === 'boolean' ? flagValue : r.type.parse(flagValue);
      } catch (problem) {
        rethrowNamed(`--${r.flag}`, problem);
      }
      continue;
    }
    const variable = r.env.find((name) => env[name] !== undefined && env[name] !== '');
    if (variable === undefined) continue;
    try {
      options[r.key] = r.type.parse(env[variable] as string);
    } catch (problem) {
      rethrowNamed(variable, problem);
    }
  }
  if (options.dataPath === undefined) options.dataPath = rowOf('dataPath')?.commandDefault;
  return { help: false, options: options as CommandOptions };
}

/**
 * The options of an in-process start checked against the table: each error names the option as the caller
 * wrote it (`dataPath`, `port`), and a timing preset name becomes the table it stands for.
 */
export function checkServerOptions(options: ServerOptions): ServerOptions {
  for (const key of Object.keys(options)) {
    if (IN_PROCESS_KEYS.has(key)) continue;
    const near = [...IN_PROCESS_KEYS].find((known) => known.toLowerCase() === key.toLowerCase());
    throw new UsageError(
      `unknown option ${quoted(key)}${near ? ` (did you mean ${near}?)` : ''}; docs/server.md lists the options`,
    );
  }
  const checked: Record<string, unknown> = { ...options };
  for (const r of ROWS) {
    if (r.commandOnly) continue;
    const key = r.key as keyof ServerOptions;
    const value = options[key];
    if (value === undefined) continue;
    try {
      checked[key] = r.type.check(value);
    } catch (problem) {
      if (problem instanceof OptionProblem)
        throw new OptionError(key, (name) => `${name(key)} ${problem.message}`);
      throw problem;
    }
  }
  return checked as ServerOptions;
}

/** The value in force when an option with a default is not given in-process. */
export function defaultOf<K extends keyof CommandOptions>(key: K): NonNullable<CommandOptions[K]> {
  const value = rowOf(key)?.default;
  if (value === undefined) throw new Error(`the option ${key} has no default in the options table`);
  return value as NonNullable<CommandOptions[K]>;
}
