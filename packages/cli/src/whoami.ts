// `whoami`: which account the configured keys belong to, asked of the service itself with GET /_whoami (a
// peerconn server extension, signed like any BCE request). The real cloud has no such call and answers 404;
// then only what the local configuration knows is shown.
import { EXIT } from './exit.ts';
import { commandDeadline, type GlobalOptions, makeClient } from './options.ts';
import { explainFailure, print, report } from './run.ts';
import { versionLine } from './version.ts';

const WHOAMI_PATH = '/_whoami';

export interface Whoami {
  accountId: string | null;
  accountName: string | null;
  accessKeyId: string;
  region: string;
  endpoint: string;
  profile: string | null;
}

interface ServerAnswer {
  accountId: string;
  accountName: string;
  region: string;
}

function isAnswer(value: unknown): value is ServerAnswer {
  const v = value as Partial<ServerAnswer> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.accountId === 'string' &&
    typeof v.accountName === 'string' &&
    typeof v.region === 'string'
  );
}

export async function runWhoami(globals: GlobalOptions): Promise<number> {
  const deadline = commandDeadline(globals);
  let endpoint: string | undefined;
  try {
    const client = await makeClient('peerconn', globals);
    const resolved = client.resolveConfig();
    endpoint = client.endpoint;
    const [
      { formatBceTimestamp, sign },
      { headersToRecord, sendOnce },
      { BceClientError, parseServiceError },
    ] = await Promise.all([
      import('@peerconn/sdk/signer'),
      import('@peerconn/sdk/transport'),
      import('@peerconn/sdk/errors'),
    ]);
    // Built from the resolved endpoint only: the keys never go to a host the user did not configure.
    const url = new URL(WHOAMI_PATH, endpoint);
    const { accessKeyId, secretAccessKey, sessionToken } = resolved.credentials;
    const signed: Record<string, string> = { host: url.host, 'x-bce-date': formatBceTimestamp(new Date()) };
    if (sessionToken) signed['x-bce-security-token'] = sessionToken;
    const headers = {
      ...signed,
      'user-agent': versionLine(),
      authorization: sign({
        method: 'GET',
        path: WHOAMI_PATH,
        query: [],
        headers: signed,
        accessKeyId,
        secretAccessKey,
      }),
    };
    const debug = client.config.onDebug;
    debug?.({ type: 'request', attempt: 1, method: 'GET', url: url.href, headers });
    const sendOptions: { timeoutMs: number; signal?: AbortSignal } = { timeoutMs: client.timeoutMs };
    if (deadline.signal) sendOptions.signal = deadline.signal;
    const response = await sendOnce({ method: 'GET', url, headers }, sendOptions);
    debug?.({
      type: 'response',
      attempt: 1,
      status: response.status,
      headers: headersToRecord(response.headers),
      body: response.body,
    });

    const local: Whoami = {
      accountId: null,
      accountName: null,
      accessKeyId,
      region: resolved.region,
      endpoint,
      profile: resolved.profileName ?? null,
    };
    if (response.status === 404) {
      process.stderr.write(
        `note: ${endpoint} has no ${WHOAMI_PATH} (a peerconn server extension the real BCE does not offer); ` +
          'the account id is unknown there, shown is what the local configuration says\n',
      );
      await print(local, globals);
      return EXIT.ok;
    }
    if (response.status < 200 || response.status >= 300) {
      throw parseServiceError(
        response.status,
        response.statusText,
        response.headers.get('x-bce-request-id') ?? undefined,
        response.body,
      );
    }
    let answer: unknown;
    try {
      answer = JSON.parse(response.body);
    } catch {
      answer = undefined;
    }
    if (!isAnswer(answer)) {
      throw new BceClientError(
        'parse',
        `${WHOAMI_PATH}: expected {accountId, accountName, region}, got ${response.body.slice(0, 80)}`,
      );
    }
    await print(
      { ...local, accountId: answer.accountId, accountName: answer.accountName, region: answer.region },
      globals,
    );
    return EXIT.ok;
  } catch (error) {
    return report(explainFailure(error, { command: 'whoami', deadline, endpoint }), globals);
  }
}
