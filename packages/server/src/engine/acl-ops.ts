// The subnet ACL operations: read the caller's subnets and their rules in the request's transaction, ask the
// domain (domain/acl.ts), persist what it decided. The default rules are rendered, never stored.

import * as aclRules from '../domain/acl.ts';
import { subnetAclRules } from '../domain/firewall-view.ts';
import type { AclRuleRecord } from '../domain/resources.ts';
import { requireOwnSubnet } from '../domain/subnet.ts';
import type { SubnetRecord } from '../domain/types.ts';
import { limited } from '../domain/values.ts';
import { requireOwnVpc } from '../domain/vpc.ts';
import type { RequestFields, WireOutput } from './api.ts';
import { newAclRuleId } from './ids.ts';
import { pageOf } from './lists.ts';
import type { ReadContext, RequestContext } from './outcomes.ts';

function quotaOf(ctx: RequestContext): number {
  return ctx.config.quotaAclRulesPerDirection ?? aclRules.DEFAULT_ACL_RULES_PER_DIRECTION;
}

export async function listAclEntrys(
  ctx: ReadContext,
  fields: RequestFields<'listAclEntrys'>,
): Promise<WireOutput<'listAclEntrys'>> {
  const vpcId = limited('vpcId', fields.vpcId, 64) as string;
  const vpc = requireOwnVpc(await ctx.reader.getVpc(vpcId), vpcId, ctx.caller);
  const subnets = await ctx.reader.subnetsOfVpc(vpc.vpcId);
  const rules = await ctx.reader.resourcesUnder(
    'aclRule',
    subnets.map((s) => s.subnetId),
  );
  return {
    vpcId: vpc.vpcId,
    vpcName: vpc.name,
    vpcCidr: vpc.cidr,
    aclEntrys: subnets.map((subnet) => ({
      subnetId: subnet.subnetId,
      subnetName: subnet.name,
      subnetCidr: subnet.cidr,
      aclRules: subnetAclRules(
        subnet,
        rules.filter((r) => r.subnetId === subnet.subnetId),
      ),
    })),
  };
}

export async function createAclRules(
  ctx: RequestContext,
  fields: RequestFields<'createAclRules'>,
): Promise<WireOutput<'createAclRules'>> {
  const requests = aclRules.aclRuleRequests(fields.aclRules);
  const subnets = new Map<string, SubnetRecord>();
  const rules = new Map<string, AclRuleRecord[]>();
  for (const subnetId of new Set(requests.map((r) => r.subnetId))) {
    const subnet = await ctx.tx.getSubnet(subnetId);
    if (!subnet || subnet.accountId !== ctx.caller.accountId || subnet.region !== ctx.caller.region) continue;
    subnets.set(subnetId, subnet);
    rules.set(subnetId, await ctx.tx.resourcesUnder('aclRule', [subnetId]));
  }
  const records = aclRules.decideAclRules(requests, { subnets, rules, quota: quotaOf(ctx) }, ctx.caller, {
    ids: requests.map(() => newAclRuleId()),
    now: ctx.now,
  });
  for (const record of records) await ctx.tx.insertResource('aclRule', record);
  ctx.tx.announce({ type: 'vpcs' });
  return undefined;
}

export async function listAclRules(
  ctx: ReadContext,
  fields: RequestFields<'listAclRules'>,
): Promise<WireOutput<'listAclRules'>> {
  const subnetId = limited('subnetId', fields.subnetId, 64) as string;
  const subnet = requireOwnSubnet(await ctx.reader.getSubnet(subnetId), subnetId, ctx.caller);
  const all = subnetAclRules(subnet, await ctx.reader.resourcesUnder('aclRule', [subnet.subnetId]));
  // The default rules have no id; their place in the list is named by their direction instead.
  const { items, ...paging } = pageOf(all, fields, (rule) => rule.id || `default-${rule.direction}`);
  return { aclRules: items, ...paging };
}

async function loadOwnRule(ctx: RequestContext, aclRuleId: string): Promise<AclRuleRecord> {
  return aclRules.requireOwnAclRule(await ctx.tx.getResource('aclRule', aclRuleId), aclRuleId, ctx.caller);
}

export async function updateAclRule(
  ctx: RequestContext,
  fields: RequestFields<'updateAclRule'>,
): Promise<WireOutput<'updateAclRule'>> {
  const { aclRuleId, ...changes } = fields;
  const rule = await loadOwnRule(ctx, aclRuleId);
  const change = aclRules.aclRuleChange(changes);
  const siblings = await ctx.tx.resourcesUnder('aclRule', [rule.subnetId]);
  await ctx.tx.updateResource('aclRule', aclRules.updatedAclRule(rule, change, siblings));
  ctx.tx.announce({ type: 'vpcs' });
  return undefined;
}

export async function deleteAclRule(
  ctx: RequestContext,
  fields: RequestFields<'deleteAclRule'>,
): Promise<WireOutput<'deleteAclRule'>> {
  const rule = await loadOwnRule(ctx, fields.aclRuleId);
  await ctx.tx.deleteResource('aclRule', rule.aclRuleId);
  ctx.tx.announce({ type: 'vpcs' });
  return undefined;
}

/** What a subnet's deletion takes with it: its ACL rules belong to it (docs/server-rules.md). */
export async function deleteAclRulesOfSubnet(ctx: RequestContext, subnetId: string): Promise<void> {
  for (const rule of await ctx.tx.resourcesUnder('aclRule', [subnetId])) {
    await ctx.tx.deleteResource('aclRule', rule.aclRuleId);
  }
}
