// `POST /_admin/act`: runs one operation of the table as an account, the way a signed request of that account
// would run it: the input goes through the same shape checks as the wire's, then through engine.execute, so
// every rule and error of the domain applies. Only the transport is skipped: no signature (the admin API is
// the authority), no idempotency token, and no fault injection (faults simulate an unreliable API for the
// program under test; a click in the console must not consume them).
import { OPERATIONS, type OperationName, pathParams } from '@peerconn/sdk/operations';
import { z } from 'zod';
import type { Engine } from '../engine/api.ts';
import { serviceError } from '../errors.ts';
import { parseBody, parseQueryInput } from '../http/schemas.ts';
import type { ActRequest, ActResult } from './views.ts';

export const actSchema = z.strictObject({
  accountId: z.string().min(1),
  region: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a region name such as bj or gz'),
  operation: z.string().refine((name) => Object.hasOwn(OPERATIONS, name), {
    message: `must be an operation name (${Object.keys(OPERATIONS).join(', ')})`,
  }),
  input: z.record(z.string(), z.unknown()).optional(),
}) satisfies z.ZodType<ActRequest>;

function queryText(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(',');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Splits the SDK-style input by where the wire carries each field, and checks each part as the wire does. */
export function operationInput(name: OperationName, given: Record<string, unknown>): Record<string, unknown> {
  const spec = OPERATIONS[name];
  const inPath = pathParams(spec);
  const path: Record<string, string> = {};
  const query = new Map<string, string>();
  const body: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(given)) {
    if (value === undefined || value === null) continue;
    if (inPath.includes(field)) {
      if (typeof value !== 'string' || value === '') {
        throw serviceError('InappropriateJSON', `Field "input.${field}" must be a non-empty string.`);
      }
      path[field] = value;
    } else if ((spec.query as readonly string[]).includes(field)) {
      query.set(field, queryText(value));
    } else if ((spec.body as readonly string[]).includes(field)) {
      body[field] = value;
    } else {
      throw serviceError(
        'InappropriateJSON',
        `Field "input.${field}" is not an input of ${name}; it takes ${[...inPath, ...spec.query, ...spec.body].join(', ') || 'nothing'}.`,
      );
    }
  }
  for (const field of inPath) {
    if (path[field] === undefined)
      throw serviceError('InappropriateJSON', `Field "input.${field}" is required.`);
  }
  const typedSpec = { ...spec, name };
  return {
    ...parseBody(typedSpec, Buffer.from(JSON.stringify(body))),
    ...parseQueryInput(typedSpec, query),
    ...path,
  };
}

export async function act(engine: Engine, request: ActRequest, requestId: string): Promise<ActResult> {
  const name = request.operation as OperationName;
  const input = operationInput(name, request.input ?? {});
  if (!(await engine.listAccounts()).some((account) => account.id === request.accountId)) {
    throw serviceError('NoSuchObject', `Account ${request.accountId} does not exist.`);
  }
  const result = await engine.execute(
    name,
    { accountId: request.accountId, region: request.region, requestId },
    input,
  );
  return result === undefined ? { requestId } : { requestId, result };
}
