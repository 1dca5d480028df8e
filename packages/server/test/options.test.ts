// The options table and what derives from it: the command-line and environment parser, --help, and the checks of
// an in-process start, each naming the option the way its caller wrote it.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { OptionError, type ServerOptions } from '../src/config.ts';
import { TIMING_PRESET_NAMES, timingPreset } from '../src/domain/timing.ts';
import {
  type CommandOptions,
  flagOf,
  type OptionRow,
  parseCliArgs,
  SERVER_OPTIONS,
  USAGE,
} from '../src/options.ts';
import { startServerOn } from './http-support.ts';
import { dropPlace, newStorePlace, runsOnSqliteOnly } from './store-choice.ts';

runsOnSqliteOnly(
  import.meta.url,
  'options are checked before a store opens, and the held data file is the SQLite lock',
);

const rows: readonly OptionRow[] = SERVER_OPTIONS;
const place = newStorePlace();
after(() => dropPlace(place));
/** A start as a program writes it: no options but these (the place's data file only where a test adds it). */
const start = (options: ServerOptions) => startServerOn(place, { dataPath: undefined, ...options });

/** A valid value as text for every option (switches are given as `true`). */
const SAMPLE: Record<keyof CommandOptions, string> = {
  host: '127.0.0.2',
  port: '9001',
  store: 'postgres://u:p@127.0.0.1:5432/db',
  poolSize: '3',
  storeSchema: 'peerconn_ci',
  dataPath: 'data/x.db',
  minFreeDiskBytes: '1048576',
  accountsFile: 'accounts.json',
  randomDemoKeys: 'true',
  seedFile: 'snapshot.json',
  region: 'gz',
  listen: 'bj=8080,gz=8081',
  logLevel: 'debug',
  logFormat: 'json',
  timing: 'create=500,delete=manual',
  adminPort: '9002',
  adminToken: 'secret-token',
  keepDeleted: 'true',
  quotaPerVpc: '3',
  quotaPerAccount: '4',
  quotaSubnetsPerVpc: '5',
  quotaRulesPerTable: '6',
  quotaAclRulesPerDirection: '7',
  quotaSecurityGroupRulesPerDirection: '8',
  quotaEnisPerVpc: '9',
  quotaIpsPerEni: '11',
  quotaEnisPerInstance: '12',
  bodyLimitBytes: '1024',
  clockSkewSeconds: '60',
  parentPid: '1',
  exitOnStdinClose: 'true',
  // In-process only: no flag, no sample needed.
  logStream: '',
  faultRandom: '',
  drainTimeoutMs: '',
  requestTimeoutMs: '',
  consoleDir: '',
  consoleFiles: '',
  sqliteAddon: '',
};

function options(argv: string[], env: NodeJS.ProcessEnv = {}): CommandOptions {
  const parsed = parseCliArgs(argv, env);
  assert.equal(parsed.help, false);
  return parsed.help ? {} : parsed.options;
}

test('an empty environment variable counts as unset, for every variable of the table', () => {
  const unset = options([]);
  for (const row of rows) {
    for (const variable of row.env) {
      assert.deepEqual(options([], { [variable]: '' }), unset, `${variable}=""`);
    }
  }
  // The bug the duplicated parser hid: an empty PEERCONN_KEEP_DELETED turned keep-deleted on.
  assert.equal(
    options([], { PEERCONN_KEEP_DELETED: '', PEERCONN_RANDOM_DEMO_KEYS: '' }).keepDeleted,
    undefined,
  );
});

test('every variable sets its option as its flag does, and the flag wins over the variable', () => {
  for (const row of rows) {
    const argv = row.type.arg ? [`--${row.flag}`, SAMPLE[row.key]] : [`--${row.flag}`];
    const fromFlag = options(argv)[row.key];
    assert.notEqual(fromFlag, undefined, `--${row.flag}`);
    for (const variable of row.env) {
      assert.deepEqual(options([], { [variable]: SAMPLE[row.key] })[row.key], fromFlag, variable);
    }
  }
  assert.equal(options(['--port', '9000'], { PEERCONN_PORT: '9001' }).port, 9000);
  assert.equal(options([], { PEERCONN_STORE: 'sqlite', DATABASE_URL: SAMPLE.store }).store, 'sqlite');
  assert.equal(options([], { DATABASE_URL: SAMPLE.store }).store, SAMPLE.store);
  assert.equal(options([], { PEERCONN_KEEP_DELETED: 'false' }).keepDeleted, false);
});

test('the command keeps its data in ./data/peerconn.db unless told otherwise', () => {
  assert.equal(options([]).dataPath, './data/peerconn.db');
  assert.equal(options(['--data', ':memory:']).dataPath, ':memory:');
});

test('--help lists every flag with its variables, and every error names the flag or the variable given', () => {
  for (const row of rows) {
    assert.match(USAGE, new RegExp(`^ {2}--${row.flag}\\b`, 'm'), row.flag);
    for (const variable of row.env) assert.ok(USAGE.includes(variable), variable);
  }
  assert.throws(
    () => parseCliArgs(['--port', 'x']),
    /^UsageError: --port must be a port number 0-65535, not "x"$/,
  );
  assert.throws(
    () => parseCliArgs([], { PEERCONN_PORT: '70000' }),
    /^UsageError: PEERCONN_PORT must be a port number/,
  );
  assert.throws(
    () => parseCliArgs([], { PEERCONN_KEEP_DELETED: 'maybe' }),
    /PEERCONN_KEEP_DELETED must be true or false/,
  );
  assert.throws(
    () => parseCliArgs(['--timing', 'soon']),
    /--timing entry "soon" must be a preset \(default, immediate, manual\)/,
  );
  assert.throws(() => parseCliArgs(['--listen', 'bj=1,bj=2']), /--listen names region "bj" twice/);
  const secret = () => parseCliArgs(['--store', 'mysql://root:hunter2@db/x']);
  assert.throws(secret, /--store must be sqlite or a postgres:\/\//);
  assert.throws(secret, (error: Error) => !error.message.includes('hunter2'), 'a password is never echoed');
});

test('in-process options are checked and errors name the option as written there', async () => {
  await assert.rejects(
    start({ port: 70000 }),
    /^OptionError: port must be a port number 0-65535, not 70000$/,
  );
  await assert.rejects(start({ dataPath: '' }), /^OptionError: dataPath must be a file path or :memory:/);
  await assert.rejects(
    // @ts-expect-error: a misspelt preset, as a JavaScript caller could pass it
    start({ timing: 'imediate' }),
    /timing entry "imediate" must be a preset \(default, immediate, manual\)/,
  );
  await assert.rejects(
    start({ timing: { create: { mode: 'later' } } as never }),
    /^OptionError: timing must be a preset name \('default', 'immediate', 'manual'\)/,
  );
  await assert.rejects(start({ listen: [{ region: 'bj', port: -1 }] }), /listen port of region "bj" must be/);
  await assert.rejects(
    start({ listen: [] }),
    /listen must list one or more \{ region, port \} listeners, e\.g\. \[\{ region: 'bj', port: 8080 \}\]/,
  );
  // A misspelt option, as a JavaScript caller could pass it, is refused rather than ignored.
  await assert.rejects(
    start({ datapath: './x.db' } as ServerOptions),
    /^UsageError: unknown option "datapath" \(did you mean dataPath\?\); docs\/server\.md lists the options$/,
  );
  await assert.rejects(
    start({ verbose: true } as ServerOptions),
    /^UsageError: unknown option "verbose"; docs/,
  );
});

test('in-process, a start keeps its state in memory and takes timing presets by name', async () => {
  assert.ok(TIMING_PRESET_NAMES.includes('immediate'));
  const server = await start({ port: 0, logLevel: 'silent', timing: 'immediate' });
  try {
    assert.equal(server.dataPath, ':memory:');
    assert.deepEqual(server.store, { kind: 'sqlite', location: ':memory:' });
    assert.deepEqual(server.engine.timing(), timingPreset('immediate'));
    assert.equal(server.timingFromOptions, true);
  } finally {
    await server.close();
  }
});

test('a data file another server holds: the error names dataPath in-process and --data on the command line', async () => {
  const dataPath = place.dataPath;
  const first = await start({ port: 0, logLevel: 'silent', dataPath });
  try {
    const error = await start({ port: 0, logLevel: 'silent', dataPath }).then(
      () => assert.fail('a second server on one file must not start'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof OptionError);
    assert.equal(error.option, 'dataPath');
    assert.match(
      error.message,
      /another peerconn server is using .*peerconn\.db; stop it, give dataPath another file, or share state between servers with store postgres/,
    );
    assert.match(error.render(flagOf), /give --data another file, .* with --store postgres:\/\//);
  } finally {
    await first.close();
  }
});
