// The subnet operations: read the VPC and its other subnets in the request's transaction, ask the domain,
// persist what it decided.

import { requireNoEnisIn } from '../domain/eni.ts';
import type {
  CreateSubnetFields,
  GetSubnetFields,
  ListSubnetsFields,
  SubnetIdFields,
  UpdateSubnetFields,
} from '../domain/requests.ts';
import * as subnetRules from '../domain/subnet.ts';
import type { CallerScope, SubnetRecord } from '../domain/types.ts';
import { limited, maxKeys } from '../domain/values.ts';
import { renderSubnet } from '../domain/view.ts';
import { requireOwnVpc } from '../domain/vpc.ts';
import type { StoreReader } from '../store/api.ts';
import { deleteAclRulesOfSubnet } from './acl-ops.ts';
import { newSubnetId } from './ids.ts';
import { invalidMarker, markerOf, PageMemo, toPage } from './lists.ts';
import type { ReadContext, RequestContext } from './outcomes.ts';

async function loadOwnSubnet(reader: StoreReader, caller: CallerScope, subnetId: string) {
  return subnetRules.requireOwnSubnet(await reader.getSubnet(subnetId), subnetId, caller);
}

export async function createSubnet(ctx: RequestContext, fields: CreateSubnetFields) {
  const request = subnetRules.subnetRequest(fields);
  const { tx, caller } = ctx;
  const vpc = requireOwnVpc(await tx.getVpc(request.vpcId), request.vpcId, caller);
  const subnet = subnetRules.decideSubnet(request, {
    vpc,
    siblings: await tx.subnetsOfVpc(vpc.vpcId),
    quota: ctx.config.quotaSubnetsPerVpc ?? subnetRules.DEFAULT_SUBNETS_PER_VPC,
    subnetId: newSubnetId(),
    now: ctx.now,
  });
  await tx.insertSubnet(subnet);
  tx.announce({ type: 'vpcs' });
  return { subnetId: subnet.subnetId };
}

export async function getSubnet(ctx: ReadContext, fields: GetSubnetFields) {
  return { subnet: renderSubnet(await loadOwnSubnet(ctx.reader, ctx.caller, fields.subnetId)) };
}

export async function updateSubnet(ctx: RequestContext, fields: UpdateSubnetFields): Promise<undefined> {
  const subnet = await loadOwnSubnet(ctx.tx, ctx.caller, fields.subnetId);
  await ctx.tx.updateSubnet(subnetRules.updateSubnet(subnet, fields));
  ctx.tx.announce({ type: 'vpcs' });
  return undefined;
}

export async function deleteSubnet(ctx: RequestContext, fields: SubnetIdFields): Promise<undefined> {
  const subnet = await loadOwnSubnet(ctx.tx, ctx.caller, fields.subnetId);
  const table = await ctx.tx.routeTableOfVpc(subnet.vpcId);
  subnetRules.requireSubnetDeletable(subnet, table ? await ctx.tx.rulesOfTable(table.routeTableId) : []);
  requireNoEnisIn(subnet, await ctx.tx.resourcesUnder('eni', [subnet.vpcId]));
  await deleteAclRulesOfSubnet(ctx, subnet.subnetId);
  await ctx.tx.deleteSubnet(subnet.subnetId);
  ctx.tx.announce({ type: 'vpcs' });
  return undefined;
}

export async function listSubnets(ctx: ReadContext, fields: ListSubnetsFields) {
  const limit = maxKeys(fields.maxKeys);
  const marker = markerOf(fields.marker);
  const { accountId, region } = ctx.caller;
  let fromSeq = 0;
  if (marker !== undefined) {
    const at = await ctx.reader.subnetSeq(marker);
    if (!at || at.accountId !== accountId || at.region !== region) throw invalidMarker(marker);
    fromSeq = at.seq;
  }
  const subnetIds = fields.subnetIds?.map((v) => v.trim()).filter((v) => v !== '');
  const rows = await ctx.reader.listSubnets({
    accountId,
    region,
    fromSeq,
    limit: limit + 1,
    ...optional('vpcId', limited('vpcId', fields.vpcId, 64)),
    ...optional('zoneName', limited('zoneName', fields.zoneName, 64)),
    ...optional('subnetType', fields.subnetType),
    ...(subnetIds && subnetIds.length > 0 ? { subnetIds } : {}),
  });
  return subnetPages.pageOf(rows, limit);
}

const subnetPages = new PageMemo(
  (rows: ReadonlyArray<{ seq: number; subnet: SubnetRecord }>, limit: number) => {
    const { items, ...paging } = toPage(rows, limit, (row) => row.subnet.subnetId);
    return { subnets: items.map((row) => renderSubnet(row.subnet)), ...paging };
  },
);

/** A filter when given and not empty (the SDKs send empty values for filters left unset). */
function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return value === undefined || value === '' ? {} : ({ [key]: value } as { [P in K]?: string });
}
