#!/usr/bin/env node
// Runs the TypeScript sources directly: workspace packages resolve to their sources (the `source` export
// condition) and tsx compiles them, so the server never runs an older build of the SDK.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

registerHooks(
  'data:text/javascript,export function resolve(s,c,n){return n(s,{...c,conditions:[...c.conditions,"source"]})}',
);
register();
const { runServerCli } = await import('../src/main.ts');
await runServerCli(process.argv.slice(2));
