// `peerconn whoami` against the local server (it answers GET /_whoami) and against a server that answers 404
// there, as the real cloud does.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { type Fixture, json, startFixture } from './helpers.ts';

let fx: Fixture;
let ids: { a: string; b: string };
before(async () => {
  fx = await startFixture();
  ids = await fx.configureTwoProfiles();
});
after(() => fx.close());

test('whoami names the account, key, region, endpoint and profile the keys reach', async () => {
  const [, second] = fx.server.accounts;
  const result = await fx.run(['whoami', '--profile', 'b']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(json(result), {
    accountId: ids.b,
    accountName: second!.name,
    accessKeyId: second!.credentials[0]!.accessKeyId,
    region: 'bj',
    endpoint: fx.server.url,
    profile: 'b',
  });
  assert.equal(result.stderr, '');

  const id = await fx.run(['whoami', '--profile', 'a', '--query', 'accountId', '--output', 'text']);
  assert.equal(id.stdout, `${ids.a}\n`);
});

test('whoami with keys from the environment has no profile; a wrong secret is the service error', async () => {
  const key = fx.server.accounts[0]!.credentials[0]!;
  const env = {
    BCE_ACCESS_KEY_ID: key.accessKeyId,
    BCE_SECRET_ACCESS_KEY: key.secretAccessKey,
    BCE_ENDPOINT: fx.server.url,
  };
  const fromEnv = json(await fx.run(['whoami'], { env }));
  assert.equal(fromEnv.accountId, ids.a);
  assert.equal(fromEnv.profile, null);

  const forged = await fx.run(['whoami'], {
    env: { ...env, BCE_SECRET_ACCESS_KEY: 'not-the-secret-at-all' },
  });
  assert.equal(forged.code, 2);
  assert.match(forged.stderr, /^SignatureDoesNotMatch: /);
});

test('against a server without /_whoami: what is known locally, and a note that the account id is unknown', async () => {
  const seen: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders }> = [];
  const cloud = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end('{"code":"NotFound","message":"no such path"}');
  });
  await new Promise<void>((resolve) => cloud.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(cloud.address() as AddressInfo).port}`;
  try {
    const result = await fx.run([
      'whoami',
      '--endpoint',
      endpoint,
      '--region',
      'gz',
      '--access-key-id',
      'AKCLOUD',
      '--secret-access-key',
      'cloud-secret-0123456789',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(json(result), {
      accountId: null,
      accountName: null,
      accessKeyId: 'AKCLOUD',
      region: 'gz',
      endpoint,
      profile: null,
    });
    assert.match(result.stderr, /the account id is unknown there/);
    assert.equal(seen.length, 1, 'one request, to the configured endpoint');
    assert.equal(seen[0]!.method, 'GET');
    assert.equal(seen[0]!.url, '/_whoami');
    assert.equal(seen[0]!.headers.host, new URL(endpoint).host);
    assert.match(String(seen[0]!.headers.authorization), /^bce-auth-v1\/AKCLOUD\//);
  } finally {
    await new Promise((resolve) => cloud.close(resolve));
  }
});

test('whoami goes through the SDK pipeline: a 503 is retried, and --debug shows each attempt', async () => {
  const seen: Array<IncomingHttpHeaders> = [];
  const flaky = createServer((req, res) => {
    seen.push(req.headers);
    if (seen.length === 1) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"code":"ServiceUnavailable"}');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end('{"accountId":"acc-1","accountName":"flaky","region":"bj"}');
  });
  await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
  try {
    const result = await fx.run([
      'whoami',
      '--endpoint',
      endpoint,
      '--access-key-id',
      'AKFLAKY',
      '--secret-access-key',
      'flaky-secret-0123456789',
      '--debug',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(json(result).accountId, 'acc-1');
    assert.equal(seen.length, 2, 'the 503 was retried');
    assert.match(result.stderr, /\[debug\] retry after attempt 1 in \d+ ms: 503 ServiceUnavailable/);
    assert.match(result.stderr, /\[debug\] > GET .*\/_whoami \(attempt 2\)/);
    assert.doesNotMatch(result.stderr, /flaky-secret-0123456789/);
    // Each attempt is signed afresh, with the CLI named in the User-Agent as for every verb.
    for (const headers of seen) {
      assert.match(String(headers.authorization), /^bce-auth-v1\/AKFLAKY\//);
      assert.match(String(headers['user-agent']), /peerconn-sdk\/\S+ .* peerconn-cli\//);
    }
  } finally {
    await new Promise((resolve) => flaky.close(resolve));
  }
});
