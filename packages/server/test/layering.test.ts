// The server's import graph: every import points to the importing file's own layer or a lower one, and no
// chain of imports comes back to where it started. The layers, bottom to top, are the ones README.md's
// Architecture section names.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Bottom first. A file belongs to the first entry its path (relative to src/) starts with. */
const LAYERS: ReadonlyArray<[string, number]> = [
  ['errors.ts', 0],
  ['domain/', 1],
  ['store/', 2],
  ['engine/', 3],
  ['http/', 4],
  ['admin/', 5],
  ['console/', 5],
  ['config.ts', 6],
  ['options.ts', 6],
  ['logging.ts', 6],
  ['log-sink.ts', 6],
  ['listeners.ts', 7],
  ['server.ts', 7],
  ['main.ts', 8],
  ['index.ts', 9],
];

function layerOf(file: string): number {
  const entry = LAYERS.find(([prefix]) => file === prefix || file.startsWith(prefix));
  assert.ok(entry, `${file} belongs to no layer: add it to LAYERS (and to README's Architecture)`);
  return entry[1];
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative imports (static and dynamic) of a file, as paths relative to src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1] as string);
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) =>
      relative(SRC, resolve(dirname(file), s))
        .split('\\')
        .join('/'),
    );
}

const files = sources(SRC).map((f) => relative(SRC, f).split('\\').join('/'));
const graph = new Map(files.map((f) => [f, importsOf(join(SRC, f))]));

test('every import points down or sideways, never up', () => {
  const upward: string[] = [];
  for (const [file, imports] of graph) {
    for (const target of imports) {
      assert.ok(graph.has(target), `${file} imports ${target}, which does not exist`);
      if (layerOf(target) > layerOf(file)) upward.push(`${file} → ${target}`);
    }
  }
  assert.deepEqual(upward, []);
});

test('no import cycles', () => {
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'visiting') {
      cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
      return;
    }
    state.set(file, 'visiting');
    for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  assert.deepEqual(cycles, []);
});

test('the graph was read: the wiring reaches every layer', () => {
  const reached = new Set<string>();
  const walk = (file: string) => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const target of graph.get(file) ?? []) walk(target);
  };
  walk('main.ts');
  const layers = new Set([...reached].map(layerOf));
  assert.deepEqual([...layers].sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
});
