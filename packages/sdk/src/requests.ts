// How a call becomes what the pipeline sends (pipeline.ts), and how a 2xx answer becomes its output: for a row
// of the operation table (the typed methods and `call`), and for a raw `request()` (a path the table does not
// have, such as the local server's `/_whoami`).
import { randomUUID } from 'node:crypto';
import type { Credentials } from './credentials.ts';
import { BceClientError } from './errors.ts';
import type { CallOptions, ResponseMetadata } from './models.ts';
import { normalizeOutput } from './normalize.ts';
import { type HttpMethod, type OperationName, type OperationSpec, pathParams } from './operations.ts';
import type { ParseSuccess, PreparedRequest } from './pipeline.ts';
import { canonicalUri, uriEncode } from './signer.ts';
import { headersToRecord, type TransportResponse } from './transport.ts';

/** What a request looks like before headers and signature: exported so tests and tools can inspect it. */
export interface BuiltRequest {
  method: string;
  path: string;
  /** In wire order; an undefined value is a bare flag key. */
  query: Array<[string, string | undefined]>;
  body?: string;
}

type InputRecord = Record<string, unknown>;

function serializeQueryValue(field: string, value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw new BceClientError(
    'config',
    `Expected ${field} to be a string, number, boolean or array, got ${value === null ? 'null' : typeof value}`,
  );
}

/** Path, query (flag, table query fields, clientToken) and JSON body of one call. */
export function buildRequest(spec: OperationSpec, input: InputRecord, clientToken?: string): BuiltRequest {
  let path = spec.path;
  for (const field of pathParams(spec)) {
    const value = input[field];
    if (typeof value !== 'string' || value === '') {
      throw new BceClientError(
        'config',
        `${spec.name}: expected ${field} to be a non-empty string, got ${value === undefined ? 'undefined' : JSON.stringify(value)}`,
      );
    }
    path = path.replace(`{${field}}`, uriEncode(value));
  }
  const query: Array<[string, string | undefined]> = [];
  if (spec.flag) query.push([spec.flag, undefined]);
  for (const field of spec.query) {
    const value = input[field];
    if (value === undefined || value === null) continue;
    query.push([field, serializeQueryValue(field, value)]);
  }
  if (spec.mutating && clientToken !== undefined) query.push(['clientToken', clientToken]);
  const built: BuiltRequest = { method: spec.method, path, query };
  if (spec.body.length > 0) {
    const body: InputRecord = {};
    for (const field of spec.body) {
      if (input[field] !== undefined) body[field] = input[field];
    }
    built.body = JSON.stringify(body);
  }
  return built;
}

function renderQuery(query: ReadonlyArray<readonly [string, string | undefined]>): string {
  if (query.length === 0) return '';
  return `?${query.map(([k, v]) => (v === undefined ? uriEncode(k) : `${uriEncode(k)}=${uriEncode(v)}`)).join('&')}`;
}

const CALL_OPTION_KEYS = new Set(['abortSignal', 'timeoutMs', 'callTimeoutMs', 'clientToken']);

// Fields the service requires but the official SDKs fill in when the caller leaves them out.
const FIELD_DEFAULTS: Partial<Record<OperationName, InputRecord>> = {
  createPeerConn: { billing: { paymentTiming: 'Postpaid' } },
};

/** The call's per-attempt timeout: its own `timeoutMs`, else the client's. */
function timeoutOf(options: { timeoutMs?: unknown }, clientTimeoutMs: number): number {
  return typeof options.timeoutMs === 'number' ? options.timeoutMs : clientTimeoutMs;
}

/** A table operation's call: the input's wire fields (defaults applied, call options left out). */
export function prepareOperation(
  spec: OperationSpec,
  input: InputRecord,
  base: URL,
  credentials: Credentials,
  clientTimeoutMs: number,
): PreparedRequest {
  const fields: InputRecord = {};
  for (const key of Object.keys(input)) if (!CALL_OPTION_KEYS.has(key)) fields[key] = input[key];
  const defaults = FIELD_DEFAULTS[spec.name as OperationName];
  if (defaults) {
    for (const key of Object.keys(defaults)) if (fields[key] === undefined) fields[key] = defaults[key];
  }
  // One token per logical call, reused by every retry, so the service can deduplicate the side effect.
  const clientToken = spec.mutating
    ? typeof input.clientToken === 'string' && input.clientToken !== ''
      ? input.clientToken
      : randomUUID()
    : undefined;
  const built = buildRequest(spec, fields, clientToken);
  const prepared: PreparedRequest = {
    label: spec.name,
    method: built.method,
    url: new URL(`${built.path}${renderQuery(built.query)}`, base),
    // built.path is URI-encoded for the wire; signing it as is would encode every % again.
    signingPath: decodeURIComponent(built.path),
    query: built.query,
    credentials,
    timeoutMs: timeoutOf(input, clientTimeoutMs),
  };
  if (built.body !== undefined) prepared.body = built.body;
  return prepared;
}

/** A table operation's 2xx: its typed output (normalised) plus `$metadata`. */
export function operationParser(spec: OperationSpec): ParseSuccess<InputRecord> {
  return (response, metadata) => {
    // normalizeOutput returns a fresh object (parsed here, or copied), so it can take $metadata directly.
    const output = normalizeOutput(spec.name, successBody(spec, response, metadata));
    output.$metadata = metadata;
    return output;
  };
}

function successBody(
  spec: OperationSpec,
  response: TransportResponse,
  metadata: ResponseMetadata,
): InputRecord {
  const text = response.body.trim();
  if (text === '') {
    if (!spec.returnsData) return {};
    throw new BceClientError(
      'parse',
      `${spec.name}: expected a JSON body with HTTP ${response.status}, got an empty body (the service answers a ` +
        'vanished resource this way)',
      { statusCode: response.status, responseBody: response.body, $metadata: metadata },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    if (!spec.returnsData) return {};
    throw new BceClientError(
      'parse',
      `${spec.name}: expected a JSON object with HTTP ${response.status}, got ${JSON.stringify(preview(text))}`,
      { cause, statusCode: response.status, responseBody: response.body, $metadata: metadata },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (!spec.returnsData) return {};
    throw new BceClientError('parse', `${spec.name}: expected a JSON object, got ${JSON.stringify(value)}`, {
      statusCode: response.status,
      responseBody: response.body,
      $metadata: metadata,
    });
  }
  return value as InputRecord;
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

// ---- raw requests ----

/** A request the operation table does not describe, sent through the same pipeline as every operation. */
export interface RequestInput extends CallOptions {
  method: HttpMethod;
  /** Absolute path as written, not URI-encoded (the SDK encodes it): `/_whoami`, `/v1/peerconn/{id}`. */
  path: string;
  /**
   * Query parameters in the order given; `null` sends a bare flag key (`{ accept: null }` → `?accept`),
   * `undefined` leaves the key out. A mutating request that should be idempotent carries its own `clientToken`.
   */
  query?: Readonly<Record<string, string | number | boolean | null | undefined>>;
  /** Sent as JSON; leave it out for a request without a body. */
  body?: unknown;
  /** Extra headers, sent as given and not signed (say an admin bearer token with `signed: false`). */
  headers?: Readonly<Record<string, string>>;
  /** Sign with the client's credentials (default true); false sends no credentials at all. */
  signed?: boolean;
}

export interface RequestOutput {
  statusCode: number;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  /** The JSON body, parsed; undefined when the body was empty. */
  body: unknown;
  $metadata: ResponseMetadata;
}

const HTTP_METHODS: ReadonlySet<string> = new Set<HttpMethod>(['GET', 'POST', 'PUT', 'DELETE']);

/** Headers the pipeline sets itself: a request may not send its own. */
const PIPELINE_HEADERS = new Set([
  'host',
  'content-type',
  'content-length',
  'x-bce-date',
  'user-agent',
  'x-bce-security-token',
]);

function label(input: { method: string; path: string }): string {
  return `${input.method} ${input.path}`;
}

function rawQuery(input: RequestInput): Array<[string, string | undefined]> {
  const query: Array<[string, string | undefined]> = [];
  for (const [key, value] of Object.entries(input.query ?? {})) {
    if (value === undefined) continue;
    query.push([key, value === null ? undefined : serializeQueryValue(key, value)]);
  }
  return query;
}

function rawHeaders(input: RequestInput, signed: boolean): Record<string, string> | undefined {
  if (input.headers === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    const lower = name.toLowerCase();
    if (PIPELINE_HEADERS.has(lower) || (signed && lower === 'authorization')) {
      throw new BceClientError(
        'config',
        `${label(input)}: the SDK sets the ${lower} header itself${lower === 'authorization' ? ' on a signed request (pass signed: false to send your own)' : ''}; leave it out of headers`,
      );
    }
    headers[lower] = value;
  }
  return headers;
}

/** A raw request's call; `credentials` is undefined exactly when it goes out unsigned. */
export function prepareRawRequest(
  input: RequestInput,
  base: URL,
  credentials: Credentials | undefined,
  clientTimeoutMs: number,
): PreparedRequest {
  if (!HTTP_METHODS.has(input.method)) {
    throw new BceClientError(
      'config',
      `Expected method GET, POST, PUT or DELETE, got ${JSON.stringify(input.method)}`,
    );
  }
  if (typeof input.path !== 'string' || !input.path.startsWith('/') || /[?#]/.test(input.path)) {
    throw new BceClientError(
      'config',
      `Expected path to be an absolute path such as /_whoami, without ? or # (give query parameters in query), got ${JSON.stringify(input.path)}`,
    );
  }
  const query = rawQuery(input);
  const extraHeaders = rawHeaders(input, credentials !== undefined);
  const prepared: PreparedRequest = {
    label: label(input),
    method: input.method,
    url: new URL(`${canonicalUri(input.path)}${renderQuery(query)}`, base),
    signingPath: input.path,
    query,
    credentials,
    timeoutMs: timeoutOf(input, clientTimeoutMs),
  };
  if (extraHeaders) prepared.extraHeaders = extraHeaders;
  if (input.body !== undefined) prepared.body = JSON.stringify(input.body);
  return prepared;
}

/** A raw request's 2xx: status, headers and the JSON body (a body that is not JSON is a `parse` error). */
export function rawParser(input: { method: string; path: string }): ParseSuccess<RequestOutput> {
  return (response, metadata) => {
    const text = response.body.trim();
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch (cause) {
        throw new BceClientError(
          'parse',
          `${label(input)}: expected a JSON body with HTTP ${response.status}, got ${JSON.stringify(preview(text))}`,
          { cause, statusCode: response.status, responseBody: response.body, $metadata: metadata },
        );
      }
    }
    return {
      statusCode: response.status,
      headers: headersToRecord(response.headers),
      body,
      $metadata: metadata,
    };
  };
}
