// A minimal loopback HTTP server whose responses come from a script, for SDK tests of wire shape and faults.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  path: string;
  /** Raw query string, without `?`. */
  rawQuery: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Whether an answer went out, or the connection closed first (the client's abort or timeout cut it). */
  outcome: Promise<'answered' | 'closed unanswered'>;
}

export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent verbatim; anything else as JSON. */
  body?: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Destroy the socket instead of answering (a network error for the client). */
  destroy?: boolean;
  /** Never answer (until the server closes): a request only the client's abort or timeout can end. */
  hold?: boolean;
}

export type Responder = (request: RecordedRequest, index: number) => ScriptedResponse;

export interface ScriptedServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Resolves once `count` requests have arrived. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Reads a request's whole body as text, then calls `done` with it. */
export function readBody(req: IncomingMessage, done: (body: string) => void): void {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    body += chunk;
  });
  req.on('end', () => done(body));
}

/** What a test inspects of a request that arrived. */
export function recordRequest(req: IncomingMessage, body: string, res?: ServerResponse): RecordedRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? '',
    url,
    path: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers: req.headers,
    body,
    outcome: new Promise((resolve) =>
      res?.on('close', () => resolve(res.writableEnded ? 'answered' : 'closed unanswered')),
    ),
  };
}

/** Answers with `script[i]` for the i-th request (the last entry repeats), or with a responder function. */
export async function startScriptedServer(script: ScriptedResponse[] | Responder): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const arrivals: Array<{ count: number; resolve: () => void }> = [];
  // Delayed answers still pending; close() cancels them so no timer outlives the server and holds the run open.
  const pending = new Set<NodeJS.Timeout>();
  const respond = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const recorded = recordRequest(req, body, res);
    const index = requests.length;
    requests.push(recorded);
    for (const waiter of arrivals.filter((a) => a.count <= requests.length)) {
      arrivals.splice(arrivals.indexOf(waiter), 1);
      waiter.resolve();
    }
    const entry =
      typeof script === 'function'
        ? script(recorded, index)
        : (script[Math.min(index, script.length - 1)] ?? {});
    const send = () => {
      if (entry.destroy) {
        req.socket.destroy();
        return;
      }
      const text =
        entry.body === undefined
          ? ''
          : typeof entry.body === 'string'
            ? entry.body
            : JSON.stringify(entry.body);
      res.writeHead(entry.status ?? 200, {
        'content-type': 'application/json;charset=UTF-8',
        'x-bce-request-id': `req-${index}`,
        ...entry.headers,
      });
      res.end(text);
    };
    if (entry.hold) return;
    if (entry.delayMs) {
      const timer = setTimeout(() => {
        pending.delete(timer);
        send();
      }, entry.delayMs);
      pending.add(timer);
    } else send();
  };
  const server: Server = createServer((req, res) => readBody(req, (body) => respond(req, res, body)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    received: (count) =>
      new Promise<void>((resolve) => {
        if (requests.length >= count) resolve();
        else arrivals.push({ count, resolve });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pending) clearTimeout(timer);
        pending.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const TEST_CREDENTIALS = { accessKeyId: 'ak-test', secretAccessKey: 'sk-test' };
