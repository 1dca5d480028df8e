#!/usr/bin/env node
// Builds the web console (packages/server/web) into packages/server/dist/web, which the server serves
// under /_console/: one script (Preact and the page's TypeScript, bundled and minified by esbuild), one
// stylesheet, the HTML shell and the icon. Nothing is loaded from anywhere else at run time.
//
// The page's TypeScript imports the admin API's types from the server's sources, whose type-check needs Node's
// types; that is why packages/server/web/tsconfig.json lists them, although nothing of Node runs in the page
// (the bundle targets the browser platform, where a `node:` import would fail this build).
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'packages/server/web');
// Tests build into a directory of their own (`--outdir <dir>`), so parallel suites never share a half-written one.
const flag = process.argv.indexOf('--outdir');
const outdir = flag === -1 ? join(root, 'packages/server/dist/web') : resolve(process.argv[flag + 1] ?? '');
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

await build({
  entryPoints: { console: join(web, 'src/main.tsx') },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome109', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  // Workspace packages are bundled from their TypeScript sources, as everywhere else in the repository.
  conditions: ['source'],
  logLevel: 'warning',
});
for (const file of ['index.html', 'console.css', 'favicon.svg'])
  copyFileSync(join(web, file), join(outdir, file));
