// One HTTP exchange over Node's fetch (undici keeps connections alive by default), bounded by a per-attempt
// timeout and the caller's AbortSignal. Retries and signing live above this layer.
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

/**
 * Sends once. Resolves with any HTTP response (2xx or not); rejects only with a BceClientError of kind
 * `abort` (the caller's signal), `timeout` (this attempt's deadline) or `network`.
 */
export async function sendOnce(request: TransportRequest, options: SendOptions): Promise<TransportResponse> {
  const callerSignal = options.signal;
  if (callerSignal?.aborted) throw abortError(callerSignal);
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal,
      // A redirect would be re-sent with a signature made for another URL; surface it instead.
      redirect: 'manual',
    });
    const body = await response.text();
    return { status: response.status, statusText: response.statusText, headers: response.headers, body };
  } catch (cause) {
    if (callerSignal?.aborted) throw abortError(callerSignal);
    if (deadline.aborted) {
      throw new BceClientError(
        'timeout',
        `Expected a response from ${request.method} ${request.url.origin}${request.url.pathname} within ${options.timeoutMs} ms, got none`,
        { cause },
      );
    }
    const detail = networkDetail(cause);
    throw new BceClientError(
      'network',
      `Expected to reach ${request.url.origin}, but the request failed: ${detail}`,
      { cause },
    );
  }
}

function networkDetail(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = (cause as Error & { cause?: unknown }).cause;
  if (inner instanceof Error) {
    const code = (inner as Error & { code?: string }).code;
    return code ? `${code} (${inner.message})` : inner.message;
  }
  return cause.message;
}

export function headersToRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}
