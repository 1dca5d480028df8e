// The clients. A call runs in named steps: build (from its row of the operation table, once per call), then per
// attempt sign, send and parse; between attempts the retry strategy of retry.ts decides whether and when.
import { randomUUID } from 'node:crypto';
import { type Credentials, type ResolvedConfig, resolveConfig } from './credentials.ts';
import { parseEndpoint } from './endpoint.ts';
import { abortError, BceClientError, BceServiceError, parseServiceError } from './errors.ts';
import type {
  CreatePeerConnInput,
  CreatePeerConnOutput,
  CreateVpcInput,
  CreateVpcOutput,
  EmptyOutput,
  GetPeerConnInput,
  GetPeerConnOutput,
  GetVpcInput,
  GetVpcOutput,
  ListPeerConnsInput,
  ListPeerConnsOutput,
  ListVpcsInput,
  ListVpcsOutput,
  PeerConnDnsSyncInput,
  PeerConnIdInput,
  RenewPeerConnInput,
  ResizePeerConnInput,
  ResponseMetadata,
  UpdatePeerConnDeleteProtectInput,
  UpdatePeerConnInput,
  UpdateVpcInput,
  VpcIdInput,
} from './models.ts';
import { normalizeOutput } from './normalize.ts';
import { OPERATIONS, type OperationName, type OperationSpec, pathParams } from './operations.ts';
import {
  parseRetryAfter,
  RETRY_DEFAULTS,
  type RetryFailure,
  type RetryOptions,
  StandardRetryStrategy,
  sleep,
} from './retry.ts';
import { formatBceTimestamp, sign, uriEncode } from './signer.ts';
import { type DebugEvent, headersToRecord, sendOnce, type TransportResponse } from './transport.ts';
import { SDK_VERSION } from './version.ts';

/** Input and output types of every operation, keyed by the table's names. */
export interface OperationTypes {
  createPeerConn: { input: CreatePeerConnInput; output: CreatePeerConnOutput };
  listPeerConns: { input: ListPeerConnsInput; output: ListPeerConnsOutput };
  getPeerConn: { input: GetPeerConnInput; output: GetPeerConnOutput };
  updatePeerConn: { input: UpdatePeerConnInput; output: EmptyOutput };
  acceptPeerConn: { input: PeerConnIdInput; output: EmptyOutput };
  rejectPeerConn: { input: PeerConnIdInput; output: EmptyOutput };
  deletePeerConn: { input: PeerConnIdInput; output: EmptyOutput };
  resizePeerConn: { input: ResizePeerConnInput; output: EmptyOutput };
  renewPeerConn: { input: RenewPeerConnInput; output: EmptyOutput };
  refundPeerConn: { input: PeerConnIdInput; output: EmptyOutput };
  openPeerConnDnsSync: { input: PeerConnDnsSyncInput; output: EmptyOutput };
  closePeerConnDnsSync: { input: PeerConnDnsSyncInput; output: EmptyOutput };
  updatePeerConnDeleteProtect: { input: UpdatePeerConnDeleteProtectInput; output: EmptyOutput };
  createVpc: { input: CreateVpcInput; output: CreateVpcOutput };
  listVpcs: { input: ListVpcsInput; output: ListVpcsOutput };
  getVpc: { input: GetVpcInput; output: GetVpcOutput };
  updateVpc: { input: UpdateVpcInput; output: EmptyOutput };
  deleteVpc: { input: VpcIdInput; output: EmptyOutput };
  openVpcRelay: { input: VpcIdInput; output: EmptyOutput };
  shutdownVpcRelay: { input: VpcIdInput; output: EmptyOutput };
}

// Compile-time check that the type map and the operation table name the same operations.
type MissingTypes = Exclude<OperationName, keyof OperationTypes>;
type ExtraTypes = Exclude<keyof OperationTypes, OperationName>;
const tableMatchesTypes: [MissingTypes, ExtraTypes] extends [never, never] ? true : false = true;
void tableMatchesTypes;

export type OperationInput<N extends OperationName> = OperationTypes[N]['input'];
export type OperationOutput<N extends OperationName> = OperationTypes[N]['output'];

export interface ClientConfig {
  /** `http://host:port`, `https://host` or a bare host (https). */
  endpoint?: string;
  credentials?: Credentials;
  /** Maps to `bcc.<region>.baidubce.com` when no endpoint is given. */
  region?: string;
  /** Profile name in `~/.bce/config.json`. */
  profile?: string;
  /** Retries after the first attempt; default 3. */
  maxRetries?: number;
  /** Per-attempt timeout; default 30000 ms. */
  timeoutMs?: number;
  /** Deadline for a whole call, retries and their sleeps included; none by default. */
  callTimeoutMs?: number;
  retry?: RetryOptions;
  onDebug?: (event: DebugEvent) => void;
  userAgentSuffix?: string;
  /** Environment to read instead of process.env (tests, embedding). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Profile file instead of `~/.bce/config.json`. */
  configPath?: string;
  /** Signature validity; default 1800 s. */
  expirationSeconds?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

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

function renderQuery(query: Array<[string, string | undefined]>): string {
  if (query.length === 0) return '';
  return `?${query.map(([k, v]) => (v === undefined ? uriEncode(k) : `${uriEncode(k)}=${uriEncode(v)}`)).join('&')}`;
}

function userAgent(suffix?: string): string {
  const base = `peerconn-sdk/${SDK_VERSION} node/${process.version} ${process.platform}/${process.arch}`;
  return suffix ? `${base} ${suffix}` : base;
}

const CALL_OPTION_KEYS = new Set(['abortSignal', 'timeoutMs', 'callTimeoutMs', 'clientToken']);

// Fields the service requires but the official SDKs fill in when the caller leaves them out.
const FIELD_DEFAULTS: Partial<Record<OperationName, InputRecord>> = {
  createPeerConn: { billing: { paymentTiming: 'Postpaid' } },
};

/** One call, built once: what every attempt sends (each attempt is signed afresh). */
interface PreparedCall {
  spec: OperationSpec;
  built: BuiltRequest;
  url: URL;
  /** The path as the signer takes it: decoded (the signer encodes it itself). */
  signingPath: string;
  timeoutMs: number;
}

/** Step 1, build: the input's wire fields (defaults applied, call options left out) as a request and URL. */
function prepareCall(
  spec: OperationSpec,
  input: InputRecord,
  base: URL,
  defaultTimeoutMs: number,
): PreparedCall {
  const fields: InputRecord = {};
  for (const key of Object.keys(input)) if (!CALL_OPTION_KEYS.has(key)) fields[key] = input[key];
  for (const [key, value] of Object.entries(FIELD_DEFAULTS[spec.name as OperationName] ?? {})) {
    if (fields[key] === undefined) fields[key] = value;
  }
  // One token per logical call, reused by every retry, so the service can deduplicate the side effect.
  const clientToken = spec.mutating
    ? typeof input.clientToken === 'string' && input.clientToken !== ''
      ? input.clientToken
      : randomUUID()
    : undefined;
  const built = buildRequest(spec, fields, clientToken);
  return {
    spec,
    built,
    url: new URL(`${built.path}${renderQuery(built.query)}`, base),
    // built.path is URI-encoded for the wire; signing it as is would encode every % again.
    signingPath: decodeURIComponent(built.path),
    timeoutMs: typeof input.timeoutMs === 'number' ? input.timeoutMs : defaultTimeoutMs,
  };
}

interface SignedHeaders {
  /** Everything the attempt sends, `host` included (what debug output shows). */
  all: Record<string, string>;
  /** What goes to fetch: the same without `host`, which fetch derives from the URL. */
  wire: Record<string, string>;
}

/** Step 2, sign: this attempt's headers, timestamped now, with the Authorization over them. */
function signAttempt(
  call: PreparedCall,
  credentials: Credentials,
  userAgentValue: string,
  expirationSeconds: number | undefined,
): SignedHeaders {
  const timestamp = formatBceTimestamp(new Date());
  // fetch derives Host from the URL (default port omitted); the signature must cover that exact value.
  const signable: Record<string, string> = {
    host: call.url.host,
    'content-type': JSON_CONTENT_TYPE,
    'x-bce-date': timestamp,
  };
  if (call.built.body !== undefined) signable['content-length'] = String(Buffer.byteLength(call.built.body));
  if (credentials.sessionToken) signable['x-bce-security-token'] = credentials.sessionToken;
  const authorization = sign({
    method: call.built.method,
    path: call.signingPath,
    query: call.built.query,
    headers: signable,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    timestamp,
    ...(expirationSeconds ? { expirationSeconds } : {}),
  });
  const wire: Record<string, string> = {
    'content-type': JSON_CONTENT_TYPE,
    'x-bce-date': timestamp,
    'user-agent': userAgentValue,
  };
  if (signable['content-length'] !== undefined) wire['content-length'] = signable['content-length'];
  if (credentials.sessionToken) wire['x-bce-security-token'] = credentials.sessionToken;
  wire.authorization = authorization;
  return { all: { host: call.url.host, ...wire }, wire };
}

const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

type ParsedResponse = { ok: true; output: InputRecord } | { ok: false; failure: RetryFailure };

/**
 * Step 4, parse: a 2xx becomes the typed output plus `$metadata` (or throws a `parse` error when its body is
 * not what the operation returns); anything else becomes the BceServiceError of a failed attempt.
 */
function parseResponse(
  spec: OperationSpec,
  response: TransportResponse,
  progress: { attempts: number; totalRetryDelayMs: number },
): ParsedResponse {
  const headerRequestId = response.headers.get('x-bce-request-id') ?? undefined;
  if (response.status >= 200 && response.status < 300) {
    const metadata: ResponseMetadata = {
      httpStatusCode: response.status,
      requestId: headerRequestId,
      ...progress,
    };
    const body = parseSuccessBody(spec, response, metadata);
    return { ok: true, output: { ...normalizeOutput(spec.name, body), $metadata: metadata } };
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  return {
    ok: false,
    failure: {
      error: parseServiceError(
        response.status,
        response.statusText,
        headerRequestId,
        response.body,
        progress,
      ),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    },
  };
}

function parseSuccessBody(
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
    const preview = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    throw new BceClientError(
      'parse',
      `${spec.name}: expected a JSON object with HTTP ${response.status}, got ${JSON.stringify(preview)}`,
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

/** Shared machinery of PeerConnClient and VpcClient; `call` reaches every operation of the table. */
export class BceClient {
  readonly config: Readonly<ClientConfig>;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  private readonly retryStrategy: StandardRetryStrategy;
  private readonly userAgent: string;
  private resolved: ResolvedConfig | undefined;
  private baseUrl: URL | undefined;

  constructor(config: ClientConfig = {}) {
    this.config = { ...config };
    this.retryStrategy = new StandardRetryStrategy(
      config.maxRetries ?? RETRY_DEFAULTS.maxRetries,
      config.retry ?? {},
    );
    this.maxRetries = this.retryStrategy.maxRetries;
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.userAgent = userAgent(config.userAgentSuffix);
    // An explicit endpoint is validated now so a typo fails at construction, not at the first call.
    if (config.endpoint !== undefined) this.baseUrl = parseEndpoint(config.endpoint);
  }

  /** Credentials, region and endpoint, resolved on first use (explicit > env > profile). */
  resolveConfig(): ResolvedConfig {
    if (!this.resolved) {
      const input: Parameters<typeof resolveConfig>[0] = {};
      if (this.config.credentials) input.credentials = this.config.credentials;
      if (this.config.region !== undefined) input.region = this.config.region;
      if (this.config.endpoint !== undefined) input.endpoint = this.config.endpoint;
      if (this.config.profile !== undefined) input.profile = this.config.profile;
      if (this.config.env) input.env = this.config.env;
      if (this.config.configPath !== undefined) input.configPath = this.config.configPath;
      this.resolved = resolveConfig(input);
      this.baseUrl ??= parseEndpoint(this.resolved.endpoint);
    }
    return this.resolved;
  }

  get endpoint(): string {
    this.resolveConfig();
    return (this.baseUrl as URL).origin;
  }

  /** Tokens left in this client's retry budget. */
  get retryBudgetAvailable(): number {
    return this.retryStrategy.budget.available;
  }

  async call<N extends OperationName>(name: N, input: OperationInput<N>): Promise<OperationOutput<N>> {
    const spec: OperationSpec | undefined = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
    if (!spec) {
      throw new BceClientError(
        'config',
        `Expected an operation name such as ${Object.keys(OPERATIONS).slice(0, 3).join(', ')}, got ${JSON.stringify(name)}`,
      );
    }
    const output = await this.send(spec, (input ?? {}) as unknown as InputRecord);
    return output as unknown as OperationOutput<N>;
  }

  private async send(spec: OperationSpec, input: InputRecord): Promise<InputRecord> {
    const callerSignal = input.abortSignal instanceof AbortSignal ? input.abortSignal : undefined;
    const callTimeoutMs =
      typeof input.callTimeoutMs === 'number' ? input.callTimeoutMs : this.config.callTimeoutMs;
    if (callTimeoutMs === undefined) return this.sendWithRetries(spec, input, callerSignal);
    const deadline = AbortSignal.timeout(callTimeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
    try {
      return await this.sendWithRetries(spec, input, signal);
    } catch (error) {
      // The deadline reaches the attempts as an abort; the caller asked for a timeout, so report one.
      if (
        error instanceof BceClientError &&
        error.kind === 'abort' &&
        deadline.aborted &&
        !callerSignal?.aborted
      ) {
        const timeout = new BceClientError(
          'timeout',
          `Expected ${spec.name} to finish within ${callTimeoutMs} ms (callTimeoutMs, retries included), but it did not`,
          { cause: error },
        );
        if (error.$metadata) timeout.$metadata = error.$metadata;
        throw timeout;
      }
      throw error;
    }
  }

  /** build → (sign → send → parse) per attempt, with the retry strategy deciding between attempts. */
  private async sendWithRetries(
    spec: OperationSpec,
    input: InputRecord,
    abortSignal: AbortSignal | undefined,
  ): Promise<InputRecord> {
    const { credentials } = this.resolveConfig();
    const call = prepareCall(spec, input, this.baseUrl as URL, this.timeoutMs);
    let token = this.retryStrategy.acquireInitialRetryToken();
    let totalRetryDelayMs = 0;
    for (;;) {
      const attempt = token.attempts;
      if (abortSignal?.aborted) throw abortError(abortSignal);
      const headers = signAttempt(call, credentials, this.userAgent, this.config.expirationSeconds);
      let failure: RetryFailure;
      try {
        const response = await this.sendAttempt(call, headers, attempt, abortSignal);
        const parsed = parseResponse(spec, response, { attempts: attempt, totalRetryDelayMs });
        if (parsed.ok) {
          this.retryStrategy.recordSuccess(token);
          return parsed.output;
        }
        failure = parsed.failure;
      } catch (error) {
        if (error instanceof BceClientError && error.kind !== 'parse') {
          error.$metadata = { httpStatusCode: 0, attempts: attempt, totalRetryDelayMs };
        }
        this.config.onDebug?.({ type: 'error', attempt, error: error as Error });
        failure = { error };
      }

      const decision = this.retryStrategy.refreshRetryTokenForRetry(token, failure);
      const { error } = failure;
      if (!decision.retry) {
        // An abort is the caller ending the call, not a refusal; every other final error says why it is final.
        const refused =
          error instanceof BceServiceError || (error instanceof BceClientError && error.kind !== 'abort');
        if (refused && error.$metadata)
          error.$metadata = { ...error.$metadata, retryRefusal: decision.reason };
        throw error;
      }
      this.config.onDebug?.({
        type: 'retry',
        attempt,
        delayMs: decision.delayMs,
        reason:
          error instanceof BceServiceError ? `${error.statusCode} ${error.code}` : (error as Error).message,
      });
      await sleep(decision.delayMs, abortSignal);
      totalRetryDelayMs += decision.delayMs;
      token = decision.token;
    }
  }

  /** Step 3, send: one HTTP exchange, reported to onDebug as it goes out and comes back. */
  private async sendAttempt(
    call: PreparedCall,
    headers: SignedHeaders,
    attempt: number,
    abortSignal: AbortSignal | undefined,
  ): Promise<TransportResponse> {
    const { method, body } = call.built;
    this.config.onDebug?.({
      type: 'request',
      attempt,
      method,
      url: call.url.toString(),
      headers: headers.all,
      ...(body !== undefined ? { body } : {}),
    });
    const response = await sendOnce(
      { method, url: call.url, headers: headers.wire, ...(body !== undefined ? { body } : {}) },
      { timeoutMs: call.timeoutMs, ...(abortSignal ? { signal: abortSignal } : {}) },
    );
    this.config.onDebug?.({
      type: 'response',
      attempt,
      status: response.status,
      headers: headersToRecord(response.headers),
      body: response.body,
    });
    return response;
  }
}

/** The 13 peering operations of spec §7.13, one method each. */
export class PeerConnClient extends BceClient {
  createPeerConn(input: CreatePeerConnInput): Promise<CreatePeerConnOutput> {
    return this.call('createPeerConn', input);
  }
  listPeerConns(input: ListPeerConnsInput = {}): Promise<ListPeerConnsOutput> {
    return this.call('listPeerConns', input);
  }
  getPeerConn(input: GetPeerConnInput): Promise<GetPeerConnOutput> {
    return this.call('getPeerConn', input);
  }
  updatePeerConn(input: UpdatePeerConnInput): Promise<EmptyOutput> {
    return this.call('updatePeerConn', input);
  }
  acceptPeerConn(input: PeerConnIdInput): Promise<EmptyOutput> {
    return this.call('acceptPeerConn', input);
  }
  rejectPeerConn(input: PeerConnIdInput): Promise<EmptyOutput> {
    return this.call('rejectPeerConn', input);
  }
  deletePeerConn(input: PeerConnIdInput): Promise<EmptyOutput> {
    return this.call('deletePeerConn', input);
  }
  resizePeerConn(input: ResizePeerConnInput): Promise<EmptyOutput> {
    return this.call('resizePeerConn', input);
  }
  renewPeerConn(input: RenewPeerConnInput): Promise<EmptyOutput> {
    return this.call('renewPeerConn', input);
  }
  refundPeerConn(input: PeerConnIdInput): Promise<EmptyOutput> {
    return this.call('refundPeerConn', input);
  }
  openPeerConnDnsSync(input: PeerConnDnsSyncInput): Promise<EmptyOutput> {
    return this.call('openPeerConnDnsSync', input);
  }
  closePeerConnDnsSync(input: PeerConnDnsSyncInput): Promise<EmptyOutput> {
    return this.call('closePeerConnDnsSync', input);
  }
  updatePeerConnDeleteProtect(input: UpdatePeerConnDeleteProtectInput): Promise<EmptyOutput> {
    return this.call('updatePeerConnDeleteProtect', input);
  }
}

/** The VPC operations the peering rules depend on. */
export class VpcClient extends BceClient {
  createVpc(input: CreateVpcInput): Promise<CreateVpcOutput> {
    return this.call('createVpc', input);
  }
  listVpcs(input: ListVpcsInput = {}): Promise<ListVpcsOutput> {
    return this.call('listVpcs', input);
  }
  getVpc(input: GetVpcInput): Promise<GetVpcOutput> {
    return this.call('getVpc', input);
  }
  updateVpc(input: UpdateVpcInput): Promise<EmptyOutput> {
    return this.call('updateVpc', input);
  }
  deleteVpc(input: VpcIdInput): Promise<EmptyOutput> {
    return this.call('deleteVpc', input);
  }
  openVpcRelay(input: VpcIdInput): Promise<EmptyOutput> {
    return this.call('openVpcRelay', input);
  }
  shutdownVpcRelay(input: VpcIdInput): Promise<EmptyOutput> {
    return this.call('shutdownVpcRelay', input);
  }
}
