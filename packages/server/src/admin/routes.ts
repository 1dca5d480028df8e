// The emulator's control plane under /_admin: never reachable through BCE paths, guarded by a bearer token
// when one is configured. Bodies are checked strictly: a field the API does not know is an error, never
// silently ignored.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OPERATIONS } from '@peerconn/sdk/operations';
import { z } from 'zod';
import {
  TIMING_PRESET_NAMES,
  type TimingTable,
  TRANSITION_NAMES,
  timingChangeSchema,
  timingName,
  timingPreset,
  transitionTimingSchema,
} from '../domain/timing.ts';
import { ACCOUNT_ID_PATTERN } from '../domain/values.ts';
import type { ClockChange, Engine, Snapshot } from '../engine/api.ts';
import { serviceError } from '../errors.ts';
import type { Extension } from '../http/app.ts';
import { safeEqual } from '../http/auth.ts';
import { readBody } from '../http/body.ts';
import { decodePath, parseQuery, splitTarget } from '../http/query.ts';
import { sendEmpty, sendJson } from '../http/respond.ts';
import { act, actSchema } from './act.ts';
import { answerReadiness } from './readiness.ts';
import { ChangeStreams } from './stream.ts';
import { stateView } from './views.ts';

export const ADMIN_PREFIX = '/_admin';

/** What the admin API needs from the server it runs in. */
export interface AdminContext {
  engine: Engine;
  adminBodyLimitBytes: number;
  /** When set, every admin call but the health check needs `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
  /** Regions the server has endpoints for (its listeners'), for the console's choices. */
  regions?: readonly string[];
}

/** What the handlers work with: the context plus the server's open change streams. */
interface AdminRuntime extends AdminContext {
  streams: ChangeStreams;
}

export function isAdminPath(rawPath: string): boolean {
  return rawPath === ADMIN_PREFIX || rawPath.startsWith(`${ADMIN_PREFIX}/`);
}

const faultRuleSchema = z.strictObject({
  operation: z
    .string()
    .refine((name) => name === '*' || Object.hasOwn(OPERATIONS, name), {
      message: `must be "*" or an operation name (${Object.keys(OPERATIONS).join(', ')})`,
    })
    .optional(),
  status: z.number().int().min(100).max(599),
  code: z.string().min(1).optional(),
  message: z.string().optional(),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  emptyBody: z.boolean().optional(),
  retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
  drop: z.enum(['before', 'after']).optional(),
  times: z.number().int().min(1).optional(),
  ratio: z.number().min(0).max(1).optional(),
});

const credentialSchema = z.strictObject({
  accessKeyId: z.string().min(1).max(128),
  secretAccessKey: z.string().min(1).max(256),
  sessionToken: z.string().min(1).optional(),
});

const schemas = {
  reset: z.strictObject({
    accounts: z.boolean().optional(),
    clock: z.boolean().optional(),
    timing: z.boolean().optional(),
  }),
  account: z.strictObject({
    id: z.string().regex(ACCOUNT_ID_PATTERN, 'must be 32 lowercase hex characters').optional(),
    name: z.string().min(1).max(128),
    credentials: z.array(credentialSchema).optional(),
  }),
  credential: credentialSchema.partial(),
  clock: z.strictObject({
    set: z.union([z.literal('now'), z.iso.datetime({ offset: true })]).optional(),
    realTime: z.literal(true).optional(),
    advanceMs: z.number().int().optional(),
    advance: z
      .string()
      .regex(/^\d+(ms|s|m|h|d)$/, 'must look like 7d, 36h, 90m, 10s or 500ms')
      .optional(),
    freeze: z.boolean().optional(),
  }),
  timing: z.strictObject({
    preset: z.enum(TIMING_PRESET_NAMES).optional(),
    all: transitionTimingSchema.optional(),
    transitions: timingChangeSchema.optional(),
  }),
  run: z.strictObject({ peerConnId: z.string().min(1).optional() }),
  reachability: z.strictObject({
    from: z.strictObject({ vpcId: z.string().min(1), ip: z.string() }),
    to: z.strictObject({ ip: z.string() }),
  }),
  snapshot: z.looseObject({
    format: z.literal('peerconn-snapshot'),
    version: z.literal(1),
    exportedAt: z.string(),
  }),
};

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `7d` / `36h` / `90m` / `10s` / `500ms` in milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!m) throw serviceError('InvalidParameter', `Bad duration "${text}"; use forms like 7d, 36h, 90m, 10s.`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

async function readJson<T>(ctx: AdminContext, req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const text = (await readBody(req, ctx.adminBodyLimitBytes)).toString('utf8');
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw serviceError('MalformedJSON', 'The JSON you provided was not well-formed.');
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(body)';
    if (issue?.code === 'unrecognized_keys') {
      // A misspelt or invented field would otherwise be a silent no-op: name it and what the body takes.
      const where = issue.path.length > 0 ? ` in "${field}"` : '';
      const known = issue.path.length === 0 && schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
      throw serviceError(
        'InappropriateJSON',
        `Unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${where}: nothing was changed.${known.length > 0 ? ` This body takes ${known.map((k) => `"${k}"`).join(', ')}.` : ''}`,
      );
    }
    throw serviceError('InappropriateJSON', `Field "${field}": ${issue?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}

type Handler = (
  ctx: AdminRuntime,
  req: IncomingMessage,
  res: ServerResponse,
  params: string[],
) => Promise<void>;

interface Route {
  method: string;
  /** The path after `/_admin/`, with `{placeholders}`: what the index page lists. */
  path: string;
  summary: string;
  pattern: RegExp;
  handler: Handler;
}

const ROUTES: Route[] = [
  {
    method: 'GET',
    path: 'healthz',
    summary: 'up; with access also the clock and the timing in force',
    pattern: /^healthz$/,
    handler: async (ctx, req, res) => {
      // Probes without a token learn only that the server is up; whoever may use the API also sees the state
      // a restart keeps (a moved clock, non-default timing), so that state is never invisible.
      if (!isAuthorized(ctx, req)) {
        sendJson(res, 200, { status: 'ok' });
        return;
      }
      const clock = ctx.engine.clock();
      sendJson(res, 200, { status: 'ok', clock, timing: timingName(ctx.engine.timing()) });
    },
  },
  {
    method: 'GET',
    path: 'readyz',
    summary: 'ready to serve: 200, or 503 with the reason while the state store is unreachable or full',
    pattern: /^readyz$/,
    handler: async (ctx, _req, res) => answerReadiness(ctx.engine, res),
  },
  {
    method: 'POST',
    path: 'reset',
    summary: 'drop resources, tokens and fault rules; {accounts,clock,timing} also those',
    pattern: /^reset$/,
    handler: async (ctx, req, res) => {
      await ctx.engine.reset(stripUndefined(await readJson(ctx, req, schemas.reset)));
      sendEmpty(res, 204);
    },
  },
  {
    method: 'GET',
    path: 'accounts',
    summary: 'accounts and their keys',
    pattern: /^accounts$/,
    handler: async (ctx, _req, res) => sendJson(res, 200, { accounts: await ctx.engine.listAccounts() }),
  },
  {
    method: 'POST',
    path: 'accounts',
    summary: 'create an account {name, id?, credentials?}',
    pattern: /^accounts$/,
    handler: async (ctx, req, res) => {
      const body = await readJson(ctx, req, schemas.account);
      const input: Parameters<typeof ctx.engine.createAccount>[0] = { name: body.name };
      if (body.id !== undefined) input.id = body.id;
      if (body.credentials !== undefined) input.credentials = body.credentials.map(stripUndefined);
      sendJson(res, 200, await ctx.engine.createAccount(input));
    },
  },
  {
    method: 'DELETE',
    path: 'accounts/{id}',
    summary: 'delete an account that owns nothing',
    pattern: /^accounts\/([^/]+)$/,
    handler: async (ctx, _req, res, [accountId]) => {
      await ctx.engine.deleteAccount(accountId as string);
      sendEmpty(res, 204);
    },
  },
  {
    method: 'POST',
    path: 'accounts/{id}/credentials',
    summary: 'add a key pair',
    pattern: /^accounts\/([^/]+)\/credentials$/,
    handler: async (ctx, req, res, [accountId]) => {
      const body = stripUndefined(await readJson(ctx, req, schemas.credential));
      sendJson(res, 200, await ctx.engine.addCredential(accountId as string, body));
    },
  },
  {
    method: 'DELETE',
    path: 'accounts/{id}/credentials/{accessKeyId}',
    summary: 'remove a key pair',
    pattern: /^accounts\/([^/]+)\/credentials\/([^/]+)$/,
    handler: async (ctx, _req, res, [accountId, accessKeyId]) => {
      await ctx.engine.removeCredential(accountId as string, accessKeyId as string);
      sendEmpty(res, 204);
    },
  },
  {
    method: 'GET',
    path: 'clock',
    summary: 'the virtual clock',
    pattern: /^clock$/,
    handler: async (ctx, _req, res) => sendJson(res, 200, ctx.engine.clock()),
  },
  {
    method: 'POST',
    path: 'clock',
    summary: 'move it: {advance} {set} {freeze}; {realTime:true} back to real time',
    pattern: /^clock$/,
    handler: async (ctx, req, res) => {
      const body = await readJson(ctx, req, schemas.clock);
      const change: ClockChange = {};
      if (body.set !== undefined) change.set = body.set;
      if (body.freeze !== undefined) change.freeze = body.freeze;
      if (body.realTime !== undefined) change.realTime = body.realTime;
      if (body.advanceMs !== undefined || body.advance !== undefined) {
        change.advanceMs = (body.advanceMs ?? 0) + (body.advance ? parseDuration(body.advance) : 0);
      }
      sendJson(res, 200, await ctx.engine.setClock(change));
    },
  },
  {
    method: 'GET',
    path: 'timing',
    summary: 'how long each transition takes',
    pattern: /^timing$/,
    handler: async (ctx, _req, res) => sendJson(res, 200, { transitions: ctx.engine.timing() }),
  },
  {
    method: 'PUT',
    path: 'timing',
    summary: '{preset: default|immediate|manual}, {all}, {transitions}',
    pattern: /^timing$/,
    handler: async (ctx, req, res) => {
      const body = await readJson(ctx, req, schemas.timing);
      // Applied in this order: a preset, then `all`, then single transitions, so they combine as one reads them.
      const change: Partial<TimingTable> = body.preset ? timingPreset(body.preset) : {};
      if (body.all) for (const name of TRANSITION_NAMES) change[name] = { ...body.all };
      for (const [name, timing] of Object.entries(body.transitions ?? {})) {
        if (timing) change[name as keyof TimingTable] = timing;
      }
      sendJson(res, 200, { transitions: await ctx.engine.setTiming(change) });
    },
  },
  {
    method: 'GET',
    path: 'transitions',
    summary: 'pending timed and manual transitions',
    pattern: /^transitions$/,
    handler: async (ctx, _req, res) => sendJson(res, 200, { pending: await ctx.engine.pendingTransitions() }),
  },
  {
    method: 'POST',
    path: 'transitions/run',
    summary: 'apply pending transitions {peerConnId?}',
    pattern: /^transitions\/run$/,
    handler: async (ctx, req, res) => {
      const body = await readJson(ctx, req, schemas.run);
      sendJson(res, 200, { applied: await ctx.engine.runTransitions(body.peerConnId) });
    },
  },
  {
    method: 'GET',
    path: 'faults',
    summary: 'fault rules',
    pattern: /^faults$/,
    handler: async (ctx, _req, res) => sendJson(res, 200, { faults: ctx.engine.listFaults() }),
  },
  {
    method: 'POST',
    path: 'faults',
    summary: 'add a fault rule {operation, status, …}',
    pattern: /^faults$/,
    handler: async (ctx, req, res) => {
      const rule = await ctx.engine.addFault(stripUndefined(await readJson(ctx, req, faultRuleSchema)));
      sendJson(res, 200, rule);
    },
  },
  {
    method: 'DELETE',
    path: 'faults',
    summary: 'remove every fault rule',
    pattern: /^faults$/,
    handler: async (ctx, _req, res) => {
      await ctx.engine.clearFaults();
      sendEmpty(res, 204);
    },
  },
  {
    method: 'DELETE',
    path: 'faults/{id}',
    summary: 'remove one fault rule',
    pattern: /^faults\/([^/]+)$/,
    handler: async (ctx, _req, res, [id]) => {
      await ctx.engine.removeFault(id as string);
      sendEmpty(res, 204);
    },
  },
  {
    method: 'GET',
    path: 'events',
    summary: 'the timeline of state changes ?peerConnId&afterSeq&limit',
    pattern: /^events$/,
    handler: async (ctx, req, res) => {
      const query = parseQuery(splitTarget(req.url ?? '/').rawQuery);
      const peerConnId = query.get('peerConnId') || undefined;
      const afterSeq = wholeNumber(query.get('afterSeq'), 'afterSeq', 0);
      const limit = wholeNumber(query.get('limit'), 'limit', 1000);
      if (limit < 1 || limit > 10_000) {
        throw serviceError('InvalidParameter', 'Parameter "limit" must be between 1 and 10000.');
      }
      const events = await ctx.engine.listEvents({ ...(peerConnId ? { peerConnId } : {}), afterSeq, limit });
      sendJson(res, 200, { events });
    },
  },
  {
    method: 'GET',
    path: 'state',
    summary: 'everything across accounts and regions, both sides of every connection (the console)',
    pattern: /^state$/,
    handler: async (ctx, _req, res) => {
      const [overview, pending] = await Promise.all([ctx.engine.overview(), ctx.engine.pendingTransitions()]);
      const rest = {
        regions: [...(ctx.regions ?? [])],
        clock: ctx.engine.clock(),
        pending,
        timing: ctx.engine.timing(),
        faults: ctx.engine.listFaults(),
      };
      sendJson(res, 200, stateView(overview, rest));
    },
  },
  {
    method: 'POST',
    path: 'reachability',
    summary: 'would {from:{vpcId,ip}} reach {to:{ip}} through the route tables and peerings, and back?',
    pattern: /^reachability$/,
    handler: async (ctx, req, res) => {
      const query = await readJson(ctx, req, schemas.reachability);
      sendJson(res, 200, await ctx.engine.reachability(query));
    },
  },
  {
    method: 'POST',
    path: 'act',
    summary: 'run an operation as an account {accountId, region, operation, input}',
    pattern: /^act$/,
    handler: async (ctx, req, res) => {
      const body = stripUndefined(await readJson(ctx, req, actSchema));
      const requestId = String(res.getHeader('x-bce-request-id') ?? randomUUID());
      sendJson(res, 200, await act(ctx.engine, body, requestId));
    },
  },
  {
    method: 'GET',
    path: 'stream',
    summary: 'Server-Sent Events: a message whenever the state changed',
    pattern: /^stream$/,
    handler: async (ctx, req, res) => ctx.streams.serve(req, res),
  },
  {
    method: 'GET',
    path: 'snapshot',
    summary: 'export the whole state as JSON',
    pattern: /^snapshot$/,
    handler: async (ctx, _req, res) => sendJson(res, 200, await ctx.engine.exportSnapshot()),
  },
  {
    method: 'POST',
    path: 'snapshot',
    summary: 'import (replace) the whole state',
    pattern: /^snapshot$/,
    handler: async (ctx, req, res) => {
      const snapshot = (await readJson(ctx, req, schemas.snapshot)) as Snapshot;
      await ctx.engine.importSnapshot(snapshot);
      sendEmpty(res, 204);
    },
  },
];

/** What the admin API offers, for the index page: method, full path and one line each. */
export function adminRoutes(): Array<{ method: string; path: string; summary: string }> {
  return ROUTES.map(({ method, path, summary }) => ({ method, path: `${ADMIN_PREFIX}/${path}`, summary }));
}

function wholeNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,15}$/.test(value)) {
    throw serviceError('InvalidParameter', `Parameter "${name}" must be a whole number, not "${value}".`);
  }
  return Number(value);
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

function isAuthorized(ctx: AdminContext, req: IncomingMessage): boolean {
  if (!ctx.adminToken) return true;
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  return m !== null && safeEqual(m[1] as string, ctx.adminToken);
}

function authorize(ctx: AdminContext, req: IncomingMessage): void {
  if (!isAuthorized(ctx, req)) {
    throw serviceError('AccessDenied', 'The admin API needs "Authorization: Bearer <adminToken>".');
  }
}

/** A Host header naming this machine by a loopback name: 127.x.x.x, localhost (or a name under it), [::1]. */
function isLoopbackHostHeader(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
}

/**
 * Without a token the admin API trusts whoever reaches it, and on loopback only programs on this machine can.
 * A web page can still get there by DNS rebinding: its own name made to resolve to 127.0.0.1, which then
 * stands in both Host and Origin. So without a token the admin API answers only requests addressed to a
 * loopback name; with a token (always in force beyond loopback) the token decides. docs/server.md, "Admin API".
 */
function refuseRebinding(ctx: AdminContext, req: IncomingMessage): void {
  const host = req.headers.host;
  if (ctx.adminToken || host === undefined || isLoopbackHostHeader(host)) return;
  throw serviceError(
    'AccessDenied',
    `Without an admin token the admin API answers requests addressed to a loopback name only (127.0.0.1, localhost, [::1]), not ${JSON.stringify(host)}; use one of those, or start the server with --admin-token.`,
  );
}

/**
 * A browser sends Origin with every cross-origin POST, PUT or DELETE, and some of those (a form, a text/plain
 * fetch) reach the server without a CORS preflight. Without a token the admin API would obey any web page the
 * user visits; refusing foreign origins for changes closes that. Tools such as curl send no Origin at all.
 */
function refuseForeignOrigin(req: IncomingMessage, method: string): void {
  const origin = req.headers.origin;
  if (origin === undefined || method === 'GET' || method === 'HEAD') return;
  let host = '';
  try {
    host = new URL(origin).host;
  } catch {
    // "null" (a sandboxed frame, a file) or garbage: not this server's origin.
  }
  if (host === '' || host !== req.headers.host) {
    throw serviceError(
      'AccessDenied',
      `The admin API accepts changes from its own origin only, not ${origin}.`,
    );
  }
}

async function handleAdmin(
  ctx: AdminRuntime,
  req: IncomingMessage,
  res: ServerResponse,
  rawPath: string,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const rest = decodePath(rawPath).segments.slice(1).join('/');
  // Health checks come from probes that hold no token and learn nothing from the answer.
  if (!(method === 'GET' && (rest === 'healthz' || rest === 'readyz'))) authorize(ctx, req);
  refuseRebinding(ctx, req);
  refuseForeignOrigin(req, method);
  const byPath = ROUTES.flatMap((r) => {
    const m = r.pattern.exec(rest);
    return m ? [{ route: r, params: m.slice(1) }] : [];
  });
  if (byPath.length === 0) throw serviceError('NotFound', `No admin API at "${rawPath}".`);
  const chosen = byPath.find((c) => c.route.method === method);
  if (!chosen) {
    const allowed = byPath.map((c) => c.route.method).join(', ');
    throw serviceError(
      'MethodNotAllowed',
      `Method ${method} is not allowed on ${rawPath}; allowed: ${allowed}.`,
    );
  }
  await chosen.route.handler(ctx, req, res, chosen.params);
}

/** The admin API as an extension of the HTTP server: on every listener, and on the admin-only one. */
export function adminExtension(ctx: AdminContext): Extension {
  const runtime: AdminRuntime = { ...ctx, streams: new ChangeStreams(ctx.engine) };
  return {
    name: 'admin',
    onAdminListener: true,
    matches: isAdminPath,
    handle: (req, res, rawPath) => handleAdmin(runtime, req, res, rawPath),
    close: () => runtime.streams.closeAll(),
  };
}
