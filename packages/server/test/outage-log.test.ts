// When the log's destination fails, the server keeps serving: the log on a small tmpfs that fills, a stderr pipe
// nobody reads, a stderr pipe that was closed. Each time the server runs as a process and keeps answering
// every request; once the destination takes lines again, a line says how many were dropped, and logging goes on.
// Requests to a long unknown path make long log lines, so a few hundred of them overflow the log's queue.
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { VpcClient } from '@peerconn/sdk';
import { credential, type Started, startProcess } from './process-support.ts';
import { mountSmallDisk } from './small-disk.ts';
import { runsOnSqliteOnly } from './store-choice.ts';

runsOnSqliteOnly(import.meta.url, "what fails is the log's destination, not the store");

// Larger than the log's queue (1 MiB), so that what it held fits once the ballast is gone.
const disk = mountSmallDisk(4096);
after(() => {
  if (!('unavailable' in disk)) disk.remove();
});

const LONG_PATH = `/v1/${'x'.repeat(12_000)}`;

/** Sends `count` requests, `width` at a time, half of them with long log lines; resolves to the statuses seen. */
async function keepAsking(url: string, count: number, width = 10): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const path = next++ % 2 === 0 ? LONG_PATH : '/_admin/healthz';
        // A deadline, not a measure: a server wedged behind its log would otherwise hang the suite.
        const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}

/** Waits (generously) until `read()` holds a line that `match` accepts; returns the lines read then. */
async function waitForLine(
  read: () => string,
  match: (line: string) => boolean,
  what: string,
): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const lines = read().split('\n');
    if (lines.some(match)) return lines;
    if (Date.now() > deadline)
      assert.fail(`no ${what} within 30 s; the log ends with:\n${lines.slice(-5).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const isDropLine = (line: string) => line.includes('"kind":"log"') && line.includes('log line');

async function stop(server: Started): Promise<number | null> {
  server.child.kill('SIGTERM');
  return (await server.exited).code;
}

test('the log on a disk that fills: every request is answered, and logging resumes with a count of what was dropped', {
  skip: 'unavailable' in disk ? disk.unavailable : false,
}, async () => {
  if ('unavailable' in disk) return;
  const logFile = join(disk.dir, 'server.log');
  const fd = openSync(logFile, 'w');
  let server: Started;
  try {
    server = await startProcess(
      ['--port', '0', '--data', ':memory:', '--log-format', 'json'],
      undefined,
      {},
      {
        stderr: fd,
      },
    );
  } finally {
    closeSync(fd);
  }
  const url = server.banner.listeners[0]?.url as string;
  const client = new VpcClient({ endpoint: url, credentials: credential(server.banner) });
  await client.createVpc({ name: 'before', cidr: '10.1.0.0/16' });

  disk.fill();
  const whileFull = await keepAsking(url, 400);
  assert.deepEqual([...whileFull.keys()].sort(), [200, 404]);
  assert.equal(
    (await client.createVpc({ name: 'while-full', cidr: '10.2.0.0/16' })).$metadata.httpStatusCode,
    200,
  );

  disk.free();
  await fetch(`${url}/_admin/healthz`);
  const read = () => readFileSync(logFile, 'utf8');
  const lines = await waitForLine(read, isDropLine, 'line about dropped log lines');
  const dropLine = lines.find(isDropLine) as string;
  const report = JSON.parse(dropLine) as { droppedLines: number; error: string };
  assert.ok(report.droppedLines > 0, JSON.stringify(report));
  assert.match(report.error, /^ENOSPC/);
  // Logging goes on: a request made now is logged after that line.
  await client.createVpc({ name: 'after', cidr: '10.3.0.0/16' });
  const afterDrop = () => read().slice(read().indexOf(dropLine) + dropLine.length);
  await waitForLine(afterDrop, (line) => line.includes('"operation":"createVpc"'), 'request line after it');
  assert.equal(await stop(server), 0);
});

test('a stderr pipe nobody reads, then read again: every request is answered, and a line says what was dropped', async () => {
  const server = await startProcess(['--port', '0', '--data', ':memory:', '--log-format', 'json']);
  const url = server.banner.listeners[0]?.url as string;
  const stderr = server.child.stderr;
  assert.ok(stderr);
  let text = '';
  stderr.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  stderr.pause();
  const whileStalled = await keepAsking(url, 400);
  assert.deepEqual([...whileStalled.keys()].sort(), [200, 404]);
  stderr.resume();
  await fetch(`${url}/_admin/healthz`);
  const lines = await waitForLine(() => text, isDropLine, 'line about dropped log lines');
  const report = JSON.parse(lines.find(isDropLine) as string) as { droppedLines: number };
  assert.ok(report.droppedLines > 0, JSON.stringify(report));
  assert.equal(await stop(server), 0);
});

test('a stderr pipe that was closed: the server keeps answering and still shuts down cleanly', async () => {
  const server = await startProcess(['--port', '0', '--data', ':memory:', '--log-format', 'json']);
  const url = server.banner.listeners[0]?.url as string;
  server.child.stderr?.destroy();
  const client = new VpcClient({ endpoint: url, credentials: credential(server.banner) });
  const statuses = await keepAsking(url, 200);
  assert.deepEqual([...statuses.keys()].sort(), [200, 404]);
  assert.equal(
    (await client.createVpc({ name: 'no-log', cidr: '10.4.0.0/16' })).$metadata.httpStatusCode,
    200,
  );
  assert.equal(await stop(server), 0);
});
