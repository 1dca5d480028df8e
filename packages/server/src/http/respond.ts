// Rendering of BCE responses: every answer is JSON-typed and carries the request id.
import type { ServerResponse } from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  res.setHeader('Content-Length', payload.length);
  res.end(payload);
}

/** A success (or injected fault) with no body: `Content-Length: 0`, which every official SDK reads as "no data". */
export function sendEmpty(res: ServerResponse, status = 200): void {
  res.statusCode = status;
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  res.setHeader('Content-Length', 0);
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
