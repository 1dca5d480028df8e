// GET /_whoami: a signed request learns the account its key belongs to; unsigned or forged ones do not.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { formatBceTimestamp, sign } from '@peerconn/sdk/internal';
import { raw, startTestServer, type TestServer } from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

function signedHeaders(accessKeyId: string, secretAccessKey: string, host: string): Record<string, string> {
  const headers: Record<string, string> = { host, 'x-bce-date': formatBceTimestamp(new Date()) };
  headers.authorization = sign({
    method: 'GET',
    path: '/_whoami',
    query: {},
    headers,
    accessKeyId,
    secretAccessKey,
  });
  return headers;
}

test('a signed GET /_whoami names the account, key and region of the caller', async () => {
  for (const who of [server.a, server.b]) {
    const res = await raw({
      port: server.port,
      method: 'GET',
      target: '/_whoami',
      headers: signedHeaders(who.accessKeyId, who.secretAccessKey, `127.0.0.1:${server.port}`),
    });
    assert.equal(res.status, 200, res.text);
    const account = server.accounts.find((a) => a.id === who.accountId);
    assert.deepEqual(res.json, {
      accountId: who.accountId,
      accountName: account?.name,
      accessKeyId: who.accessKeyId,
      region: server.region,
    });
  }
});

test('the region follows the Host header like every BCE request', async () => {
  const res = await raw({
    port: server.port,
    method: 'GET',
    target: '/_whoami',
    headers: signedHeaders(server.a.accessKeyId, server.a.secretAccessKey, 'bcc.gz.baidubce.com'),
  });
  assert.equal(res.status, 200, res.text);
  assert.equal((res.json as { region: string }).region, 'gz');
});

test('unsigned, wrongly signed and non-GET requests are refused with BCE errors', async () => {
  const unsigned = await raw({ port: server.port, method: 'GET', target: '/_whoami' });
  assert.equal(unsigned.status, 403);
  assert.equal((unsigned.json as { code: string }).code, 'AccessDenied');

  const forged = await raw({
    port: server.port,
    method: 'GET',
    target: '/_whoami',
    headers: signedHeaders(server.a.accessKeyId, 'not-the-secret', `127.0.0.1:${server.port}`),
  });
  assert.equal(forged.status, 400);
  assert.equal((forged.json as { code: string }).code, 'SignatureDoesNotMatch');

  const post = await raw({ port: server.port, method: 'POST', target: '/_whoami' });
  assert.equal(post.status, 405);
  assert.equal((post.json as { code: string }).code, 'MethodNotAllowed');
});
