// `whoami`: which account the configured keys belong to, asked of the service itself with GET /_whoami (a
// peerconn server extension, signed like any BCE request). The real cloud has no such call and answers 404;
// then only what the local configuration knows is shown.
import { EXIT } from './exit.ts';
import { commandDeadline, type GlobalOptions, makeClient } from './options.ts';
import { explainFailure, print, report } from './run.ts';

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
    const { BceClientError, BceServiceError } = await import('@peerconn/sdk');
    const local: Whoami = {
      accountId: null,
      accountName: null,
      accessKeyId: resolved.credentials.accessKeyId,
      region: resolved.region,
      endpoint,
      profile: resolved.profileName ?? null,
    };
    // Sent by the SDK like any call, so only to the resolved endpoint: the keys never go elsewhere.
    let answer: unknown;
    try {
      const response = await client.request({
        method: 'GET',
        path: WHOAMI_PATH,
        ...(deadline.signal ? { abortSignal: deadline.signal } : {}),
      });
      answer = response.body;
    } catch (error) {
      if (!(error instanceof BceServiceError && error.statusCode === 404)) throw error;
      process.stderr.write(
        `note: ${endpoint} has no ${WHOAMI_PATH} (a peerconn server extension the real BCE does not offer); ` +
          'the account id is unknown there, shown is what the local configuration says\n',
      );
      await print(local, globals);
      return EXIT.ok;
    }
    if (!isAnswer(answer)) {
      throw new BceClientError(
        'parse',
        `${WHOAMI_PATH}: expected {accountId, accountName, region}, got ${String(JSON.stringify(answer)).slice(0, 80)}`,
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
