// Snapshot format: versioned JSON of the whole store. Import validates everything before touching the store.
import { DNS_STATUSES, PAYMENT_TIMINGS, PEER_CONN_ROLES, PEER_CONN_STATUSES } from '@peerconn/sdk';
import { z } from 'zod';
import { RESOURCE_KIND_NAMES, RESOURCE_KINDS, type ResourceKind, resourceKeys } from '../domain/resources.ts';
import { defaultSecurityGroup } from '../domain/security-group.ts';
import { ACCOUNT_ID_PATTERN } from '../domain/values.ts';
import { ServiceError } from '../errors.ts';
import type { StoreDump } from '../store/api.ts';
import type { Snapshot } from './api.ts';
import { newRouteTableId, newSecurityGroupId, newSecurityGroupRuleId } from './ids.ts';

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

const owner = { accountId: z.string(), region: z.string() };

// Snapshots taken before subnets and route tables existed have none of these lists; their VPCs get a route
// table on import, as a migrated database's do.
const networkSchema = {
  subnets: z
    .array(
      z.object({
        seq,
        subnetId: z.string().min(1),
        vpcId: z.string().min(1),
        ...owner,
        name: z.string(),
        zoneName: z.string(),
        cidr: z.string(),
        subnetType: z.string(),
        description: z.string(),
        tags: z.array(tag),
        createdAt: z.number(),
      }),
    )
    .default([]),
  routeTables: z
    .array(z.object({ seq, routeTableId: z.string().min(1), vpcId: z.string().min(1), ...owner }))
    .default([]),
  routeRules: z
    .array(
      z.object({
        seq,
        routeRuleId: z.string().min(1),
        routeTableId: z.string().min(1),
        vpcId: z.string().min(1),
        ...owner,
        sourceAddress: z.string(),
        destinationAddress: z.string(),
        nexthopType: z.string(),
        nexthopId: z.string(),
        description: z.string(),
        createdAt: z.number(),
        // Snapshots made before primary/standby pairs have no pathType: their rules are normal.
        pathType: z.enum(['normal', 'ha:active', 'ha:standby']).optional(),
      }),
    )
    .default([]),
  // Network resources of the generic table, each record checked by its kind's schema (domain/resources.ts);
  // snapshots taken before they existed have none.
  resources: z
    .array(
      z
        .object({
          seq,
          kind: z.enum(RESOURCE_KIND_NAMES as [ResourceKind, ...ResourceKind[]]),
          record: z.unknown(),
        })
        .transform((entry, ctx) => {
          const checked = RESOURCE_KINDS[entry.kind].schema.safeParse(entry.record);
          if (!checked.success) {
            const issue = checked.error.issues[0];
            ctx.addIssue({
              code: 'custom',
              path: ['record', ...(issue?.path ?? [])],
              message: `not a ${entry.kind}: ${issue?.message ?? 'invalid'}`,
            });
            return z.NEVER;
          }
          return { seq: entry.seq, kind: entry.kind, record: checked.data };
        }),
    )
    .default([]),
};

const dumpSchema = z.object({
  ...networkSchema,
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
  const reject = (why: string) =>
    new ServiceError('InappropriateJSON', `Snapshot rejected, nothing was changed: ${why}.`);
  const ids = new Set<string>();
  for (const { record } of dump.peerConns) {
    if (ids.has(record.id)) throw reject(`duplicate peerConnId ${record.id}`);
    ids.add(record.id);
  }
  const vpcIds = new Set(dump.vpcs.map((vpc) => vpc.vpcId));
  const tables = new Map<string, string>();
  for (const table of dump.routeTables) {
    if (!vpcIds.has(table.vpcId))
      throw reject(`route table ${table.routeTableId} belongs to no VPC of the snapshot`);
    if ([...tables.values()].includes(table.vpcId)) throw reject(`VPC ${table.vpcId} has two route tables`);
    tables.set(table.routeTableId, table.vpcId);
  }
  for (const subnet of dump.subnets) {
    if (!vpcIds.has(subnet.vpcId))
      throw reject(`subnet ${subnet.subnetId} belongs to no VPC of the snapshot`);
  }
  for (const rule of dump.routeRules) {
    if (!tables.has(rule.routeTableId)) {
      throw reject(`route rule ${rule.routeRuleId} belongs to no route table of the snapshot`);
    }
  }
  const resourceIds = new Set<string>();
  for (const { kind, record } of dump.resources) {
    const { id } = resourceKeys(kind, record as never);
    if (resourceIds.has(`${kind}:${id}`)) throw reject(`duplicate ${kind} ${id}`);
    resourceIds.add(`${kind}:${id}`);
    if (!vpcIds.has(record.vpcId)) throw reject(`${kind} ${id} belongs to no VPC of the snapshot`);
  }
  const withTable = new Set(tables.values());
  let nextSeq = Math.max(0, ...dump.routeTables.map((t) => t.seq)) + 1;
  for (const vpc of dump.vpcs) {
    if (withTable.has(vpc.vpcId)) continue;
    dump.routeTables.push({
      seq: nextSeq++,
      routeTableId: newRouteTableId(),
      vpcId: vpc.vpcId,
      accountId: vpc.accountId,
      region: vpc.region,
    });
  }
  // Every VPC has its default security group; a snapshot made before groups existed gets them here, as a
  // migrated database does.
  const withDefaultGroup = new Set(
    dump.resources.flatMap((entry) =>
      entry.kind === 'securityGroup' && (entry.record as { isDefault: boolean }).isDefault
        ? [entry.record.vpcId]
        : [],
    ),
  );
  let nextResourceSeq = Math.max(0, ...dump.resources.map((r) => r.seq)) + 1;
  for (const vpc of dump.vpcs) {
    if (withDefaultGroup.has(vpc.vpcId)) continue;
    const { seq: _seq, ...record } = vpc;
    const { group, rules } = defaultSecurityGroup(record, {
      securityGroupId: newSecurityGroupId(),
      ruleIds: newSecurityGroupRuleId,
      now: vpc.createdAt,
    });
    dump.resources.push({ seq: nextResourceSeq++, kind: 'securityGroup', record: group });
    for (const rule of rules) {
      dump.resources.push({ seq: nextResourceSeq++, kind: 'securityGroupRule', record: rule });
    }
  }
  return dump as StoreDump;
}
