#!/usr/bin/env node
// Compiles @peerconn/sdk to plain ESM JavaScript with type declarations in packages/sdk/dist, which is what
// the package exports to everyone outside this workspace (the workspace itself runs the sources).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePackage } from './compile-package.mjs';

// Tests build into a directory of their own (`--outdir <dir>`), so they never rewrite the dist others read.
const flag = process.argv.indexOf('--outdir');
const outDir = flag > 0 && process.argv[flag + 1] ? resolve(process.argv[flag + 1]) : undefined;
compilePackage(join(dirname(fileURLToPath(import.meta.url)), '../packages/sdk'), outDir ? { outDir } : {});
