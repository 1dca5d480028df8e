// bce-auth-v1 verification (docs/wire.md, "How the server verifies"). Expiry uses the real wall clock: SDKs sign
// with real time, while the emulator's virtual clock may be days ahead.
import { timingSafeEqual } from 'node:crypto';
import {
  authStringPrefix,
  canonicalHeaders,
  canonicalHeadersOf,
  canonicalRequestHead,
  type HeaderInput,
  type ParsedAuthorization,
  parseAuthorization,
  signatureMatches,
  signingKey,
} from '@peerconn/sdk/internal';
import type { Engine } from '../engine/api.ts';
import { serviceError } from '../errors.ts';

export interface VerifyInput {
  method: string;
  /** Decoded path (re-encoded here the way the signer does). */
  path: string;
  query: ReadonlyMap<string, string>;
  /** Lowercase header names, multi-valued headers already joined with ','. */
  headers: Record<string, string>;
}

export interface VerifyOptions {
  now: () => number;
  /** How far in the future a signing timestamp may be, in seconds. */
  clockSkewSeconds: number;
}

export interface VerifiedCaller {
  accountId: string;
  accessKeyId: string;
}

/**
 * Derived signing keys by auth-string prefix (key id, timestamp, expiration): every request a client signs
 * within the same second shares one, so it is derived once. The secret is part of the entry, so a rotated
 * secret never reuses a key derived from the old one.
 */
const signingKeys = new Map<string, { secret: string; key: string }>();
const SIGNING_KEYS_KEPT = 1024;

function cachedSigningKey(secret: string, prefix: string): string {
  const hit = signingKeys.get(prefix);
  if (hit && hit.secret === secret) return hit.key;
  const key = signingKey(secret, prefix);
  if (signingKeys.size >= SIGNING_KEYS_KEPT) signingKeys.clear();
  signingKeys.set(prefix, { secret, key });
  return key;
}

/** The canonical header lines the signature covers: the listed headers, or Baidu's default set. */
function headerLines(headers: Record<string, string>, auth: ParsedAuthorization): string {
  return auth.signedHeaders.length === 0
    ? canonicalHeaders(headers as HeaderInput).text
    : canonicalHeadersOf(headers, auth.signedHeaders);
}

/** Compares secrets in constant time, so response timing does not reveal how much of a guess was right. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export async function verifyRequest(
  engine: Engine,
  request: VerifyInput,
  options: VerifyOptions,
): Promise<VerifiedCaller> {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') {
    throw serviceError(
      'AccessDenied',
      'Access denied: the request has no Authorization header; sign it with bce-auth-v1.',
    );
  }
  const auth = parseAuthorization(header);
  if (!auth) {
    throw serviceError(
      'InvalidHTTPAuthHeader',
      'The HTTP authorization header is invalid: expected bce-auth-v1/{ak}/{timestamp}/{expiration}/{signedHeaders}/{signature}.',
    );
  }
  if (auth.signedHeaders.length > 0 && !auth.signedHeaders.includes('host')) {
    // The Host header picks the region: a signature that does not cover it could be replayed against
    // another region's endpoint. Baidu's signing rules require host in every explicit list.
    throw serviceError(
      'InvalidHTTPAuthHeader',
      'The HTTP authorization header is invalid: signedHeaders must include host (or be empty for the default set).',
    );
  }
  const found = await engine.findCredential(auth.accessKeyId);
  if (!found) {
    throw serviceError('InvalidAccessKeyId', 'The Access Key ID you provided does not exist in our records.');
  }
  const now = options.now();
  const signedAt = auth.signedAt.getTime();
  if (now > signedAt + auth.expirationSeconds * 1000 || signedAt > now + options.clockSkewSeconds * 1000) {
    throw serviceError(
      'RequestExpired',
      `Request has expired. Timestamp date is ${auth.timestamp}; check the clock of the signing machine.`,
    );
  }
  const prefix = authStringPrefix(auth.accessKeyId, auth.timestamp, auth.expirationSeconds);
  const key = cachedSigningKey(found.credential.secretAccessKey, prefix);
  const head = canonicalRequestHead(request.method, request.path, request.query);
  let ok = signatureMatches(key, head + headerLines(request.headers, auth), auth.signature);
  if (!ok && auth.signedHeaders.length === 0 && request.headers['content-length'] === '0') {
    // Java signs a body-less PUT without Content-Length and HttpClient adds `Content-Length: 0` afterwards.
    const { 'content-length': _dropped, ...withoutLength } = request.headers;
    ok = signatureMatches(key, head + headerLines(withoutLength, auth), auth.signature);
  }
  if (!ok) {
    const error = serviceError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your Secret Access Key and signing method.',
    );
    // Built only on failure: what the server signed, so a user can diff it against what their client signed.
    error.detail = { authStringPrefix: prefix, canonicalRequest: head + headerLines(request.headers, auth) };
    throw error;
  }
  const expectedToken = found.credential.sessionToken;
  if (expectedToken !== undefined && expectedToken !== '') {
    const sent = request.headers['x-bce-security-token'];
    if (sent === undefined || !safeEqual(sent, expectedToken)) {
      throw serviceError(
        'AccessDenied',
        sent === undefined
          ? 'Access denied: this access key is a temporary (STS) credential; send its session token in x-bce-security-token.'
          : 'Access denied: the x-bce-security-token does not belong to this access key.',
      );
    }
  }
  return { accountId: found.accountId, accessKeyId: auth.accessKeyId };
}
