#!/usr/bin/env node
// Node 20's test runner finds no .ts files by itself, so the list is built here and handed over explicitly.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...findTests(full));
    else if (name.endsWith('.test.ts')) found.push(full);
  }
  return found;
}

const roots =
  process.argv.slice(2).length > 0
    ? process.argv.slice(2)
    : ['packages/sdk/test', 'packages/server/test', 'packages/cli/test', 'test'];
const files = roots.flatMap((root) => (statSync(root).isDirectory() ? findTests(root) : [root])).sort();
if (files.length === 0) {
  console.error('run-tests: no *.test.ts files found under', roots.join(', '));
  process.exit(1);
}
// `--conditions=source` makes workspace packages resolve to their TypeScript sources (see packages/sdk
// exports); through NODE_OPTIONS it also reaches every process a test spawns.
const nodeOptions = [process.env.NODE_OPTIONS, '--conditions=source'].filter(Boolean).join(' ');
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: nodeOptions },
});
process.exit(result.status ?? 1);
