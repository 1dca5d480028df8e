// Error parsing: well-formed BCE errors, and the bodies real gateways send instead (empty, HTML, truncated).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BceServiceError, PeerConnClient } from '../src/index.ts';
import { parseServiceError } from '../src/internal.ts';
import { startScriptedServer, TEST_CREDENTIALS } from './helpers/scripted-server.ts';

describe('parseServiceError', () => {
  test('a complete BCE error body wins over the header', () => {
    const e = parseServiceError(
      404,
      'Not Found',
      'hdr-id',
      '{"code":"NoSuchObject","message":"peerconn p not found","requestId":"body-id"}',
    );
    assert.ok(e instanceof BceServiceError && e instanceof Error);
    assert.equal(e.code, 'NoSuchObject');
    assert.equal(e.message, 'peerconn p not found');
    assert.equal(e.requestId, 'body-id');
    assert.equal(e.statusCode, 404);
    assert.equal(e.$metadata.httpStatusCode, 404);
  });

  test('empty body: code by status like Go, request id from the header, message says what came', () => {
    const cases: Array<[number, string, string]> = [
      [400, 'Bad Request', 'InvalidHTTPRequest'],
      [403, 'Forbidden', 'AccessDenied'],
      [404, 'Not Found', 'NotFound'],
      [500, 'Internal Server Error', 'InternalError'],
      [503, 'Service Unavailable', 'ServiceUnavailable'],
      [502, 'Bad Gateway', 'BadGateway'],
      [599, '', 'Http599'],
    ];
    for (const [status, text, code] of cases) {
      const e = parseServiceError(status, text, 'hdr-id', '');
      assert.equal(e.code, code, `status ${status}`);
      assert.equal(e.requestId, 'hdr-id');
      assert.match(e.message, /expected a JSON error \{code, message, requestId\}, got an empty body/);
    }
  });

  test('HTML, truncated JSON, JSON of the wrong shape, partial fields', () => {
    const html = parseServiceError(
      502,
      'Bad Gateway',
      undefined,
      '<html><body>502 Bad Gateway</body></html>',
    );
    assert.equal(html.code, 'BadGateway');
    assert.match(html.message, /got an HTML body/);
    assert.equal(html.requestId, undefined);

    const truncated = parseServiceError(500, 'Internal Server Error', 'h', '{"code":"InternalEr');
    assert.equal(truncated.code, 'InternalError');
    assert.match(truncated.message, /\{"code":"InternalEr/);
    assert.equal(truncated.responseBody, '{"code":"InternalEr');

    const array = parseServiceError(400, 'Bad Request', 'h', '[1,2]');
    assert.equal(array.code, 'InvalidHTTPRequest');

    const partial = parseServiceError(409, 'Conflict', 'h', '{"code":"DeleteProtected"}');
    assert.equal(partial.code, 'DeleteProtected');
    assert.equal(partial.requestId, 'h');
    assert.match(partial.message, /HTTP 409 Conflict/);
  });
});

describe('errors over HTTP', () => {
  test('request id from the x-bce-request-id header when the body has none; attempts recorded', async () => {
    const s = await startScriptedServer([
      { status: 403, body: '', headers: { 'x-bce-request-id': 'from-header' } },
      { status: 502, body: '<html>bad gateway</html>', headers: { 'content-type': 'text/html' } },
    ]);
    try {
      const client = new PeerConnClient({
        endpoint: s.url,
        credentials: TEST_CREDENTIALS,
        maxRetries: 1,
        retry: { random: () => 0 },
      });
      await assert.rejects(client.getPeerConn({ peerConnId: 'p' }), (err: unknown) => {
        assert.ok(err instanceof BceServiceError);
        assert.equal(err.code, 'AccessDenied');
        assert.equal(err.requestId, 'from-header');
        assert.equal(err.$metadata.attempts, 1);
        return true;
      });
      await assert.rejects(client.getPeerConn({ peerConnId: 'p' }), (err: unknown) => {
        assert.ok(err instanceof BceServiceError);
        assert.equal(err.statusCode, 502);
        assert.equal(err.requestId, 'req-2');
        assert.equal(err.$metadata.attempts, 2);
        return true;
      });
    } finally {
      await s.close();
    }
  });

  test('a truncated 2xx body is a parse error naming what came', async () => {
    const s = await startScriptedServer([{ body: '{"peerConnId": "p", "sta' }]);
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      await assert.rejects(client.getPeerConn({ peerConnId: 'p' }), (err: unknown) => {
        assert.ok(err instanceof Error && err.name === 'BceClientError');
        assert.match(err.message, /expected a JSON object with HTTP 200, got/);
        assert.match(err.message, /"sta/);
        return true;
      });
    } finally {
      await s.close();
    }
  });
});
