#!/usr/bin/env node
// Compiles @peerconn/server to plain ESM JavaScript with type declarations in packages/server/dist, which is
// what the published package runs (no TypeScript at run time); the workspace itself runs the sources. The web
// console, built by build-console.mjs into dist/web, is left alone.
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePackage } from './compile-package.mjs';

const server = join(dirname(fileURLToPath(import.meta.url)), '../packages/server');
compilePackage(server, { keep: ['web'] });
// Plain JavaScript the compiled code starts as a worker thread by its path; tsc leaves it out.
copyFileSync(
  join(server, 'src/store/sqlite-checkpointer.mjs'),
  join(server, 'dist/store/sqlite-checkpointer.mjs'),
);
