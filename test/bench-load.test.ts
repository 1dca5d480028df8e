// The benchmarks' load generator (bench/lib/load.ts driving wrk through bench/lib/wrk-pool.lua) against a
// counting node:http server on loopback: a pool sent once never repeats a request (a create sent twice would be
// an idempotent replay, not a create), a wrapping pool sends all of it, and a failing answer fails the run.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { findWrk, rawRequest, runLoad, writePool } from '../bench/lib/load.ts';
import type { WireRequest } from '../bench/lib/wire.ts';

const dir = mkdtempSync(join(tmpdir(), 'peerconn-bench-load-'));
const received: string[] = [];
let server: Server;
let url: string;

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${Buffer.concat(chunks).toString('utf8')}`);
      res.writeHead(req.url?.startsWith('/fail') ? 503 : 200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const wrkHere = (): boolean => {
  if (findWrk()) return true;
  if (process.env.CI) throw new Error('wrk is missing: .ci/run installs it (apt-get install wrk).');
  return false;
};
const skipWithoutWrk = { skip: !findWrk() && !process.env.CI ? 'wrk is not installed' : false };

function posts(count: number, stem: string): WireRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const body = JSON.stringify({ n: i });
    return {
      method: 'POST',
      path: `/${stem}?clientToken=${stem}-${i}`,
      headers: {
        host: 'bench.test',
        'content-type': 'application/json',
        'content-length': String(body.length),
      },
      body,
    };
  });
}

test('a request goes on the wire as written: request line, headers in order, blank line, body', () => {
  const req: WireRequest = {
    method: 'POST',
    path: '/v1/vpc?clientToken=t',
    headers: { host: 'h:1', 'content-length': '2', authorization: 'bce-auth-v1/a/b/c//d' },
    body: '{}',
  };
  assert.equal(
    rawRequest(req),
    'POST /v1/vpc?clientToken=t HTTP/1.1\r\nhost: h:1\r\ncontent-length: 2\r\nauthorization: bce-auth-v1/a/b/c//d\r\n\r\n{}',
  );
});

test('a pool is split among wrk threads in turn, each request preceded by its length in bytes', () => {
  const pool = writePool(dir, 'split', posts(5, 'split'), 2);
  assert.equal(pool.size, 5);
  assert.equal(pool.files.length, 2);
  const [first, second] = pool.files.map((f) => readFileSync(f, 'utf8'));
  const records = (text: string) => {
    const out: string[] = [];
    for (let at = 0; at < text.length; ) {
      const newline = text.indexOf('\n', at);
      const length = Number(text.slice(at, newline));
      out.push(text.slice(newline + 1, newline + 1 + length));
      at = newline + 1 + length;
    }
    return out;
  };
  const paths = (text: string) => records(text).map((r) => r.split(' ')[1]);
  assert.deepEqual(paths(first!), [
    '/split?clientToken=split-0',
    '/split?clientToken=split-2',
    '/split?clientToken=split-4',
  ]);
  assert.deepEqual(paths(second!), ['/split?clientToken=split-1', '/split?clientToken=split-3']);
});

test('sent once: no request arrives twice, and running out is reported', skipWithoutWrk, async () => {
  assert.ok(wrkHere());
  received.length = 0;
  const requests = posts(300, 'once');
  const result = await runLoad(
    dir,
    {
      targets: [url],
      connections: 4,
      durationSec: 1,
      pool: writePool(dir, 'once', requests, 2),
      wrap: false,
    },
    'once',
  );
  assert.equal(result.poolExhausted, true);
  assert.equal(new Set(received).size, received.length, 'a request arrived twice');
  // wrk checks the first request of its first thread by parsing it, never sends it; every other one arrives.
  assert.ok(
    received.length >= requests.length - 1 && received.length <= requests.length,
    `${received.length}`,
  );
  // A thread stops reading once it runs out, so answers still in flight then go uncounted.
  assert.ok(result.ok > 0 && result.ok <= received.length);
  for (const line of received) assert.match(line, /^POST \/once\?clientToken=once-(\d+) \{"n":\1\}$/);
});

test('wrapping: the pool is sent over and over, every request of it', skipWithoutWrk, async () => {
  assert.ok(wrkHere());
  received.length = 0;
  const requests = posts(20, 'wrap');
  const result = await runLoad(
    dir,
    { targets: [url], connections: 2, durationSec: 1, pool: writePool(dir, 'wrap', requests), wrap: true },
    'wrap',
  );
  assert.equal(result.poolExhausted, false);
  assert.ok(received.length > requests.length);
  assert.equal(new Set(received).size, requests.length);
  assert.ok(result.latencyMs.p50 > 0 && result.latencyMs.p50 <= result.latencyMs.p99);
});

test('an answer of 400 or above fails the run instead of producing a figure', skipWithoutWrk, async () => {
  assert.ok(wrkHere());
  await assert.rejects(
    runLoad(
      dir,
      {
        targets: [url],
        connections: 1,
        durationSec: 1,
        pool: writePool(dir, 'fail', posts(3, 'fail')),
        wrap: true,
      },
      'failing',
    ),
    /failing: the load run was not clean \(0 answered below 400, \d+ with 400 or above/,
  );
});
