#!/usr/bin/env node
// Bundles the CLI (with the SDK, from its TypeScript sources) into plain ESM so `peerconn` starts without
// compiling TypeScript on the fly or resolving many files, and writes its type declarations beside it. npm
// dependencies and @peerconn/server (which `serve` loads, compiled, only when asked) stay external; heavy
// modules stay in lazily loaded chunks.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/cli');
const outdir = join(cli, 'dist');
rmSync(outdir, { recursive: true, force: true });

const inlineTheSdkOnly = {
  name: 'externalise-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@peerconn/sdk') || args.path.startsWith('node:')
        ? undefined
        : { path: args.path, external: true },
    );
  },
};

await build({
  entryPoints: { index: join(cli, 'src/index.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  // The SDK is bundled from its TypeScript sources, not from a possibly older dist.
  conditions: ['source'],
  plugins: [inlineTheSdkOnly],
  logLevel: 'warning',
});

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const types = spawnSync(process.execPath, [tsc, '-p', join(cli, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (types.status !== 0) process.exit(types.status ?? 1);
// Declarations keep `./x.ts`; consumers resolve `./x.js`.
const typesDir = join(outdir, 'types');
for (const name of readdirSync(typesDir)) {
  const file = join(typesDir, name);
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2'));
}
