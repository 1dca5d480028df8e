// Rendering of BCE responses: every answer is JSON-typed and carries the request id. Bodies leave as one buffer
// in res.end(), so node writes status line, headers and body in a single write; a body that never changes (a
// rendering, a list page built from cached rows: domain/view.ts) is encoded once, not per answer. The headers go to writeHead in
// one object, request id included: node takes such an object as it is, while a header set beforehand with
// setHeader makes it merge the two header by header on every response.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { toJsonBytes } from '../domain/view.ts';

export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

/** `requestId`, when given, goes out as `x-bce-request-id` (otherwise the caller has set it on `res`). */
function jsonHeaders(length: number, requestId: string | undefined): OutgoingHttpHeaders {
  return requestId === undefined
    ? { 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': length }
    : { 'x-bce-request-id': requestId, 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': length };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, requestId?: string): void {
  const bytes = toJsonBytes(body);
  res.writeHead(status, jsonHeaders(bytes.length, requestId));
  res.end(bytes);
}

/** A success (or injected fault) with no body: `Content-Length: 0`, which every official SDK reads as "no data". */
export function sendEmpty(res: ServerResponse, status = 200, requestId?: string): void {
  res.writeHead(status, jsonHeaders(0, requestId));
  res.end();
}

export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  requestId: string,
): void {
  sendJson(res, status, { code, message, requestId }, requestId);
}
