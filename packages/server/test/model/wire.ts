// Requests of the model over real HTTP on loopback: built from the SDK's operation table, signed with bce-auth-v1
// (the SDK's signer), the region picked by the Host header, sent on keep-alive connections.
import { Agent } from 'node:http';
import { formatBceTimestamp, sign } from '@peerconn/sdk/internal';
import { OPERATIONS, type OperationSpec } from '@peerconn/sdk/operations';
import { type RawRequest, type RawResponse, raw } from '../http-support.ts';
import type { ModelRequest } from './model.ts';

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A request as built, before it is given a port and an agent to go on. */
export type HttpTarget = Omit<RawRequest, 'port' | 'agent'> & { headers: Record<string, string> };

/** A raw query value: everything but unreserved characters percent-encoded. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function specOf(op: string): OperationSpec {
  const spec = (OPERATIONS as Record<string, OperationSpec>)[op];
  if (!spec) throw new Error(`unknown operation ${op}`);
  return spec;
}

/** The HTTP request for a model request: method, target, signed headers and body. */
function buildHttp(req: ModelRequest, credential: Credential, port: number): HttpTarget {
  const spec = specOf(req.op);
  let path = spec.path;
  for (const [name, value] of Object.entries(req.path)) path = path.replace(`{${name}}`, encode(value));
  const query: Array<[string, string]> = [];
  if (spec.flag) query.push([spec.flag, '']);
  for (const [name, value] of Object.entries(req.query)) query.push([name, value]);
  if (req.clientToken !== undefined) query.push(['clientToken', req.clientToken]);
  const rawQuery = query.map(([k, v]) =>
    v === '' && k === spec.flag ? encode(k) : `${encode(k)}=${encode(v)}`,
  );
  const target = rawQuery.length > 0 ? `${path}?${rawQuery.join('&')}` : path;
  const body = req.body === undefined ? undefined : JSON.stringify(req.body);
  const now = new Date();
  const headers: Record<string, string> = {
    host: `bcc.${req.region}.baidubce.com:${port}`,
    'content-type': 'application/json;charset=utf-8',
    'x-bce-date': formatBceTimestamp(now),
  };
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  headers.authorization = sign({
    method: spec.method,
    path: decodeURIComponent(path),
    query,
    headers,
    accessKeyId: credential.accessKeyId,
    secretAccessKey: credential.secretAccessKey,
    timestamp: now,
  });
  return { method: spec.method, target, headers, ...(body === undefined ? {} : { body }) };
}

/** A model request, signed for its account, sent on a keep-alive agent; rejects only when no answer arrived. */
export function sendModelRequest(
  agent: Agent,
  port: number,
  req: ModelRequest,
  credential: Credential,
): Promise<RawResponse> {
  return raw({ ...buildHttp(req, credential, port), port, agent });
}

export function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 16 });
}

/** An admin call; the answer's JSON (undefined for 204). Throws on anything but 2xx. */
export async function adminCall(
  agent: Agent,
  port: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const res = await raw({
    port,
    agent,
    method,
    target: `/_admin${path}`,
    headers: {
      host: `127.0.0.1:${port}`,
      ...(text === undefined
        ? {}
        : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }),
    },
    ...(text === undefined ? {} : { body: text }),
  });
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`admin ${method} ${path} → ${res.status} ${res.text}`);
  }
  return res.json;
}
