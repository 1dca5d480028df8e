// The one request pipeline of every client call, a table operation or a raw `request()` alike: per attempt
// sign, send and parse; between attempts the retry strategy of retry.ts decides whether and when; over the whole
// call an optional deadline. What differs between kinds of calls is only how the request is prepared (once per
// call, by the caller) and how a 2xx response becomes the call's output (the `parse` step handed in).
import { type Clock, sleepOn } from './clock.ts';
import type { Credentials } from './credentials.ts';
import { abortError, BceClientError, BceServiceError, parseServiceError } from './errors.ts';
import type { ResponseMetadata } from './models.ts';
import { parseRetryAfter, type RetryFailure, type RetryStrategy } from './retry.ts';
import { formatBceTimestamp, sign } from './signer.ts';
import { type DebugEvent, headersToRecord, sendOnce, type TransportResponse } from './transport.ts';

/** One call, prepared once: what every attempt sends (each attempt is timestamped and signed afresh). */
export interface PreparedRequest {
  /** Names the call in error messages: an operation's name, or `GET /_whoami` for a raw request. */
  label: string;
  method: string;
  /** The whole URL as sent: endpoint, URI-encoded path and query. */
  url: URL;
  /** The path as the signer takes it: decoded (the signer encodes it itself). */
  signingPath: string;
  /** In wire order; an undefined value is a bare flag key. */
  query: ReadonlyArray<readonly [string, string | undefined]>;
  body?: string;
  /** Sent as given, outside the signature (an admin bearer token, say). */
  extraHeaders?: Readonly<Record<string, string>>;
  /** Credentials to sign every attempt with; none sends the request unsigned. */
  credentials: Credentials | undefined;
  /** This call's per-attempt timeout. */
  timeoutMs: number;
}

/** Turns a 2xx response into the call's output; throws a `parse` BceClientError when it cannot. */
export type ParseSuccess<T> = (response: TransportResponse, metadata: ResponseMetadata) => T;

/** What the pipeline takes from the client: the same for every call of that client. */
export interface PipelineSettings {
  retryStrategy: RetryStrategy;
  userAgent: string;
  expirationSeconds: number | undefined;
  onDebug: ((event: DebugEvent) => void) | undefined;
  clock: Clock;
}

export interface CallControl {
  abortSignal: AbortSignal | undefined;
  /** Deadline of the whole call, retries and their sleeps included. */
  callTimeoutMs: number | undefined;
}

const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

let lastSecond = Number.NaN;
let lastTimestamp = '';

/**
 * formatBceTimestamp(new Date()), formatted once per second rather than once per attempt. Signatures are
 * stamped with real time whatever clock the client waits on: the service checks them against its own.
 */
function timestampNow(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastTimestamp = formatBceTimestamp(new Date(second * 1000));
  }
  return lastTimestamp;
}

/**
 * Step 1 of an attempt, sign: its headers, timestamped now, with the Authorization over them; all but `host`,
 * which the transport sets from the URL.
 */
function signAttempt(
  request: PreparedRequest,
  userAgent: string,
  expirationSeconds: number | undefined,
): Record<string, string> {
  const timestamp = timestampNow();
  const wire: Record<string, string> = {
    ...request.extraHeaders,
    'content-type': JSON_CONTENT_TYPE,
    'x-bce-date': timestamp,
    'user-agent': userAgent,
  };
  if (request.body !== undefined) wire['content-length'] = String(Buffer.byteLength(request.body));
  const { credentials } = request;
  if (!credentials) return wire;
  // The transport sends Host as the URL's host (default port omitted); the signature covers that exact value.
  const signable: Record<string, string> = {
    host: request.url.host,
    'content-type': JSON_CONTENT_TYPE,
    'x-bce-date': timestamp,
  };
  if (wire['content-length'] !== undefined) signable['content-length'] = wire['content-length'];
  if (credentials.sessionToken) {
    signable['x-bce-security-token'] = credentials.sessionToken;
    wire['x-bce-security-token'] = credentials.sessionToken;
  }
  wire.authorization = sign({
    method: request.method,
    path: request.signingPath,
    query: request.query,
    headers: signable,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    timestamp,
    ...(expirationSeconds ? { expirationSeconds } : {}),
  });
  return wire;
}

/** Step 2, send: one HTTP exchange, reported to onDebug as it goes out and comes back. */
async function sendAttempt(
  settings: PipelineSettings,
  request: PreparedRequest,
  headers: Record<string, string>,
  attempt: number,
  abortSignal: AbortSignal | undefined,
): Promise<TransportResponse> {
  const { method, body, url } = request;
  settings.onDebug?.({
    type: 'request',
    attempt,
    method,
    url: url.toString(),
    headers: { host: url.host, ...headers },
    ...(body !== undefined ? { body } : {}),
  });
  const response = await sendOnce(
    { method, url, headers, ...(body !== undefined ? { body } : {}) },
    { timeoutMs: request.timeoutMs, ...(abortSignal ? { signal: abortSignal } : {}) },
  );
  settings.onDebug?.({
    type: 'response',
    attempt,
    status: response.status,
    headers: headersToRecord(response.headers),
    body: response.body,
  });
  return response;
}

type Parsed<T> = { ok: true; output: T } | { ok: false; failure: RetryFailure };

/**
 * Step 3, parse: a 2xx goes to the call's own `parse` (which may throw a `parse` error); anything else becomes
 * the BceServiceError of a failed attempt, with the server's Retry-After when it sent one.
 */
function parseAttempt<T>(
  response: TransportResponse,
  parse: ParseSuccess<T>,
  progress: { attempts: number; totalRetryDelayMs: number },
): Parsed<T> {
  const headerRequestId = response.headers.get('x-bce-request-id') ?? undefined;
  if (response.status >= 200 && response.status < 300) {
    return {
      ok: true,
      output: parse(response, { httpStatusCode: response.status, requestId: headerRequestId, ...progress }),
    };
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

/** Attempts until one succeeds or the retry strategy says stop; the final error says why it was final. */
async function attemptWithRetries<T>(
  settings: PipelineSettings,
  request: PreparedRequest,
  parse: ParseSuccess<T>,
  abortSignal: AbortSignal | undefined,
): Promise<T> {
  const strategy = settings.retryStrategy;
  let token = strategy.acquireInitialRetryToken();
  let totalRetryDelayMs = 0;
  for (;;) {
    const attempt = token.attempts;
    if (abortSignal?.aborted) throw abortError(abortSignal);
    const headers = signAttempt(request, settings.userAgent, settings.expirationSeconds);
    let failure: RetryFailure;
    try {
      const response = await sendAttempt(settings, request, headers, attempt, abortSignal);
      const parsed = parseAttempt(response, parse, { attempts: attempt, totalRetryDelayMs });
      if (parsed.ok) {
        strategy.recordSuccess(token);
        return parsed.output;
      }
      failure = parsed.failure;
    } catch (error) {
      if (error instanceof BceClientError && error.kind !== 'parse') {
        error.$metadata = { httpStatusCode: 0, attempts: attempt, totalRetryDelayMs };
      }
      settings.onDebug?.({ type: 'error', attempt, error: error as Error });
      failure = { error };
    }

    const decision = strategy.refreshRetryTokenForRetry(token, failure);
    const { error } = failure;
    if (!decision.retry) {
      // An abort is the caller ending the call, not a refusal; any other final error says why it is final.
      const refused =
        error instanceof BceServiceError || (error instanceof BceClientError && error.kind !== 'abort');
      if (refused && error.$metadata) error.$metadata = { ...error.$metadata, retryRefusal: decision.reason };
      throw error;
    }
    settings.onDebug?.({
      type: 'retry',
      attempt,
      delayMs: decision.delayMs,
      reason:
        error instanceof BceServiceError ? `${error.statusCode} ${error.code}` : (error as Error).message,
    });
    await sleepOn(settings.clock, decision.delayMs, abortSignal);
    totalRetryDelayMs += decision.delayMs;
    token = decision.token;
  }
}

/** Runs one call through the pipeline, within its deadline when it has one. */
export async function runCall<T>(
  settings: PipelineSettings,
  request: PreparedRequest,
  parse: ParseSuccess<T>,
  control: CallControl,
): Promise<T> {
  const { abortSignal, callTimeoutMs } = control;
  if (callTimeoutMs === undefined) return attemptWithRetries(settings, request, parse, abortSignal);
  const deadline = settings.clock.timeout(callTimeoutMs);
  const signal = abortSignal ? AbortSignal.any([abortSignal, deadline]) : deadline;
  try {
    return await attemptWithRetries(settings, request, parse, signal);
  } catch (error) {
    // The deadline reaches the attempts as an abort; the caller asked for a timeout, so report one.
    if (
      error instanceof BceClientError &&
      error.kind === 'abort' &&
      deadline.aborted &&
      !abortSignal?.aborted
    ) {
      const timeout = new BceClientError(
        'timeout',
        `Expected ${request.label} to finish within ${callTimeoutMs} ms (callTimeoutMs, retries included), but it did not`,
        { cause: error },
      );
      if (error.$metadata) timeout.$metadata = error.$metadata;
      throw timeout;
    }
    throw error;
  }
}
