#!/usr/bin/env node
// Runs the bundled CLI when it is at least as new as every source file it was built from (fast start);
// otherwise runs the TypeScript sources through tsx, so an edited checkout never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, '../dist/main.mjs');
const sourceRoots = ['../src', '../../sdk/src', '../../server/src'].map((p) => join(here, p));

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const time = entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

function bundleIsFresh() {
  if (process.env.PEERCONN_CLI_FROM_SOURCE === '1' || !existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  return sourceRoots.every((dir) => !existsSync(dir) || newestSource(dir) <= built);
}

let main;
if (bundleIsFresh()) {
  ({ main } = await import(bundle));
} else {
  // Resolve workspace packages to their sources too (the `source` export condition), then compile with tsx.
  const { register: registerHooks } = await import('node:module');
  registerHooks(
    'data:text/javascript,export function resolve(s,c,n){return n(s,{...c,conditions:[...c.conditions,"source"]})}',
  );
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
await main(process.argv.slice(2));
