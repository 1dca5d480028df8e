#!/usr/bin/env node
// Runs the TypeScript sources directly: tsx is registered before main is imported.
import { register } from 'tsx/esm/api';

register();
const { runServerCli } = await import('../src/main.ts');
await runServerCli(process.argv.slice(2));
