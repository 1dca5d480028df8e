// Global flags and the SDK client they describe. Precedence of credentials (flags > --profile > env > current
// profile) is the SDK's own resolveConfig; the CLI only hands over what the user typed.
import type { BceClient, ClientConfig, DebugEvent } from '@peerconn/sdk';
import type { ServiceName } from '@peerconn/sdk/operations';
import { UsageError } from './exit.ts';
import { CLI_VERSION, versionLine } from './version.ts';

export type OutputFormat = 'json' | 'table' | 'text';

export interface GlobalOptions {
  profile?: string;
  region?: string;
  endpoint?: string;
  output: OutputFormat;
  query?: string;
  /** Seconds. */
  timeout?: number;
  debug?: boolean;
  clientToken?: string;
  color: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  securityToken?: string;
}

/** Secrets of the credentials the client ended up with (flags, env or profile), for redaction. */
export type SecretsOf = () => ReadonlyArray<string | undefined>;

export function clientConfig(
  globals: GlobalOptions,
  stderr: NodeJS.WritableStream = process.stderr,
  secrets: SecretsOf = () => [],
): ClientConfig {
  // The service sees which CLI build called it; the SDK's own name/version comes first in the User-Agent.
  const config: ClientConfig = { userAgentSuffix: `peerconn-cli/${CLI_VERSION}` };
  if (globals.accessKeyId !== undefined || globals.secretAccessKey !== undefined) {
    if (!globals.accessKeyId || !globals.secretAccessKey) {
      throw new UsageError('--access-key-id and --secret-access-key must be given together');
    }
    config.credentials = { accessKeyId: globals.accessKeyId, secretAccessKey: globals.secretAccessKey };
    if (globals.securityToken) config.credentials.sessionToken = globals.securityToken;
  }
  if (globals.profile !== undefined) config.profile = globals.profile;
  if (globals.region !== undefined) config.region = globals.region;
  if (globals.endpoint !== undefined) config.endpoint = globals.endpoint;
  if (globals.debug) {
    config.onDebug = debugPrinter(stderr, () => [
      config.credentials?.secretAccessKey,
      config.credentials?.sessionToken,
      ...secrets(),
    ]);
  }
  return config;
}

export function debugPrinter(stderr: NodeJS.WritableStream, secrets: SecretsOf): (event: DebugEvent) => void {
  return (event) => {
    let line: string;
    switch (event.type) {
      case 'request':
        line = `> ${event.method} ${event.url} (attempt ${event.attempt})\n${formatHeaders(event.headers, '> ')}${event.body ? `> \n> ${event.body}\n` : ''}`;
        break;
      case 'response':
        line = `< ${event.status} (attempt ${event.attempt})\n${formatHeaders(event.headers, '< ')}${event.body ? `< \n< ${event.body}\n` : ''}`;
        break;
      case 'retry':
        line = `retry after attempt ${event.attempt} in ${event.delayMs} ms: ${event.reason}\n`;
        break;
      case 'error':
        line = `error on attempt ${event.attempt}: ${event.error.message}\n`;
        break;
    }
    // The SDK never sends the secret key, but a stray copy (say in a body echoed back) must not leak either;
    // an STS session token is sent, as a header, and is as much a credential as the key.
    let safe = line;
    for (const secret of secrets()) if (secret) safe = safe.split(secret).join('<redacted>');
    stderr.write(
      safe
        .trimEnd()
        .split('\n')
        .map((l) => `[debug] ${l}\n`)
        .join(''),
    );
  };
}

function formatHeaders(headers: Record<string, string>, prefix: string): string {
  return Object.entries(headers)
    .map(([name, value]) => `${prefix}${name}: ${value}\n`)
    .join('');
}

export interface MakeClientOptions {
  stderr?: NodeJS.WritableStream;
  /**
   * Resolve the keys now (the default), so that "no credentials" is a usage error before anything is sent.
   * An unsigned call to an endpoint given by flag needs none.
   */
  resolveKeys?: boolean;
  /** More values --debug must never print (an admin token). */
  secrets?: ReadonlyArray<string | undefined>;
}

export async function makeClient(
  service: ServiceName,
  globals: GlobalOptions,
  options: MakeClientOptions = {},
): Promise<BceClient> {
  const stderr = options.stderr ?? process.stderr;
  let client: BceClient | undefined;
  // Keys from the environment or a profile are only known once the client resolved them.
  const config = clientConfig(globals, stderr, () => {
    const credentials = options.resolveKeys === false ? undefined : client?.resolveConfig().credentials;
    return [credentials?.secretAccessKey, credentials?.sessionToken, ...(options.secrets ?? [])];
  });
  if (globals.debug) stderr.write(`[debug] ${versionLine()}\n`);
  const [sdk, internal] = await Promise.all([import('@peerconn/sdk'), import('@peerconn/sdk/internal')]);
  const made = new internal.CLIENT_CLASSES[service](config);
  client = made;
  if (options.resolveKeys === false) return made;
  try {
    made.resolveConfig();
  } catch (error) {
    // The SDK's text tells a programmer what to pass to the client; a CLI user needs commands and flags.
    if (error instanceof sdk.BceClientError && error.message === internal.MISSING_CREDENTIALS_HELP) {
      throw new UsageError(NO_CREDENTIALS);
    }
    throw error;
  }
  return made;
}

const NO_CREDENTIALS =
  'No BCE credentials found. Run `peerconn configure` to save keys in a profile (add --profile <name> to ' +
  'name it, then pass --profile <name>), pass --access-key-id and --secret-access-key, or set ' +
  'BCE_ACCESS_KEY_ID and BCE_SECRET_ACCESS_KEY.';

/** The whole-command deadline of --timeout: one signal every request of the command is sent with. */
export interface Deadline {
  signal: AbortSignal | undefined;
  seconds: number | undefined;
}

export function commandDeadline(globals: Pick<GlobalOptions, 'timeout'>): Deadline {
  if (globals.timeout === undefined) return { signal: undefined, seconds: undefined };
  return { signal: AbortSignal.timeout(Math.round(globals.timeout * 1000)), seconds: globals.timeout };
}
