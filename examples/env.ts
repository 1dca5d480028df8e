// Shared setup of the examples: the client comes from BCE_ENDPOINT / BCE_ACCESS_KEY_ID / BCE_SECRET_ACCESS_KEY
// (or any other source the SDK knows: BCE_REGION, BCE_PROFILE, ~/.bce/config.json), ids from named variables.
import { BceServiceError, PeerConnClient } from '@peerconn/sdk';

export function client(): PeerConnClient {
  return new PeerConnClient({ userAgentSuffix: 'peerconn-examples' });
}

export function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    console.error(`Set ${name} (see the comment at the top of this example).`);
    process.exit(2);
  }
  return value.trim();
}

export function optional(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Prints one JSON line, so that scripts can capture it. */
export function print(value: unknown): void {
  console.log(JSON.stringify(value));
}

/** Runs an example, printing BCE errors as one JSON line on stderr with a non-zero exit code. */
export function run(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof BceServiceError) {
      console.error(
        JSON.stringify({
          code: error.code,
          message: error.message,
          requestId: error.requestId,
          status: error.statusCode,
        }),
      );
    } else {
      console.error(error instanceof Error ? error.message : String(error));
    }
    process.exitCode = 1;
  });
}
