// client.request(): a path outside the operation table, sent through the same pipeline as every operation —
// signed (checked by an independent signer), retried, parsed into BceServiceError, reported to onDebug, bounded
// by the call deadline — and refused before sending when its input cannot be sent as asked.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BceClientError, BceServiceError, type DebugEvent, PeerConnClient } from '../src/index.ts';
import { assertSignedByOracle } from './helpers/oracle.ts';
import { startScriptedServer, TEST_CREDENTIALS } from './helpers/scripted-server.ts';
import { VirtualClock } from './helpers/virtual-clock.ts';

const fail = (status: number, code: string) => ({ status, body: { code, message: code, requestId: 'r' } });

describe('client.request', () => {
  test('path, query (a null value is a bare flag), JSON body, signed as any operation', async () => {
    const s = await startScriptedServer([{ body: { ok: true } }]);
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      const out = await client.request({
        method: 'PUT',
        path: '/v1/peerconn/peerconn-1 x',
        query: { accept: null, clientToken: 'tok-1', skipped: undefined, n: 3 },
        body: { description: 'a' },
      });
      assert.equal(out.statusCode, 200);
      assert.deepEqual(out.body, { ok: true });
      assert.equal(out.headers['x-bce-request-id'], 'req-0');
      assert.equal(out.$metadata.requestId, 'req-0');
      assert.equal(out.$metadata.attempts, 1);
      const [sent] = s.requests;
      assert.ok(sent);
      assert.equal(sent.method, 'PUT');
      assert.equal(sent.path, '/v1/peerconn/peerconn-1%20x');
      assert.equal(sent.rawQuery, 'accept&clientToken=tok-1&n=3');
      assert.equal(sent.body, '{"description":"a"}');
      assert.equal(sent.headers['content-type'], 'application/json;charset=utf-8');
      assertSignedByOracle(sent, TEST_CREDENTIALS.secretAccessKey);
    } finally {
      await s.close();
    }
  });

  test('an empty 2xx body is undefined; a body that is not JSON is a parse error', async () => {
    const s = await startScriptedServer([{ status: 204, body: '' }, { body: '<html>' }]);
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      const empty = await client.request({ method: 'DELETE', path: '/x' });
      assert.equal(empty.statusCode, 204);
      assert.equal(empty.body, undefined);
      await assert.rejects(client.request({ method: 'GET', path: '/x' }), (err: unknown) => {
        assert.ok(err instanceof BceClientError);
        assert.equal(err.kind, 'parse');
        assert.match(err.message, /GET \/x: expected a JSON body with HTTP 200, got "<html>"/);
        assert.equal(err.responseBody, '<html>');
        return true;
      });
    } finally {
      await s.close();
    }
  });

  test('retried like an operation, re-signed each attempt; a refusal is the same BceServiceError', async () => {
    const s = await startScriptedServer([
      fail(503, 'ServiceUnavailable'),
      { body: { accountId: 'a' } },
      fail(409, 'OperationNotPermitted'),
    ]);
    try {
      const events: DebugEvent[] = [];
      const client = new PeerConnClient({
        endpoint: s.url,
        credentials: TEST_CREDENTIALS,
        retry: { random: () => 0 },
        clock: new VirtualClock(),
        onDebug: (e) => events.push(e),
      });
      const out = await client.request({ method: 'GET', path: '/_whoami' });
      assert.deepEqual(out.body, { accountId: 'a' });
      assert.equal(out.$metadata.attempts, 2);
      for (const r of s.requests) assertSignedByOracle(r, TEST_CREDENTIALS.secretAccessKey);
      assert.deepEqual(
        events.map((e) => `${e.type} ${e.attempt}`),
        ['request 1', 'response 1', 'retry 1', 'request 2', 'response 2'],
      );
      await assert.rejects(
        client.request({ method: 'PUT', path: '/v1/peerconn/p', query: { accept: null } }),
        {
          name: 'BceServiceError',
          code: 'OperationNotPermitted',
          statusCode: 409,
        },
      );
    } finally {
      await s.close();
    }
  });

  test('callTimeoutMs bounds it as any call, and names the request', async () => {
    const s = await startScriptedServer([
      { ...fail(503, 'ServiceUnavailable'), headers: { 'retry-after': '10' } },
    ]);
    try {
      const clock = new VirtualClock();
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS, clock });
      await assert.rejects(client.request({ method: 'GET', path: '/_whoami', callTimeoutMs: 500 }), {
        name: 'BceClientError',
        kind: 'timeout',
        message: /GET \/_whoami to finish within 500 ms/,
      });
      assert.equal(clock.elapsed(), 500);
    } finally {
      await s.close();
    }
  });

  test('unsigned: no credentials needed with an endpoint, none sent; headers of its own go out as given', async () => {
    const s = await startScriptedServer([{ body: { status: 'ok' } }]);
    try {
      // No credentials anywhere: an empty environment and a profile file that does not exist.
      const client = new PeerConnClient({ endpoint: s.url, env: {}, configPath: '/nonexistent/config.json' });
      const out = await client.request({
        method: 'GET',
        path: '/_admin/healthz',
        signed: false,
        headers: { Authorization: 'Bearer admin-1' },
      });
      assert.deepEqual(out.body, { status: 'ok' });
      assert.equal(s.requests[0]?.headers.authorization, 'Bearer admin-1');
      await assert.rejects(client.request({ method: 'GET', path: '/_whoami' }), { kind: 'config' });
    } finally {
      await s.close();
    }
  });

  test('what cannot be sent as asked is refused before anything is sent', async () => {
    const s = await startScriptedServer([{ body: {} }]);
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      const refusals: Array<[Parameters<PeerConnClient['request']>[0], RegExp]> = [
        [{ method: 'GET', path: 'v1/peerconn' }, /absolute path/],
        [{ method: 'GET', path: '/v1/peerconn?maxKeys=1' }, /give query parameters in query/],
        [{ method: 'PATCH' as 'GET', path: '/v1/peerconn' }, /GET, POST, PUT or DELETE, got "PATCH"/],
        [
          { method: 'GET', path: '/x', headers: { 'X-Bce-Date': 'now' } },
          /sets the x-bce-date header itself/,
        ],
        [{ method: 'GET', path: '/x', headers: { authorization: 'mine' } }, /signed: false/],
      ];
      for (const [input, message] of refusals) {
        await assert.rejects(client.request(input), (err: unknown) => {
          assert.ok(err instanceof BceClientError && !(err instanceof BceServiceError));
          assert.equal(err.kind, 'config');
          assert.match(err.message, message);
          return true;
        });
      }
      assert.equal(s.requests.length, 0);
    } finally {
      await s.close();
    }
  });
});
