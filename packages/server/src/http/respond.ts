// Rendering of BCE responses: every answer is JSON-typed and carries the request id. Bodies leave as one string
// in res.end(), so node writes status line, headers and body in a single write.
import type { ServerResponse } from 'node:http';
import { toJsonText } from '../domain/view.ts';

export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = toJsonText(body);
  res.writeHead(status, { 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** A success (or injected fault) with no body: `Content-Length: 0`, which every official SDK reads as "no data". */
export function sendEmpty(res: ServerResponse, status = 200): void {
  res.writeHead(status, { 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': 0 });
  res.end();
}

export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  requestId: string,
): void {
  sendJson(res, status, { code, message, requestId });
}
