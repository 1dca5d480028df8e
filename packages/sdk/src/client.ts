// The clients. A call runs in named steps: build (from its row of the operation table, once per call), then
// per attempt sign, send and parse; between attempts the retry strategy of retry.ts decides whether and when.
import { randomUUID } from 'node:crypto';
import { type Credentials, type ResolvedConfig, resolveConfig } from './credentials.ts';
import { parseEndpoint } from './endpoint.ts';
import { abortError, BceClientError, BceServiceError, parseServiceError } from './errors.ts';
import type { MutatingCallOptions, OperationShapes, ResponseMetadata } from './models.ts';
import { normalizeOutput } from './normalize.ts';
import {
  OPERATION_LIST,
  OPERATIONS,
  type OperationName,
  type OperationSpec,
  pathParams,
  type ServiceName,
} from './operations.ts';
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

/** The method an operation's shape (models.ts, OperationShapes) gives a client. */
type MethodOf<S> = S extends { input: infer I; output: infer O; optionalInput: true }
  ? (input?: I) => Promise<O>
  : S extends { input: infer I; output: infer O }
    ? (input: I) => Promise<O>
    : never;

/**
 * Every operation of the table as a typed method, derived from OperationShapes. The methods are not written
 * out: each client class gets one per row of its service (installOperations below), and its type picks the
 * same rows (PeerConnOperations, VpcOperations, SubnetOperations, RouteOperations).
 */
export type OperationMethods = { [N in keyof OperationShapes]: MethodOf<OperationShapes[N]> };

type Row<N extends OperationName> = (typeof OPERATIONS)[N];
/** The names of the table's operations of one service. */
export type OperationsOf<S extends ServiceName> = {
  [N in OperationName]: Row<N>['service'] extends S ? N : never;
}[OperationName];
/** PeerConnClient's methods: the rows of service `peerconn`. */
export type PeerConnOperations = Pick<OperationMethods, OperationsOf<'peerconn'>>;
/** VpcClient's methods: the rows of service `vpc`. */
export type VpcOperations = Pick<OperationMethods, OperationsOf<'vpc'>>;
/** SubnetClient's methods: the rows of service `subnet`. */
export type SubnetOperations = Pick<OperationMethods, OperationsOf<'subnet'>>;
/** RouteClient's methods: the rows of service `route`. */
export type RouteOperations = Pick<OperationMethods, OperationsOf<'route'>>;
/** AclClient's methods: the rows of service `acl`. */
export type AclOperations = Pick<OperationMethods, OperationsOf<'acl'>>;
/** SecurityGroupClient's methods: the rows of service `securityGroup`. */
export type SecurityGroupOperations = Pick<OperationMethods, OperationsOf<'securityGroup'>>;
/** EniClient's methods: the rows of service `eni`. */
export type EniOperations = Pick<OperationMethods, OperationsOf<'eni'>>;

export type OperationInput<N extends OperationName> = Exclude<Parameters<OperationMethods[N]>[0], undefined>;
export type OperationOutput<N extends OperationName> = Awaited<ReturnType<OperationMethods[N]>>;

/** Input and output types of every operation, keyed by the table's names. */
export type OperationTypes = {
  [N in OperationName]: { input: OperationInput<N>; output: OperationOutput<N> };
};

// Compile-time checks that the method signatures above agree with the operation table: one method per row,
// and each input's wire fields exactly the row's path, query and body fields, with a clientToken exactly when
// the row is mutating. A disagreement fails the type-check and names the operation.
type PathFields<P extends string> = P extends `${string}{${infer F}}${infer Rest}`
  ? F | PathFields<Rest>
  : never;
type TableFields<N extends OperationName> =
  | PathFields<Row<N>['path']>
  | Row<N>['query'][number]
  | Row<N>['body'][number];
type WireFields<N extends OperationName> = Exclude<keyof OperationInput<N>, keyof MutatingCallOptions>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Disagreeing<Check extends Record<OperationName, boolean>> = {
  [N in OperationName]: Check[N] extends true ? never : N;
}[OperationName];
type ExpectNone<T extends never> = T;
// biome-ignore lint/correctness/noUnusedVariables: it exists to be evaluated by the type-checker
type OperationTableChecks = [
  ExpectNone<Exclude<OperationName, keyof OperationMethods>>,
  ExpectNone<Exclude<keyof OperationMethods, OperationName>>,
  ExpectNone<Disagreeing<{ [N in OperationName]: Same<WireFields<N>, TableFields<N>> }>>,
  ExpectNone<
    Disagreeing<{
      [N in OperationName]: Same<
        'clientToken' extends keyof OperationInput<N> ? true : false,
        Row<N>['mutating']
      >;
    }>
  >,
];

export interface ClientConfig {
  /** `http://host:port`, `https://host` or a bare host (https). */
  endpoint?: string;
  credentials?: Credentials;
  /** Maps to `bcc.<region>.baidubce.com` when no endpoint is configured (here, in the environment or the profile). */
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
  return {
    spec,
    built,
    url: new URL(`${built.path}${renderQuery(built.query)}`, base),
    // built.path is URI-encoded for the wire; signing it as is would encode every % again.
    signingPath: decodeURIComponent(built.path),
    timeoutMs: typeof input.timeoutMs === 'number' ? input.timeoutMs : defaultTimeoutMs,
  };
}

const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

let lastSecond = Number.NaN;
let lastTimestamp = '';

/** formatBceTimestamp(new Date()), formatted once per second rather than once per attempt. */
function timestampNow(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastTimestamp = formatBceTimestamp(new Date(second * 1000));
  }
  return lastTimestamp;
}

/**
 * Step 2, sign: this attempt's headers, timestamped now, with the Authorization over them; all but `host`,
 * which the transport sets from the URL.
 */
function signAttempt(
  call: PreparedCall,
  credentials: Credentials,
  userAgentValue: string,
  expirationSeconds: number | undefined,
): Record<string, string> {
  const timestamp = timestampNow();
  // The transport sends Host as the URL's host (default port omitted); the signature covers that exact value.
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
  return wire;
}

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
    // normalizeOutput returns a fresh object (parsed here, or copied), so it can take $metadata directly.
    const output = normalizeOutput(spec.name, body);
    output.$metadata = metadata;
    return { ok: true, output };
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

/** Shared machinery of the service clients; `call` reaches every operation of the table. */
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

  private send(spec: OperationSpec, input: InputRecord): Promise<InputRecord> {
    const callerSignal = input.abortSignal instanceof AbortSignal ? input.abortSignal : undefined;
    const callTimeoutMs =
      typeof input.callTimeoutMs === 'number' ? input.callTimeoutMs : this.config.callTimeoutMs;
    if (callTimeoutMs === undefined) return this.sendWithRetries(spec, input, callerSignal);
    return this.sendWithinDeadline(spec, input, callerSignal, callTimeoutMs);
  }

  private async sendWithinDeadline(
    spec: OperationSpec,
    input: InputRecord,
    callerSignal: AbortSignal | undefined,
    callTimeoutMs: number,
  ): Promise<InputRecord> {
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
        // An abort is the caller ending the call, not a refusal; any other final error says why it is final.
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
    headers: Record<string, string>,
    attempt: number,
    abortSignal: AbortSignal | undefined,
  ): Promise<TransportResponse> {
    const { method, body } = call.built;
    this.config.onDebug?.({
      type: 'request',
      attempt,
      method,
      url: call.url.toString(),
      headers: { host: call.url.host, ...headers },
      ...(body !== undefined ? { body } : {}),
    });
    const response = await sendOnce(
      { method, url: call.url, headers, ...(body !== undefined ? { body } : {}) },
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

/** Gives a client class one method per operation of its service, each a typed `call` of that row. */
function installOperations(client: typeof BceClient, service: ServiceName): void {
  for (const spec of OPERATION_LIST) {
    if (spec.service !== service) continue;
    const name = spec.name as OperationName;
    const method = {
      [name](this: BceClient, input?: OperationInput<OperationName>) {
        return this.call(name, input ?? {});
      },
    }[name];
    Object.defineProperty(client.prototype, name, { value: method, writable: true, configurable: true });
  }
}

// The class declares no methods and the interface of the same name adds their types: the methods are
// installed from the operation table, and the checks above keep the types and the table in step.
/** The peering operations of the table, one method each (see PeerConnOperations). */
export interface PeerConnClient extends PeerConnOperations {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged methods exist, installed from the table
export class PeerConnClient extends BceClient {}
installOperations(PeerConnClient, 'peerconn');

/** The VPC operations the peering rules depend on (see VpcOperations). */
export interface VpcClient extends VpcOperations {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged methods exist, installed from the table
export class VpcClient extends BceClient {}
installOperations(VpcClient, 'vpc');

/** Subnets of VPCs: create, list, get, rename, delete (see SubnetOperations). */
export interface SubnetClient extends SubnetOperations {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged methods exist, installed from the table
export class SubnetClient extends BceClient {}
installOperations(SubnetClient, 'subnet');

/** A VPC's route table and its rules, peering next hops included (see RouteOperations). */
export interface RouteClient extends RouteOperations {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged methods exist, installed from the table
export class RouteClient extends BceClient {}
installOperations(RouteClient, 'route');

/** The ACLs of a VPC's subnets: stateless rules per subnet and direction (see AclOperations). */
export interface AclClient extends AclOperations {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged methods exist, installed from the table
export class AclClient extends BceClient {}
installOperations(AclClient, 'acl');

/** Security groups and their rules: stateful, per VPC (see SecurityGroupOperations). */
export interface SecurityGroupClient extends SecurityGroupOperations {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged methods exist, installed from the table
export class SecurityGroupClient extends BceClient {}
installOperations(SecurityGroupClient, 'securityGroup');

/** Elastic network interfaces: addresses in a subnet with security groups (see EniOperations). */
export interface EniClient extends EniOperations {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged methods exist, installed from the table
export class EniClient extends BceClient {}
installOperations(EniClient, 'eni');

/** The client class of each service of the operation table, for tools that pick one by a row's service. */
export const CLIENT_CLASSES: Readonly<Record<ServiceName, typeof BceClient>> = {
  peerconn: PeerConnClient,
  vpc: VpcClient,
  subnet: SubnetClient,
  route: RouteClient,
  acl: AclClient,
  securityGroup: SecurityGroupClient,
  eni: EniClient,
};
