// Checks an Authorization header that arrived at a scripted server with an independent implementation of
// bce-auth-v1 (@baiducloud/sdk's Auth), never with our own signer: a bug shared by signing and checking
// code would otherwise pass unnoticed.
import assert from 'node:assert/strict';
import pkg from '@baiducloud/sdk';
import type { RecordedRequest } from './scripted-server.ts';

const { Auth } = pkg;

/** Asserts the request's Authorization is what @baiducloud/sdk computes for the request as received. */
export function assertSignedByOracle(request: RecordedRequest, secretAccessKey: string): void {
  const authorization = String(request.headers.authorization ?? '');
  const fields = authorization.split('/');
  assert.equal(fields.length, 6, `bce-auth-v1 has six fields: ${authorization}`);
  const [version, accessKeyId, timestamp, expiration, signedList] = fields as [
    string,
    string,
    string,
    string,
    string,
  ];
  assert.equal(version, 'bce-auth-v1');
  assert.match(timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.equal(timestamp, request.headers['x-bce-date'], 'signed at the x-bce-date that was sent');
  const names = signedList === '' ? [] : signedList.split(';');
  // Explicit mode: hand the oracle only the headers the request says it signed (it would add every x-bce-*
  // header). Default mode (empty list): every header that arrived, for the oracle's own default set.
  const headers: Record<string, string> = {};
  if (names.length === 0) {
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && name !== 'authorization') headers[name] = value;
    }
  }
  for (const name of names) {
    const value = request.headers[name];
    assert.equal(typeof value, 'string', `signed header ${name} was sent`);
    headers[name] = value as string;
  }
  const params: Record<string, string> = {};
  if (request.rawQuery !== '') {
    for (const pair of request.rawQuery.split('&')) {
      const eq = pair.indexOf('=');
      if (eq < 0) params[decodeURIComponent(pair)] = '';
      else params[decodeURIComponent(pair.slice(0, eq))] = decodeURIComponent(pair.slice(eq + 1));
    }
  }
  const auth = new Auth(accessKeyId, secretAccessKey);
  // The canonical URI is the decoded path encoded again with slashes kept, as the service computes it.
  const canonicalUri = auth.normalize(decodeURIComponent(request.path), false);
  const expected = auth.generateAuthorization(
    request.method,
    canonicalUri,
    params,
    headers,
    Date.parse(timestamp) / 1000,
    Number(expiration),
    names,
  );
  assert.equal(authorization, expected, `signature verifies for ${request.method} ${request.url}`);
}
