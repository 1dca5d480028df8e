// Signed BCE requests as raw wire data, and a small keep-alive HTTP client for setting up state. The load
// generator replays these objects byte for byte, so everything the server checks (host, date, signature) is
// fixed when the request is built.
import { Agent, request } from 'node:http';
import { formatBceTimestamp, sign, uriEncode } from '@peerconn/sdk/internal';

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
}

/** One HTTP request exactly as it goes on the wire (path includes the query string). */
export interface WireRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** How long a pre-signed request stays valid: longer than any full run, so a pool never expires mid-round. */
const EXPIRATION_SECONDS = 3 * 3600;

/**
 * A bce-auth-v1 signed request. `host` is the Host header the server sees (it must be signed); the same
 * request can therefore be sent to any listener. `signedAt` (default now) is its signing time.
 */
export function signedRequest(
  credential: Credential,
  host: string,
  method: WireRequest['method'],
  path: string,
  query: Record<string, string> = {},
  body?: unknown,
  signedAt = new Date(),
): WireRequest {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {
    host,
    'x-bce-date': formatBceTimestamp(signedAt),
  };
  if (text !== undefined) {
    headers['content-type'] = 'application/json;charset=UTF-8';
    headers['content-length'] = String(Buffer.byteLength(text));
  }
  headers.authorization = sign({
    method,
    path,
    query,
    headers,
    accessKeyId: credential.accessKeyId,
    secretAccessKey: credential.secretAccessKey,
    timestamp: signedAt,
    expirationSeconds: EXPIRATION_SECONDS,
  });
  const qs = Object.entries(query)
    .map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`)
    .join('&');
  return {
    method,
    path: qs ? `${path}?${qs}` : path,
    headers,
    ...(text === undefined ? {} : { body: text }),
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * Sends one request to `baseUrl` (scheme, host and port only) and reads the whole answer. A kept-alive socket
 * the server closed while it sat idle fails on reuse; that attempt is repeated once on a new socket (safe: reads
 * are idempotent, and every mutating request here carries its own clientToken).
 */
export async function send(baseUrl: string, req: WireRequest): Promise<WireResponse> {
  try {
    return await sendOnce(baseUrl, req);
  } catch (error) {
    if (error instanceof StaleSocketError) return sendOnce(baseUrl, req, false);
    throw error;
  }
}

class StaleSocketError extends Error {}

function sendOnce(baseUrl: string, req: WireRequest, reuse = true): Promise<WireResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: req.headers,
        agent: reuse ? agent : false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    r.on('error', (error: NodeJS.ErrnoException) => {
      const stale = r.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
      reject(stale ? new StaleSocketError(error.message) : error);
    });
    r.end(req.body);
  });
}

/** Sends and insists on a 2xx; the error names the BCE code so a broken setup says why. */
export async function sendOk(baseUrl: string, req: WireRequest): Promise<WireResponse> {
  const res = await send(baseUrl, req);
  if (res.status < 200 || res.status > 299) {
    throw new Error(
      `${req.method} ${req.path} answered ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`,
    );
  }
  return res;
}

export async function sendJson(baseUrl: string, req: WireRequest): Promise<Record<string, unknown>> {
  const res = await sendOk(baseUrl, req);
  const parsed: unknown = JSON.parse(res.body.toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${req.path}: not a JSON object`);
  return parsed as Record<string, unknown>;
}

/** Releases the setup client's sockets so the harness process can exit. */
export function closeSetupClient(): void {
  agent.destroy();
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; rejects on the first failure. */
export async function forEachConcurrently(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
