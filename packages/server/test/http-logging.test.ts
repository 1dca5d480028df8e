// What the server logs: every failed request with its code and message, the lifecycle of each peering
// connection as it changes, and — at debug level — what the server signed when a signature does not match,
// so it can be diffed against what the client signed. The readable format is checked on its own.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { canonicalRequest } from '@peerconn/sdk/internal';
import type { ServerOptions } from '../src/config.ts';
import { formatLine } from '../src/logging.ts';
import {
  createVpc,
  queryEntries,
  raw,
  signed,
  signedHeaders,
  startTestServer,
  type TestServer,
} from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

type Entry = Record<string, unknown> & { level: number; msg: string };

async function loggingServer(options: ServerOptions): Promise<{ server: TestServer; lines: Entry[] }> {
  const lines: Entry[] = [];
  const server = await startTestServer({
    logFormat: 'json',
    logStream: { write: (line: string) => lines.push(JSON.parse(line) as Entry) },
    ...options,
  });
  return { server, lines };
}

/** The log entry of the request that was answered with this request id. */
function requestLine(lines: Entry[], requestId: string | string[] | undefined): Entry {
  const found = lines.find((l) => l.msg === 'request' && l.requestId === requestId);
  assert.ok(found, `a request line for ${String(requestId)}`);
  return found;
}

const wrongSecret = (server: TestServer) => ({
  accessKeyId: server.a.accessKeyId,
  secretAccessKey: 'not-the-secret',
});

describe('at debug level', () => {
  let server: TestServer;
  let lines: Entry[];
  before(async () => {
    ({ server, lines } = await loggingServer({ logLevel: 'debug' }));
  });
  after(async () => {
    await server.close();
  });

  test('a SignatureDoesNotMatch logs, and answers with, exactly the canonical request the client signed', async () => {
    const request = {
      port: server.port,
      method: 'GET',
      target: '/v1/vpc?maxKeys=5&marker=',
      credential: wrongSecret(server),
    };
    const headers = signedHeaders(request);
    const res = await raw({ port: server.port, method: 'GET', target: request.target, headers });
    const body = res.json as { code: string; message: string };
    assert.equal(body.code, 'SignatureDoesNotMatch');

    const { Authorization: _auth, ...signedPart } = headers;
    const expected = canonicalRequest('GET', '/v1/vpc', queryEntries(request.target), signedPart);
    const detail = lines.find((l) => l.level === 20 && l.requestId === res.headers['x-bce-request-id']);
    assert.ok(detail, 'a debug line for the refused request');
    assert.equal(detail.canonicalRequest, expected);
    const timestamp = headers['x-bce-date'];
    assert.equal(detail.authStringPrefix, `bce-auth-v1/${server.a.accessKeyId}/${timestamp}/1800`);
    assert.ok(body.message.includes(`canonicalRequest=${JSON.stringify(expected)}`), body.message);
    assert.ok(!JSON.stringify(lines).includes(server.a.secretAccessKey), 'the secret is never logged');

    const line = requestLine(lines, res.headers['x-bce-request-id']);
    assert.equal(line.status, 400);
    assert.equal(line.code, 'SignatureDoesNotMatch');
  });
});

describe('at info level', () => {
  let server: TestServer;
  let lines: Entry[];
  before(async () => {
    ({ server, lines } = await loggingServer({ logLevel: 'info' }));
  });
  after(async () => {
    await server.close();
  });

  test('failed requests log code and message, not only the status', async () => {
    const missing = await signed({
      port: server.port,
      method: 'GET',
      target: '/v1/peerconn/peerconn-nothere00000',
      credential: server.a,
    });
    const line = requestLine(lines, missing.headers['x-bce-request-id']);
    assert.equal(line.status, 404);
    assert.equal(line.operation, 'getPeerConn');
    assert.equal(line.code, 'NoSuchObject');
    assert.equal(line.message, (missing.json as { message: string }).message);

    const adminRefusal = await raw({
      port: server.port,
      method: 'POST',
      target: '/_admin/clock',
      body: '{"offsetMs":0}',
    });
    const adminLine = requestLine(lines, adminRefusal.headers['x-bce-request-id']);
    assert.equal(adminLine.code, 'InappropriateJSON');
    assert.match(String(adminLine.message), /offsetMs/);

    const ok = await signed({ port: server.port, method: 'GET', target: '/v1/vpc', credential: server.a });
    const okLine = requestLine(lines, ok.headers['x-bce-request-id']);
    assert.equal(okLine.status, 200);
    assert.equal(okLine.code, undefined, 'a success carries no error code');
  });

  test('an injected fault logs the code it answered with', async () => {
    await raw({
      port: server.port,
      method: 'POST',
      target: '/_admin/faults',
      body: JSON.stringify({ operation: 'listVpcs', status: 503, times: 1 }),
    });
    const res = await signed({ port: server.port, method: 'GET', target: '/v1/vpc', credential: server.a });
    const line = requestLine(lines, res.headers['x-bce-request-id']);
    assert.deepEqual(
      [line.status, line.code, line.message],
      [503, 'ServiceUnavailable', 'Injected fault for listVpcs.'],
    );
  });

  test('a SignatureDoesNotMatch says nothing more than Baidu does, and logs no canonical request', async () => {
    const res = await signed({
      port: server.port,
      method: 'GET',
      target: '/v1/vpc',
      credential: wrongSecret(server),
    });
    const body = res.json as { code: string; message: string };
    assert.equal(body.code, 'SignatureDoesNotMatch');
    assert.doesNotMatch(body.message, /canonicalRequest|Server side/);
    assert.ok(!lines.some((l) => 'canonicalRequest' in l));
  });

  test('each state change of a peering connection is logged, with what changed and why', async () => {
    const a = await createVpc(server, server.a, '10.61.0.0/16');
    const b = await createVpc(server, server.a, '10.62.0.0/16');
    const created = await signed({
      port: server.port,
      method: 'POST',
      target: '/v1/peerconn?clientToken=log-create-1',
      body: JSON.stringify({
        localVpcId: a,
        peerVpcId: b,
        peerRegion: 'bj',
        bandwidthInMbps: 10,
        billing: { paymentTiming: 'Postpaid' },
      }),
      credential: server.a,
    });
    const peerConnId = (created.json as { peerConnId: string }).peerConnId;
    const lifecycle = lines.filter((l) => l.kind === 'lifecycle' && l.peerConnId === peerConnId);
    assert.deepEqual(
      lifecycle.map((l) => l.msg),
      [
        `${peerConnId}: initiator status (none) → creating, initiator dnsStatus (none) → close, acceptor status (none) → creating, acceptor dnsStatus (none) → close [createPeerConn]`,
        `${peerConnId}: initiator status creating → active, acceptor status creating → active [create transition (inline)]`,
      ],
    );
    assert.deepEqual(lifecycle[0]?.cause, {
      type: 'request',
      operation: 'createPeerConn',
      requestId: created.headers['x-bce-request-id'],
      accountId: server.a.accountId,
    });
    assert.ok(Array.isArray(lifecycle[0]?.changes));
  });
});

describe('the readable format', () => {
  test('a request line reads as method, path, status, operation and duration, then the rest', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.parse('2026-01-15T08:00:01.250Z'),
      service: 'peerconn-server',
      msg: 'request',
      requestId: 'r-1',
      method: 'GET',
      path: '/v1/peerconn/x',
      status: 404,
      operation: 'getPeerConn',
      durationMs: 1.5,
      code: 'NoSuchObject',
      message: 'Peering connection x does not exist.',
    });
    assert.equal(
      formatLine(line),
      '08:00:01.250 INFO  GET /v1/peerconn/x 404 getPeerConn 1.5ms requestId=r-1 code=NoSuchObject message="Peering connection x does not exist."\n',
    );
  });

  test('multi-line values (a canonical request) are shown as an indented block; colour only when asked', () => {
    const line = JSON.stringify({
      level: 20,
      time: Date.parse('2026-01-15T08:00:01.250Z'),
      msg: 'SignatureDoesNotMatch: what the server computed',
      canonicalRequest: 'GET\n/v1/vpc\n\nhost:127.0.0.1',
    });
    assert.equal(
      formatLine(line),
      '08:00:01.250 DEBUG SignatureDoesNotMatch: what the server computed\n  canonicalRequest:\n    | GET\n    | /v1/vpc\n    | \n    | host:127.0.0.1\n',
    );
    assert.ok(formatLine(line, true).includes('\u001b[36mDEBUG\u001b[0m'), 'a coloured level');
    assert.equal(formatLine('not json\n'), 'not json\n', 'anything else passes through');
  });

  test('a server in pretty format writes readable lines', async () => {
    const written: string[] = [];
    const server = await startTestServer({
      logLevel: 'info',
      logFormat: 'pretty',
      logStream: { write: (text: string) => written.push(text) },
    });
    try {
      await raw({ port: server.port, method: 'GET', target: '/_admin/nothing' });
    } finally {
      await server.close();
    }
    const request = written.find((l) => l.includes(' GET /_admin/nothing 404 admin '));
    assert.ok(request, written.join(''));
    assert.match(
      request,
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}GET \/_admin\/nothing 404 admin [\d.]+ms .*code=NotFound/,
    );
    assert.ok(!written.some((l) => l.trimStart().startsWith('{')), 'no JSON lines');
  });
});
