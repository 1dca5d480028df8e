// The request pipeline for BCE paths: parse → route by the operation table → verify signature → validate →
// fault injection → engine → render. Paths outside the BCE API (the admin API, the console) are handed to the
// extensions the server was assembled with. Anything that escapes as a non-ServiceError is a bug and is logged;
// a store outage is a ServiceError (503 with Retry-After), logged once by the store's health, not per request.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { defaultFaultCode } from '../domain/faults.ts';
import type { Engine } from '../engine/api.ts';
import { ServiceError, serviceError } from '../errors.ts';
import { StoreUnavailableError } from '../store/availability.ts';
import { verifyRequest } from './auth.ts';
import { readBody } from './body.ts';
import { requestFingerprint } from './fingerprint.ts';
import { decodePath, parseQuery, splitTarget } from './query.ts';
import { sendEmpty, sendError, sendJson } from './respond.ts';
import { route } from './router.ts';
import { parseBody, parseClientToken, parseQueryInput } from './schemas.ts';

/** What the BCE pipeline needs from the server it runs in. */
export interface HttpContext {
  engine: Engine;
  logger: Logger;
  bodyLimitBytes: number;
  clockSkewSeconds: number;
  /** Real wall clock in ms, for signature expiry. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** A part of the server that answers paths outside the BCE API (`/_admin`, the console). */
export interface Extension {
  /** Whether this extension answers the path; checked in order, before BCE routing. */
  matches(rawPath: string): boolean;
  /** Whether it is also served on a listener dedicated to the admin API (`--admin-port`). */
  onAdminListener: boolean;
  /** Name logged as the request's operation. */
  name: string;
  handle(req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void>;
  /** Called when the server starts closing: ends responses that would otherwise stay open (streams). */
  close?(): void;
}

export interface ListenerInfo {
  region: string;
  /** A dedicated admin listener answers nothing but `/_admin`. */
  adminOnly: boolean;
}

interface RequestLog {
  /** The request target's path, once split off its query. */
  rawPath?: string;
  operation?: string;
  account?: string;
  /** The BCE error the request was answered with. */
  code?: string;
  message?: string;
}

const REGION_HOST = /^(?:bcc|vpc)\.([a-z0-9-]+)\.baidubce\.com(?::\d+)?$/i;

export function regionFromHost(host: string | undefined, fallback: string): string {
  const match = host ? REGION_HOST.exec(host.trim()) : null;
  return match ? (match[1] as string).toLowerCase() : fallback;
}

/** Header names lowercased, repeated headers joined with ',' as the signers expect. */
export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const seen = out[name];
    out[name] = seen === undefined ? value : `${seen},${value}`;
  }
  return out;
}

export function createHandler(
  ctx: HttpContext,
  listener: ListenerInfo,
  extensions: readonly Extension[] = [],
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = randomUUID();
    const started = performance.now();
    const log: RequestLog = {};
    res.on('finish', () => {
      ctx.logger.info(
        {
          requestId,
          method: req.method,
          path: log.rawPath ?? splitTarget(req.url ?? '/').rawPath,
          operation: log.operation,
          status: res.statusCode,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          account: log.account,
          code: log.code,
          message: log.message,
        },
        'request',
      );
    });
    dispatch(ctx, listener, extensions, req, res, requestId, log).catch((error: unknown) => {
      renderFailure(ctx, req, res, requestId, error, log);
    });
  };
}

async function dispatch(
  ctx: HttpContext,
  listener: ListenerInfo,
  extensions: readonly Extension[],
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  log: RequestLog,
): Promise<void> {
  if (req.headers.host === undefined && req.httpVersion === '1.1') {
    throw serviceError(
      'InvalidHTTPRequest',
      'An HTTP/1.1 request must carry a Host header: the endpoint, which also names the region.',
    );
  }
  const { rawPath, rawQuery } = splitTarget(req.url ?? '/');
  log.rawPath = rawPath;
  for (const extension of extensions) {
    if (!extension.matches(rawPath) || (listener.adminOnly && !extension.onAdminListener)) continue;
    log.operation = extension.name;
    // Extensions answer through the response object themselves; the id is set on it for them.
    res.setHeader('x-bce-request-id', requestId);
    await extension.handle(req, res, rawPath);
    return;
  }
  if (listener.adminOnly) {
    throw serviceError('NotFound', 'This port serves only the admin API under /_admin.');
  }
  if (rawPath === WHOAMI_PATH) {
    log.operation = 'whoami';
    await handleWhoami(ctx, listener, req, res, requestId, log);
    return;
  }
  await handleBce(ctx, listener, req, res, rawPath, rawQuery, requestId, log);
}

/**
 * A peerconn extension, signed like any BCE request: tells the caller which account its key belongs to, so
 * tools (`peerconn whoami`) need no ids copied from the banner. The real cloud answers 404 here.
 */
export const WHOAMI_PATH = '/_whoami';

async function handleWhoami(
  ctx: HttpContext,
  listener: ListenerInfo,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  log: RequestLog,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'GET') {
    throw serviceError(
      'MethodNotAllowed',
      `Method ${method} is not allowed on ${WHOAMI_PATH}; allowed: GET.`,
    );
  }
  const { rawQuery } = splitTarget(req.url ?? '/');
  const headers = flattenHeaders(req);
  const caller = await verifyRequest(
    ctx.engine,
    { method, path: WHOAMI_PATH, query: parseQuery(rawQuery), headers },
    { now: ctx.now, clockSkewSeconds: ctx.clockSkewSeconds },
  );
  log.account = caller.accountId;
  const account = (await ctx.engine.listAccounts()).find((a) => a.id === caller.accountId);
  sendJson(
    res,
    200,
    {
      accountId: caller.accountId,
      accountName: account?.name ?? '',
      accessKeyId: caller.accessKeyId,
      region: regionFromHost(headers.host, listener.region),
    },
    requestId,
  );
}

async function handleBce(
  ctx: HttpContext,
  listener: ListenerInfo,
  req: IncomingMessage,
  res: ServerResponse,
  rawPath: string,
  rawQuery: string,
  requestId: string,
  log: RequestLog,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const { path, segments } = decodePath(rawPath);
  const query = parseQuery(rawQuery);
  const { operation: spec, pathParams } = route(method, segments, query);
  log.operation = spec.name;

  const headers = flattenHeaders(req);
  const caller = await verifyRequest(
    ctx.engine,
    { method, path, query, headers },
    { now: ctx.now, clockSkewSeconds: ctx.clockSkewSeconds },
  );
  log.account = caller.accountId;

  const clientToken = spec.mutating ? parseClientToken(query) : undefined;
  const queryInput = parseQueryInput(spec, query);
  const body = parseBody(spec, await readBody(req, ctx.bodyLimitBytes, headers));
  const input: Record<string, unknown> = { ...body, ...queryInput, ...pathParams };

  const fault = await ctx.engine.takeFault(spec.name);
  if (fault) {
    if (fault.latencyMs) await ctx.sleep(fault.latencyMs);
    if (fault.drop === 'before') {
      dropConnection(req);
      return;
    }
    const passThrough = fault.drop === 'after' || (fault.status < 300 && !fault.emptyBody);
    if (!passThrough) {
      if (fault.retryAfterSeconds !== undefined)
        res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      if (fault.emptyBody) {
        sendEmpty(res, fault.status, requestId);
      } else {
        log.code = fault.code ?? defaultFaultCode(fault.status);
        log.message = fault.message ?? `Injected fault for ${spec.name}.`;
        sendError(res, fault.status, log.code, log.message, requestId);
      }
      return;
    }
  }

  const result = await ctx.engine.execute(
    spec.name,
    { accountId: caller.accountId, region: regionFromHost(headers.host, listener.region), requestId },
    input,
    clientToken ? { clientToken, fingerprint: requestFingerprint(spec.name, path, query, body) } : undefined,
  );
  if (fault?.drop === 'after') {
    dropConnection(req);
    return;
  }
  if (spec.returnsData) sendJson(res, 200, result ?? {}, requestId);
  else sendEmpty(res, 200, requestId);
}

/** A fault rule's lost answer: the connection closes with nothing sent, as when a network cuts it. */
function dropConnection(req: IncomingMessage): void {
  req.socket.destroy();
}

export function renderFailure(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  error: unknown,
  log: RequestLog = {},
): void {
  if (res.headersSent) {
    ctx.logger.error({ requestId, err: error }, 'failure after the response started');
    res.destroy();
    return;
  }
  if (error instanceof ServiceError) {
    if (error.code === 'EntityTooLarge') res.setHeader('Connection', 'close');
    if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    // Counted for the line that reports the outage's end; the outage itself was logged once, when it began.
    if (error instanceof StoreUnavailableError) ctx.engine.storeHealth().refused();
    let message = error.message;
    if (error.detail && ctx.logger.isLevelEnabled('debug')) {
      ctx.logger.debug(
        { requestId, code: error.code, ...error.detail },
        `${error.code}: what the server computed`,
      );
      // As S3 does: with debug logging on, the answer itself says what the server signed, for a diff.
      message += ` Server side: ${Object.entries(error.detail)
        .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
        .join('; ')}.`;
    }
    log.code = error.code;
    log.message = message;
    sendError(res, error.statusCode, error.code, message, requestId);
    return;
  }
  ctx.logger.error({ requestId, method: req.method, url: req.url, err: error }, 'unexpected error');
  log.code = 'InternalError';
  log.message = 'We encountered an internal error. Please try again.';
  sendError(res, 500, log.code, log.message, requestId);
}
