// bce-auth-v1 request signing, and the canonicalisation pieces a verifier needs (spec §3).
import { createHmac } from 'node:crypto';

export const AUTH_VERSION = 'bce-auth-v1';
export const DEFAULT_EXPIRATION_SECONDS = 1800;
/** Headers signed in default mode (empty signedHeaders), besides every `x-bce-*` header. */
export const DEFAULT_HEADERS_TO_SIGN: readonly string[] = [
  'host',
  'content-length',
  'content-type',
  'content-md5',
];

const UNRESERVED = /[A-Za-z0-9\-_.~]/;
const SUB_DELIMS_KEPT_BY_ENCODE_URI_COMPONENT = /[!'()*]/g;

/** Percent-encodes every UTF-8 byte outside `A-Z a-z 0-9 - _ . ~` as uppercase `%XX`; `/` is kept when asked. */
export function uriEncode(value: string, encodeSlash = true): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    // Lone surrogates make encodeURIComponent throw; encode them byte by byte as UTF-8 would (U+FFFD).
    return encodeByteWise(value, encodeSlash);
  }
  encoded = encoded.replace(
    SUB_DELIMS_KEPT_BY_ENCODE_URI_COMPONENT,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return encodeSlash ? encoded : encoded.replaceAll('%2F', '/');
}

function encodeByteWise(value: string, encodeSlash: boolean): string {
  let out = '';
  for (const char of value) {
    if (UNRESERVED.test(char) || (char === '/' && !encodeSlash)) {
      out += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/** `UriEncodeExceptSlash(path)`, with a leading `/` ensured. */
export function canonicalUri(path: string): string {
  if (path === '') return '/';
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return uriEncode(withSlash, false);
}

export type QueryInput = Iterable<readonly [string, string | undefined]> | Record<string, string | undefined>;

function queryEntries(query: QueryInput): Array<readonly [string, string | undefined]> {
  if (Symbol.iterator in query) return [...(query as Iterable<readonly [string, string | undefined]>)];
  return Object.entries(query as Record<string, string | undefined>);
}

/** Sorted `key=value` pairs (both encoded; a missing value renders as `key=`), skipping `authorization`. */
export function canonicalQueryString(query: QueryInput): string {
  return queryEntries(query)
    .filter(([key]) => key.toLowerCase() !== 'authorization')
    .map(([key, value]) => `${uriEncode(key)}=${uriEncode(value ?? '')}`)
    .sort(compareBytes)
    .join('&');
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export type HeaderInput = Record<string, string | number | undefined>;

export interface CanonicalHeaders {
  /** The canonical header lines joined with `\n`. */
  text: string;
  /** The lowercase names that contributed a line, sorted. */
  names: string[];
}

/**
 * Canonical headers. With `headersToSign` undefined (default mode) the set is host, content-length,
 * content-type, content-md5 and every `x-bce-*` header; otherwise exactly the listed names.
 * Headers whose trimmed value is empty are skipped.
 */
export function canonicalHeaders(headers: HeaderInput, headersToSign?: readonly string[]): CanonicalHeaders {
  const wanted = headersToSign ? new Set(headersToSign.map((h) => h.trim().toLowerCase())) : undefined;
  const lines: Array<{ line: string; name: string }> = [];
  for (const [rawName, rawValue] of Object.entries(headers)) {
    if (rawValue === undefined) continue;
    const name = rawName.trim().toLowerCase();
    const value = String(rawValue).trim();
    if (value === '') continue;
    const selected = wanted
      ? wanted.has(name)
      : DEFAULT_HEADERS_TO_SIGN.includes(name) || name.startsWith('x-bce-');
    if (!selected) continue;
    lines.push({ line: `${uriEncode(name)}:${uriEncode(value)}`, name });
  }
  lines.sort((a, b) => compareBytes(a.line, b.line));
  return { text: lines.map((l) => l.line).join('\n'), names: lines.map((l) => l.name).sort() };
}

export function canonicalRequest(
  method: string,
  path: string,
  query: QueryInput,
  headers: HeaderInput,
  headersToSign?: readonly string[],
): string {
  return canonicalRequestWithNames(method, path, query, headers, headersToSign).text;
}

/** The canonical request, and the header names it covered (what `sign` lists as signedHeaders). */
function canonicalRequestWithNames(
  method: string,
  path: string,
  query: QueryInput,
  headers: HeaderInput,
  headersToSign: readonly string[] | undefined,
): { text: string; names: string[] } {
  const canonical = canonicalHeaders(headers, headersToSign);
  const text = [method.toUpperCase(), canonicalUri(path), canonicalQueryString(query), canonical.text].join(
    '\n',
  );
  return { text, names: canonical.names };
}

/** UTC `YYYY-MM-DDThh:mm:ssZ`. */
export function formatBceTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** Parses a `YYYY-MM-DDThh:mm:ssZ` timestamp; undefined if malformed. */
export function parseBceTimestamp(text: string): Date | undefined {
  if (!TIMESTAMP.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) || formatBceTimestamp(date) !== text ? undefined : date;
}

function hmacHex(key: string, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('hex');
}

export function authStringPrefix(accessKeyId: string, timestamp: string, expirationSeconds: number): string {
  return `${AUTH_VERSION}/${accessKeyId}/${timestamp}/${expirationSeconds}`;
}

/** The hex signing key; its hex text (not the raw bytes) keys the second HMAC. */
export function signingKey(secretAccessKey: string, prefix: string): string {
  return hmacHex(secretAccessKey, prefix);
}

export function signCanonicalRequest(key: string, canonical: string): string {
  return hmacHex(key, canonical);
}

export interface SignRequest {
  method: string;
  path: string;
  query?: QueryInput;
  headers: HeaderInput;
  accessKeyId: string;
  secretAccessKey: string;
  /** Signing time; defaults to now. */
  timestamp?: Date | string;
  expirationSeconds?: number;
  /**
   * Headers to sign. Omitted: sign every present header of the recommended explicit set (host, content-type,
   * content-length, content-md5, every x-bce-* except x-bce-request-id) and list them. `'default'`: default
   * mode, an empty signedHeaders field as the Python and Java SDKs write it.
   */
  signedHeaders?: readonly string[] | 'default';
}

function explicitSet(headers: HeaderInput): string[] {
  return Object.keys(headers)
    .map((h) => h.toLowerCase())
    .filter(
      (h) => (DEFAULT_HEADERS_TO_SIGN.includes(h) || h.startsWith('x-bce-')) && h !== 'x-bce-request-id',
    );
}

/** Returns the full `Authorization` header value. */
export function sign(request: SignRequest): string {
  const timestamp =
    typeof request.timestamp === 'string'
      ? request.timestamp
      : formatBceTimestamp(request.timestamp ?? new Date());
  const expiration = request.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  const prefix = authStringPrefix(request.accessKeyId, timestamp, expiration);
  const defaultMode = request.signedHeaders === 'default';
  const toSign =
    request.signedHeaders === 'default' ? undefined : (request.signedHeaders ?? explicitSet(request.headers));
  const canonical = canonicalRequestWithNames(
    request.method,
    request.path,
    request.query ?? [],
    request.headers,
    toSign,
  );
  const signature = signCanonicalRequest(signingKey(request.secretAccessKey, prefix), canonical.text);
  const listed = defaultMode ? '' : canonical.names.join(';');
  return `${prefix}/${listed}/${signature}`;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  timestamp: string;
  signedAt: Date;
  expirationSeconds: number;
  /** Lowercase names as listed; empty in default mode. */
  signedHeaders: string[];
  signature: string;
}

/** Parses an Authorization value; undefined when it is not a well-formed bce-auth-v1 string. */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const parts = value.trim().split('/');
  if (parts.length !== 6) return undefined;
  const [version, accessKeyId, timestamp, expiration, signed, signature] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (version !== AUTH_VERSION || accessKeyId === '') return undefined;
  const signedAt = parseBceTimestamp(timestamp);
  if (!signedAt) return undefined;
  if (!/^[1-9]\d{0,9}$/.test(expiration)) return undefined;
  if (!/^[0-9a-f]{64}$/i.test(signature)) return undefined;
  const signedHeaders = signed === '' ? [] : signed.split(';').map((h) => h.trim().toLowerCase());
  if (signedHeaders.some((h) => h === '')) return undefined;
  return {
    accessKeyId,
    timestamp,
    signedAt,
    expirationSeconds: Number(expiration),
    signedHeaders,
    signature: signature.toLowerCase(),
  };
}
