#!/usr/bin/env node
// Runs the bundled CLI (dist/), which is all an installed package has. Inside the workspace it does so only when
// every build it relies on (the bundle, and the compiled server and SDK that `serve` loads) is at least as new
// as the sources; otherwise it runs the TypeScript sources through tsx, so an edited checkout never runs stale
// code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, '../dist/index.mjs');
const packages = join(here, '../..');
/** Each build and the sources it was made from. */
const builds = [
  [bundle, ['cli/src', 'sdk/src']],
  [join(packages, 'server/dist/index.js'), ['server/src']],
  [join(packages, 'sdk/dist/index.js'), ['sdk/src']],
];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const time = entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

function inWorkspace() {
  return existsSync(join(here, '../src'));
}

function buildsAreFresh() {
  if (process.env.PEERCONN_CLI_FROM_SOURCE === '1' || !existsSync(bundle)) return false;
  return builds.every(([output, sources]) => {
    const roots = sources.map((s) => join(packages, s)).filter((dir) => existsSync(dir));
    if (roots.length === 0) return true;
    if (!existsSync(output)) return false;
    const built = statSync(output).mtimeMs;
    return roots.every((dir) => newestSource(dir) <= built);
  });
}

/** Whether this process resolves packages to their TypeScript sources (`--conditions=source`, as the tests do). */
function sourceCondition() {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return args.some(
    (arg, i) =>
      /^(--conditions|-C)=source$/.test(arg) || (/^(--conditions|-C)$/.test(arg) && args[i + 1] === 'source'),
  );
}

const { register } = await import('node:module');
let main;
if (!inWorkspace() || buildsAreFresh()) {
  // The bundle and what it loads are JavaScript: resolve them as an installed package would, without `source`.
  if (inWorkspace() && sourceCondition()) {
    register(
      'data:text/javascript,export function resolve(s,c,n){return n(s,{...c,conditions:c.conditions.filter((x)=>x!=="source")})}',
    );
  }
  ({ main } = await import(bundle));
} else {
  // Resolve workspace packages to their sources too (the `source` export condition), then compile with tsx.
  register(
    'data:text/javascript,export function resolve(s,c,n){return n(s,{...c,conditions:[...c.conditions,"source"]})}',
  );
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  ({ main } = await import('../src/index.ts'));
}
await main(process.argv.slice(2));
