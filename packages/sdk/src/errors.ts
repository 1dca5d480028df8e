// Error classes a caller can branch on, and the tolerant parsing of BCE error responses (docs/wire.md, "Errors").
import type { ErrorCode } from './error-codes.ts';
import type { ResponseMetadata } from './models.ts';

export class BceServiceError extends Error {
  override readonly name = 'BceServiceError';
  readonly statusCode: number;
  readonly code: ErrorCode;
  readonly requestId: string | undefined;
  $metadata: ResponseMetadata;
  /** Raw response body, kept for debugging bodies that were not the expected JSON. */
  readonly responseBody: string;

  constructor(init: {
    statusCode: number;
    code: ErrorCode;
    message: string;
    requestId?: string;
    responseBody?: string;
    $metadata?: ResponseMetadata;
  }) {
    super(init.message);
    this.statusCode = init.statusCode;
    this.code = init.code;
    this.requestId = init.requestId;
    this.responseBody = init.responseBody ?? '';
    this.$metadata = init.$metadata ?? {
      httpStatusCode: init.statusCode,
      requestId: init.requestId,
      attempts: 1,
      totalRetryDelayMs: 0,
    };
  }
}

export type ClientErrorKind = 'network' | 'timeout' | 'abort' | 'parse' | 'config';

export class BceClientError extends Error {
  override readonly name = 'BceClientError';
  readonly kind: ClientErrorKind;
  /** HTTP status of the response a `parse` error came from. */
  readonly statusCode: number | undefined;
  /** Body text of the response a `parse` error came from. */
  readonly responseBody: string | undefined;
  $metadata: ResponseMetadata | undefined;

  constructor(
    kind: ClientErrorKind,
    message: string,
    options: {
      cause?: unknown;
      statusCode?: number;
      responseBody?: string;
      $metadata?: ResponseMetadata;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.statusCode = options.statusCode;
    this.responseBody = options.responseBody;
    this.$metadata = options.$metadata;
  }
}

/** The error every layer throws once the caller's signal has fired. */
export function abortError(signal: AbortSignal): BceClientError {
  return new BceClientError('abort', 'The operation was aborted by the caller', { cause: signal.reason });
}

// Go's fallbacks when an error response has no usable body, so codes match what Go users see.
const FALLBACK_CODES: Record<number, string> = {
  400: 'InvalidHTTPRequest',
  403: 'AccessDenied',
  404: 'NotFound',
  412: 'PreconditionFailed',
  500: 'InternalError',
};

function fallbackCode(status: number, statusText: string): string {
  const known = FALLBACK_CODES[status];
  if (known) return known;
  const compact = statusText.replace(/\s+/g, '');
  return compact === '' ? `Http${status}` : compact;
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function describeBody(body: string): string {
  const trimmed = body.trim();
  if (trimmed === '') return 'an empty body';
  if (trimmed.startsWith('<')) return 'an HTML body';
  const preview = trimmed.length > 80 ? `${trimmed.slice(0, 80)}…` : trimmed;
  return `a body that is not a BCE error object: ${preview}`;
}

/**
 * Builds a BceServiceError from any non-2xx response. The body is expected to be `{code, message, requestId}`;
 * empty, HTML or truncated bodies still give a usable code (by status), message and request id (header).
 */
export function parseServiceError(
  statusCode: number,
  statusText: string,
  headerRequestId: string | undefined,
  body: string,
  metadata?: Omit<ResponseMetadata, 'httpStatusCode' | 'requestId'>,
): BceServiceError {
  let parsed: Record<string, unknown> | undefined;
  try {
    const value: unknown = JSON.parse(body);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      parsed = value as Record<string, unknown>;
    }
  } catch {
    parsed = undefined;
  }
  const code = (parsed && stringField(parsed, 'code')) ?? fallbackCode(statusCode, statusText);
  const requestId = (parsed && stringField(parsed, 'requestId')) ?? headerRequestId;
  const message =
    (parsed && stringField(parsed, 'message')) ??
    `HTTP ${statusCode}${statusText ? ` ${statusText}` : ''}: expected a JSON error {code, message, requestId}, got ${describeBody(body)}`;
  return new BceServiceError({
    statusCode,
    code,
    message,
    requestId,
    responseBody: body,
    $metadata: {
      httpStatusCode: statusCode,
      requestId,
      attempts: metadata?.attempts ?? 1,
      totalRetryDelayMs: metadata?.totalRetryDelayMs ?? 0,
    },
  });
}

export function isNotFoundError(error: unknown): boolean {
  return (
    error instanceof BceServiceError &&
    (error.code === 'NoSuchObject' || error.code === 'NotFound' || error.statusCode === 404)
  );
}
