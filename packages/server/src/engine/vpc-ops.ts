// The VPC operations the peering rules depend on; a VPC's route table and default security group are made and
// removed with it.
import type {
  CreateVpcFields,
  GetVpcFields,
  ListVpcsFields,
  UpdateVpcFields,
  VpcIdFields,
} from '../domain/requests.ts';
import type { CallerScope, VpcRecord } from '../domain/types.ts';
import { maxKeys } from '../domain/values.ts';
import { renderVpc, renderVpcDetail } from '../domain/view.ts';
import * as vpcRules from '../domain/vpc.ts';
import type { StoreReader } from '../store/api.ts';
import { newRouteTableId, newVpcId } from './ids.ts';
import { invalidMarker, markerOf, PageMemo, toPage } from './lists.ts';
import type { ReadContext, RequestContext } from './outcomes.ts';
import { createDefaultSecurityGroup, deleteSecurityGroupsOfVpc } from './security-group-ops.ts';

async function loadOwnVpc(reader: StoreReader, caller: CallerScope, vpcId: string) {
  return vpcRules.requireOwnVpc(await reader.getVpc(vpcId), vpcId, caller);
}

export async function createVpc(ctx: RequestContext, fields: CreateVpcFields) {
  const vpc = vpcRules.newVpc(fields, ctx.caller, newVpcId(), ctx.now);
  await ctx.tx.insertVpc(vpc);
  // Every VPC has its route table from the start, as at Baidu (the system routes of its subnets live there).
  await ctx.tx.insertRouteTable({
    routeTableId: newRouteTableId(),
    vpcId: vpc.vpcId,
    accountId: vpc.accountId,
    region: vpc.region,
  });
  await createDefaultSecurityGroup(ctx, vpc);
  ctx.tx.announce({ type: 'vpcs' });
  return { vpcId: vpc.vpcId };
}

export async function getVpc(ctx: ReadContext, fields: GetVpcFields) {
  const vpc = await loadOwnVpc(ctx.reader, ctx.caller, fields.vpcId);
  return { vpc: renderVpcDetail(vpc, await ctx.reader.subnetsOfVpc(vpc.vpcId)) };
}

export async function updateVpc(ctx: RequestContext, fields: UpdateVpcFields): Promise<undefined> {
  const vpc = await loadOwnVpc(ctx.tx, ctx.caller, fields.vpcId);
  await ctx.tx.updateVpc(vpcRules.updateVpc(vpc, fields));
  ctx.tx.announce({ type: 'vpcs' });
  return undefined;
}

export async function deleteVpc(ctx: RequestContext, fields: VpcIdFields): Promise<undefined> {
  const vpc = await loadOwnVpc(ctx.tx, ctx.caller, fields.vpcId);
  const table = await ctx.tx.routeTableOfVpc(vpc.vpcId);
  vpcRules.requireDeletable(vpc, {
    livePeerConns: await ctx.tx.countLiveOnVpc(vpc.vpcId),
    subnets: (await ctx.tx.subnetsOfVpc(vpc.vpcId)).length,
    customRules: table ? (await ctx.tx.rulesOfTable(table.routeTableId)).length : 0,
    enis: (await ctx.tx.resourcesUnder('eni', [vpc.vpcId])).map((eni) => eni.eniId),
    securityGroups: (await ctx.tx.resourcesUnder('securityGroup', [vpc.vpcId]))
      .filter((group) => !group.isDefault)
      .map((group) => group.securityGroupId),
  });
  await deleteSecurityGroupsOfVpc(ctx, vpc);
  if (table) await ctx.tx.deleteRouteTable(table.routeTableId);
  await ctx.tx.deleteVpc(vpc.vpcId);
  ctx.tx.announce({ type: 'vpcs' });
  return undefined;
}

function relay(on: boolean) {
  return async (ctx: RequestContext, fields: VpcIdFields): Promise<undefined> => {
    const vpc = await loadOwnVpc(ctx.tx, ctx.caller, fields.vpcId);
    await ctx.tx.updateVpc({ ...vpc, relay: on });
    ctx.tx.announce({ type: 'vpcs' });
    return undefined;
  };
}

export const openVpcRelay = relay(true);
export const shutdownVpcRelay = relay(false);

export async function listVpcs(ctx: ReadContext, fields: ListVpcsFields) {
  const limit = maxKeys(fields.maxKeys);
  const marker = markerOf(fields.marker);
  const vpcIds = fields.vpcIds?.map((v) => v.trim()).filter((v) => v !== '');
  const { accountId, region } = ctx.caller;
  let fromSeq = 0;
  if (marker !== undefined) {
    const at = await ctx.reader.vpcSeq(marker);
    if (!at || at.accountId !== accountId || at.region !== region) throw invalidMarker(marker);
    fromSeq = at.seq;
  }
  // Emulated accounts have no default VPC, so asking for default ones yields an empty page.
  const rows =
    fields.isDefault === true
      ? []
      : await ctx.reader.listVpcs({
          accountId,
          region,
          fromSeq,
          limit: limit + 1,
          ...(vpcIds && vpcIds.length > 0 ? { vpcIds } : {}),
        });
  return vpcPages.pageOf(rows, limit);
}

const vpcPages = new PageMemo((rows: ReadonlyArray<{ seq: number; vpc: VpcRecord }>, limit: number) => {
  const { items, ...paging } = toPage(rows, limit, (row) => row.vpc.vpcId);
  return { vpcs: items.map((row) => renderVpc(row.vpc)), ...paging };
});
