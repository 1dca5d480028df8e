// node:http listeners as the server needs them: bound and awaited, answering in BCE form what node would
// otherwise answer by itself, and drained on close.
import { randomUUID } from 'node:crypto';
import {
  createServer,
  type ServerOptions as HttpOptions,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { JSON_CONTENT_TYPE, sendError } from './http/respond.ts';

export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === 'localhost' || host === '127.0.0.1') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** A BCE error written straight to a socket node has taken away from the request handler; the socket closes. */
function answerOnSocket(socket: Socket, status: number, code: string, message: string): void {
  const requestId = randomUUID();
  const body = JSON.stringify({ code, message, requestId });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `Content-Type: ${JSON_CONTENT_TYPE}\r\nx-bce-request-id: ${requestId}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Malformed HTTP never reaches a handler; answer it in BCE form rather than node's plain-text 400. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    answerOnSocket(
      socket,
      408,
      'RequestTimeout',
      'The request was not received in time; send headers and body without pausing.',
    );
    return;
  }
  answerOnSocket(
    socket,
    error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400,
    'InvalidHTTPRequest',
    'There was an error in your HTTP request; it could not be parsed.',
  );
}

/**
 * What node would otherwise answer by itself, with a bare status and no body: an `Expect` other than
 * 100-continue (417) and CONNECT (the socket was dropped without a word).
 */
function answerInBceForm(server: Server): void {
  server.on('clientError', answerClientError);
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomUUID();
    res.setHeader('x-bce-request-id', requestId);
    res.setHeader('Connection', 'close');
    sendError(
      res,
      417,
      'InvalidHTTPRequest',
      'The Expect header can only be "100-continue"; send the request without it.',
      requestId,
    );
  });
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    answerOnSocket(socket, 405, 'MethodNotAllowed', 'CONNECT is not supported: this is not a proxy.');
  });
}

/**
 * Timeouts a client cannot hold a socket past: without them a client that trickles its headers or body keeps
 * it for node's 5 minutes.
 */
export function httpOptions(requestTimeoutMs: number): HttpOptions {
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeoutMs / 4))),
    // node's own refusal of a missing Host is a bare 400; the handler refuses it in BCE form instead.
    requireHostHeader: false,
  };
}

/** A listener bound to host:port (0: a free one), answering in BCE form; resolves once it accepts. */
export async function openListener(
  options: HttpOptions,
  handler: RequestListener,
  host: string,
  port: number,
  opened: Server[],
): Promise<{ server: Server; port: number }> {
  const server = createServer(options, handler);
  answerInBceForm(server);
  opened.push(server);
  return { server, port: await listen(server, host, port) };
}

/** Stops accepting, lets in-flight requests finish, and cuts whatever is still open at the deadline. */
export function drain(server: Server, deadlineMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const timer = setTimeout(() => server.closeAllConnections(), deadlineMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
