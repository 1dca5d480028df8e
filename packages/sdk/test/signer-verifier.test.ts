// The verifier's pieces of the signer (what the server's signature check is built from) against the signer's
// own canonicalisation: the same text on random headers, and a signature accepted exactly when it is the one
// sign() wrote.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  authStringPrefix,
  canonicalHeaders,
  canonicalHeadersOf,
  canonicalRequest,
  canonicalRequestHead,
  parseAuthorization,
  sign,
  signatureMatches,
  signingKey,
} from '../src/signer.ts';

// Names that are prefixes of one another ("x-bce-date" and "x-bce-date-2"), so line order and name order differ.
const headerName = fc.constantFrom(
  'host',
  'content-type',
  'content-length',
  'x-bce-date',
  'x-bce-date-2',
  'x-bce-a',
  'x-bce-a-b',
  'accept',
  'constructor',
);
const headerValue = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.constantFrom('', '  ', ' padded ', 'application/json;charset=utf-8', '2024-01-02T03:04:05Z', '测试'),
);

test('canonicalHeadersOf gives the text of canonicalHeaders for any listed names, repeats and absent ones included', () => {
  fc.assert(
    fc.property(
      fc.dictionary(headerName, headerValue, { maxKeys: 8 }),
      fc.array(headerName, { maxLength: 10 }),
      (dictionary, names) => {
        const headers: Record<string, string> = Object.create(null);
        Object.assign(headers, dictionary);
        assert.equal(canonicalHeadersOf(headers, names), canonicalHeaders(headers, names).text);
      },
    ),
  );
});

test('canonicalRequestHead is the canonical request up to its headers', () => {
  const query: Array<[string, string]> = [
    ['role', 'initiator'],
    ['clientToken', 'a b'],
  ];
  const headers = { host: 'h', 'x-bce-date': '2024-01-02T03:04:05Z' };
  assert.equal(
    canonicalRequestHead('get', '/v1/peer conn/测', query) + canonicalHeaders(headers).text,
    canonicalRequest('GET', '/v1/peer conn/测', query, headers),
  );
});

test('signatureMatches accepts the signature sign() wrote, in either case, and nothing else', () => {
  const headers = { host: 'bcc.bj.baidubce.com', 'x-bce-date': '2024-01-02T03:04:05Z' };
  const request = { method: 'GET', path: '/v1/vpc', query: { maxKeys: '5' }, headers };
  const authorization = sign({
    ...request,
    accessKeyId: 'ak',
    secretAccessKey: 'sk',
    timestamp: headers['x-bce-date'],
  });
  const auth = parseAuthorization(authorization);
  assert.ok(auth);
  const key = signingKey('sk', authStringPrefix('ak', auth.timestamp, auth.expirationSeconds));
  const canonical =
    canonicalRequestHead(request.method, request.path, request.query) +
    canonicalHeadersOf(headers, auth.signedHeaders);
  const signature = authorization.split('/')[5] as string;
  assert.equal(signatureMatches(key, canonical, signature), true);
  assert.equal(signatureMatches(key, canonical, signature.toUpperCase()), true);
  const flipped = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
  assert.equal(signatureMatches(key, canonical, flipped), false);
  assert.equal(signatureMatches(key, `${canonical} `, signature), false);
  assert.equal(signatureMatches(signingKey('other', 'x'), canonical, signature), false);
  // A character outside ASCII whose low byte is a hex digit (U+0330 ends in 0x30, "0") is no hex digit.
  const lookalike = `${signature.slice(0, -1)}${String.fromCharCode(0x300 + signature.charCodeAt(63))}`;
  for (const malformed of [
    '',
    signature.slice(2),
    `${signature}00`,
    `${signature.slice(0, -1)}g`,
    lookalike,
  ]) {
    assert.equal(signatureMatches(key, canonical, malformed), false, malformed);
  }
});

test('parseAuthorization reads a timestamp seen before the same way, and still refuses impossible dates', () => {
  const valid = `bce-auth-v1/ak/2024-02-29T23:59:59Z/1800//${'a'.repeat(64)}`;
  for (let i = 0; i < 3; i++) {
    assert.equal(parseAuthorization(valid)?.signedAt.toISOString(), '2024-02-29T23:59:59.000Z');
  }
  for (const date of ['2023-02-29T00:00:00Z', '2024-01-02T24:00:00Z', '2024-01-02T03:04:60Z']) {
    for (let i = 0; i < 2; i++) {
      assert.equal(parseAuthorization(`bce-auth-v1/ak/${date}/1800//${'a'.repeat(64)}`), undefined, date);
    }
  }
});
