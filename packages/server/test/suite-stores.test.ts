// Every suite that can touch a store says on which stores it runs, so the PostgreSQL pass of `npm test` misses
// none (store-choice.ts explains the declarations). Three checks keep a forgotten declaration loud:
//   - statically, below: a suite whose imports reach a store, or that starts processes, declares; and nothing
//     opens a store or starts a server except the fixtures, which take their store from a place;
//   - at run time, in the fixtures: a place is refused to a suite that declared nothing (tested below by running
//     suites the way scripts/run-tests.mjs does);
//   - the runner runs on PostgreSQL exactly the suites that declared it (tested below the same way).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runsOnSqliteOnly } from './store-choice.ts';

runsOnSqliteOnly(import.meta.url, 'it checks the declarations; the suites it starts run on SQLite');

const TEST_DIR = dirname(fileURLToPath(import.meta.url));
const PACKAGE = resolve(TEST_DIR, '..');
const ROOT = resolve(PACKAGE, '..', '..');

/** What opens a store or starts a server in this process. */
const OPENERS: ReadonlyArray<[RegExp, string]> = [
  [/\bstartServer\s*\(/, 'startServer('],
  [/\bopenStore\s*\(/, 'openStore('],
  [/\bnew\s+(?:SqliteStore|PostgresStore)\s*\(/, 'new SqliteStore/PostgresStore('],
  [/\bPostgresStore\.open\s*\(/, 'PostgresStore.open('],
];

/** The only modules that may call an opener, and why each is a fixture (paths relative to test/). */
const FIXTURES = new Map<string, string>([
  ['store-choice.ts', "openPlace: a place's store, on the store the suite declared"],
  ['http-support.ts', 'startServerOn: a server on a place'],
  ['model/fuzz-server.ts', "the fuzz suite's server process, started with storeOptions of the suite's place"],
]);

/** The modules of the store layer: a suite that can reach one of them can open a store. */
const STORE_MODULES = ['store/open.ts', 'store/sqlite.ts', 'store/postgres.ts'].map((f) =>
  join(PACKAGE, 'src', f),
);

const DECLARATION = /\brunsOn(?:EveryStore|SqliteOnly)\(\s*import\.meta\.url\b/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative imports (static and dynamic) of a file, resolved to absolute paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ]
    .map((m) => m[1] as string)
    .filter((s) => s.startsWith('.'))
    .map((s) => resolve(dirname(file), s));
}

const modules = [...tsFiles(join(PACKAGE, 'src')), ...tsFiles(TEST_DIR)];
const graph = new Map(modules.map((file) => [file, importsOf(file)]));

function closure(file: string): Set<string> {
  const reached = new Set<string>();
  const walk = (f: string) => {
    if (reached.has(f)) return;
    reached.add(f);
    for (const next of graph.get(f) ?? []) walk(next);
  };
  walk(file);
  return reached;
}

const suites = tsFiles(TEST_DIR).filter((f) => f.endsWith('.test.ts'));
const name = (file: string) => relative(TEST_DIR, file).split('\\').join('/');

test('a suite whose imports can reach a store, or that starts processes, says on which stores it runs', () => {
  const undeclared = suites.flatMap((suite) => {
    const reached = closure(suite);
    const opensStore = STORE_MODULES.some((m) => reached.has(m));
    const spawns = [...reached].some(
      (m) => m.startsWith(TEST_DIR) && /from 'node:child_process'/.test(readFileSync(m, 'utf8')),
    );
    if (!opensStore && !spawns) return [];
    return DECLARATION.test(readFileSync(suite, 'utf8'))
      ? []
      : [`${name(suite)} (${opensStore ? 'can open a store' : 'starts processes'})`];
  });
  assert.deepEqual(
    undeclared,
    [],
    'add runsOnEveryStore(import.meta.url) at the top of each (or runsOnSqliteOnly(import.meta.url, reason))',
  );
  assert.ok(suites.some((s) => name(s) === 'store.test.ts') && suites.length > 20, 'the suites were found');
});

test('nothing in the suites opens a store or starts a server except the fixtures', () => {
  const found = tsFiles(TEST_DIR).flatMap((file) => {
    if (FIXTURES.has(name(file)) || file === fileURLToPath(import.meta.url)) return [];
    const text = readFileSync(file, 'utf8');
    return OPENERS.flatMap(([pattern, what]) => (pattern.test(text) ? [`${name(file)}: ${what}`] : []));
  });
  assert.deepEqual(
    found,
    [],
    'take a place from store-choice.ts (newStorePlace, openPlace) and a server from http-support.ts (startServerOn, startTestServer)',
  );
  for (const fixture of FIXTURES.keys()) {
    const text = readFileSync(join(TEST_DIR, fixture), 'utf8');
    assert.ok(
      OPENERS.some(([pattern]) => pattern.test(text)),
      `${fixture} is listed as a fixture but opens nothing: remove it from FIXTURES`,
    );
  }
});

/** Runs suites the way scripts/run-tests.mjs does, with the list of every-store suites in a fresh file. */
function runSuites(files: string[]): { status: number | null; output: string; declared: string[] } {
  const list = join(mkdtempSync(join(tmpdir(), 'peerconn-declared-')), 'every-store-suites');
  writeFileSync(list, '');
  try {
    // Without the test runner's marker for its own children, the nested `--test` runs its files.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...files], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...env,
        NODE_OPTIONS: [process.env.NODE_OPTIONS, '--conditions=source'].filter(Boolean).join(' '),
        PEERCONN_TEST_POSTGRES: '',
        PEERCONN_TEST_STORE_SUITES: list,
      },
    });
    const declared = readFileSync(list, 'utf8').split('\n').filter(Boolean);
    return { status: result.status, output: result.stdout + result.stderr, declared };
  } finally {
    rmSync(dirname(list), { recursive: true, force: true });
  }
}

test('a suite that forgot to declare fails where it asks for a store; a declared one is listed for PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-suites-'));
  try {
    const fixture = pathToFileURL(join(TEST_DIR, 'store-choice.ts')).href;
    const support = pathToFileURL(join(TEST_DIR, 'http-support.ts')).href;
    const forgot = join(dir, 'forgot.test.ts');
    writeFileSync(
      forgot,
      `import { test } from 'node:test';
import { startTestServer } from '${support}';
test('a server', async () => { await (await startTestServer()).close(); });
`,
    );
    const declared = join(dir, 'declared.test.ts');
    writeFileSync(
      declared,
      `import { test } from 'node:test';
import { dropPlace, newStorePlace, runsOnEveryStore } from '${fixture}';
runsOnEveryStore(import.meta.url);
test('a place', async () => { await dropPlace(newStorePlace()); });
`,
    );
    const sqliteOnly = join(dir, 'sqlite-only.test.ts');
    writeFileSync(
      sqliteOnly,
      `import { test } from 'node:test';
import { dropPlace, newStorePlace, runsOnSqliteOnly } from '${fixture}';
runsOnSqliteOnly(import.meta.url, 'checks nothing of the store');
test('a place', async () => { await dropPlace(newStorePlace()); });
`,
    );

    const alone = runSuites([forgot]);
    assert.notEqual(alone.status, 0, alone.output);
    assert.match(alone.output, /opens a store without saying on which stores it runs/);
    assert.deepEqual(alone.declared, []);

    const both = runSuites([declared, sqliteOnly]);
    assert.equal(both.status, 0, both.output);
    assert.deepEqual(both.declared, [declared], 'only the every-store suite goes to the PostgreSQL pass');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
