// docs/testing.md runs as written: each recipe's files (```<lang> recipe=<name> file=<path>```) are written into a
// fresh directory inside a project where the packages are installed from their tarballs (test/packed.ts), and its
// ```bash recipe=<name>``` commands run there with plain Node. pytest runs with the Python that has it (Debian's
// python3-pytest in CI, where its absence fails); Go where `go` is installed (golang-go in CI), with no network.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { installedPackages, plainEnv } from './packed.ts';
import { root } from './readme-support.ts';
import { type ChildResult, runChild } from './run-child.ts';

interface Block {
  line: number;
  lang: string;
  attrs: Map<string, string>;
  code: string;
}

function blocksOf(file: string): Block[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i] as string);
    if (!open) continue;
    const [lang = '', ...rest] = (open[1] as string).trim().split(/\s+/);
    const end = lines.findIndex((l, j) => j > i && l === '```');
    assert.notEqual(end, -1, `${file}:${i + 1}: unterminated code block`);
    const attrs = new Map(rest.map((w) => [w.split('=')[0] as string, w.split('=').slice(1).join('=')]));
    blocks.push({ line: i + 1, lang, attrs, code: `${lines.slice(i + 1, end).join('\n')}\n` });
    i = end;
  }
  return blocks;
}

const blocks = blocksOf(join('docs', 'testing.md'));
const recipes = [
  ...new Set(blocks.flatMap((b) => (b.attrs.has('recipe') ? [b.attrs.get('recipe') as string] : []))),
];
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('every block of docs/testing.md belongs to a recipe that runs, or is marked text / norun', () => {
  const loose = blocks.filter((b) => !b.attrs.has('recipe') && !b.attrs.has('norun') && b.lang !== 'text');
  assert.deepEqual(
    loose.map((b) => `docs/testing.md:${b.line}`),
    [],
    'give the block recipe=<name>, or mark it',
  );
  for (const recipe of recipes) {
    const own = blocks.filter((b) => b.attrs.get('recipe') === recipe);
    assert.ok(
      own.some((b) => b.lang === 'bash'),
      `recipe ${recipe} has a command to run`,
    );
    assert.ok(
      own.every((b) => b.lang === 'bash' || b.attrs.get('file')),
      `recipe ${recipe}: every block is a file or a command`,
    );
  }
  assert.deepEqual(recipes.sort(), ['go', 'node-file', 'node-run', 'pytest', 'vitest']);
});

/** Writes the recipe's files into a new directory inside `project` and runs its commands there, in order. */
async function runRecipe(recipe: string, project: string, env: NodeJS.ProcessEnv = {}): Promise<ChildResult> {
  const dir = mkdtempSync(join(project, `recipe-${recipe}-`));
  dirs.push(dir);
  const own = blocks.filter((b) => b.attrs.get('recipe') === recipe);
  for (const block of own.filter((b) => b.attrs.get('file'))) {
    const file = join(dir, block.attrs.get('file') as string);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, block.code);
  }
  const script = own
    .filter((b) => b.lang === 'bash')
    .map((b) => b.code)
    .join('\n');
  return runChild('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: dir,
    env: plainEnv({ ...env, PATH: `${join(project, 'node_modules/.bin')}:${env.PATH ?? process.env.PATH}` }),
    timeout: 300_000,
  });
}

const output = (r: ChildResult) => `${r.stdout}\n${r.stderr}`;

test('node:test, one server per file', async () => {
  const { dir } = await installedPackages();
  const result = await runRecipe('node-file', dir);
  assert.equal(result.status, 0, output(result));
  assert.match(result.stdout, /^# pass 2$/m);
  assert.match(result.stdout, /^# fail 0$/m);
});

test('node:test, one server per run', async () => {
  const { dir } = await installedPackages();
  const result = await runRecipe('node-run', dir);
  assert.equal(result.status, 0, output(result));
  assert.match(result.stdout, /^# pass 2$/m);
  assert.match(result.stdout, /^# fail 0$/m);
});

test('vitest, one server per run (vitest installed from the registry into a project of its own)', async () => {
  const { dir } = await installedPackages(['vitest@^4.1']);
  const result = await runRecipe('vitest', dir);
  assert.equal(result.status, 0, output(result));
  assert.match(result.stdout, /Tests\s+2 passed/);
});

/** A PATH on which `python3 -m pytest` runs: the PATH as it is, else with Debian's Python first. */
function pathWithPytest(): string | undefined {
  for (const path of [process.env.PATH, `/usr/bin:${process.env.PATH}`]) {
    const probe = spawnSync('python3', ['-m', 'pytest', '--version'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: path },
    });
    if (probe.status === 0) return path;
  }
  return undefined;
}

test('pytest: a session server from conftest.py, a reset before each test, a module-scoped one', async (t) => {
  const path = pathWithPytest();
  if (!path) {
    assert.ok(!process.env.CI, 'CI installs python3-pytest (.ci/run)');
    t.skip('pytest is not installed (apt-get install python3-pytest)');
    return;
  }
  const { dir } = await installedPackages();
  const result = await runRecipe('pytest', dir, { PATH: path, PYTHONDONTWRITEBYTECODE: '1' });
  assert.equal(result.status, 0, output(result));
  assert.match(result.stdout, /\b4 passed\b/);
});

test('Go: TestMain starts the server for the package, tests reset it (standard library only)', async (t) => {
  if (spawnSync('go', ['version']).status !== 0) {
    assert.ok(!process.env.CI, 'CI installs golang-go (.ci/run)');
    t.skip('go is not installed; the Go recipe runs where it is');
    return;
  }
  const { dir } = await installedPackages();
  const result = await runRecipe('go', dir, {
    // No module is fetched: the recipe needs none, and a download would fail here.
    GOPROXY: 'off',
    GOFLAGS: '-mod=mod',
    GOTOOLCHAIN: 'local',
    HOME: process.env.HOME,
  });
  assert.equal(result.status, 0, output(result));
  assert.match(result.stdout, /^ok\s/m);
});
