// `npm start` / `peerconn serve` / `peerconn-server`: flags → server → banner; SIGTERM/SIGINT drain and exit.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseCliArgs, USAGE, UsageError } from './config.ts';
import { type RunningServer, startServer } from './server.ts';

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Install SIGTERM/SIGINT handlers that drain, close and exit the process (default true). */
  handleSignals: boolean;
}

const defaultIo: CliIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  handleSignals: true,
};

export function bannerLines(server: RunningServer): string[] {
  const lines = ['peerconn server: local Baidu AI Cloud VPC peering service'];
  for (const l of server.listeners) lines.push(`listening ${l.region} ${l.url}`);
  lines.push(`region ${server.region} (for hosts that are not bcc.<region>.baidubce.com)`);
  lines.push(server.store.kind === 'postgres' ? `store ${server.store.location}` : `data ${server.dataPath}`);
  lines.push(`admin ${server.adminUrl}`);
  lines.push(`console ${server.consoleUrl}`);
  if (server.adminToken) lines.push(`admin-token ${server.adminToken}`);
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
  const { stdout, stderr, env, handleSignals } = { ...defaultIo, ...io };
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr(`peerconn-server: ${error.message}`);
    stderr('Run with --help for the list of options.');
    process.exitCode = 1;
    return undefined;
  }
  if (parsed.help) {
    stdout(USAGE);
    return undefined;
  }
  let server: RunningServer;
  try {
    server = await startServer(parsed.options);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const reason =
      error instanceof UsageError
        ? error.message
        : err.code === 'EADDRINUSE'
          ? `the port is already in use (${err.message}); pick another with --port or --listen`
          : err.message;
    stderr(`peerconn-server: cannot start: ${reason}`);
    process.exitCode = 1;
    return undefined;
  }
  if (handleSignals) {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
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
  }
  // Printed last: whoever reads the banner may signal us right away, so the handlers must already be there.
  for (const line of bannerLines(server)) stdout(line);
  return server;
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
