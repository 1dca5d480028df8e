// `npm start` / `peerconn serve` / `peerconn-server`: flags → server → banner; SIGTERM/SIGINT drain and exit.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { OptionError, type ServerOptions, UsageError } from './config.ts';
import { timingName } from './domain/timing.ts';
import { type CommandOptions, flagOf, parseCliArgs, USAGE } from './options.ts';
import { type RunningServer, startServer } from './server.ts';

/** How often a server checks that the process it lives for (npm, --parent-pid) is still there. */
const PARENT_CHECK_MS = 500;

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Install SIGTERM/SIGINT handlers that drain, close and exit the process (default true). */
  handleSignals: boolean;
  /** Options only a program can give, added to what the flags say (the single executable's console and addon). */
  options?: Pick<ServerOptions, 'consoleFiles' | 'sqliteAddon'>;
  /** The command as its user typed it, at the start of error lines (`peerconn serve` when the CLI runs it). */
  name: string;
}

const defaultIo: CliIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  handleSignals: true,
  name: 'peerconn-server',
};

/** `7d 2h`, `36m`, `1.5s`: an offset of the virtual clock as a person reads it. */
function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  let rest = Math.abs(ms);
  if (rest < 60_000) return `${sign}${Math.round(rest / 100) / 10}s`;
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return `${sign}${parts.slice(0, 2).join(' ')}`;
}

/**
 * What a restart keeps and a newcomer would not guess: a virtual clock that is not real time, timing other than
 * the default, a seed that was or was not loaded. Empty when everything is as on a fresh start.
 */
export function stateLines(server: RunningServer): string[] {
  const lines: string[] = [];
  const seeded = server.seed?.applied === true;
  const clock = server.engine.clock();
  if (!clock.realTime) {
    const how = clock.frozen ? 'frozen' : `running ${formatOffset(clock.offsetMs)} from real time`;
    lines.push(
      `WARNING clock ${clock.now} (${how}), ${seeded ? 'from the seed' : 'kept in the database'}: POST ${server.adminUrl}/clock {"realTime":true} returns to real time`,
    );
  }
  const timing = timingName(server.engine.timing());
  if (timing !== 'default') {
    lines.push(
      server.timingFromOptions
        ? `timing ${timing} (from --timing)`
        : `WARNING timing ${timing}, ${seeded ? 'from the seed' : 'kept in the database from an earlier run'}: --timing default or PUT ${server.adminUrl}/timing {"preset":"default"} restores the default`,
    );
  }
  if (server.seed) {
    lines.push(
      server.seed.applied
        ? `seed ${server.seed.file} loaded`
        : `seed ${server.seed.file} not loaded: the database already has accounts (it seeds an empty one only)`,
    );
  }
  return lines;
}

export function bannerLines(server: RunningServer): string[] {
  const lines = ['peerconn server: local Baidu AI Cloud VPC peering service'];
  for (const l of server.listeners) lines.push(`listening ${l.region} ${l.url}`);
  lines.push(`region ${server.region} (for hosts that are not bcc.<region>.baidubce.com)`);
  lines.push(server.store.kind === 'postgres' ? `store ${server.store.location}` : `data ${server.dataPath}`);
  lines.push(`admin ${server.adminUrl}`);
  lines.push(`console ${server.consoleUrl}`);
  if (server.adminToken) lines.push(`admin-token ${server.adminToken}`);
  lines.push(...stateLines(server));
  for (const account of server.accounts) {
    if (account.credentials.length === 0) lines.push(`account ${account.name} id=${account.id} (no keys)`);
    for (const c of account.credentials) {
      lines.push(
        `account ${account.name} id=${account.id} accessKeyId=${c.accessKeyId} secretAccessKey=${c.secretAccessKey}` +
          (c.sessionToken ? ` sessionToken=${c.sessionToken}` : ''),
      );
    }
  }
  const first = server.accounts[0]?.credentials[0];
  if (first) {
    lines.push(
      `try: BCE_ENDPOINT=${server.url} BCE_ACCESS_KEY_ID=${first.accessKeyId} BCE_SECRET_ACCESS_KEY=${first.secretAccessKey}`,
    );
  }
  return lines;
}

/**
 * Parses flags, starts the server and prints the banner. Resolves to the running server, or to undefined
 * after printing help or a usage error (then `process.exitCode` is 0 or 1).
 */
export async function runServerCli(
  argv: readonly string[],
  io: Partial<CliIo> = {},
): Promise<RunningServer | undefined> {
  const { stdout, stderr, env, handleSignals, options: programOptions, name } = { ...defaultIo, ...io };
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr(`${name}: ${error.message}`);
    stderr('Run with --help for the list of options.');
    process.exitCode = 1;
    return undefined;
  }
  if (parsed.help) {
    stdout(USAGE);
    return undefined;
  }
  const { parentPid, exitOnStdinClose, ...serverOptions } = parsed.options;
  if (parentPid !== undefined && !isRunning(parentPid)) {
    stderr(`${name}: --parent-pid ${parentPid}: no such process, so there is nothing to live for`);
    process.exitCode = 1;
    return undefined;
  }
  let server: RunningServer;
  try {
    server = await startServer({ ...serverOptions, ...programOptions });
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const reason =
      error instanceof OptionError
        ? error.render(flagOf)
        : error instanceof UsageError
          ? error.message
          : err.code === 'EADDRINUSE'
            ? `the port is already in use (${err.message}); pick another with --port or --listen`
            : err.message;
    stderr(`${name}: cannot start: ${reason}`);
    process.exitCode = 1;
    return undefined;
  }
  for (const line of stateLines(server)) {
    if (line.startsWith('WARNING ')) server.logger.warn(line.slice('WARNING '.length));
  }
  if (handleSignals) {
    let stopping = false;
    const stop = (signal: NodeJS.Signals | 'launcher gone' | 'parent gone' | 'stdin closed') => {
      if (stopping) return;
      stopping = true;
      server.logger.info({ signal }, 'shutting down: draining in-flight requests');
      server.close().then(
        () => process.exit(0),
        (error: unknown) => {
          server.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // Started by npm (`npm start`, `npx`): when npm goes away without passing a signal on (kill -9, a closed
    // CI step), the server must not live on as an orphan holding the port. Reparenting shows in process.ppid.
    if (env.npm_lifecycle_event !== undefined) {
      const launcher = process.ppid;
      setInterval(() => {
        if (process.ppid !== launcher) stop('launcher gone');
      }, PARENT_CHECK_MS).unref();
    }
    tieLife({ parentPid, exitOnStdinClose }, stop);
  }
  // Printed last: whoever reads the banner may signal us right away, so the handlers must already be there.
  for (const line of bannerLines(server)) stdout(line);
  return server;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is only someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * --parent-pid and --exit-on-stdin-close: a test runner that is killed (kill -9 included) must not leave its
 * server behind. A dead parent shows as a failed signal 0; a dead holder of our stdin pipe as its end.
 */
function tieLife(
  { parentPid, exitOnStdinClose }: Pick<CommandOptions, 'parentPid' | 'exitOnStdinClose'>,
  stop: (why: 'parent gone' | 'stdin closed') => void,
): void {
  if (parentPid !== undefined) {
    setInterval(() => {
      if (!isRunning(parentPid)) stop('parent gone');
    }, PARENT_CHECK_MS).unref();
  }
  if (exitOnStdinClose) {
    process.stdin.on('end', () => stop('stdin closed'));
    process.stdin.on('error', () => stop('stdin closed'));
    process.stdin.resume();
  }
}

function isEntryModule(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isEntryModule()) {
  runServerCli(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`peerconn-server: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
