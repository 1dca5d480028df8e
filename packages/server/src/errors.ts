// The one error type the server's layers throw; the HTTP layer renders it as {code, message, requestId}.
import type { KnownErrorCode } from '@peerconn/sdk';
import { ERROR_CODES } from '@peerconn/sdk/internal';

export class ServiceError extends Error {
  readonly code: KnownErrorCode;
  readonly statusCode: number;
  /**
   * What the server computed, for a person debugging the refusal (the canonical request of a failed signature
   * check). Logged at debug level only, never part of the answer otherwise.
   */
  detail?: Readonly<Record<string, string>>;
  /** Sent as `Retry-After` (seconds) with the answer: how long a client should wait before trying again. */
  retryAfterSeconds?: number;

  constructor(code: KnownErrorCode, message: string, statusCode: number = ERROR_CODES[code]) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.statusCode = statusCode;
  }
}

export function serviceError(code: KnownErrorCode, message: string): ServiceError {
  return new ServiceError(code, message);
}
