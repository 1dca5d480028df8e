// What the admin API's request bodies may hold, and how they are read: strictly, so a field the API does not
// know is an error that names it, never silently ignored.
import type { IncomingMessage } from 'node:http';
import { REACH_PROTOCOLS } from '@peerconn/sdk/internal';
import { OPERATIONS } from '@peerconn/sdk/operations';
import { z } from 'zod';
import { TIMING_PRESET_NAMES, timingChangeSchema, transitionTimingSchema } from '../domain/timing.ts';
import { ACCOUNT_ID_PATTERN } from '../domain/values.ts';
import { serviceError } from '../errors.ts';
import { readBody } from '../http/body.ts';

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `7d` / `36h` / `90m` / `10s` / `500ms` in milliseconds. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text);
  if (!m) throw serviceError('InvalidParameter', `Bad duration "${text}"; use forms like 7d, 36h, 90m, 10s.`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

const credentialSchema = z.strictObject({
  accessKeyId: z.string().min(1).max(128),
  secretAccessKey: z.string().min(1).max(256),
  sessionToken: z.string().min(1).optional(),
});

/** One end of a reachability question; reachRequest (domain/reachability.ts) checks which of its forms it is. */
const reachEnd = z.strictObject({
  eniId: z.string().min(1).optional(),
  vpcId: z.string().min(1).optional(),
  ip: z.string().optional(),
});

export const ADMIN_BODIES = {
  reset: z.strictObject({
    accounts: z.boolean().optional(),
    clock: z.boolean().optional(),
    timing: z.boolean().optional(),
  }),
  account: z.strictObject({
    id: z.string().regex(ACCOUNT_ID_PATTERN, 'must be 32 lowercase hex characters').optional(),
    name: z.string().min(1).max(128),
    credentials: z.array(credentialSchema).optional(),
  }),
  credential: credentialSchema.partial(),
  clock: z.strictObject({
    set: z.union([z.literal('now'), z.iso.datetime({ offset: true })]).optional(),
    realTime: z.literal(true).optional(),
    advanceMs: z.number().int().optional(),
    advance: z.string().regex(DURATION, 'must look like 7d, 36h, 90m, 10s or 500ms').optional(),
    freeze: z.boolean().optional(),
  }),
  timing: z.strictObject({
    preset: z.enum(TIMING_PRESET_NAMES).optional(),
    all: transitionTimingSchema.optional(),
    transitions: timingChangeSchema.optional(),
  }),
  fault: z.strictObject({
    operation: z
      .string()
      .refine((name) => name === '*' || Object.hasOwn(OPERATIONS, name), {
        message: `must be "*" or an operation name (${Object.keys(OPERATIONS).join(', ')})`,
      })
      .optional(),
    status: z.number().int().min(100).max(599),
    code: z.string().min(1).optional(),
    message: z.string().optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    emptyBody: z.boolean().optional(),
    retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
    drop: z.enum(['before', 'after']).optional(),
    times: z.number().int().min(1).optional(),
    ratio: z.number().min(0).max(1).optional(),
  }),
  run: z.strictObject({ peerConnId: z.string().min(1).optional() }),
  reachability: z.strictObject({
    from: reachEnd,
    to: reachEnd,
    protocol: z.enum(REACH_PROTOCOLS).optional(),
    port: z.number().int().optional(),
    sourcePort: z.number().int().optional(),
  }),
  snapshot: z.looseObject({
    format: z.literal('peerconn-snapshot'),
    version: z.literal(1),
    exportedAt: z.string(),
  }),
};

/**
 * What a client may send as the body of an admin route, read off its schema: the console types its requests
 * with these, so a schema change fails the console's type-check instead of drifting from it.
 */
export type AdminBody<Name extends keyof typeof ADMIN_BODIES> = z.input<(typeof ADMIN_BODIES)[Name]>;

/** Reads a JSON body (empty counts as `{}`) and checks it against the schema, naming what is wrong. */
export async function readAdminBody<T>(
  req: IncomingMessage,
  limitBytes: number,
  schema: z.ZodType<T>,
): Promise<T> {
  const text = (await readBody(req, limitBytes)).toString('utf8');
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw serviceError('MalformedJSON', 'The JSON you provided was not well-formed.');
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(body)';
    if (issue?.code === 'unrecognized_keys') {
      // A misspelt or invented field would otherwise be a silent no-op: name it and what the body takes.
      const where = issue.path.length > 0 ? ` in "${field}"` : '';
      const known = issue.path.length === 0 && schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
      throw serviceError(
        'InappropriateJSON',
        `Unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${where}: nothing was changed.${known.length > 0 ? ` This body takes ${known.map((k) => `"${k}"`).join(', ')}.` : ''}`,
      );
    }
    throw serviceError('InappropriateJSON', `Field "${field}": ${issue?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}
