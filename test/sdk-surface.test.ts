// The SDK's surface is chosen, not accumulated: the build's declarations (scripts/build-sdk.mjs, into a
// directory of this test's own) export exactly the names docs/CONTRACTS.md lists for each entry, the package
// names exactly those entries, and every value the public entry exports is documented in docs/sdk.md.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = mkdtempSync(join(tmpdir(), 'peerconn-sdk-decl-'));
after(() => rmSync(out, { recursive: true, force: true }));

/** Entry (as imported) → its declaration file. */
const ENTRIES: Record<string, string> = {
  '@peerconn/sdk': 'index.d.ts',
  '@peerconn/sdk/operations': 'operations.d.ts',
  '@peerconn/sdk/internal': 'internal.d.ts',
};

interface Exported {
  name: string;
  /** A value (function, class, constant) rather than only a type. */
  value: boolean;
}

const exported = new Map<string, Exported[]>();

before(() => {
  const build = spawnSync(process.execPath, [join(root, 'scripts/build-sdk.mjs'), '--outdir', out], {
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, build.stdout + build.stderr);
  const files = Object.values(ENTRIES).map((file) => join(out, file));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ['node'],
    typeRoots: [join(root, 'node_modules/@types')],
  });
  const checker = program.getTypeChecker();
  for (const [entry, file] of Object.entries(ENTRIES)) {
    const source = program.getSourceFile(join(out, file));
    assert.ok(source, `${file} was emitted`);
    const module = checker.getSymbolAtLocation(source);
    assert.ok(module, `${file} is a module`);
    exported.set(
      entry,
      checker.getExportsOfModule(module).map((symbol) => {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        return { name: symbol.name, value: (target.flags & ts.SymbolFlags.Value) !== 0 };
      }),
    );
  }
});

/**
 * The names CONTRACTS.md lists under an entry's heading: every `name` in the bullets of its section (a bullet is
 * a line starting with "- " and the indented lines after it; the prose around them names no exports).
 */
function listed(entry: string): string[] {
  const text = readFileSync(join(root, 'docs/CONTRACTS.md'), 'utf8');
  const heading = `### \`${entry}\`:`;
  const start = text.indexOf(heading);
  assert.notEqual(start, -1, `docs/CONTRACTS.md has a section "${heading}"`);
  const next = text.indexOf('\n#', start + heading.length);
  const section = text.slice(start, next === -1 ? undefined : next);
  const bullets: string[] = [];
  let inBullet = false;
  for (const line of section.split('\n')) {
    inBullet = line.startsWith('- ') || (inBullet && line.startsWith('  '));
    if (inBullet) bullets.push(line);
  }
  return [...bullets.join('\n').matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1] as string);
}

for (const entry of Object.keys(ENTRIES)) {
  test(`${entry} exports exactly what docs/CONTRACTS.md lists`, () => {
    const names = (exported.get(entry) ?? []).map((e) => e.name).sort();
    const documented = listed(entry);
    const duplicates = documented.filter((name, i) => documented.indexOf(name) !== i);
    assert.deepEqual(duplicates, [], 'a name is listed once');
    assert.deepEqual(
      names.filter((name) => !documented.includes(name)),
      [],
      `exported by ${entry} but not listed in docs/CONTRACTS.md`,
    );
    assert.deepEqual(
      documented.filter((name) => !names.includes(name)),
      [],
      `listed in docs/CONTRACTS.md but not exported by ${entry}`,
    );
  });
}

test('the package names exactly these entries: no file is a contract by its path', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'packages/sdk/package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json');
  assert.deepEqual(
    subpaths.map((key) => (key === '.' ? '@peerconn/sdk' : `@peerconn/sdk/${key.slice(2)}`)).sort(),
    Object.keys(ENTRIES).sort(),
  );
  assert.ok(!subpaths.some((key) => key.includes('*')), 'no wildcard subpath');
});

test('every value the public entry exports is documented in docs/sdk.md', () => {
  const sdkDoc = readFileSync(join(root, 'docs/sdk.md'), 'utf8');
  const values = (exported.get('@peerconn/sdk') ?? []).filter((e) => e.value).map((e) => e.name);
  assert.ok(values.length > 20, 'the public entry exports values');
  assert.deepEqual(
    values.filter((name) => !new RegExp(`\\b${name}\\b`).test(sdkDoc)),
    [],
    'public values docs/sdk.md does not mention',
  );
});
