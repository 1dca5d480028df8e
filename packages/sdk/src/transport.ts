// One HTTP exchange over node:http(s) with keep-alive connection pools shared by every client in the process,
// bounded by a per-attempt timeout and the caller's AbortSignal. Retries and signing live above this layer.
// node:http rather than fetch: a fetch costs several times the CPU of the same request on node:http, which on a
// busy client is what limits throughput; node:http also never follows a redirect (a redirect would be re-sent
// with a signature made for another URL) and sends only the headers it is given, plus Host and Connection.
import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { abortError, BceClientError } from './errors.ts';

export interface TransportRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface TransportResponse {
  status: number;
  statusText: string;
  headers: Headers;
  body: string;
}

export type DebugEvent =
  | {
      type: 'request';
      attempt: number;
      method: string;
      url: string;
      headers: Record<string, string>;
      body?: string;
    }
  | {
      type: 'response';
      attempt: number;
      status: number;
      headers: Record<string, string>;
      body: string;
    }
  | { type: 'error'; attempt: number; error: Error }
  | { type: 'retry'; attempt: number; delayMs: number; reason: string };

export interface SendOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

/**
 * Sends once. Resolves with any HTTP response (2xx or not); rejects only with a BceClientError of kind
 * `abort` (the caller's signal), `timeout` (this attempt's deadline, reading the body included) or `network`.
 */
export function sendOnce(request: TransportRequest, options: SendOptions): Promise<TransportResponse> {
  const callerSignal = options.signal;
  if (callerSignal?.aborted) return Promise.reject(abortError(callerSignal));
  return new Promise<TransportResponse>((resolve, reject) => {
    new Exchange(request, options.timeoutMs, callerSignal, resolve, reject).start();
  });
}

/** One request and its response, settled exactly once: by the response's end, an error, the timeout or an abort. */
class Exchange {
  private settled = false;
  private req: ClientRequest | undefined;
  private timer: NodeJS.Timeout | undefined;
  // A signal of this attempt's own to listen on: concurrent calls may share the caller's signal, and a
  // listener each on it would trip Node's listener-leak warning.
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort: () => void;

  constructor(
    private readonly request: TransportRequest,
    private readonly timeoutMs: number,
    callerSignal: AbortSignal | undefined,
    private readonly resolve: (response: TransportResponse) => void,
    private readonly reject: (error: BceClientError) => void,
  ) {
    this.signal = callerSignal ? AbortSignal.any([callerSignal]) : undefined;
    this.onAbort = () => this.fail(abortError(callerSignal as AbortSignal));
  }

  start(): void {
    const { url, method, headers, body } = this.request;
    const secure = url.protocol === 'https:';
    let req: ClientRequest;
    try {
      // Host is set explicitly: the signature covers url.host, so that exact text is what goes out.
      req = (secure ? httpsRequest : httpRequest)(url, {
        method,
        headers: { host: url.host, ...headers },
        agent: secure ? httpsAgent : httpAgent,
      });
    } catch (cause) {
      this.reject(this.networkError(cause));
      return;
    }
    this.req = req;
    this.timer = setTimeout(() => this.fail(this.timeoutError()), this.timeoutMs);
    this.signal?.addEventListener('abort', this.onAbort, { once: true });
    req.on('error', (cause) => this.fail(this.networkError(cause)));
    req.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (cause) => this.fail(this.networkError(cause)));
      response.on('end', () => {
        if (!this.settle()) return;
        this.resolve({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? '',
          headers: toHeaders(response.rawHeaders),
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.end(body);
  }

  /** True the first time only. */
  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
    return true;
  }

  private fail(error: BceClientError): void {
    if (!this.settle()) return;
    this.req?.destroy();
    this.reject(error);
  }

  private networkError(cause: unknown): BceClientError {
    return new BceClientError(
      'network',
      `Expected to reach ${this.request.url.origin}, but the request failed: ${networkDetail(cause)}`,
      { cause },
    );
  }

  private timeoutError(): BceClientError {
    const { method, url } = this.request;
    return new BceClientError(
      'timeout',
      `Expected a response from ${method} ${url.origin}${url.pathname} within ${this.timeoutMs} ms, got none`,
    );
  }
}

function toHeaders(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i] as string, raw[i + 1] as string);
    } catch {
      // A name or value Headers does not accept (node:http is more lenient); nothing the SDK reads.
    }
  }
  return headers;
}

function networkDetail(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = (cause as Error & { cause?: unknown }).cause;
  const error = inner instanceof Error ? inner : cause;
  const code = (error as Error & { code?: string }).code;
  return code ? `${code} (${error.message})` : error.message;
}

export function headersToRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}
