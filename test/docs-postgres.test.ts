// docs/postgres.md's worked example, run as written: two server processes on one PostgreSQL database behind
// nginx, the clock moved through the load balancer and read back from each server. Ports, the temp directory
// and the database address are swapped for free ones; nothing else changes. Needs PostgreSQL and nginx
// installed (CI installs both); it starts its own throwaway PostgreSQL.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findPostgresBin, startThrowawayPostgres } from '../scripts/postgres.mjs';
import { runChild } from './run-child.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function hasNginx(): boolean {
  try {
    execFileSync('nginx', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function bashBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```bash\n([\s\S]*?)\n```/g)].map((m) => m[1] as string);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const required = process.env.PEERCONN_REQUIRE_POSTGRES === '1';
const missing = !findPostgresBin() ? 'PostgreSQL' : !hasNginx() ? 'nginx' : undefined;

test('docs/postgres.md: two servers behind nginx share one clock', {
  skip: !required && missing ? `${missing} is not installed` : false,
}, async () => {
  assert.equal(missing, undefined, `${missing} must be installed for this test`);
  const blocks = bashBlocks(readFileSync(join(root, 'docs', 'postgres.md'), 'utf8'));
  assert.equal(blocks.length, 3, 'start, use, stop');
  const postgres = await startThrowawayPostgres({ database: 'peerconn' });
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-lb-'));
  const [lb, one, two] = [await freePort(), await freePort(), await freePort()];
  try {
    const dbAddress = new URL(postgres.url).host;
    const script = blocks
      .join('\n')
      .replaceAll('127.0.0.1:5432', dbAddress)
      .replaceAll('/tmp/peerconn-lb', dir)
      .replaceAll('8080', String(lb))
      .replaceAll('8081', String(one))
      .replaceAll('8082', String(two));
    const { status, stdout, stderr } = await runChild('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: root,
      env: { ...process.env, PEERCONN_STORE: '', DATABASE_URL: '' },
      detached: true,
    });
    assert.equal(status, 0, `the example failed:\n${stderr}\n${stdout}`);
    // curl prints each JSON body without a newline after it.
    const clocks = [...stdout.matchAll(/\{[^{}]*\}/g)].map(
      (m) => JSON.parse(m[0]) as { now: string; offsetMs: number },
    );
    assert.equal(clocks.length, 2, stdout);
    for (const clock of clocks) assert.ok(clock.offsetMs >= 3_600_000 - 5_000, JSON.stringify(clock));
    const [a, b] = clocks.map((c) => Date.parse(c.now));
    assert.ok(Math.abs((a as number) - (b as number)) < 60_000, 'both servers show the same virtual time');
  } finally {
    // Whatever the script left running (nginx, the servers) goes with its temp dir and the database.
    for (const pattern of [dir, `--port ${one} `, `--port ${two} `]) {
      try {
        execFileSync('pkill', ['-f', '--', pattern]);
      } catch {
        // nothing left
      }
    }
    postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
