#!/usr/bin/env node
// Compiles @peerconn/sdk to plain ESM JavaScript with type declarations in packages/sdk/dist, which is what
// the package exports to everyone outside this workspace (the workspace itself runs the sources).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const sdk = join(dirname(fileURLToPath(import.meta.url)), '../packages/sdk');
// Tests build into a directory of their own (`--outdir <dir>`), so they never rewrite the dist others read.
const flag = process.argv.indexOf('--outdir');
const dist = flag > 0 && process.argv[flag + 1] ? resolve(process.argv[flag + 1]) : join(sdk, 'dist');
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(sdk, 'tsconfig.build.json'), '--outDir', dist], {
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);

// tsc rewrites `./x.ts` to `./x.js` in JavaScript but keeps it in declarations; consumers resolve `.js`.
for (const name of readdirSync(dist)) {
  if (!name.endsWith('.d.ts')) continue;
  const file = join(dist, name);
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2'));
}
