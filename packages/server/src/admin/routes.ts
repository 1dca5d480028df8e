// The emulator's control plane under /_admin: never reachable through BCE paths, guarded as access.ts says,
// bodies read strictly (bodies.ts). One table of routes, each a method, a path template (matched by the same
// path router as the BCE API), a line for the index page and a small named handler; to add a route, write its
// handler and add its row (docs/CONTRACTS.md lists the routes and a test holds it to this table).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { reachRequest } from '../domain/reachability.ts';
import { type TimingTable, TRANSITION_NAMES, timingName, timingPreset } from '../domain/timing.ts';
import type { ClockChange, Engine, Snapshot } from '../engine/api.ts';
import { serviceError } from '../errors.ts';
import type { Extension } from '../http/app.ts';
import { PathRoutes } from '../http/path-routes.ts';
import { decodePath, parseQuery, splitTarget } from '../http/query.ts';
import { sendEmpty, sendJson } from '../http/respond.ts';
import { authorize, isAuthorized, refuseForeignOrigin, refuseRebinding } from './access.ts';
import { act, actSchema } from './act.ts';
import { ADMIN_BODIES, parseDuration, readAdminBody } from './bodies.ts';
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

/** The `{parameters}` of a path template, as a union of their names. */
type ParamsOf<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamsOf<Rest>
  : never;

/** One admin request as its handler sees it; `Param` names the parameters its route's template has. */
interface AdminCall<Param extends string = never> {
  readonly admin: AdminRuntime;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Whether the caller may use the admin API (only an open route runs without it). */
  readonly authorized: boolean;
  /** A parameter of the route's path template (a handler asking for one its template lacks fails to compile). */
  readonly param: (name: Param) => string;
  /** The body, checked against one of bodies.ts's schemas. */
  readonly body: <T>(schema: z.ZodType<T>) => Promise<T>;
}

/** What a handler answers: a JSON body (200), nothing (204), or that it wrote the response itself. */
type Answer = { json: unknown } | 'no content' | 'streamed';

type AdminHandler<Param extends string = never> = (call: AdminCall<Param>) => Promise<Answer>;

interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path template after `/_admin/`, with `{parameters}`. */
  path: string;
  handler: AdminHandler<string>;
  /** One line for the index page. */
  summary: string;
  /** Answered without the admin token (what it shows may still depend on having it). */
  open?: boolean;
}

const json = (value: unknown): Answer => ({ json: value });

function route<Path extends string>(
  method: AdminRoute['method'],
  path: Path,
  handler: AdminHandler<ParamsOf<Path>>,
  summary: string,
  extra: Pick<AdminRoute, 'open'> = {},
): AdminRoute {
  // The row's template and its handler's parameters agree (checked above); the table holds them as strings.
  return { method, path, handler: handler as AdminHandler<string>, summary, ...extra };
}

// Probes without a token learn only that the server is up; whoever may use the API also sees the state a
// restart keeps (a moved clock, non-default timing), so that state is never invisible.
async function health({ admin, authorized }: AdminCall): Promise<Answer> {
  if (!authorized) return json({ status: 'ok' });
  return json({ status: 'ok', clock: admin.engine.clock(), timing: timingName(admin.engine.timing()) });
}

/** Readiness writes its own answer: 200, or 503 with Retry-After and the reason (admin/readiness.ts). */
async function readiness({ admin, res }: AdminCall): Promise<Answer> {
  await answerReadiness(admin.engine, res);
  return 'streamed';
}

async function storeCounters({ admin }: AdminCall): Promise<Answer> {
  return json(admin.engine.storeCounters());
}

async function reset(call: AdminCall): Promise<Answer> {
  await call.admin.engine.reset(stripUndefined(await call.body(ADMIN_BODIES.reset)));
  return 'no content';
}

async function listAccounts({ admin }: AdminCall): Promise<Answer> {
  return json({ accounts: await admin.engine.listAccounts() });
}

async function createAccount(call: AdminCall): Promise<Answer> {
  const body = await call.body(ADMIN_BODIES.account);
  const input: Parameters<Engine['createAccount']>[0] = { name: body.name };
  if (body.id !== undefined) input.id = body.id;
  if (body.credentials !== undefined) input.credentials = body.credentials.map(stripUndefined);
  return json(await call.admin.engine.createAccount(input));
}

async function deleteAccount(call: AdminCall<'id'>): Promise<Answer> {
  await call.admin.engine.deleteAccount(call.param('id'));
  return 'no content';
}

async function addCredential(call: AdminCall<'id'>): Promise<Answer> {
  const body = stripUndefined(await call.body(ADMIN_BODIES.credential));
  return json(await call.admin.engine.addCredential(call.param('id'), body));
}

async function removeCredential(call: AdminCall<'id' | 'accessKeyId'>): Promise<Answer> {
  await call.admin.engine.removeCredential(call.param('id'), call.param('accessKeyId'));
  return 'no content';
}

async function getClock({ admin }: AdminCall): Promise<Answer> {
  return json(admin.engine.clock());
}

async function moveClock(call: AdminCall): Promise<Answer> {
  const body = await call.body(ADMIN_BODIES.clock);
  const change: ClockChange = {};
  if (body.set !== undefined) change.set = body.set;
  if (body.freeze !== undefined) change.freeze = body.freeze;
  if (body.realTime !== undefined) change.realTime = body.realTime;
  if (body.advanceMs !== undefined || body.advance !== undefined) {
    change.advanceMs = (body.advanceMs ?? 0) + (body.advance ? parseDuration(body.advance) : 0);
  }
  return json(await call.admin.engine.setClock(change));
}

async function getTiming({ admin }: AdminCall): Promise<Answer> {
  return json({ transitions: admin.engine.timing() });
}

async function setTiming(call: AdminCall): Promise<Answer> {
  const body = await call.body(ADMIN_BODIES.timing);
  // Applied in this order: a preset, then `all`, then single transitions, so they combine as one reads them.
  const change: Partial<TimingTable> = body.preset ? timingPreset(body.preset) : {};
  if (body.all) for (const name of TRANSITION_NAMES) change[name] = { ...body.all };
  for (const [name, timing] of Object.entries(body.transitions ?? {})) {
    if (timing) change[name as keyof TimingTable] = timing;
  }
  return json({ transitions: await call.admin.engine.setTiming(change) });
}

async function listTransitions({ admin }: AdminCall): Promise<Answer> {
  return json({ pending: await admin.engine.pendingTransitions() });
}

async function runTransitions(call: AdminCall): Promise<Answer> {
  const body = await call.body(ADMIN_BODIES.run);
  return json({ applied: await call.admin.engine.runTransitions(body.peerConnId) });
}

async function listFaults({ admin }: AdminCall): Promise<Answer> {
  return json({ faults: admin.engine.listFaults() });
}

async function addFault(call: AdminCall): Promise<Answer> {
  return json(await call.admin.engine.addFault(stripUndefined(await call.body(ADMIN_BODIES.fault))));
}

async function clearFaults({ admin }: AdminCall): Promise<Answer> {
  await admin.engine.clearFaults();
  return 'no content';
}

async function removeFault(call: AdminCall<'id'>): Promise<Answer> {
  await call.admin.engine.removeFault(call.param('id'));
  return 'no content';
}

async function listEvents({ admin, req }: AdminCall): Promise<Answer> {
  const query = parseQuery(splitTarget(req.url ?? '/').rawQuery);
  const peerConnId = query.get('peerConnId') || undefined;
  const afterSeq = wholeNumber(query.get('afterSeq'), 'afterSeq', 0);
  const limit = wholeNumber(query.get('limit'), 'limit', 1000);
  if (limit < 1 || limit > 10_000) {
    throw serviceError('InvalidParameter', 'Parameter "limit" must be between 1 and 10000.');
  }
  return json({
    events: await admin.engine.listEvents({ ...(peerConnId ? { peerConnId } : {}), afterSeq, limit }),
  });
}

async function state({ admin }: AdminCall): Promise<Answer> {
  const [overview, pending] = await Promise.all([admin.engine.overview(), admin.engine.pendingTransitions()]);
  const rest = {
    regions: [...(admin.regions ?? [])],
    clock: admin.engine.clock(),
    pending,
    timing: admin.engine.timing(),
    faults: admin.engine.listFaults(),
  };
  return json(stateView(overview, rest));
}

async function reachability(call: AdminCall): Promise<Answer> {
  return json(await call.admin.engine.reachability(reachRequest(await call.body(ADMIN_BODIES.reachability))));
}

async function actAsAccount(call: AdminCall): Promise<Answer> {
  const body = stripUndefined(await call.body(actSchema));
  const requestId = String(call.res.getHeader('x-bce-request-id') ?? randomUUID());
  return json(await act(call.admin.engine, body, requestId));
}

async function stream({ admin, req, res }: AdminCall): Promise<Answer> {
  admin.streams.serve(req, res);
  return 'streamed';
}

async function exportSnapshot({ admin }: AdminCall): Promise<Answer> {
  return json(await admin.engine.exportSnapshot());
}

async function importSnapshot(call: AdminCall): Promise<Answer> {
  await call.admin.engine.importSnapshot((await call.body(ADMIN_BODIES.snapshot)) as Snapshot);
  return 'no content';
}

const ADMIN_ROUTES: readonly AdminRoute[] = [
  route('GET', 'healthz', health, 'up; with access also the clock and the timing in force', { open: true }),
  route(
    'GET',
    'readyz',
    readiness,
    'ready to serve: 200, or 503 with the reason while the state store is unreachable or full',
    { open: true },
  ),
  route(
    'GET',
    'store',
    storeCounters,
    'the state store: its kind, and counts of what it did (writes, retries, …)',
  ),
  route('POST', 'reset', reset, 'drop resources, tokens and fault rules; {accounts,clock,timing} also those'),
  route('GET', 'accounts', listAccounts, 'accounts and their keys'),
  route('POST', 'accounts', createAccount, 'create an account {name, id?, credentials?}'),
  route('DELETE', 'accounts/{id}', deleteAccount, 'delete an account that owns nothing'),
  route('POST', 'accounts/{id}/credentials', addCredential, 'add a key pair'),
  route('DELETE', 'accounts/{id}/credentials/{accessKeyId}', removeCredential, 'remove a key pair'),
  route('GET', 'clock', getClock, 'the virtual clock'),
  route('POST', 'clock', moveClock, 'move it: {advance} {set} {freeze}; {realTime:true} back to real time'),
  route('GET', 'timing', getTiming, 'how long each transition takes'),
  route('PUT', 'timing', setTiming, '{preset: default|immediate|manual}, {all}, {transitions}'),
  route('GET', 'transitions', listTransitions, 'pending timed and manual transitions'),
  route('POST', 'transitions/run', runTransitions, 'apply pending transitions {peerConnId?}'),
  route('GET', 'faults', listFaults, 'fault rules'),
  route('POST', 'faults', addFault, 'add a fault rule {operation, status, …}'),
  route('DELETE', 'faults', clearFaults, 'remove every fault rule'),
  route('DELETE', 'faults/{id}', removeFault, 'remove one fault rule'),
  route('GET', 'events', listEvents, 'the timeline of state changes ?peerConnId&afterSeq&limit'),
  route(
    'GET',
    'state',
    state,
    'everything across accounts and regions, both sides of every connection (the console)',
  ),
  route(
    'POST',
    'reachability',
    reachability,
    'would a packet {protocol, port} from {eniId} or {vpcId, ip} reach {eniId} or {ip} through the security groups, ACLs, route tables and peerings, and back?',
  ),
  route('POST', 'act', actAsAccount, 'run an operation as an account {accountId, region, operation, input}'),
  route('GET', 'stream', stream, 'Server-Sent Events: a message whenever the state changed'),
  route('GET', 'snapshot', exportSnapshot, 'export the whole state as JSON'),
  route('POST', 'snapshot', importSnapshot, 'import (replace) the whole state'),
];

const ROUTER = new PathRoutes(ADMIN_ROUTES, (r) => `${ADMIN_PREFIX}/${r.path}`);

/** What the admin API offers, for the index page: method, full path and one line each. */
export function adminRoutes(): Array<{ method: string; path: string; summary: string }> {
  return ADMIN_ROUTES.map(({ method, path, summary }) => ({
    method,
    path: `${ADMIN_PREFIX}/${path}`,
    summary,
  }));
}

export function isAdminPath(rawPath: string): boolean {
  return rawPath === ADMIN_PREFIX || rawPath.startsWith(`${ADMIN_PREFIX}/`);
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

async function handleAdmin(
  admin: AdminRuntime,
  req: IncomingMessage,
  res: ServerResponse,
  rawPath: string,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const { found, allowed } = ROUTER.lookup(method, decodePath(rawPath).segments);
  const chosen = found[0];
  // Access is settled before the path is: without the token, a caller learns nothing but the open routes.
  const authorized = isAuthorized(admin.adminToken, req);
  if (!chosen?.route.open) authorize(admin.adminToken, req);
  refuseRebinding(admin.adminToken, req);
  refuseForeignOrigin(req, method);
  if (!chosen) {
    if (allowed.length === 0) throw serviceError('NotFound', `No admin API at "${rawPath}".`);
    throw serviceError(
      'MethodNotAllowed',
      `Method ${method} is not allowed on ${rawPath}; allowed: ${allowed.join(', ')}.`,
    );
  }
  const { params } = chosen;
  const answer = await chosen.route.handler({
    admin,
    req,
    res,
    authorized,
    param: (name) => {
      const value = params[name];
      if (value === undefined) throw new Error(`admin route ${chosen.route.path} has no parameter {${name}}`);
      return value;
    },
    body: (schema) => readAdminBody(req, admin.adminBodyLimitBytes, schema),
  });
  if (answer === 'no content') sendEmpty(res, 204);
  else if (answer !== 'streamed') sendJson(res, 200, answer.json);
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
