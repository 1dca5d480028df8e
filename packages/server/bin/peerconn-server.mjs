#!/usr/bin/env node
// Runs the compiled server (dist/), which is all an installed package has. Inside the workspace, where the
// TypeScript sources sit beside it, it runs those through tsx instead (workspace packages resolved to their
// sources by the `source` export condition), so a checkout never runs an older build.
import { existsSync } from 'node:fs';

let runServerCli;
if (existsSync(new URL('../src/main.ts', import.meta.url))) {
  const { register } = await import('node:module');
  register(
    'data:text/javascript,export function resolve(s,c,n){return n(s,{...c,conditions:[...c.conditions,"source"]})}',
  );
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  ({ runServerCli } = await import('../src/main.ts'));
} else {
  ({ runServerCli } = await import('../dist/main.js'));
}
await runServerCli(process.argv.slice(2));
