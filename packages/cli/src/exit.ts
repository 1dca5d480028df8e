// Exit codes are part of the CLI's contract with scripts; they are documented in `--help` and docs/cli.md.
export const EXIT = {
  ok: 0,
  usage: 1,
  service: 2,
  network: 3,
  wait: 4,
  /** `reach` found no working path; the contract gives it the network failure's number. */
  unreachable: 3,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  usage error (unknown flag, missing or bad value, no credentials)
  2  service error (the service returned a BCE error)
  3  network error or request timeout; for reach, the path is not reachable (the report says why)
  4  wait ended in a failure state or timed out`;

/** A mistake in how the CLI was called; reported as `error: …` with exit code 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A wait that ended in a failure state or ran out of time; exit code 4. */
export class WaitFailed extends Error {
  override readonly name = 'WaitFailed';
}

/** The whole command ran past --timeout; exit code 3 like any request timeout. */
export class CommandTimeout extends Error {
  override readonly name = 'CommandTimeout';
}

/** A network failure the CLI can explain better than the transport's own text; exit code 3. */
export class NetworkFailure extends Error {
  override readonly name = 'NetworkFailure';
}
