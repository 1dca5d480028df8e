#!/usr/bin/env node
// Bundles the CLI (with the workspace's own TypeScript packages) into plain ESM so `peerconn` starts without
// compiling TypeScript on the fly. npm dependencies stay external; heavy modules stay in lazily loaded chunks.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'packages/cli/dist');
rmSync(outdir, { recursive: true, force: true });

const keepWorkspaceInline = {
  name: 'externalise-npm-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@peerconn/') || args.path.startsWith('node:')
        ? undefined
        : { path: args.path, external: true },
    );
  },
};

await build({
  entryPoints: { main: join(root, 'packages/cli/src/main.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  // The workspace packages are bundled from their TypeScript sources, not from a possibly older dist.
  conditions: ['source'],
  plugins: [keepWorkspaceInline],
  logLevel: 'warning',
});
