// The server's wiring, above every adapter, in the order a start runs: options → engine config, the store and
// the engine, the data a start prepares (seed, timing, accounts), one node:http listener per region (+ optional
// admin port) with the admin API and the web console plugged into the HTTP pipeline, and close.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
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
  OptionError,
  type ServerOptions,
  UsageError,
} from './config.ts';
import { consoleExtension } from './console/serve.ts';
import { type TimingTable, timingPreset } from './domain/timing.ts';
import type { Account, Engine, EngineConfig, Snapshot } from './engine/api.ts';
import { createEngine } from './engine/index.ts';
import { ServiceError } from './errors.ts';
import { createHandler, type Extension, type HttpContext } from './http/app.ts';
import { displayHost, drain, httpOptions, openListener } from './listeners.ts';
import { createServerLog, describeChange, logStoreHealth, type ServerLog } from './logging.ts';
import { checkServerOptions, defaultOf } from './options.ts';
import type { Store } from './store/api.ts';
import { openStore } from './store/open.ts';
import { DataFileInUseError } from './store/sqlite.ts';
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

/** The options of one start, checked and with every default filled in. */
interface Settings {
  host: string;
  region: string;
  dataPath: string;
  wanted: Array<{ region: string; port: number }>;
  /** The timing this start asks for (it replaces the stored one), if any. */
  timing: Partial<TimingTable> | undefined;
  engine: EngineConfig;
  adminToken: string | undefined;
}

function settingsOf(options: ServerOptions): Settings {
  const region = options.region ?? options.listen?.[0]?.region ?? defaultOf('region');
  const host = options.host ?? defaultOf('host');
  const timing = typeof options.timing === 'string' ? timingPreset(options.timing) : options.timing;
  return {
    host,
    region,
    dataPath: options.dataPath ?? defaultOf('dataPath'),
    wanted: options.listen ?? [{ region, port: options.port ?? defaultOf('port') }],
    timing: timing !== undefined && Object.keys(timing).length > 0 ? timing : undefined,
    engine: {
      quotaPerVpc: options.quotaPerVpc ?? defaultOf('quotaPerVpc'),
      quotaPerAccount: options.quotaPerAccount ?? defaultOf('quotaPerAccount'),
      quotaSubnetsPerVpc: options.quotaSubnetsPerVpc ?? defaultOf('quotaSubnetsPerVpc'),
      quotaRulesPerTable: options.quotaRulesPerTable ?? defaultOf('quotaRulesPerTable'),
      quotaAclRulesPerDirection: options.quotaAclRulesPerDirection ?? defaultOf('quotaAclRulesPerDirection'),
      quotaSecurityGroupRulesPerDirection:
        options.quotaSecurityGroupRulesPerDirection ?? defaultOf('quotaSecurityGroupRulesPerDirection'),
      quotaEnisPerVpc: options.quotaEnisPerVpc ?? defaultOf('quotaEnisPerVpc'),
      quotaIpsPerEni: options.quotaIpsPerEni ?? defaultOf('quotaIpsPerEni'),
      quotaEnisPerInstance: options.quotaEnisPerInstance ?? defaultOf('quotaEnisPerInstance'),
      consultTimeoutMs: DEFAULTS.consultTimeoutMs,
      keepDeleted: options.keepDeleted ?? defaultOf('keepDeleted'),
      timing: { ...timingPreset('default'), ...timing },
    },
    // Beyond loopback anyone who reaches the port could steer the emulator: then a token is always in force.
    adminToken:
      options.adminToken ?? (isLoopbackHost(host) ? undefined : randomBytes(24).toString('base64url')),
  };
}

/** The store, opened where the options say; a data file another server holds is an error about the options. */
async function openData(options: ServerOptions, settings: Settings): Promise<Store> {
  const postgres = options.store !== undefined && isPostgresUrl(options.store);
  if (!postgres && settings.dataPath !== ':memory:')
    mkdirSync(dirname(settings.dataPath), { recursive: true });
  try {
    return await openStore({
      store: options.store,
      dataPath: settings.dataPath,
      poolSize: options.poolSize,
      schema: options.storeSchema,
      sqliteAddon: options.sqliteAddon,
      sqlite: { minFreeDiskBytes: options.minFreeDiskBytes ?? defaultOf('minFreeDiskBytes') },
    });
  } catch (error) {
    if (!(error instanceof DataFileInUseError)) throw error;
    throw new OptionError(
      'dataPath',
      (name) =>
        `another peerconn server is using ${error.path}; stop it, give ${name('dataPath')} another file, or share state between servers with ${name('store')} postgres://…`,
    );
  }
}

function openEngine(
  store: Store,
  settings: Settings,
  options: ServerOptions,
  logger: Logger,
): Promise<Engine> {
  return createEngine(store, settings.engine, {
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
}

/** What a start writes before it serves: the seed, the timing asked for, and the accounts. */
async function prepareData(
  engine: Engine,
  settings: Settings,
  options: ServerOptions,
  seed: { file: string; snapshot: Snapshot } | undefined,
): Promise<Pick<RunningServer, 'seed' | 'createdDemoAccounts'>> {
  // A seed fills a database that has no accounts yet, in the transaction that checks it: of servers starting
  // together on one PostgreSQL database, exactly one loads it. What this start asks for is applied after it.
  let seeded: RunningServer['seed'];
  if (seed) {
    try {
      seeded = {
        file: seed.file,
        applied: await engine.importSnapshot(seed.snapshot, { onlyIfEmpty: true }),
      };
    } catch (error) {
      if (error instanceof ServiceError) throw new UsageError(`seed file ${seed.file}: ${error.message}`);
      throw error;
    }
  }
  // The database keeps the timing set through the admin API across restarts; timing asked for at start-up
  // (flag, env or option) is the newer wish and wins.
  if (settings.timing) await engine.setTiming(settings.timing);
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
  return { ...(seeded ? { seed: seeded } : {}), createdDemoAccounts };
}

interface Listening {
  listeners: ListenerAddress[];
  /** Where the admin API and the console are: the first listener, or the admin port. */
  adminBase: string;
  extensions: Extension[];
  addIndexLink(link: IndexLink): void;
}

/** One listener per region and the admin port, each with the index page, the admin API and the console. */
async function openListeners(
  engine: Engine,
  logger: Logger,
  settings: Settings,
  options: ServerOptions,
  servers: Server[],
): Promise<Listening> {
  const { host, region, wanted, adminToken } = settings;
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
    consoleExtension({
      ...(options.consoleDir ? { dir: options.consoleDir } : {}),
      ...(options.consoleFiles ? { files: options.consoleFiles } : {}),
    }),
  ];
  indexPage.addLink({
    title: 'Web console',
    href: '/_console/',
    description: 'see and steer every account, connection, the clock, timing and faults in a browser',
  });

  const ctx: HttpContext = {
    engine,
    logger,
    bodyLimitBytes: options.bodyLimitBytes ?? defaultOf('bodyLimitBytes'),
    clockSkewSeconds: options.clockSkewSeconds ?? defaultOf('clockSkewSeconds'),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  const http = httpOptions(options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs);
  for (const entry of wanted) {
    const handler = createHandler(ctx, { region: entry.region, adminOnly: false }, extensions);
    const { port } = await openListener(http, handler, host, entry.port, servers);
    const url = `http://${displayHost(host)}:${port}`;
    listeners.push({ region: entry.region, url, port });
    logger.info({ region: entry.region, url }, 'listening');
  }
  adminBase = (listeners[0] as ListenerAddress).url;
  if (options.adminPort !== undefined) {
    const handler = createHandler(ctx, { region, adminOnly: true }, extensions);
    const { port } = await openListener(http, handler, host, options.adminPort, servers);
    adminBase = `http://${displayHost(host)}:${port}`;
  }
  return { listeners, adminBase, extensions, addIndexLink: (link) => indexPage.addLink(link) };
}

/** close(): listeners stop accepting first, so no stream can open after the extensions ended theirs. */
function closer(servers: Server[], extensions: Extension[], engine: Engine, log: ServerLog, drainMs: number) {
  let closing: Promise<void> | undefined;
  return (): Promise<void> => {
    closing ??= (async () => {
      const drained = Promise.all(servers.map((s) => drain(s, drainMs)));
      for (const extension of extensions) extension.close?.();
      await drained;
      await engine.close();
      log.logger.info('closed');
      await log.flush();
    })();
    return closing;
  };
}

/**
 * Starts a server in this process. With no options: 127.0.0.1:8080, an in-memory store, the demo accounts.
 * Option errors are UsageErrors that name the option (`dataPath`, `port`).
 */
export async function startServer(given: ServerOptions = {}): Promise<RunningServer> {
  const options = checkServerOptions(given);
  const settings = settingsOf(options);
  const log = createServerLog({
    level: options.logLevel ?? defaultOf('logLevel'),
    format: options.logFormat ?? defaultOf('logFormat'),
    ...(options.logStream ? { stream: options.logStream } : {}),
  });
  const logger = log.logger;
  // Read before anything is opened: a missing or unreadable seed file is a usage error, not a half start.
  const seed = options.seedFile === undefined ? undefined : loadSeedFile(options.seedFile);
  const store = await openData(options, settings);
  store.health.onChange((event) => logStoreHealth(logger, store.health.storeName, event));
  const engine = await openEngine(store, settings, options, logger);
  const servers: Server[] = [];
  try {
    const prepared = await prepareData(engine, settings, options, seed);
    const listening = await openListeners(engine, logger, settings, options, servers);
    const running: RunningServer = {
      url: (listening.listeners[0] as ListenerAddress).url,
      listeners: listening.listeners,
      adminUrl: `${listening.adminBase}/_admin`,
      consoleUrl: `${listening.adminBase}/_console/`,
      accounts: await engine.listAccounts(),
      ...prepared,
      timingFromOptions: settings.timing !== undefined,
      addIndexLink: listening.addIndexLink,
      region: settings.region,
      dataPath: settings.dataPath,
      store: { kind: store.kind, location: store.location },
      engine,
      logger,
      close: closer(
        servers,
        listening.extensions,
        engine,
        log,
        options.drainTimeoutMs ?? DEFAULTS.drainTimeoutMs,
      ),
    };
    if (settings.adminToken) running.adminToken = settings.adminToken;
    return running;
  } catch (error) {
    await Promise.all(servers.map((s) => drain(s, 0)));
    await engine.close();
    await log.flush();
    throw error;
  }
}
