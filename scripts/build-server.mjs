#!/usr/bin/env node
// Compiles @peerconn/server to plain ESM JavaScript with type declarations in packages/server/dist, which is
// what the published package runs (no TypeScript at run time); the workspace itself runs the sources. The web
// console, built by build-console.mjs into dist/web, is left alone.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePackage } from './compile-package.mjs';

compilePackage(join(dirname(fileURLToPath(import.meta.url)), '../packages/server'), { keep: ['web'] });
