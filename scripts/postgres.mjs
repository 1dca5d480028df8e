// A throwaway PostgreSQL server for the test suites and benchmarks: initdb in a temporary directory, started on
// a free loopback port with durability off (it holds nothing worth keeping), removed again on stop. Uses the
// server binaries of an installed PostgreSQL (Debian: apt-get install postgresql); as root it runs them as the
// `postgres` user, since initdb refuses to run as root.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The directory of initdb/pg_ctl, or undefined when no PostgreSQL server is installed. */
export function findPostgresBin() {
  const candidates = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // no pg_config on PATH
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const version of readdirSync(debian).sort((a, b) => Number(b) - Number(a))) {
      candidates.push(join(debian, version, 'bin'));
    }
  }
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a cluster and creates `database`. Resolves to { url, stop(), halt(mode), resume() }; stop() is
 * synchronous so it can run from exit handlers. halt() and resume() stop the server and start it again on the
 * same port and data (outage tests); `durableCommits` makes every acknowledged commit survive a `halt('immediate')`
 * (synchronous_commit on), which the default trades for speed.
 */
export async function startThrowawayPostgres({
  database = 'peerconn_test',
  maxConnections = 400,
  durableCommits = false,
} = {}) {
  const bin = findPostgresBin();
  if (!bin) throw new Error('no PostgreSQL server binaries found (apt-get install postgresql)');
  const root = process.getuid?.() === 0;
  const asOwner = (cmd, args) => (root ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-pg-'));
  const data = join(dir, 'data');
  if (root) {
    chmodSync(dir, 0o755);
    execFileSync('chown', ['postgres:postgres', dir]);
  }
  const run = (cmd, args) => {
    const [c, a] = asOwner(cmd, args);
    const result = spawnSync(c, a, { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`${cmd} failed (${result.status}): ${result.stderr || result.stdout}`);
    }
  };
  let started = false;
  let options = '';
  const halt = (mode = 'fast') => {
    if (!started) return;
    run(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']);
    started = false;
  };
  const resume = () => {
    if (started) return;
    run(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      options,
      'start',
    ]);
    started = true;
  };
  const stop = () => {
    if (started) {
      const [c, a] = asOwner(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      spawnSync(c, a, { stdio: 'ignore' });
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale']);
    const port = await freePort();
    options = [
      '-c listen_addresses=127.0.0.1',
      `-p ${port}`,
      `-k ${dir}`,
      '-c fsync=off',
      `-c synchronous_commit=${durableCommits ? 'on' : 'off'}`,
      '-c full_page_writes=off',
      `-c max_connections=${maxConnections}`,
    ].join(' ');
    resume();
    const psql = spawnSync(
      existsSync(join(bin, 'psql')) ? join(bin, 'psql') : 'psql',
      ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-qAt', '-c', `CREATE DATABASE ${database}`],
      { encoding: 'utf8' },
    );
    if (psql.status !== 0) throw new Error(`CREATE DATABASE failed: ${psql.stderr}`);
    return { url: `postgres://postgres@127.0.0.1:${port}/${database}`, stop, halt, resume };
  } catch (error) {
    stop();
    throw error;
  }
}
