// Every signature vector of docs/wire.md ("Worked vectors"): Baidu's worked example (A), requests as the official Python SDK
// emits them (B, default mode) and explicit signedHeaders (C).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  canonicalQueryString,
  canonicalRequest,
  parseAuthorization,
  sign,
  signingKey,
  uriEncode,
} from '../src/signer.ts';

const A = {
  accessKeyId: 'a'.repeat(32),
  secretAccessKey: 'b'.repeat(32),
  timestamp: '2015-04-27T08:23:49Z',
  expirationSeconds: 1800,
  method: 'PUT',
  path: '/v1/test/myfolder/readme.txt',
  headers: {
    Host: 'bj.bcebos.com',
    Date: 'Mon, 27 Apr 2015 16:23:49 +0800',
    'Content-Type': 'text/plain',
    'Content-Length': '8',
    'Content-Md5': 'NFzcPqhviddjRNnSOGo4rw==',
    'x-bce-date': '2015-04-27T08:23:49Z',
  },
  query: { partNumber: '9', uploadId: 'a44cc9bab11cbd156984767aad637851' },
};

describe('vector A: Baidu worked example', () => {
  test('signing key', () => {
    assert.equal(
      signingKey(A.secretAccessKey, `bce-auth-v1/${A.accessKeyId}/${A.timestamp}/1800`),
      '1d5ce5f464064cbee060330d973218821825ac6952368a482a592e6615aef479',
    );
  });
  test('the signing key follows every change of secret and prefix (it is reused, never stale)', () => {
    const prefixes = [1, 2, 1, 3].map((s) => `bce-auth-v1/ak/2024-01-02T03:04:0${s}Z/1800`);
    for (const prefix of [...prefixes, ...prefixes]) {
      for (const secret of ['sk-one', 'sk-two', 'sk-one']) {
        const expected = createHmac('sha256', secret).update(prefix).digest('hex');
        assert.equal(signingKey(secret, prefix), expected, `${secret} ${prefix}`);
      }
    }
  });
  test('A1 default headers', () => {
    assert.equal(
      canonicalRequest(A.method, A.path, A.query, A.headers),
      [
        'PUT',
        '/v1/test/myfolder/readme.txt',
        'partNumber=9&uploadId=a44cc9bab11cbd156984767aad637851',
        'content-length:8',
        'content-md5:NFzcPqhviddjRNnSOGo4rw%3D%3D',
        'content-type:text%2Fplain',
        'host:bj.bcebos.com',
        'x-bce-date:2015-04-27T08%3A23%3A49Z',
      ].join('\n'),
    );
    assert.equal(
      sign({ ...A, signedHeaders: 'default' }),
      `bce-auth-v1/${A.accessKeyId}/2015-04-27T08:23:49Z/1800//d74a04362e6a848f5b39b15421cb449427f419c95a480fd6b8cf9fc783e2999e`,
    );
  });
  test('A2 host;x-bce-date', () => {
    assert.equal(
      sign({ ...A, signedHeaders: ['host', 'x-bce-date'] }),
      `bce-auth-v1/${A.accessKeyId}/2015-04-27T08:23:49Z/1800/host;x-bce-date/1b8de5a23a56eef657c69f94c621e7acd227d049a4ba577f537d5e5cebf0cf32`,
    );
  });
  test('A3 no query', () => {
    assert.match(
      sign({ ...A, query: {}, signedHeaders: 'default' }),
      /\/0558aac491bbef484d3aaa30ac1e65d4ff10daccd351f15c91e922ee4ce72690$/,
    );
  });
  test('A4 query canonicalisation', () => {
    assert.equal(
      canonicalQueryString({ text: '', text1: '测试', text10: 'test' }),
      'text10=test&text1=%E6%B5%8B%E8%AF%95&text=',
    );
    assert.equal(uriEncode('/example/测试', false), '/example/%E6%B5%8B%E8%AF%95');
  });
});

const B_COMMON = {
  accessKeyId: 'ak-example',
  secretAccessKey: 'sk-example',
  timestamp: '2024-01-02T03:04:05Z',
  expirationSeconds: 1800,
};

function pythonHeaders(contentLength: number): Record<string, string> {
  return {
    Host: 'bcc.bj.baidubce.com',
    'Content-Type': 'application/json;charset=utf-8',
    'x-bce-date': '2024-01-02T03:04:05Z',
    Accept: '*/*',
    'Content-Length': String(contentLength),
  };
}

const B: Array<[string, string, string, Record<string, string>, number, string]> = [
  [
    'B1 create',
    'POST',
    '/v1/peerconn',
    { clientToken: 'token-1' },
    233,
    '3f437170a4ffbfd0f11e644c06b5abde9fd94786e5827f392a6f07ac7399043d',
  ],
  [
    'B2 list',
    'GET',
    '/v1/peerconn',
    { marker: 'm1', maxKeys: '2', vpcId: 'vpc-aaaa' },
    0,
    '7eba9b755e80eb84fc55ed6741ace518687b5b98dac0cb2ead5cf5b284d1e7ce',
  ],
  [
    'B3 get',
    'GET',
    '/v1/peerconn/peerconn-xyz',
    { role: 'initiator' },
    0,
    '83e5ea131aa00cad0f48d0b33614065bb6ea05dd816ac4ca526a627a76e66ae8',
  ],
  [
    'B4 update',
    'PUT',
    '/v1/peerconn/peerconn-xyz',
    { clientToken: 'token-2' },
    63,
    'e2ef39ff0c096783f9defa5b520136f6f3816a0d5a81ce7f6170e48f467e068f',
  ],
  [
    'B5 accept',
    'PUT',
    '/v1/peerconn/peerconn-xyz',
    { accept: '', clientToken: 'token-3' },
    0,
    'd59830284e6560ec3382db93458ba7a879b66699b6bb9387437724318a2bdbfd',
  ],
  [
    'B6 delete',
    'DELETE',
    '/v1/peerconn/peerconn-xyz',
    { clientToken: 'token-4' },
    0,
    'c5e9a44a6610eb2d90be2e4082b954032eb3b2e3bc085b01ee9ecbfc3b52fbd1',
  ],
  [
    'B7 resize',
    'PUT',
    '/v1/peerconn/peerconn-xyz',
    { clientToken: 'token-5', resize: '' },
    26,
    '6d7f22adece3a835b2c6880a35fce954d9d53c2b28fad9426dfd8b435fc67d00',
  ],
  [
    'B8 renew',
    'PUT',
    '/v1/peerconn/peerconn-xyz',
    { clientToken: 'token-6', purchaseReserved: '' },
    86,
    '9ea57dfae7ab620a4075ba564220fff50c26ffe4e2af16bde3222a2d22d70ca4',
  ],
  [
    'B9 open DNS',
    'PUT',
    '/v1/peerconn/peerconn-xyz',
    { clientToken: 'token-7', open: '', role: 'initiator' },
    0,
    'edc7bbf32726c06fb214d65edaf3b7a44523c55cd5f80258c11b9f71e9fb88a2',
  ],
  [
    'B10 close DNS',
    'PUT',
    '/v1/peerconn/peerconn-xyz',
    { clientToken: 'token-8', close: '', role: 'acceptor' },
    0,
    'ca7c8c574cb9da8049007c57dfa9265eb353e43c385ca861b637948107a92c67',
  ],
  [
    'B11 delete protect',
    'PUT',
    '/v1/peerconn/peerconn-xyz/deleteProtect',
    { clientToken: 'token-9' },
    23,
    '4b23187b27af994e19a0bbfbeef618c94d2c75de338a62b11937810125546ca9',
  ],
];

describe('vector B: Python SDK requests, default mode', () => {
  for (const [label, method, path, query, length, signature] of B) {
    test(label, () => {
      const auth = sign({
        ...B_COMMON,
        method,
        path,
        query,
        headers: pythonHeaders(length),
        signedHeaders: 'default',
      });
      assert.equal(auth, `bce-auth-v1/ak-example/2024-01-02T03:04:05Z/1800//${signature}`);
    });
  }
  test('B5 canonical request', () => {
    assert.equal(
      canonicalRequest(
        'PUT',
        '/v1/peerconn/peerconn-xyz',
        { accept: '', clientToken: 'token-3' },
        pythonHeaders(0),
      ),
      [
        'PUT',
        '/v1/peerconn/peerconn-xyz',
        'accept=&clientToken=token-3',
        'content-length:0',
        'content-type:application%2Fjson%3Bcharset%3Dutf-8',
        'host:bcc.bj.baidubce.com',
        'x-bce-date:2024-01-02T03%3A04%3A05Z',
      ].join('\n'),
    );
  });
});

describe('vector C: explicit signedHeaders', () => {
  const headers = {
    Host: 'bcc.bj.baidubce.com',
    'Content-Type': 'application/json;charset=utf-8',
    'x-bce-date': '2024-01-02T03:04:05Z',
  };
  test('C1 accept with a bare flag key', () => {
    const auth = sign({
      ...B_COMMON,
      method: 'PUT',
      path: '/v1/peerconn/peerconn-xyz',
      query: [
        ['accept', undefined],
        ['clientToken', 'token-3'],
      ],
      headers,
      signedHeaders: ['host', 'x-bce-date'],
    });
    assert.equal(
      auth,
      'bce-auth-v1/ak-example/2024-01-02T03:04:05Z/1800/host;x-bce-date/0918450f51e84c71ac85eecca3f468c1f87f89635d27281b9c4025003b629817',
    );
  });
  test('C2 get with content-type signed', () => {
    const auth = sign({
      ...B_COMMON,
      method: 'GET',
      path: '/v1/peerconn/peerconn-xyz',
      query: { role: 'initiator' },
      headers,
      signedHeaders: ['content-type', 'host', 'x-bce-date'],
    });
    assert.equal(
      auth,
      'bce-auth-v1/ak-example/2024-01-02T03:04:05Z/1800/content-type;host;x-bce-date/bc3ed6664ab9022f7309ccbfac0d6a1d83413dcfeef670222c2843f2d003ed88',
    );
  });
  test('the recommended explicit set lists what it signed', () => {
    const auth = sign({
      ...B_COMMON,
      method: 'GET',
      path: '/v1/peerconn/peerconn-xyz',
      query: { role: 'initiator' },
      headers,
    });
    assert.equal(auth.split('/')[4], 'content-type;host;x-bce-date');
    assert.match(auth, /\/bc3ed6664ab9022f7309ccbfac0d6a1d83413dcfeef670222c2843f2d003ed88$/);
  });
});

describe('parseAuthorization', () => {
  test('round-trips a signed string', () => {
    const parsed = parseAuthorization(
      'bce-auth-v1/ak-example/2024-01-02T03:04:05Z/1800/host;x-bce-date/0918450f51e84c71ac85eecca3f468c1f87f89635d27281b9c4025003b629817',
    );
    assert.deepEqual(parsed?.signedHeaders, ['host', 'x-bce-date']);
    assert.equal(parsed?.expirationSeconds, 1800);
    assert.equal(parsed?.signedAt.toISOString(), '2024-01-02T03:04:05.000Z');
  });
  test('rejects malformed strings', () => {
    for (const bad of [
      '',
      `bce-auth-v2/ak/2024-01-02T03:04:05Z/1800//${'a'.repeat(64)}`,
      `bce-auth-v1/ak/2024-13-02T03:04:05Z/1800//${'a'.repeat(64)}`,
      `bce-auth-v1/ak/2024-01-02T03:04:05Z/0//${'a'.repeat(64)}`,
      `bce-auth-v1/ak/2024-01-02T03:04:05Z/-5//${'a'.repeat(64)}`,
      'bce-auth-v1/ak/2024-01-02T03:04:05Z/1800//short',
      `bce-auth-v1//2024-01-02T03:04:05Z/1800//${'a'.repeat(64)}`,
      `bce-auth-v1/ak/2024-01-02T03:04:05Z/1800/host;;x/${'a'.repeat(64)}`,
    ]) {
      assert.equal(parseAuthorization(bad), undefined, bad);
    }
  });
});
