#!/usr/bin/env node
// Runs the test suites. Node 20's test runner finds no .ts files by itself, so the list is built here.
//
// Two passes: every suite on SQLite, then the store-dependent suites (the conformance set below) again on
// PostgreSQL. The PostgreSQL pass uses PEERCONN_TEST_POSTGRES when it names a database, or else starts a
// throwaway server (scripts/postgres.mjs) when PostgreSQL is installed. Without PostgreSQL the pass is skipped
// with a notice, unless PEERCONN_REQUIRE_POSTGRES=1 (as in CI), which makes it a failure.
//
// Arguments narrow the run to files or directories (both passes; `--sqlite-only` skips the second).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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

/** Suites whose every test runs against the store under test (fixtures from packages/server/test/store-choice.ts). */
const STORE_SUITES =
  /^packages\/server\/test\/(store|engine-[a-z-]+|http-[a-z-]+|e2e-(sdk|sdk-rules|sdk-routes|sdk-network|examples|baiducloud)|multi-instance|model-[a-z-]+|reliability-[a-z-]+)\.test\.ts$/;

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

const sqliteStatus = runPass(files, { PEERCONN_TEST_POSTGRES: '' });
const storeFiles = files.filter((file) =>
  STORE_SUITES.test(relative(process.cwd(), file).split('\\').join('/')),
);
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
  postgresStatus = runPass(storeFiles, { PEERCONN_TEST_POSTGRES: url });
} finally {
  throwaway?.stop();
}
process.exit(sqliteStatus !== 0 ? sqliteStatus : postgresStatus);
