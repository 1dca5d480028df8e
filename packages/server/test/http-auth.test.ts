// bce-auth-v1 verification: the byte-exact vectors of docs/wire.md ("Worked vectors") replayed against the verifier, then every failure
// code, expiry and skew, STS tokens and the Java Content-Length tolerance over real HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import baiducloud from '@baiducloud/sdk';
import { formatBceTimestamp, sign } from '@peerconn/sdk/internal';
import type { Engine } from '../src/engine/api.ts';
import { verifyRequest } from '../src/http/auth.ts';
import { parseQuery } from '../src/http/query.ts';
import { type Fixture, openFixture } from './engine-fixture.ts';
import { errorOf, raw, signed, signedHeaders, startTestServer, type TestServer } from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

describe('the worked vectors of docs/wire.md replayed against the verifier', () => {
  // The real engine on a real SQLite file holds the vectors' key, not a stand-in lookup.
  const ACCOUNT = 'a'.repeat(32);
  let fixture: Fixture;
  let engine: Engine;
  before(async () => {
    fixture = await openFixture();
    engine = fixture.engine;
    await engine.createAccount({
      id: ACCOUNT,
      name: 'vectors',
      credentials: [{ accessKeyId: 'ak-example', secretAccessKey: 'sk-example' }],
    });
  });
  after(async () => {
    await fixture.cleanup();
  });
  const now = () => Date.parse('2024-01-02T03:04:10Z');
  const common = {
    host: 'bcc.bj.baidubce.com',
    'content-type': 'application/json;charset=utf-8',
    'x-bce-date': '2024-01-02T03:04:05Z',
    accept: '*/*',
  };
  const prefix = 'bce-auth-v1/ak-example/2024-01-02T03:04:05Z/1800';
  const vectorB: Array<[string, string, number, string]> = [
    [
      'POST',
      '/v1/peerconn?clientToken=token-1',
      233,
      '3f437170a4ffbfd0f11e644c06b5abde9fd94786e5827f392a6f07ac7399043d',
    ],
    [
      'GET',
      '/v1/peerconn?marker=m1&maxKeys=2&vpcId=vpc-aaaa',
      0,
      '7eba9b755e80eb84fc55ed6741ace518687b5b98dac0cb2ead5cf5b284d1e7ce',
    ],
    [
      'GET',
      '/v1/peerconn/peerconn-xyz?role=initiator',
      0,
      '83e5ea131aa00cad0f48d0b33614065bb6ea05dd816ac4ca526a627a76e66ae8',
    ],
    [
      'PUT',
      '/v1/peerconn/peerconn-xyz?clientToken=token-2',
      63,
      'e2ef39ff0c096783f9defa5b520136f6f3816a0d5a81ce7f6170e48f467e068f',
    ],
    [
      'PUT',
      '/v1/peerconn/peerconn-xyz?accept=&clientToken=token-3',
      0,
      'd59830284e6560ec3382db93458ba7a879b66699b6bb9387437724318a2bdbfd',
    ],
    [
      'DELETE',
      '/v1/peerconn/peerconn-xyz?clientToken=token-4',
      0,
      'c5e9a44a6610eb2d90be2e4082b954032eb3b2e3bc085b01ee9ecbfc3b52fbd1',
    ],
    [
      'PUT',
      '/v1/peerconn/peerconn-xyz?clientToken=token-5&resize=',
      26,
      '6d7f22adece3a835b2c6880a35fce954d9d53c2b28fad9426dfd8b435fc67d00',
    ],
    [
      'PUT',
      '/v1/peerconn/peerconn-xyz?clientToken=token-6&purchaseReserved=',
      86,
      '9ea57dfae7ab620a4075ba564220fff50c26ffe4e2af16bde3222a2d22d70ca4',
    ],
    [
      'PUT',
      '/v1/peerconn/peerconn-xyz?clientToken=token-7&open=&role=initiator',
      0,
      'edc7bbf32726c06fb214d65edaf3b7a44523c55cd5f80258c11b9f71e9fb88a2',
    ],
    [
      'PUT',
      '/v1/peerconn/peerconn-xyz?clientToken=token-8&close=&role=acceptor',
      0,
      'ca7c8c574cb9da8049007c57dfa9265eb353e43c385ca861b637948107a92c67',
    ],
    [
      'PUT',
      '/v1/peerconn/peerconn-xyz/deleteProtect?clientToken=token-9',
      23,
      '4b23187b27af994e19a0bbfbeef618c94d2c75de338a62b11937810125546ca9',
    ],
  ];
  for (const [method, target, length, signature] of vectorB) {
    test(`vector B ${method} ${target}`, async () => {
      const [path, query = ''] = target.split('?') as [string, string?];
      const caller = await verifyRequest(
        engine,
        {
          method,
          path,
          query: parseQuery(query),
          headers: { ...common, 'content-length': String(length), authorization: `${prefix}//${signature}` },
        },
        { now, clockSkewSeconds: 900 },
      );
      assert.equal(caller.accountId, 'a'.repeat(32));
    });
  }

  test('vector C1 (bare ?accept, host;x-bce-date) and C2 (content-type;host;x-bce-date)', async () => {
    const c1 = await verifyRequest(
      engine,
      {
        method: 'PUT',
        path: '/v1/peerconn/peerconn-xyz',
        query: parseQuery('accept&clientToken=token-3'),
        headers: {
          ...common,
          'x-bce-request-id': 'not-signed',
          authorization: `${prefix}/host;x-bce-date/0918450f51e84c71ac85eecca3f468c1f87f89635d27281b9c4025003b629817`,
        },
      },
      { now, clockSkewSeconds: 900 },
    );
    assert.equal(c1.accessKeyId, 'ak-example');
    const c2 = await verifyRequest(
      engine,
      {
        method: 'GET',
        path: '/v1/peerconn/peerconn-xyz',
        query: parseQuery('role=initiator'),
        headers: {
          ...common,
          authorization: `${prefix}/content-type;host;x-bce-date/bc3ed6664ab9022f7309ccbfac0d6a1d83413dcfeef670222c2843f2d003ed88`,
        },
      },
      { now, clockSkewSeconds: 900 },
    );
    assert.equal(c2.accessKeyId, 'ak-example');
  });

  test('a vector replayed after its expiry is RequestExpired', async () => {
    await assert.rejects(
      verifyRequest(
        engine,
        {
          method: 'GET',
          path: '/v1/peerconn/peerconn-xyz',
          query: parseQuery('role=initiator'),
          headers: {
            ...common,
            'content-length': '0',
            authorization: `${prefix}//83e5ea131aa00cad0f48d0b33614065bb6ea05dd816ac4ca526a627a76e66ae8`,
          },
        },
        { now: () => Date.parse('2024-01-02T03:34:06Z'), clockSkewSeconds: 900 },
      ),
      { code: 'RequestExpired' },
    );
  });
});

describe('authentication over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  const list = (extra: Partial<Parameters<typeof signed>[0]> = {}) =>
    signed({ port: server.port, method: 'GET', target: '/v1/vpc', credential: server.a, ...extra });

  test('Python-style (default mode) and Go-style (explicit, content-md5, request id) requests are accepted', async () => {
    const body = JSON.stringify({ name: 'auth-vpc', cidr: '192.168.0.0/16' });
    const py = await signed({
      port: server.port,
      method: 'POST',
      target: '/v1/vpc?clientToken=auth-py-1',
      body,
      credential: server.a,
      style: 'python',
    });
    assert.equal(py.status, 200, py.text);
    const go = await signed({
      port: server.port,
      method: 'POST',
      target: '/v1/vpc?clientToken=auth-go-1',
      body: JSON.stringify({ name: 'auth-vpc-2', cidr: '172.16.0.0/16' }),
      credential: server.b,
      style: 'go',
    });
    assert.equal(go.status, 200, go.text);
    const goList = await list({ style: 'go' });
    assert.equal(goList.status, 200, goList.text);
  });

  test('missing Authorization → AccessDenied 403', async () => {
    const res = await raw({ port: server.port, method: 'GET', target: '/v1/vpc' });
    assert.deepEqual(errorOf(res), { status: 403, code: 'AccessDenied', requestIdMatches: true });
  });

  test('malformed Authorization → InvalidHTTPAuthHeader 400', async () => {
    for (const value of [
      'Bearer abc',
      'bce-auth-v1/ak/2024-01-02T03:04:05Z/1800/',
      `bce-auth-v1/ak/2024-13-02T03:04:05Z/1800//${'a'.repeat(64)}`,
      `bce-auth-v1/ak/2024-01-02T03:04:05Z/0//${'a'.repeat(64)}`,
      `bce-auth-v2/ak/2024-01-02T03:04:05Z/1800//${'a'.repeat(64)}`,
      'bce-auth-v1/ak/2024-01-02T03:04:05Z/1800//zz',
    ]) {
      const res = await raw({
        port: server.port,
        method: 'GET',
        target: '/v1/vpc',
        headers: { Authorization: value },
      });
      assert.deepEqual(
        errorOf(res),
        { status: 400, code: 'InvalidHTTPAuthHeader', requestIdMatches: true },
        value,
      );
    }
  });

  test('unknown access key → InvalidAccessKeyId 403', async () => {
    const res = await list({ credential: { accessKeyId: 'nobody', secretAccessKey: 'x' } });
    assert.deepEqual(errorOf(res), { status: 403, code: 'InvalidAccessKeyId', requestIdMatches: true });
  });

  test('wrong secret, or a query changed after signing → SignatureDoesNotMatch 400', async () => {
    const wrong = await list({ credential: { ...server.a, secretAccessKey: 'not-the-secret' } });
    assert.deepEqual(errorOf(wrong), { status: 400, code: 'SignatureDoesNotMatch', requestIdMatches: true });
    const headers = signedHeaders({
      port: server.port,
      method: 'GET',
      target: '/v1/vpc?maxKeys=5',
      credential: server.a,
    });
    const tampered = await raw({ port: server.port, method: 'GET', target: '/v1/vpc?maxKeys=6', headers });
    assert.equal(errorOf(tampered).code, 'SignatureDoesNotMatch');
    const otherMethod = await raw({ port: server.port, method: 'DELETE', target: '/v1/vpc/vpc-x', headers });
    assert.equal(errorOf(otherMethod).code, 'SignatureDoesNotMatch');
  });

  test('expiry uses the real clock; future timestamps beyond the skew are refused', async () => {
    const old = new Date(Date.now() - 2 * 3600_000);
    assert.equal(errorOf(await list({ timestamp: old })).code, 'RequestExpired');
    assert.equal(errorOf(await list({ timestamp: old })).status, 400);
    assert.equal((await list({ timestamp: old, expirationSeconds: 3 * 3600 })).status, 200);
    assert.equal((await list({ timestamp: new Date(Date.now() + 5 * 60_000) })).status, 200);
    assert.equal(
      errorOf(await list({ timestamp: new Date(Date.now() + 20 * 60_000) })).code,
      'RequestExpired',
    );
    // Moving the emulator's virtual clock must not expire freshly signed requests.
    await server.engine.setClock({ advanceMs: 30 * 24 * 3600_000 });
    assert.equal((await list()).status, 200);
  });

  test('the skew window is configurable', async () => {
    const strict = await startTestServer({ clockSkewSeconds: 60 });
    try {
      const res = await signed({
        port: strict.port,
        method: 'GET',
        target: '/v1/vpc',
        credential: strict.a,
        timestamp: new Date(Date.now() + 5 * 60_000),
      });
      assert.equal(errorOf(res).code, 'RequestExpired');
    } finally {
      await strict.close();
    }
  });

  test('explicit signedHeaders in any order, and repeated headers joined with ","', async () => {
    const headers = signedHeaders({
      port: server.port,
      method: 'GET',
      target: '/v1/vpc',
      credential: server.a,
      style: 'go',
      signedExtraHeaders: { 'x-bce-meta': 'one,two' },
    });
    const parts = (headers.Authorization as string).split('/');
    parts[4] = (parts[4] as string).split(';').reverse().join(';');
    const { 'x-bce-meta': _meta, ...rest } = headers;
    const res = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const r = request(
          {
            host: '127.0.0.1',
            port: server.port,
            method: 'GET',
            path: '/v1/vpc',
            agent: false,
            headers: { ...rest, Authorization: parts.join('/'), 'x-bce-meta': ['one', 'two'] },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        r.on('error', reject);
        r.end();
      }, reject);
    });
    assert.equal(res, 200);
  });

  test('explicit signedHeaders must cover host, so a signature cannot be replayed at another region', async () => {
    const timestamp = new Date();
    const dated = { 'x-bce-date': formatBceTimestamp(timestamp) };
    const signWith = (headers: Record<string, string>, signedHeaders: string[]) =>
      sign({
        method: 'GET',
        path: '/v1/vpc',
        headers,
        accessKeyId: server.a.accessKeyId,
        secretAccessKey: server.a.secretAccessKey,
        timestamp,
        signedHeaders,
      });
    const send = (headers: Record<string, string>) =>
      raw({ port: server.port, method: 'GET', target: '/v1/vpc', headers });

    // A correct signature over x-bce-date alone proves nothing about the endpoint: refused as a malformed header.
    const hostless = await send({
      Host: 'bcc.gz.baidubce.com',
      ...dated,
      Authorization: signWith(dated, ['x-bce-date']),
    });
    assert.deepEqual(errorOf(hostless), {
      status: 400,
      code: 'InvalidHTTPAuthHeader',
      requestIdMatches: true,
    });
    // Naming only a header that is not sent signs no header at all; the same refusal.
    const nothingSigned = signWith({}, []).replace(/\/\/([0-9a-f]{64})$/, '/x-none/$1');
    const onlyUnknown = await send({ Host: 'bcc.gz.baidubce.com', Authorization: nothingSigned });
    assert.equal(errorOf(onlyUnknown).code, 'InvalidHTTPAuthHeader');

    const bj = { Host: 'bcc.bj.baidubce.com', ...dated };
    const bjAuth = signWith({ host: bj.Host, ...dated }, ['host', 'x-bce-date']);
    assert.equal((await send({ ...bj, Authorization: bjAuth })).status, 200);
    const replayed = await send({ ...bj, Host: 'bcc.gz.baidubce.com', Authorization: bjAuth });
    assert.deepEqual(errorOf(replayed), {
      status: 400,
      code: 'SignatureDoesNotMatch',
      requestIdMatches: true,
    });
  });

  test('Java tolerance: an unsigned Content-Length: 0 added after default-mode signing is accepted', async () => {
    const target = '/v1/peerconn/peerconn-missing?refund';
    const auth = sign({
      method: 'PUT',
      path: '/v1/peerconn/peerconn-missing',
      query: [['refund', '']],
      headers: { host: `127.0.0.1:${server.port}`, 'content-type': 'application/json; charset=utf-8' },
      accessKeyId: server.a.accessKeyId,
      secretAccessKey: server.a.secretAccessKey,
      signedHeaders: 'default',
    });
    const res = await raw({
      port: server.port,
      method: 'PUT',
      target,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': '0',
        Authorization: auth,
      },
    });
    // Past authentication, the engine answers: the connection does not exist.
    assert.equal(errorOf(res).code, 'NoSuchObject', res.text);
  });

  test('a key removed, or given a new secret under the same id, takes effect at once, even within the second its signing key was derived in', async () => {
    const timestamp = new Date();
    const first = { accessKeyId: 'rotating-ak', secretAccessKey: 'rotating-sk-1' };
    await server.engine.addCredential(server.a.accountId, first);
    const withFirst = () => list({ credential: first, timestamp });
    assert.equal((await withFirst()).status, 200);
    assert.equal((await withFirst()).status, 200);

    await server.engine.removeCredential(server.a.accountId, first.accessKeyId);
    assert.deepEqual(errorOf(await withFirst()), {
      status: 403,
      code: 'InvalidAccessKeyId',
      requestIdMatches: true,
    });

    const second = { accessKeyId: first.accessKeyId, secretAccessKey: 'rotating-sk-2' };
    await server.engine.addCredential(server.a.accountId, second);
    assert.deepEqual(errorOf(await withFirst()), {
      status: 400,
      code: 'SignatureDoesNotMatch',
      requestIdMatches: true,
    });
    assert.equal((await list({ credential: second, timestamp })).status, 200);
    await server.engine.removeCredential(server.a.accountId, second.accessKeyId);
  });

  test('STS credentials need their x-bce-security-token', async () => {
    const sts = await server.engine.addCredential(server.a.accountId, {
      accessKeyId: 'sts-ak-1',
      secretAccessKey: 'sts-sk-1',
      sessionToken: 'session-token-1',
    });
    assert.equal((await list({ credential: sts })).status, 200);
    const noToken = await list({
      credential: { accessKeyId: sts.accessKeyId, secretAccessKey: sts.secretAccessKey },
    });
    assert.deepEqual(errorOf(noToken), { status: 403, code: 'AccessDenied', requestIdMatches: true });
    const wrongToken = await list({ credential: { ...sts, sessionToken: 'session-token-2' } });
    assert.deepEqual(errorOf(wrongToken), { status: 403, code: 'AccessDenied', requestIdMatches: true });
  });
});

// The tests above sign with our own signer, which the server's verifier shares code with. Here the signature
// comes from an independent implementation, @baiducloud/sdk's Auth, so a canonicalisation bug on both sides
// cannot cancel out.
describe('requests signed by @baiducloud/sdk Auth over HTTP', () => {
  const { Auth } = baiducloud;
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  interface OracleRequest {
    method: string;
    path: string;
    query?: Record<string, string>;
    body?: string;
    /** Passed to Auth as headersToSign; omitted: Auth's own default set (host, content-*, x-bce-*). */
    headersToSign?: string[];
    /** Drop the signedHeaders list, as the Python SDK's default mode sends it (the signature is unchanged). */
    emptySignedHeaders?: boolean;
  }

  function oracleHeaders(req: OracleRequest): { target: string; headers: Record<string, string> } {
    const seconds = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      Host: `127.0.0.1:${server.port}`,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(req.body ?? '')),
      'x-bce-date': new Date(seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    const auth = new Auth(server.a.accessKeyId, server.a.secretAccessKey);
    const query = req.query ?? {};
    let authorization: string = auth.generateAuthorization(
      req.method,
      auth.normalize(req.path, false),
      query,
      headers,
      seconds,
      1800,
      req.headersToSign,
    );
    if (req.emptySignedHeaders) {
      const fields = authorization.split('/');
      fields[4] = '';
      authorization = fields.join('/');
    }
    const rawQuery = Object.entries(query)
      .map(([k, v]) =>
        v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`,
      )
      .join('&');
    const target = `${auth.normalize(req.path, false)}${rawQuery ? `?${rawQuery}` : ''}`;
    return { target, headers: { ...headers, Authorization: authorization } };
  }

  function send(
    req: OracleRequest,
    tamper: (r: { target: string; headers: Record<string, string> }) => void = () => {},
  ) {
    const prepared = oracleHeaders(req);
    tamper(prepared);
    return raw({
      port: server.port,
      method: req.method,
      target: prepared.target,
      headers: prepared.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
    });
  }

  test("Auth's default header set, the same signature in default mode (empty list), and an explicit list are accepted", async () => {
    const created = await send({
      method: 'POST',
      path: '/v1/vpc',
      query: { clientToken: 'oracle-default-1' },
      body: JSON.stringify({ name: 'oracle', cidr: '10.77.0.0/16' }),
    });
    assert.equal(created.status, 200, created.text);
    const { vpcId } = created.json as { vpcId: string };
    assert.match(vpcId, /^vpc-/);

    const defaultMode = { method: 'GET', path: `/v1/vpc/${vpcId}`, emptySignedHeaders: true };
    assert.match(
      oracleHeaders(defaultMode).headers.Authorization as string,
      /^bce-auth-v1\/[^/]+\/[^/]+\/1800\/\/[0-9a-f]{64}$/,
    );
    const got = await send(defaultMode);
    assert.equal(got.status, 200, got.text);
    assert.equal((got.json as { vpc: { vpcId: string } }).vpc.vpcId, vpcId);

    const explicit = {
      method: 'GET',
      path: '/v1/vpc',
      query: { maxKeys: '5', vpcIds: vpcId },
      headersToSign: ['host', 'x-bce-date'],
    };
    assert.match(oracleHeaders(explicit).headers.Authorization as string, /\/host;x-bce-date\/[0-9a-f]{64}$/);
    const listed = await send(explicit);
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(
      (listed.json as { vpcs: Array<{ vpcId: string }> }).vpcs.map((v) => v.vpcId),
      [vpcId],
    );

    // A path that needs encoding and a bare flag: past authentication, the engine answers not-found.
    const encoded = await send({ method: 'PUT', path: '/v1/peerconn/peer conn*x', query: { accept: '' } });
    assert.notEqual(errorOf(encoded).code, 'SignatureDoesNotMatch', encoded.text);
    assert.equal(errorOf(encoded).status, 404, encoded.text);
  });

  test('an Auth-signed request changed after signing is refused: query, signed header, path', async () => {
    const base = { method: 'GET', path: '/v1/vpc', query: { maxKeys: '5' } };
    assert.equal((await send(base)).status, 200, 'untampered, it is accepted');
    const tampers: Array<[string, (r: { target: string; headers: Record<string, string> }) => void]> = [
      [
        'query',
        (r) => {
          r.target = r.target.replace('maxKeys=5', 'maxKeys=6');
        },
      ],
      [
        'content-type',
        (r) => {
          r.headers['Content-Type'] = 'text/plain';
        },
      ],
      [
        'path',
        (r) => {
          r.target = r.target.replace('/v1/vpc', '/v1/peerconn');
        },
      ],
    ];
    for (const [what, tamper] of tampers) {
      const res = await send(base, tamper);
      assert.deepEqual(
        errorOf(res),
        { status: 400, code: 'SignatureDoesNotMatch', requestIdMatches: true },
        `${what}: ${res.text}`,
      );
    }
    const defaultMode = await send({ ...base, emptySignedHeaders: true }, (r) => {
      r.headers['Content-Type'] = 'text/plain';
    });
    assert.equal(errorOf(defaultMode).code, 'SignatureDoesNotMatch', 'default mode signs content-type too');
  });
});
