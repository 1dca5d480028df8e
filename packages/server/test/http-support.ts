// Shared helpers for the HTTP and e2e tests: the in-process server on a place of the store fixture
// (store-choice.ts), raw HTTP on loopback, requests signed the way the official Python and Go SDKs sign them, and
// the world of the suites that drive the server through the SDK (sdkSuite, set-up steps, refusal scenarios).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { type Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  BceServiceError,
  type ClientConfig,
  PeerConnClient,
  RouteClient,
  SubnetClient,
  VpcClient,
} from '@peerconn/sdk';
import { formatBceTimestamp, sign } from '@peerconn/sdk/internal';
import type { ServerOptions } from '../src/config.ts';
import { timingPreset } from '../src/domain/timing.ts';
import type { AccountCredential } from '../src/engine/api.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { dropPlace, newStorePlace, type StorePlace, storeOptions } from './store-choice.ts';

export interface TestServer extends RunningServer {
  dir: string;
  port: number;
  /** First credential of the first two accounts (demo-a, demo-b). */
  a: AccountCredential & { accountId: string };
  b: AccountCredential & { accountId: string };
}

/**
 * A server on a place of the store fixture, on a free port and silent. Several starts on one place share its
 * data, as a restart does; the caller closes each server and drops the place.
 */
export function startServerOn(place: StorePlace, options: ServerOptions = {}): Promise<RunningServer> {
  return startServer({ port: 0, logLevel: 'silent', ...storeOptions(place), ...options });
}

/** A server on a fresh place with immediate timing; `close()` also drops the place. */
export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const place = newStorePlace();
  const server = await startServerOn(place, { timing: timingPreset('immediate'), ...options });
  const [first, second] = server.accounts;
  if (!first?.credentials[0] || !second?.credentials[0]) throw new Error('expected two demo accounts');
  const close = server.close;
  return Object.assign(server, {
    dir: place.dir as string,
    port: (server.listeners[0] as { port: number }).port,
    a: { ...first.credentials[0], accountId: first.id },
    b: { ...second.credentials[0], accountId: second.id },
    close: async () => {
      await close();
      await dropPlace(place);
    },
  });
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

export interface RawRequest {
  port: number;
  method: string;
  /** Request target exactly as sent: raw path plus raw query. */
  target: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  /** A keep-alive agent to send on; without one, a fresh connection that closes after the answer. */
  agent?: Agent;
}

/** One HTTP exchange on loopback, sent exactly as given; rejects only when no answer arrived. */
export function raw(req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      {
        host: '127.0.0.1',
        port: req.port,
        method: req.method,
        path: req.target,
        headers: req.headers,
        agent: req.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

/** Decoded query entries of a raw query string, bare keys as empty values (what signers canonicalise). */
export function queryEntries(target: string): Array<[string, string]> {
  const q = target.indexOf('?');
  if (q === -1) return [];
  return target
    .slice(q + 1)
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq === -1
        ? [decodeURIComponent(p), '']
        : [decodeURIComponent(p.slice(0, eq)), decodeURIComponent(p.slice(eq + 1))];
    });
}

export type SignStyle = 'python' | 'go';

export interface SignedRequest {
  port: number;
  method: string;
  target: string;
  body?: string;
  credential: AccountCredential;
  style?: SignStyle;
  timestamp?: Date;
  expirationSeconds?: number;
  /** Headers added after signing (not covered by the signature). */
  extraHeaders?: Record<string, string>;
  /** Headers added before signing. */
  signedExtraHeaders?: Record<string, string>;
  host?: string;
}

/**
 * Python style: every request has Content-Length, `Accept: *\/*`, empty signedHeaders (default mode).
 * Go style: Content-Length and Content-MD5 only with a body, an unsigned x-bce-request-id, explicit
 * signedHeaders.
 */
export function signedHeaders(req: SignedRequest): Record<string, string> {
  const style = req.style ?? 'python';
  const timestamp = req.timestamp ?? new Date();
  const headers: Record<string, string> = {
    Host: req.host ?? `127.0.0.1:${req.port}`,
    'Content-Type': 'application/json;charset=utf-8',
    'x-bce-date': formatBceTimestamp(timestamp),
    ...req.signedExtraHeaders,
  };
  const body = req.body ?? '';
  if (style === 'python') {
    headers['Content-Length'] = String(Buffer.byteLength(body));
    headers.Accept = '*/*';
  } else if (body !== '') {
    headers['Content-Length'] = String(Buffer.byteLength(body));
    headers['Content-MD5'] = createHash('md5').update(body).digest('base64');
  }
  if (req.credential.sessionToken && !headers['x-bce-security-token']) {
    headers['x-bce-security-token'] = req.credential.sessionToken;
  }
  const path = decodeURIComponent(req.target.split('?')[0] as string);
  const authorization = sign({
    method: req.method,
    path,
    query: queryEntries(req.target),
    headers,
    accessKeyId: req.credential.accessKeyId,
    secretAccessKey: req.credential.secretAccessKey,
    timestamp,
    expirationSeconds: req.expirationSeconds ?? 1800,
    signedHeaders: style === 'python' ? 'default' : undefined,
  });
  const out: Record<string, string> = { ...headers, Authorization: authorization, ...req.extraHeaders };
  if (style === 'go') out['x-bce-request-id'] = crypto.randomUUID();
  return out;
}

export function signed(req: SignedRequest): Promise<RawResponse> {
  const r: RawRequest = {
    port: req.port,
    method: req.method,
    target: req.target,
    headers: signedHeaders(req),
  };
  if (req.body !== undefined) r.body = req.body;
  return raw(r);
}

/** Asserts-friendly view of an error response. */
export function errorOf(res: RawResponse): { status: number; code: unknown; requestIdMatches: boolean } {
  const body = res.json as { code?: unknown; requestId?: unknown; message?: unknown } | undefined;
  return {
    status: res.status,
    code: body?.code,
    requestIdMatches: body?.requestId !== undefined && body.requestId === res.headers['x-bce-request-id'],
  };
}

let vpcCounter = 0;

/** Creates a VPC for the credential over raw HTTP (Python style) and returns its id. */
export async function createVpc(
  server: { port: number },
  credential: AccountCredential,
  cidr?: string,
): Promise<string> {
  vpcCounter += 1;
  const res = await signed({
    port: server.port,
    method: 'POST',
    target: `/v1/vpc?clientToken=vpc-${process.pid}-${vpcCounter}-${Date.now()}`,
    body: JSON.stringify({ name: `vpc-${vpcCounter}`, cidr: cidr ?? `10.${vpcCounter % 250}.0.0/16` }),
    credential,
  });
  if (res.status !== 200) throw new Error(`createVpc failed: ${res.status} ${res.text}`);
  return (res.json as { vpcId: string }).vpcId;
}

/** Listeners for Beijing and Guangzhou, for the suites that go across regions. */
export const TWO_REGIONS: ServerOptions = {
  listen: [
    { region: 'bj', port: 0 },
    { region: 'gz', port: 0 },
  ],
};

/** The base URL of the server's listener for a region. */
export function regionUrl(server: RunningServer, region: string): string {
  const listener = server.listeners.find((l) => l.region === region);
  if (!listener) throw new Error(`no listener for region ${region}`);
  return listener.url;
}

export interface AdminAnswer {
  status: number;
  json: unknown;
  text: string;
  requestId: string | null;
}

/** One admin API call: `adminUrl` ends in /_admin, `path` starts with '/'. The body is sent as JSON. */
export async function adminCall(
  adminUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<AdminAnswer> {
  const res = await fetch(`${adminUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    json: text ? (JSON.parse(text) as unknown) : undefined,
    requestId: res.headers.get('x-bce-request-id'),
  };
}

/** An admin call that must succeed; answers its JSON body (undefined when empty). */
export async function adminOk(
  adminUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const answer = await adminCall(adminUrl, method, path, body);
  if (answer.status < 200 || answer.status > 299) {
    throw new Error(`admin ${method} ${path}: ${answer.status} ${answer.text}`);
  }
  return answer.json;
}

/** The SDK's two clients for one credential on one listener, without retries (tests want each answer as is). */
export function sdkClients(endpoint: string, who: { accessKeyId: string; secretAccessKey: string }) {
  const config = { endpoint, credentials: who, maxRetries: 0, env: {} };
  return { peerconn: new PeerConnClient(config), vpc: new VpcClient(config) };
}

let worldCidr = 0;

/**
 * The shared world of the HTTP suites, made through the SDK on a TWO_REGIONS server: a VPC of demo-a in bj, a
 * VPC of demo-b in gz, and a Postpaid request from the first to the second, left waiting for demo-b.
 */
export async function crossRegionPeering(
  server: TestServer,
  bandwidthInMbps = 10,
): Promise<{ peerConnId: string; vpcA: string; vpcB: string }> {
  const a = sdkClients(regionUrl(server, 'bj'), server.a);
  const b = sdkClients(regionUrl(server, 'gz'), server.b);
  worldCidr = (worldCidr % 99) + 1;
  const { vpcId: vpcA } = await a.vpc.createVpc({
    name: `a-bj-${worldCidr}`,
    cidr: `10.${worldCidr}.0.0/16`,
  });
  const { vpcId: vpcB } = await b.vpc.createVpc({
    name: `b-gz-${worldCidr}`,
    cidr: `10.${100 + worldCidr}.0.0/16`,
  });
  const { peerConnId } = await a.peerconn.createPeerConn({
    bandwidthInMbps,
    localVpcId: vpcA,
    peerVpcId: vpcB,
    peerRegion: 'gz',
    peerAccountId: server.b.accountId,
    billing: { paymentTiming: 'Postpaid' },
  });
  return { peerConnId, vpcA, vpcB };
}

/** Who a scenario of the SDK suites acts as: demo-a, demo-b, or a third account the suite makes. */
export type Who = 'a' | 'b' | 'c';

export interface SdkSuite {
  /** The suite's server; there from the suite's `before` hook on. */
  readonly server: TestServer;
  /** The first credential of an account, with its id. */
  who(w: Who): AccountCredential & { accountId: string };
  /** SDK client settings for an account on a region's listener, without retries (tests want each answer as is). */
  config(w: Who, region?: string): ClientConfig;
}

/**
 * The world of the suites that drive the server through the SDK: a server started before the suite's tests
 * (demo-a and demo-b, plus a third account `c` made for the suite) and closed after them.
 */
export function sdkSuite(options: ServerOptions = {}): SdkSuite {
  let running: TestServer | undefined;
  let third: (AccountCredential & { accountId: string }) | undefined;
  const endpoints: Record<string, string> = {};
  before(async () => {
    running = await startTestServer(options);
    for (const l of running.listeners) endpoints[l.region] = l.url;
    const made = await running.engine.createAccount({ name: 'third' });
    third = { ...(made.credentials[0] as AccountCredential), accountId: made.id };
  });
  after(async () => {
    await running?.close();
  });
  const suite: SdkSuite = {
    get server() {
      if (!running) throw new Error('the suite server starts in the before hook');
      return running;
    },
    who(w) {
      if (w !== 'c') return suite.server[w];
      if (!third) throw new Error('the third account is made in the before hook');
      return third;
    },
    config(w, region = 'bj') {
      const endpoint = endpoints[region];
      if (!endpoint) throw new Error(`no listener for region ${region}`);
      return { endpoint, credentials: suite.who(w), maxRetries: 0, env: {} };
    },
  };
  return suite;
}

/**
 * Runs a step that builds a scenario. A failing step is a broken setup, never the refusal under test: it
 * becomes a plain Error, which a refusal check (expecting a BceServiceError) reports instead of accepting.
 */
export async function setup<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    throw new Error(`setup failed, so the scenario never reached the state under test: ${String(error)}`);
  }
}

/**
 * Asserts that a call is refused with a BCE error of this status and code carrying a request id, and answers
 * the error (for the checks of its message).
 */
export async function refusal(
  call: Promise<unknown>,
  status: number,
  code: string,
): Promise<BceServiceError> {
  const error = await call.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof BceServiceError, String(error));
  assert.equal(error.code, code, error.message);
  assert.equal(error.statusCode, status, error.message);
  assert.match(error.requestId ?? '', /^[0-9a-f-]{36}$/);
  return error;
}

/** A call that must be refused: the rule it breaks, the answer's status, code and message, and the call. */
export type Scenario = [
  rule: string,
  status: number,
  code: string,
  cause: RegExp,
  run: () => Promise<unknown>,
];

/** One test per scenario, named `rule → code status`: the call is refused so, and its message names the cause. */
export function refusalTests(title: string, scenarios: Scenario[]): void {
  describe(title, () => {
    for (const [rule, status, code, cause, run] of scenarios) {
      test(`${rule} → ${code} ${status}`, async () => {
        const error = await refusal(run(), status, code);
        assert.match(error.message, cause);
      });
    }
  });
}

export interface Net {
  vpcId: string;
  routeTableId: string;
  subnetIds: string[];
}

let netNames = 0;

/** A VPC (named net<n>) with a subnet in zone a of its region for each block, and its route table. */
export async function vpcWithSubnets(
  suite: SdkSuite,
  w: Who,
  cidr: string,
  blocks: string[] = [],
  region = 'bj',
): Promise<Net> {
  netNames += 1;
  const config = suite.config(w, region);
  const { vpcId } = await setup(new VpcClient(config).createVpc({ name: `net${netNames}`, cidr }));
  const subnetIds: string[] = [];
  for (const [i, block] of blocks.entries()) {
    const { subnetId } = await setup(
      new SubnetClient(config).createSubnet({
        name: `sub${netNames}_${i}`,
        zoneName: `cn-${region}-a`,
        cidr: block,
        vpcId,
      }),
    );
    subnetIds.push(subnetId);
  }
  const { routeTableId } = await setup(new RouteClient(config).getRouteTable({ vpcId }));
  return { vpcId, routeTableId, subnetIds };
}
