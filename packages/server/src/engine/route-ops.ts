// The route table operations: find the caller's table (by id or by VPC), read what a rule's checks need in the
// request's transaction (the VPC, its subnets, the table's other rules, the connections its peering next hops
// name), ask the domain, persist what it decided. A primary/standby pair is two rules, made, switched and
// deleted together.

import type {
  CreateRouteRuleFields,
  GetRouteTableFields,
  ListRouteRulesFields,
  RouteRuleIdFields,
  UpdateRouteRuleFields,
} from '../domain/requests.ts';
import * as routeRules from '../domain/route.ts';
import type { CallerScope, PeerConnRecord, RouteRuleRecord, RouteTableRecord } from '../domain/types.ts';
import { limited, maxKeys } from '../domain/values.ts';
import { renderRouteRule, renderRouteTable } from '../domain/view.ts';
import { requireOwnVpc } from '../domain/vpc.ts';
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
  nexthops: ReadonlyArray<routeRules.Nexthop | undefined>,
  exclude?: string,
): Promise<routeRules.RouteFacts> {
  const { tx, caller } = ctx;
  const vpc = requireOwnVpc(await tx.getVpc(table.vpcId), table.vpcId, caller);
  const connections = new Map<string, PeerConnRecord | undefined>();
  for (const hop of nexthops) {
    if (hop?.nexthopType !== 'peerConn') continue;
    const id = hop.nexthopId;
    connections.set(
      id,
      id.startsWith('peerconn-') ? await tx.getPeerConn(id) : await tx.getPeerConnByInterface(id),
    );
  }
  return {
    table,
    vpc,
    subnets: await tx.subnetsOfVpc(vpc.vpcId),
    others: (await tx.rulesOfTable(table.routeTableId)).filter((r) => r.routeRuleId !== exclude),
    quota: ctx.config.quotaRulesPerTable ?? routeRules.DEFAULT_RULES_PER_TABLE,
    connections,
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
  const facts = await routeFacts(ctx, table, [request, request.standby]);
  const rules = routeRules.decideRouteRule(request, facts, ctx.caller, {
    routeRuleIds: [newRouteRuleId(), newRouteRuleId()],
    now: ctx.now,
  });
  for (const rule of rules) await ctx.tx.insertRouteRule(rule);
  ctx.tx.announce({ type: 'vpcs' });
  const [active] = rules as [RouteRuleRecord, ...RouteRuleRecord[]];
  // A primary/standby rule is answered as Baidu answers a multi-path rule: its rules' ids in routeRuleIds.
  return rules.length === 1
    ? { routeRuleId: active.routeRuleId }
    : { routeRuleId: active.routeRuleId, routeRuleIds: rules.map((r) => r.routeRuleId) };
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
  const nexthop = { nexthopType: rule.nexthopType, nexthopId: change.nexthopId ?? rule.nexthopId };
  const facts = await routeFacts(ctx, table, [nexthop], rule.routeRuleId);
  routeRules.requireSinglePath(rule, facts.others);
  const next = routeRules.updatedRouteRule(rule, change, facts, ctx.caller);
  await ctx.tx.updateRouteRule(next);
  ctx.tx.announce({ type: 'vpcs' });
  return undefined;
}

/** Deleting either rule of a primary/standby pair deletes the pair (ours: one rule of a pair means nothing alone). */
export async function deleteRouteRule(ctx: RequestContext, fields: RouteRuleIdFields): Promise<undefined> {
  const rule = await loadOwnRule(ctx.tx, ctx.caller, fields.routeRuleId);
  const partner = routeRules.partnerOf(rule, await ctx.tx.rulesOfTable(rule.routeTableId));
  await ctx.tx.deleteRouteRule(rule.routeRuleId);
  if (partner) await ctx.tx.deleteRouteRule(partner.routeRuleId);
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

/** The primary/standby switch: the pair's standby next hop takes over, the active one stands by. */
export async function switchRouteRule(
  ctx: RequestContext,
  fields: RequestFields<'switchRouteRule'>,
): Promise<undefined> {
  const rule = await loadOwnRule(ctx.tx, ctx.caller, fields.routeRuleId);
  const others = await ctx.tx.rulesOfTable(rule.routeTableId);
  for (const changed of routeRules.decideSwitch(rule, others)) await ctx.tx.updateRouteRule(changed);
  ctx.tx.announce({ type: 'vpcs' });
  return undefined;
}
