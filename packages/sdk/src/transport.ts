// One HTTP exchange over node:http(s) with keep-alive connection pools shared by every client in the process,
// bounded by a per-attempt timeout and the caller's AbortSignal. Retries and signing live above this layer.
// node:http rather than fetch: a fetch costs several times the CPU of the same request on node:http, which on a
// busy client is what limits throughput; node:http also never follows a redirect (a redirect would be re-sent
// with a signature made for another URL) and sends only the headers it is given, plus Host and Connection.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
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
  // A signal of this attempt's own to listen on: concurrent calls may share the caller's signal, and a
  // listener each on it would trip Node's listener-leak warning.
  const signal = callerSignal ? AbortSignal.any([callerSignal]) : undefined;
  const { url } = request;
  const networkError = (cause: unknown) =>
    new BceClientError(
      'network',
      `Expected to reach ${url.origin}, but the request failed: ${networkDetail(cause)}`,
      {
        cause,
      },
    );
  return new Promise<TransportResponse>((resolve, reject) => {
    const secure = url.protocol === 'https:';
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => fail(abortError(callerSignal as AbortSignal));
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: BceClientError) => {
      if (settled) return;
      settle();
      req?.destroy();
      reject(error);
    };
    let req: ReturnType<typeof httpRequest> | undefined;
    try {
      // Host is set explicitly: the signature covers url.host, so that exact text is what goes out.
      req = (secure ? httpsRequest : httpRequest)(url, {
        method: request.method,
        headers: { host: url.host, ...request.headers },
        agent: secure ? httpsAgent : httpAgent,
      });
    } catch (cause) {
      reject(networkError(cause));
      return;
    }
    timer = setTimeout(
      () =>
        fail(
          new BceClientError(
            'timeout',
            `Expected a response from ${request.method} ${url.origin}${url.pathname} within ${options.timeoutMs} ms, got none`,
          ),
        ),
      options.timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (cause) => fail(networkError(cause)));
    req.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (cause) => fail(networkError(cause)));
      response.on('end', () => {
        if (settled) return;
        settle();
        resolve({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? '',
          headers: toHeaders(response.rawHeaders),
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.end(request.body);
  });
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
