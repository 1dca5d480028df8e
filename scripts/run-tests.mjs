#!/usr/bin/env node
// Runs the test suites. Node 20's test runner finds no .ts files by itself, so the list is built here.
//
// Two passes: every suite on SQLite, then again on PostgreSQL the suites that declared themselves to run on every
// store (`runsOnEveryStore(import.meta.url)`, packages/server/test/store-choice.ts). The runner reads no file
// names for that: during the SQLite pass each such suite writes its own path to the file named by
// PEERCONN_TEST_STORE_SUITES, and the second pass runs exactly those. The PostgreSQL pass uses
// PEERCONN_TEST_POSTGRES when it names a database, or else starts a throwaway server (scripts/postgres.mjs) when
// PostgreSQL is installed. Without PostgreSQL the pass is skipped with a notice, unless
// PEERCONN_REQUIRE_POSTGRES=1 (as in CI), which makes it a failure.
//
// Arguments narrow the run to files or directories (both passes; `--sqlite-only` skips the second).
import { spawnSync } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findPostgresBin, startThrowawayPostgres } from './postgres.mjs';

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...findTests(full));
    else if (name.endsWith('.test.ts')) found.push(full);
  }
  return found;
}

const args = process.argv.slice(2);
const sqliteOnly = args.includes('--sqlite-only');
const paths = args.filter((a) => a !== '--sqlite-only');
const roots =
  paths.length > 0 ? paths : ['packages/sdk/test', 'packages/server/test', 'packages/cli/test', 'test'];
const files = roots.flatMap((root) => (statSync(root).isDirectory() ? findTests(root) : [root])).sort();
if (files.length === 0) {
  console.error('run-tests: no *.test.ts files found under', roots.join(', '));
  process.exit(1);
}

// `--conditions=source` makes workspace packages resolve to their TypeScript sources (see packages/sdk
// exports); through NODE_OPTIONS it also reaches every process a test spawns.
const nodeOptions = [process.env.NODE_OPTIONS, '--conditions=source'].filter(Boolean).join(' ');

function runPass(list, extraEnv) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...list], {
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: nodeOptions, ...extraEnv },
  });
  return result.status ?? 1;
}

/** Runs the SQLite pass; answers its status and the suites that declared they run on every store. */
function sqlitePass() {
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-run-tests-'));
  const declarations = join(dir, 'every-store-suites');
  writeFileSync(declarations, '');
  try {
    const status = runPass(files, { PEERCONN_TEST_POSTGRES: '', PEERCONN_TEST_STORE_SUITES: declarations });
    const declared = new Set(readFileSync(declarations, 'utf8').split('\n').filter(Boolean));
    return { status, storeFiles: files.filter((file) => declared.has(realpathSync(resolve(file)))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { status: sqliteStatus, storeFiles } = sqlitePass();
if (sqliteOnly || storeFiles.length === 0) process.exit(sqliteStatus);

const required = process.env.PEERCONN_REQUIRE_POSTGRES === '1';
let url = process.env.PEERCONN_TEST_POSTGRES || undefined;
let throwaway;
if (!url) {
  if (!findPostgresBin()) {
    const message =
      'run-tests: PostgreSQL is not installed, so the PostgreSQL pass was skipped (apt-get install postgresql, or set PEERCONN_TEST_POSTGRES).';
    console.error(`\n${message}\n`);
    process.exit(required ? 1 : sqliteStatus);
  }
  try {
    throwaway = await startThrowawayPostgres();
  } catch (error) {
    console.error(`run-tests: could not start a throwaway PostgreSQL: ${error.message}`);
    process.exit(1);
  }
  url = throwaway.url;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      throwaway.stop();
      process.exit(130);
    });
  }
}
console.log(`\nrun-tests: PostgreSQL pass (${storeFiles.length} suites)\n`);
let postgresStatus;
try {
  postgresStatus = runPass(storeFiles, { PEERCONN_TEST_POSTGRES: url, PEERCONN_TEST_STORE_SUITES: '' });
} finally {
  throwaway?.stop();
}
process.exit(sqliteStatus !== 0 ? sqliteStatus : postgresStatus);
