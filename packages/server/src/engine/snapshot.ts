// Snapshot format: versioned JSON of the whole store. Import validates everything before touching the store.
import { DNS_STATUSES, PAYMENT_TIMINGS, PEER_CONN_ROLES, PEER_CONN_STATUSES } from '@peerconn/sdk/models';
import { z } from 'zod';
import { ACCOUNT_ID_PATTERN } from '../domain/values.ts';
import { ServiceError } from '../errors.ts';
import type { StoreDump } from '../store/api.ts';
import type { Snapshot } from './api.ts';

const tag = z.object({ tagKey: z.string(), tagValue: z.string().optional() });
const credential = z.object({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().optional(),
});
const side = z.object({
  role: z.enum(PEER_CONN_ROLES),
  accountId: z.string(),
  region: z.string(),
  vpcId: z.string(),
  ifId: z.string().min(1),
  ifName: z.string(),
  description: z.string(),
  status: z.enum(PEER_CONN_STATUSES),
  dnsStatus: z.enum(DNS_STATUSES),
});
const seq = z.number().int().positive();
const kind = z.enum([
  'create',
  'accept',
  'update',
  'delete',
  'dnsOpen',
  'dnsClose',
  'consultTimeout',
  'expiry',
]);

const dumpSchema = z.object({
  meta: z.record(z.string(), z.string()),
  accounts: z.array(
    z.object({
      id: z.string().regex(ACCOUNT_ID_PATTERN),
      name: z.string(),
      credentials: z.array(credential),
    }),
  ),
  vpcs: z.array(
    z.object({
      seq,
      vpcId: z.string().min(1),
      accountId: z.string(),
      region: z.string(),
      name: z.string(),
      cidr: z.string(),
      description: z.string(),
      relay: z.boolean(),
      tags: z.array(tag),
      createdAt: z.number(),
    }),
  ),
  peerConns: z.array(
    z.object({
      seq,
      sideSeqs: z.object({
        initiator: z.number().int().nonnegative(),
        acceptor: z.number().int().nonnegative(),
      }),
      record: z.object({
        id: z.string().min(1),
        initiator: side,
        acceptor: side,
        acceptorRemoved: z.boolean(),
        crossAccount: z.boolean(),
        bandwidthInMbps: z.number().int(),
        paymentTiming: z.enum(PAYMENT_TIMINGS),
        reservationLength: z.number().int().nullable(),
        createdAt: z.number(),
        expiresAt: z.number().nullable(),
        deleteProtect: z.boolean(),
        tags: z.array(tag),
        resourceGroupId: z.string(),
      }),
    }),
  ),
  transitions: z.array(
    z.object({
      peerConnId: z.string(),
      kind,
      side: z.enum(['initiator', 'acceptor', 'both']),
      dueAt: z.number().nullable(),
    }),
  ),
  tokens: z.array(
    z.object({
      accountId: z.string(),
      // Absent in snapshots taken before tokens were scoped by region; such tokens never match again.
      region: z.string().default(''),
      token: z.string(),
      operation: z.string(),
      fingerprint: z.string(),
      response: z.string(),
      lastUsedAt: z.number(),
    }),
  ),
});

const snapshotSchema = z.object({
  format: z.literal('peerconn-snapshot'),
  version: z.literal(1),
  exportedAt: z.string(),
  state: dumpSchema,
});

export function toSnapshot(dump: StoreDump, exportedAt: string): Snapshot {
  return { format: 'peerconn-snapshot', version: 1, exportedAt, state: dump };
}

export function fromSnapshot(snapshot: unknown): StoreDump {
  const parsed = snapshotSchema.safeParse(snapshot);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') || '(root)' : '(root)';
    throw new ServiceError(
      'InappropriateJSON',
      `Snapshot rejected, nothing was changed: ${where}: ${issue?.message ?? 'invalid'}. Import a file made by exportSnapshot (format "peerconn-snapshot", version 1).`,
    );
  }
  const dump = parsed.data.state;
  // Cross-record consistency the per-field schema cannot see; a violation would otherwise surface as a 500.
  const ids = new Set<string>();
  for (const { record } of dump.peerConns) {
    if (ids.has(record.id)) {
      throw new ServiceError(
        'InappropriateJSON',
        `Snapshot rejected, nothing was changed: duplicate peerConnId ${record.id}.`,
      );
    }
    ids.add(record.id);
  }
  return dump as StoreDump;
}
