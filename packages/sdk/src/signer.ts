// bce-auth-v1 request signing, and the canonicalisation pieces a verifier needs (docs/wire.md, "Signing: bce-auth-v1").
import { createHmac, timingSafeEqual } from 'node:crypto';

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
// Most values on the wire (ids, numbers, tokens) need no encoding at all; testing for that first is several
// times cheaper than encoding and is what keeps signing and verifying cheap.
const NOTHING_TO_ENCODE = /^[A-Za-z0-9\-_.~]*$/;
const NOTHING_TO_ENCODE_BUT_SLASH = /^[A-Za-z0-9\-_.~/]*$/;

/** Percent-encodes every UTF-8 byte outside `A-Z a-z 0-9 - _ . ~` as uppercase `%XX`; `/` is kept when asked. */
export function uriEncode(value: string, encodeSlash = true): string {
  if ((encodeSlash ? NOTHING_TO_ENCODE : NOTHING_TO_ENCODE_BUT_SLASH).test(value)) return value;
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

function isIterable(query: QueryInput): query is Iterable<readonly [string, string | undefined]> {
  return Symbol.iterator in query;
}

function isAuthorization(name: string): boolean {
  return name.length === 13 && name.toLowerCase() === 'authorization';
}

/** Sorted `key=value` pairs (both encoded; a missing value renders as `key=`), skipping `authorization`. */
export function canonicalQueryString(query: QueryInput): string {
  const pairs: string[] = [];
  if (isIterable(query)) {
    for (const [key, value] of query) {
      if (!isAuthorization(key)) pairs.push(`${uriEncode(key)}=${uriEncode(value ?? '')}`);
    }
  } else {
    for (const key in query) {
      if (Object.hasOwn(query, key) && !isAuthorization(key)) {
        pairs.push(`${uriEncode(key)}=${uriEncode(query[key] ?? '')}`);
      }
    }
  }
  return sortAscii(pairs).join('&');
}

/**
 * Sorts in place by UTF-16 code units, as Array.prototype.sort does; for ASCII text (all encoded text is) that
 * is the byte order the rules ask for. Insertion sort, because the lists are a handful of entries, where it is
 * several times cheaper than Array.prototype.sort.
 */
function sortAscii(list: string[]): string[] {
  if (list.length > 16) return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 1; i < list.length; i += 1) {
    const item = list[i] as string;
    let j = i - 1;
    while (j >= 0 && (list[j] as string) > item) {
      list[j + 1] = list[j] as string;
      j -= 1;
    }
    list[j + 1] = item;
  }
  return list;
}

export type HeaderInput = Record<string, string | number | undefined>;

export interface CanonicalHeaders {
  /** The canonical header lines joined with `\n`. */
  text: string;
  /** The lowercase names that contributed a line, sorted. */
  names: string[];
}

// Header values that need encoding (content-type, the x-bce-date of the current second) recur on every
// request, so their encoded form is remembered. Bounded: when full it starts over.
const ENCODED_VALUES_CACHE_SIZE = 512;
const encodedValues = new Map<string, string>();

function encodeHeaderValue(value: string): string {
  if (NOTHING_TO_ENCODE.test(value)) return value;
  let encoded = encodedValues.get(value);
  if (encoded === undefined) {
    encoded = uriEncode(value);
    if (encodedValues.size >= ENCODED_VALUES_CACHE_SIZE) encodedValues.clear();
    encodedValues.set(value, encoded);
  }
  return encoded;
}

function inDefaultSet(name: string): boolean {
  return name.startsWith('x-bce-') || DEFAULT_HEADERS_TO_SIGN.includes(name);
}

/** Canonical lines of the selected headers and their names; a header whose trimmed value is empty is skipped. */
function collectHeaders(headers: HeaderInput, selected: (name: string) => boolean): CanonicalHeaders {
  const lines: string[] = [];
  const names: string[] = [];
  for (const rawName in headers) {
    if (!Object.hasOwn(headers, rawName)) continue;
    const rawValue = headers[rawName];
    if (rawValue === undefined) continue;
    const name = rawName.trim().toLowerCase();
    if (!selected(name)) continue;
    const value = String(rawValue).trim();
    if (value === '') continue;
    lines.push(`${uriEncode(name)}:${encodeHeaderValue(value)}`);
    names.push(name);
  }
  return { text: sortAscii(lines).join('\n'), names: sortAscii(names) };
}

/**
 * Canonical headers. With `headersToSign` undefined (default mode) the set is host, content-length,
 * content-type, content-md5 and every `x-bce-*` header; otherwise exactly the listed names.
 * Headers whose trimmed value is empty are skipped.
 */
export function canonicalHeaders(headers: HeaderInput, headersToSign?: readonly string[]): CanonicalHeaders {
  if (!headersToSign) return collectHeaders(headers, inDefaultSet);
  const wanted = headersToSign.map((h) => h.trim().toLowerCase());
  return collectHeaders(headers, (name) => wanted.includes(name));
}

/**
 * For a verifier: the canonical lines of exactly the headers `names` lists, from `headers` whose names are
 * already lowercase (as a server flattens them). `names` lowercase and trimmed, as parseAuthorization returns
 * them; a name listed twice counts once. The same text as `canonicalHeaders(headers, names).text`, without
 * visiting every header the request carries.
 */
export function canonicalHeadersOf(
  headers: Readonly<Record<string, string | undefined>>,
  names: readonly string[],
): string {
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i] as string;
    if (names.indexOf(name) !== i) continue;
    if (!Object.hasOwn(headers, name)) continue;
    const rawValue = headers[name];
    if (rawValue === undefined) continue;
    const value = rawValue.trim();
    if (value !== '') lines.push(`${uriEncode(name)}:${encodeHeaderValue(value)}`);
  }
  return sortAscii(lines).join('\n');
}

/** The canonical request up to its headers: method, URI and query string, each line ended with `\n`. */
export function canonicalRequestHead(method: string, path: string, query: QueryInput): string {
  return `${method.toUpperCase()}\n${canonicalUri(path)}\n${canonicalQueryString(query)}\n`;
}

export function canonicalRequest(
  method: string,
  path: string,
  query: QueryInput,
  headers: HeaderInput,
  headersToSign?: readonly string[],
): string {
  return canonicalRequestWithNames(method, path, query, canonicalHeaders(headers, headersToSign)).text;
}

/** The canonical request, and the header names it covered (what `sign` lists as signedHeaders). */
function canonicalRequestWithNames(
  method: string,
  path: string,
  query: QueryInput,
  canonical: CanonicalHeaders,
): { text: string; names: string[] } {
  return { text: canonicalRequestHead(method, path, query) + canonical.text, names: canonical.names };
}

/** UTC `YYYY-MM-DDThh:mm:ssZ`. */
export function formatBceTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** Parses a `YYYY-MM-DDThh:mm:ssZ` timestamp; undefined if malformed. */
export function parseBceTimestamp(text: string): Date | undefined {
  const millis = timestampMillis(text);
  return millis === undefined ? undefined : new Date(millis);
}

// Every request a client signs within one second carries the same timestamp, so the valid ones recently seen
// are remembered (bounded: when full it starts over). Malformed ones are never kept.
const TIMESTAMPS_KEPT = 256;
const recentTimestamps = new Map<string, number>();

function timestampMillis(text: string): number | undefined {
  const seen = recentTimestamps.get(text);
  if (seen !== undefined) return seen;
  if (!TIMESTAMP.test(text)) return undefined;
  const date = new Date(text);
  const millis = date.getTime();
  if (Number.isNaN(millis) || formatBceTimestamp(date) !== text) return undefined;
  if (recentTimestamps.size >= TIMESTAMPS_KEPT) recentTimestamps.clear();
  recentTimestamps.set(text, millis);
  return millis;
}

function hmacHex(key: string, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('hex');
}

export function authStringPrefix(accessKeyId: string, timestamp: string, expirationSeconds: number): string {
  return `${AUTH_VERSION}/${accessKeyId}/${timestamp}/${expirationSeconds}`;
}

// The signing key depends only on the secret and the prefix (key id, second, expiration), so the requests one
// key signs or verifies within the same second share it: one HMAC per request instead of two. One entry per
// secret (its latest prefix); bounded: when full it starts over, which costs an HMAC, never a wrong key.
const SIGNING_KEY_CACHE_SIZE = 256;
const latestSigningKeys = new Map<string, { prefix: string; key: string }>();

/** The hex signing key; its hex text (not the raw bytes) keys the second HMAC. */
export function signingKey(secretAccessKey: string, prefix: string): string {
  const latest = latestSigningKeys.get(secretAccessKey);
  if (latest !== undefined && latest.prefix === prefix) return latest.key;
  const key = hmacHex(secretAccessKey, prefix);
  if (latest === undefined && latestSigningKeys.size >= SIGNING_KEY_CACHE_SIZE) latestSigningKeys.clear();
  latestSigningKeys.set(secretAccessKey, { prefix, key });
  return key;
}

export function signCanonicalRequest(key: string, canonical: string): string {
  return hmacHex(key, canonical);
}

/**
 * For a verifier: whether `signature` (hex, either case) is the signature of `canonical` under the signing key
 * `key`. The hex texts are compared in constant time, so the time taken says nothing about how much of a guess
 * was right. (Comparing the texts measured cheaper than decoding the hex and comparing the digest's bytes.)
 */
export function signatureMatches(key: string, canonical: string, signature: string): boolean {
  const expected = Buffer.from(hmacHex(key, canonical), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
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

function inExplicitSet(name: string): boolean {
  return inDefaultSet(name) && name !== 'x-bce-request-id';
}

/** Returns the full `Authorization` header value. */
export function sign(request: SignRequest): string {
  const timestamp =
    typeof request.timestamp === 'string'
      ? request.timestamp
      : formatBceTimestamp(request.timestamp ?? new Date());
  const expiration = request.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  const prefix = authStringPrefix(request.accessKeyId, timestamp, expiration);
  const { signedHeaders } = request;
  const headers =
    signedHeaders === 'default'
      ? collectHeaders(request.headers, inDefaultSet)
      : signedHeaders
        ? canonicalHeaders(request.headers, signedHeaders)
        : collectHeaders(request.headers, inExplicitSet);
  const canonical = canonicalRequestWithNames(request.method, request.path, request.query ?? [], headers);
  const signature = signCanonicalRequest(signingKey(request.secretAccessKey, prefix), canonical.text);
  const listed = signedHeaders === 'default' ? '' : canonical.names.join(';');
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

const EXPIRATION = /^[1-9]\d{0,9}$/;
const SIGNATURE = /^[0-9a-f]{64}$/i;

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
  const signedAtMillis = timestampMillis(timestamp);
  if (signedAtMillis === undefined) return undefined;
  if (!EXPIRATION.test(expiration)) return undefined;
  if (!SIGNATURE.test(signature)) return undefined;
  const signedHeaders = signed === '' ? [] : signed.split(';').map((h) => h.trim().toLowerCase());
  if (signedHeaders.some((h) => h === '')) return undefined;
  return {
    accessKeyId,
    timestamp,
    signedAt: new Date(signedAtMillis),
    expirationSeconds: Number(expiration),
    signedHeaders,
    signature: signature.toLowerCase(),
  };
}
