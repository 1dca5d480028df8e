// The server's wiring, above every adapter: options → store → engine → accounts → one node:http listener per
// region (+ optional admin port), with the admin API and the web console plugged into the HTTP pipeline as
// extensions.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import {
  createServer,
  type ServerOptions as HttpOptions,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { createIndexPage, type IndexLink } from './admin/index-page.ts';
import { adminExtension } from './admin/routes.ts';
import {
  DEFAULTS,
  DEMO_ACCOUNTS,
  isLoopbackHost,
  loadAccountsFile,
  loadSeedFile,
  type ServerOptions,
  UsageError,
} from './config.ts';
import { consoleExtension } from './console/serve.ts';
import { timingPreset } from './domain/timing.ts';
import type { Account, Engine, EngineConfig } from './engine/api.ts';
import { createEngine } from './engine/index.ts';
import { ServiceError } from './errors.ts';
import { createHandler, type Extension, type HttpContext } from './http/app.ts';
import { JSON_CONTENT_TYPE, sendError } from './http/respond.ts';
import { createServerLog, describeChange, logStoreHealth } from './logging.ts';
import { openStore } from './store/open.ts';
import { isPostgresUrl } from './store/url.ts';

export interface ListenerAddress {
  region: string;
  url: string;
  port: number;
}

export interface RunningServer {
  /** URL of the first listener. */
  url: string;
  listeners: ListenerAddress[];
  /** Base URL of the admin API, ending in `/_admin`. */
  adminUrl: string;
  /** The web console, `…/_console/` next to the admin API. */
  consoleUrl: string;
  /** The token /_admin requires, when one is in force (given, or generated for a non-loopback bind). */
  adminToken?: string;
  /** Accounts after loading the accounts file or creating the demo accounts. */
  accounts: Account[];
  /** True when the demo accounts were created by this start. */
  createdDemoAccounts: boolean;
  /** Whether this start was given a timing (flag, env or option), which then replaced the stored one. */
  timingFromOptions: boolean;
  /** The seed file, and whether this start loaded it (it is skipped when the database has accounts). */
  seed?: { file: string; applied: boolean };
  /** Adds a link to the index page at `/` and `/_admin` (a console registers itself here). */
  addIndexLink(link: IndexLink): void;
  region: string;
  dataPath: string;
  /** `sqlite` or `postgres`, and where the data lives (a PostgreSQL URL with its password masked). */
  store: { kind: 'sqlite' | 'postgres'; location: string };
  engine: Engine;
  logger: Logger;
  close(): Promise<void>;
}

function displayHost(host: string): string {
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

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? DEFAULTS.host;
  const region = options.region ?? options.listen?.[0]?.region ?? DEFAULTS.region;
  const dataPath = options.dataPath ?? DEFAULTS.dataPath;
  const postgres = options.store !== undefined && isPostgresUrl(options.store);
  const log = createServerLog({
    level: options.logLevel ?? DEFAULTS.logLevel,
    format: options.logFormat ?? 'auto',
    ...(options.logStream ? { stream: options.logStream } : {}),
  });
  const logger = log.logger;
  // Read before anything is opened: a missing or unreadable seed file is a usage error, not a half start.
  const seed = options.seedFile === undefined ? undefined : loadSeedFile(options.seedFile);
  if (!postgres && dataPath !== ':memory:') mkdirSync(dirname(dataPath), { recursive: true });

  const engineConfig: EngineConfig = {
    quotaPerVpc: options.quotaPerVpc ?? DEFAULTS.quotaPerVpc,
    quotaPerAccount: options.quotaPerAccount ?? DEFAULTS.quotaPerAccount,
    quotaSubnetsPerVpc: options.quotaSubnetsPerVpc ?? DEFAULTS.quotaSubnetsPerVpc,
    quotaRulesPerTable: options.quotaRulesPerTable ?? DEFAULTS.quotaRulesPerTable,
    ...(options.quotaEnisPerVpc !== undefined ? { quotaEnisPerVpc: options.quotaEnisPerVpc } : {}),
    ...(options.quotaIpsPerEni !== undefined ? { quotaIpsPerEni: options.quotaIpsPerEni } : {}),
    ...(options.quotaEnisPerInstance !== undefined
      ? { quotaEnisPerInstance: options.quotaEnisPerInstance }
      : {}),
    quotaAclRulesPerDirection: options.quotaAclRulesPerDirection ?? DEFAULTS.quotaAclRulesPerDirection,
    quotaSecurityGroupRulesPerDirection:
      options.quotaSecurityGroupRulesPerDirection ?? DEFAULTS.quotaSecurityGroupRulesPerDirection,
    consultTimeoutMs: DEFAULTS.consultTimeoutMs,
    keepDeleted: options.keepDeleted ?? false,
    timing: { ...timingPreset('default'), ...options.timing },
  };
  const store = await openStore({
    store: options.store,
    dataPath,
    poolSize: options.poolSize,
    schema: options.storeSchema,
  });
  store.health.onChange((event) => logStoreHealth(logger, store.health.storeName, event));
  const engine = await createEngine(store, engineConfig, {
    ...(options.faultRandom ? { faultRandom: options.faultRandom } : {}),
    onBackgroundError: (error, what) => logger.error({ err: error }, `background work failed: ${what}`),
    // The lifecycle as it happens: every committed state change of a peering connection, one line each.
    ...(logger.isLevelEnabled('info')
      ? {
          onChanges: (changes) => {
            for (const change of changes) {
              logger.info(
                {
                  kind: 'lifecycle',
                  peerConnId: change.peerConnId,
                  at: change.at,
                  cause: change.cause,
                  changes: change.changes,
                },
                describeChange(change),
              );
            }
          },
        }
      : {}),
  });
  const servers: Server[] = [];
  try {
    // The database keeps the timing set through the admin API across restarts; timing asked for at start-up
    // (flag, env or option) is the newer wish and wins.
    // A seed fills a database that has no accounts yet, in the transaction that checks it: of servers
    // starting together on one PostgreSQL database, exactly one loads it. Flags given now still win over it.
    let seeded: RunningServer['seed'];
    if (seed) {
      let applied: boolean;
      try {
        applied = await engine.importSnapshot(seed.snapshot, { onlyIfEmpty: true });
      } catch (error) {
        if (error instanceof ServiceError) throw new UsageError(`seed file ${seed.file}: ${error.message}`);
        throw error;
      }
      seeded = { file: seed.file, applied };
    }
    const timingFromOptions = options.timing !== undefined && Object.keys(options.timing).length > 0;
    if (options.timing && timingFromOptions) await engine.setTiming(options.timing);
    // One transaction each, so servers starting together on one PostgreSQL database agree on the accounts.
    let createdDemoAccounts = false;
    if (options.accountsFile) {
      await engine.ensureAccounts(loadAccountsFile(options.accountsFile).accounts);
    } else {
      const demo = options.randomDemoKeys
        ? DEMO_ACCOUNTS.map(({ name }) => ({ name }))
        : DEMO_ACCOUNTS.map((account) => ({
            id: account.id,
            name: account.name,
            credentials: account.credentials.map((c) => ({ ...c })),
          }));
      createdDemoAccounts = await engine.ensureAccounts(demo, { onlyIfNone: true });
    }

    let adminToken = options.adminToken;
    if (!adminToken && !isLoopbackHost(host)) adminToken = randomBytes(24).toString('base64url');

    const ctx: HttpContext = {
      engine,
      logger,
      bodyLimitBytes: options.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes,
      clockSkewSeconds: options.clockSkewSeconds ?? DEFAULTS.clockSkewSeconds,
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    };
    const wanted = options.listen ?? [{ region, port: options.port ?? DEFAULTS.port }];
    const listeners: ListenerAddress[] = [];
    let adminBase = '';
    const indexPage = createIndexPage(() => ({
      region,
      endpoints: listeners.map(({ region, url }) => ({ region, url })),
      adminUrl: `${adminBase}/_admin`,
      adminTokenRequired: adminToken !== undefined,
    }));
    const extensions: Extension[] = [
      indexPage.extension,
      adminExtension({
        engine,
        adminBodyLimitBytes: DEFAULTS.adminBodyLimitBytes,
        regions: [...new Set(wanted.map((entry) => entry.region))],
        ...(adminToken ? { adminToken } : {}),
      }),
      consoleExtension(options.consoleDir ? { dir: options.consoleDir } : {}),
    ];
    indexPage.addLink({
      title: 'Web console',
      href: '/_console/',
      description: 'see and steer every account, connection, the clock, timing and faults in a browser',
    });

    // Without these a client that trickles its headers or body holds a socket for node's 5 minutes.
    const requestTimeout = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
    const http: HttpOptions = {
      requestTimeout,
      headersTimeout: requestTimeout,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeout / 4))),
      // node's own refusal of a missing Host is a bare 400; the handler refuses it in BCE form instead.
      requireHostHeader: false,
    };
    for (const entry of wanted) {
      const server = createServer(
        http,
        createHandler(ctx, { region: entry.region, adminOnly: false }, extensions),
      );
      answerInBceForm(server);
      servers.push(server);
      const port = await listen(server, host, entry.port);
      const url = `http://${displayHost(host)}:${port}`;
      listeners.push({ region: entry.region, url, port });
      logger.info({ region: entry.region, url }, 'listening');
    }
    adminBase = (listeners[0] as ListenerAddress).url;
    if (options.adminPort !== undefined) {
      const server = createServer(http, createHandler(ctx, { region, adminOnly: true }, extensions));
      answerInBceForm(server);
      servers.push(server);
      const port = await listen(server, host, options.adminPort);
      adminBase = `http://${displayHost(host)}:${port}`;
    }

    let closing: Promise<void> | undefined;
    const drainMs = options.drainTimeoutMs ?? DEFAULTS.drainTimeoutMs;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        // Listeners stop accepting first, so no stream can open after the extensions ended theirs.
        const drained = Promise.all(servers.map((s) => drain(s, drainMs)));
        for (const extension of extensions) extension.close?.();
        await drained;
        await engine.close();
        logger.info('closed');
        await log.flush();
      })();
      return closing;
    };

    const running: RunningServer = {
      url: (listeners[0] as ListenerAddress).url,
      listeners,
      adminUrl: `${adminBase}/_admin`,
      consoleUrl: `${adminBase}/_console/`,
      accounts: await engine.listAccounts(),
      createdDemoAccounts,
      timingFromOptions,
      ...(seeded ? { seed: seeded } : {}),
      addIndexLink: (link) => indexPage.addLink(link),
      region,
      dataPath,
      store: { kind: store.kind, location: store.location },
      engine,
      logger,
      close,
    };
    if (adminToken) running.adminToken = adminToken;
    return running;
  } catch (error) {
    await Promise.all(servers.map((s) => drain(s, 0)));
    await engine.close();
    await log.flush();
    throw error;
  }
}

/** Stops accepting, lets in-flight requests finish, and cuts whatever is still open at the deadline. */
function drain(server: Server, deadlineMs: number): Promise<void> {
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
