#!/usr/bin/env node
// `npm run build:binary [-- --out <file>]`: one file that runs the server on linux-x64 without Node installed, as
// Node's single executable applications make it (docs/binary.md):
//   1. esbuild bundles scripts/binary/main.ts with the server, the SDK and every npm dependency into one
//      CommonJS script (what a single executable runs);
//   2. `node --experimental-sea-config` turns it, with the assets (better-sqlite3's native addon and the built
//      console), into a preparation blob;
//   3. a copy of this node binary gets the blob injected by postject, at the fuse Node looks for.
// Needs `npm run build` first (the console). The result is dist/peerconn-server-linux-x64 by default. Steps 2 and
// 3 are skipped when .tmp/binary holds a file made from the same script, assets and node (the test suite and the
// benchmarks both ask for one per run).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const flag = process.argv.indexOf('--out');
const out =
  flag === -1 ? join(root, 'dist/peerconn-server-linux-x64') : resolve(process.argv[flag + 1] ?? '');
const require = createRequire(import.meta.url);

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(
    `build:binary makes a linux-x64 executable from this node; this is ${process.platform}-${process.arch}`,
  );
  process.exit(1);
}
const addon = join(
  dirname(require.resolve('better-sqlite3/package.json')),
  'build/Release/better_sqlite3.node',
);
const web = join(root, 'packages/server/dist/web');
for (const needed of [addon, join(web, 'console.js')]) {
  if (!existsSync(needed)) {
    console.error(`build:binary: ${needed} is missing; run npm install and npm run build first`);
    process.exit(1);
  }
}

const cacheDir = join(root, '.tmp/binary');
const work = mkdtempSync(join(tmpdir(), 'peerconn-binary-'));
try {
  const script = join(work, 'peerconn-server.cjs');
  await build({
    entryPoints: [join(root, 'scripts/binary/main.ts')],
    outfile: script,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    conditions: ['source'],
    // pg asks for its optional native binding only when told to; the addon comes from the assets instead.
    external: ['pg-native'],
    logLevel: 'error',
  });

  // Asset names are the ones scripts/binary/main.ts reads.
  const assets = { 'better_sqlite3.node': addon };
  for (const name of readdirSync(web).sort()) assets[`web/${name}`] = join(web, name);

  const inputs = createHash('sha256')
    .update(`${process.version} ${process.execPath}\n`)
    .update(readFileSync(script));
  for (const [name, file] of Object.entries(assets)) inputs.update(name).update(readFileSync(file));
  const cached = join(cacheDir, inputs.digest('hex').slice(0, 16));
  if (!existsSync(cached)) makeExecutable(script, assets, cached);
  deliver(cached);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Steps 2 and 3, into the cache. */
function makeExecutable(script, assets, cached) {
  const blob = join(work, 'sea-prep.blob');
  writeFileSync(
    join(work, 'sea-config.json'),
    JSON.stringify({
      main: script,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      assets,
    }),
  );
  execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], {
    stdio: 'inherit',
  });

  const made = join(work, 'peerconn-server-linux-x64');
  copyFileSync(process.execPath, made);
  chmodSync(made, 0o755);
  const injected = spawnSync(
    process.execPath,
    [
      require.resolve('postject/dist/cli.js'),
      made,
      'NODE_SEA_BLOB',
      blob,
      '--sentinel-fuse',
      'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
    ],
    { encoding: 'utf8' },
  );
  // postject warns about every ELF note section it cannot name; Node's documentation says to expect that.
  const warnings = injected.stderr
    .split('\n')
    .filter((l) => l && !/^warning: Can't find string offset for section name/.test(l));
  if (warnings.length > 0) console.error(warnings.join('\n'));
  if (injected.status !== 0) {
    console.error('build:binary: postject could not inject the blob');
    process.exit(1);
  }
  // A rename within the cache is atomic, so a concurrent build of the same inputs never sees half a file; only
  // the file of the current inputs is kept.
  mkdirSync(cacheDir, { recursive: true });
  const part = `${cached}.part-${process.pid}`;
  copyFileSync(made, part);
  renameSync(part, cached);
  for (const name of readdirSync(cacheDir)) {
    if (join(cacheDir, name) !== cached && !name.includes('.part-'))
      rmSync(join(cacheDir, name), { force: true });
  }
}

function deliver(file) {
  mkdirSync(dirname(out), { recursive: true });
  rmSync(out, { force: true });
  copyFileSync(file, out);
  chmodSync(out, 0o755);
  console.log(out);
}
