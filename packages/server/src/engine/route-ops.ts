// The route table operations: find the caller's table (by id or by VPC), read what a rule's checks need in the
// request's transaction (the VPC, its subnets, the table's other rules, the connection a peering next hop
// names), ask the domain, persist what it decided.

import type {
  CreateRouteRuleFields,
  GetRouteTableFields,
  ListRouteRulesFields,
  RouteRuleIdFields,
  UpdateRouteRuleFields,
} from '../domain/requests.ts';
import * as routeRules from '../domain/route.ts';
import type { CallerScope, RouteRuleRecord, RouteTableRecord } from '../domain/types.ts';
import { limited, maxKeys } from '../domain/values.ts';
import { renderRouteRule, renderRouteTable } from '../domain/view.ts';
import { requireOwnVpc } from '../domain/vpc.ts';
import { ServiceError } from '../errors.ts';
import type { StoreReader } from '../store/api.ts';
import type { RequestFields } from './api.ts';
import { newRouteRuleId } from './ids.ts';
import { invalidMarker, markerOf, toPage } from './lists.ts';
import type { ReadContext, RequestContext } from './outcomes.ts';

/** The caller's table named by routeTableId, by vpcId, or by both (then they must agree). */
async function findTable(
  reader: StoreReader,
  caller: CallerScope,
  fields: { routeTableId?: string | undefined; vpcId?: string | undefined },
): Promise<RouteTableRecord> {
  const byId = limited('routeTableId', fields.routeTableId, 64) || undefined;
  const byVpc = limited('vpcId', fields.vpcId, 64) || undefined;
  let table: RouteTableRecord | undefined;
  if (byId !== undefined) {
    table = routeRules.requireOwnTable(await reader.getRouteTable(byId), byId, caller);
  } else {
    const vpcId = byVpc as string;
    const vpc = requireOwnVpc(await reader.getVpc(vpcId), vpcId, caller);
    table = routeRules.requireOwnTable(await reader.routeTableOfVpc(vpc.vpcId), `of ${vpc.vpcId}`, caller);
  }
  routeRules.requireSameTable(table, byId, byVpc);
  return table;
}

/** The facts a rule of `table` is checked against; `exclude` is the rule being changed. */
async function routeFacts(
  ctx: RequestContext,
  table: RouteTableRecord,
  nexthop: { type: string; id: string } | undefined,
  exclude?: string,
): Promise<routeRules.RouteFacts> {
  const { tx, caller } = ctx;
  const vpc = requireOwnVpc(await tx.getVpc(table.vpcId), table.vpcId, caller);
  let connection: routeRules.RouteFacts['connection'];
  if (nexthop?.type === 'peerConn') {
    connection = nexthop.id.startsWith('peerconn-')
      ? await tx.getPeerConn(nexthop.id)
      : await tx.getPeerConnByInterface(nexthop.id);
  }
  return {
    table,
    vpc,
    subnets: await tx.subnetsOfVpc(vpc.vpcId),
    others: (await tx.rulesOfTable(table.routeTableId)).filter((r) => r.routeRuleId !== exclude),
    quota: ctx.config.quotaRulesPerTable ?? routeRules.DEFAULT_RULES_PER_TABLE,
    connection,
  };
}

async function loadOwnRule(
  reader: StoreReader,
  caller: CallerScope,
  routeRuleId: string,
): Promise<RouteRuleRecord> {
  return routeRules.requireOwnRule(await reader.getRouteRule(routeRuleId), routeRuleId, caller);
}

export async function getRouteTable(ctx: ReadContext, fields: GetRouteTableFields) {
  const table = await findTable(ctx.reader, ctx.caller, fields);
  return renderRouteTable(
    table,
    await ctx.reader.rulesOfTable(table.routeTableId),
    await ctx.reader.subnetsOfVpc(table.vpcId),
  );
}

export async function createRouteRule(ctx: RequestContext, fields: CreateRouteRuleFields) {
  const request = routeRules.routeRuleRequest(fields);
  const table = routeRules.requireOwnTable(
    await ctx.tx.getRouteTable(request.routeTableId),
    request.routeTableId,
    ctx.caller,
  );
  const facts = await routeFacts(ctx, table, { type: request.nexthopType, id: request.nexthopId });
  const rule = routeRules.decideRouteRule(request, facts, ctx.caller, {
    routeRuleId: newRouteRuleId(),
    now: ctx.now,
  });
  await ctx.tx.insertRouteRule(rule);
  ctx.tx.announce({ type: 'vpcs' });
  return { routeRuleId: rule.routeRuleId };
}

export async function updateRouteRule(
  ctx: RequestContext,
  fields: UpdateRouteRuleFields,
): Promise<undefined> {
  const change = routeRules.ruleChange(fields);
  const rule = await loadOwnRule(ctx.tx, ctx.caller, fields.routeRuleId);
  const table = routeRules.requireOwnTable(
    await ctx.tx.getRouteTable(rule.routeTableId),
    rule.routeTableId,
    ctx.caller,
  );
  const nexthop = { type: rule.nexthopType, id: change.nexthopId ?? rule.nexthopId };
  const facts = await routeFacts(ctx, table, nexthop, rule.routeRuleId);
  const next = routeRules.updatedRouteRule(rule, change, facts, ctx.caller);
  await ctx.tx.updateRouteRule(next);
  ctx.tx.announce({ type: 'vpcs' });
  return undefined;
}

export async function deleteRouteRule(ctx: RequestContext, fields: RouteRuleIdFields): Promise<undefined> {
  const rule = await loadOwnRule(ctx.tx, ctx.caller, fields.routeRuleId);
  await ctx.tx.deleteRouteRule(rule.routeRuleId);
  ctx.tx.announce({ type: 'vpcs' });
  return undefined;
}

export async function listRouteRules(ctx: ReadContext, fields: ListRouteRulesFields) {
  const limit = maxKeys(fields.maxKeys);
  const marker = markerOf(fields.marker);
  const table = await findTable(ctx.reader, ctx.caller, fields);
  let fromSeq = 0;
  if (marker !== undefined) {
    const at = await ctx.reader.routeRuleSeq(marker);
    if (!at || at.routeTableId !== table.routeTableId) throw invalidMarker(marker);
    fromSeq = at.seq;
  }
  const rows = await ctx.reader.listRouteRules({
    routeTableId: table.routeTableId,
    fromSeq,
    limit: limit + 1,
  });
  const { items, ...paging } = toPage(rows, limit, (row) => row.rule.routeRuleId);
  return { routeRules: items.map((row) => renderRouteRule(row.rule)), ...paging };
}

// PENDING: replaced by the real handler before this lands.
export async function switchRouteRule(
  _ctx: RequestContext,
  _fields: RequestFields<'switchRouteRule'>,
): Promise<undefined> {
  throw new ServiceError('NotFound', 'Operation switchRouteRule is not implemented yet.');
}
