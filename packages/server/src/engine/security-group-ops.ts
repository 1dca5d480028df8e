// The security group operations: read the group, its rules, the groups its rules name and the interfaces that
// use it in the request's transaction, ask the domain (domain/security-group.ts), persist what it decided.
// Every VPC's default group is made and removed here too, for the VPC operations.

import { renderSecurityGroup } from '../domain/firewall-view.ts';
import type { SecurityGroupRecord, SecurityGroupRuleRecord } from '../domain/resources.ts';
import * as groupRules from '../domain/security-group.ts';
import type { CallerScope, VpcRecord } from '../domain/types.ts';
import { limited } from '../domain/values.ts';
import { ownedVpc, requireOwnVpc } from '../domain/vpc.ts';
import type { StoreReader } from '../store/api.ts';
import type { RequestFields, WireOutput } from './api.ts';
import { newSecurityGroupId, newSecurityGroupRuleId } from './ids.ts';
import { type Page, pageOf, resourcePage } from './lists.ts';
import type { ReadContext, RequestContext } from './outcomes.ts';

function quotaOf(ctx: RequestContext): number {
  return (
    ctx.config.quotaSecurityGroupRulesPerDirection ?? groupRules.DEFAULT_SECURITY_GROUP_RULES_PER_DIRECTION
  );
}

function isOwned(record: { accountId: string; region: string }, caller: CallerScope): boolean {
  return record.accountId === caller.accountId && record.region === caller.region;
}

async function loadOwnGroup(reader: StoreReader, caller: CallerScope, securityGroupId: string) {
  return groupRules.requireOwnGroup(
    await reader.getResource('securityGroup', securityGroupId),
    securityGroupId,
    caller,
  );
}

/** The caller's groups among these ids (anyone else's stay unknown to the domain, as missing ones). */
async function ownGroups(
  reader: StoreReader,
  caller: CallerScope,
  ids: ReadonlyArray<string | undefined>,
): Promise<Map<string, SecurityGroupRecord>> {
  const found = new Map<string, SecurityGroupRecord>();
  for (const id of ids) {
    if (id === undefined || id === '' || found.has(id)) continue;
    const group = await reader.getResource('securityGroup', id);
    if (group && isOwned(group, caller)) found.set(id, group);
  }
  return found;
}

/** What a rule change of `group` is checked against; `peers` are the group ids the change may name. */
async function ruleFacts(
  ctx: RequestContext,
  group: SecurityGroupRecord,
  peers: ReadonlyArray<string | undefined>,
  exclude?: string,
): Promise<groupRules.RuleFacts> {
  const rules = await ctx.tx.resourcesUnder('securityGroupRule', [group.securityGroupId]);
  return {
    group,
    rules: rules.filter((r) => r.securityGroupRuleId !== exclude),
    referenced: await ownGroups(ctx.tx, ctx.caller, peers),
    quota: quotaOf(ctx),
  };
}

/** Groups rendered with their rules and the number of interfaces that use each. */
async function renderGroups(reader: StoreReader, groups: readonly SecurityGroupRecord[]) {
  const rules = await reader.resourcesUnder(
    'securityGroupRule',
    groups.map((g) => g.securityGroupId),
  );
  const enis = await reader.resourcesUnder('eni', [...new Set(groups.map((g) => g.vpcId))]);
  return groups.map((group) =>
    renderSecurityGroup(
      group,
      rules.filter((r) => r.securityGroupId === group.securityGroupId),
      groupRules.interfacesUsing(group, enis).length,
    ),
  );
}

export async function createSecurityGroup(
  ctx: RequestContext,
  fields: RequestFields<'createSecurityGroup'>,
): Promise<WireOutput<'createSecurityGroup'>> {
  const request = groupRules.securityGroupRequest(fields);
  const vpc = requireOwnVpc(await ctx.tx.getVpc(request.vpcId), request.vpcId, ctx.caller);
  const { group, rules } = groupRules.decideSecurityGroup(
    request,
    vpc,
    {
      referenced: await ownGroups(ctx.tx, ctx.caller, request.rules.map(groupRules.referencedGroup)),
      quota: quotaOf(ctx),
    },
    ctx.caller,
    { securityGroupId: newSecurityGroupId(), ruleIds: newSecurityGroupRuleId, now: ctx.now },
  );
  await ctx.tx.insertResource('securityGroup', group);
  for (const rule of rules) await ctx.tx.insertResource('securityGroupRule', rule);
  ctx.tx.announce({ type: 'vpcs' });
  return { securityGroupId: group.securityGroupId };
}

/** The caller's groups named by id, in creation order; ids of no group of the caller are left out. */
async function groupsById(reader: StoreReader, caller: CallerScope, ids: readonly string[]) {
  const found: Array<{ seq: number; group: SecurityGroupRecord }> = [];
  for (const id of new Set(ids)) {
    const group = await reader.getResource('securityGroup', id);
    const place = await reader.resourcePlace('securityGroup', id);
    if (group && place && isOwned(group, caller)) found.push({ seq: place.seq, group });
  }
  return found.sort((a, b) => a.seq - b.seq).map((entry) => entry.group);
}

/**
 * The groups an instance uses. There are no instances here: an instance id names a network interface (the groups
 * it uses), or the instance interfaces are attached to (the groups of every such interface of the caller's).
 */
async function groupsOfInstance(
  reader: StoreReader,
  caller: CallerScope,
  instanceId: string,
  vpcId: string | undefined,
): Promise<string[]> {
  const eni = await reader.getResource('eni', instanceId);
  if (eni) return isOwned(eni, caller) ? eni.securityGroupIds : [];
  const enis =
    vpcId !== undefined
      ? await reader.resourcesUnder('eni', [vpcId])
      : (
          await reader.listResourcePage('eni', {
            accountId: caller.accountId,
            region: caller.region,
            limit: Number.MAX_SAFE_INTEGER,
          })
        ).map((row) => row.record);
  const attached = enis.filter((e) => e.instanceId === instanceId && isOwned(e, caller));
  return [...new Set(attached.flatMap((e) => e.securityGroupIds))];
}

export async function listSecurityGroups(
  ctx: ReadContext,
  fields: RequestFields<'listSecurityGroups'>,
): Promise<WireOutput<'listSecurityGroups'>> {
  const { reader, caller } = ctx;
  const vpcId = limited('vpcId', fields.vpcId, 64);
  const instanceId = limited('instanceId', fields.instanceId, 64);
  const named = [
    ...(fields.securityGroupId ? [fields.securityGroupId] : []),
    ...(fields.securityGroupIds ?? []),
  ];
  let page: Page<SecurityGroupRecord>;
  if (vpcId !== undefined && !ownedVpc(await reader.getVpc(vpcId), caller)) {
    // A VPC that is not the caller's has no groups the caller may see, as one that does not exist.
    page = pageOf<SecurityGroupRecord>([], fields, (g) => g.securityGroupId);
  } else if (named.length > 0 || instanceId !== undefined) {
    const ofInstance =
      instanceId === undefined ? [] : await groupsOfInstance(reader, caller, instanceId, vpcId);
    const candidates =
      instanceId === undefined
        ? named
        : named.length === 0
          ? ofInstance
          : named.filter((id) => ofInstance.includes(id));
    const groups = (await groupsById(reader, caller, candidates)).filter(
      (g) => vpcId === undefined || g.vpcId === vpcId,
    );
    page = pageOf(groups, fields, (g) => g.securityGroupId);
  } else {
    page = await resourcePage(reader, 'securityGroup', caller, {
      marker: fields.marker,
      maxKeys: fields.maxKeys,
      ...(vpcId !== undefined ? { parentId: vpcId } : {}),
    });
  }
  const { items, ...paging } = page;
  return { securityGroups: await renderGroups(reader, items), ...paging };
}

export async function getSecurityGroup(
  ctx: ReadContext,
  fields: RequestFields<'getSecurityGroup'>,
): Promise<WireOutput<'getSecurityGroup'>> {
  const group = await loadOwnGroup(ctx.reader, ctx.caller, fields.securityGroupId);
  const [rendered] = await renderGroups(ctx.reader, [group]);
  return rendered as WireOutput<'getSecurityGroup'>;
}

async function saveRuleChange(
  ctx: RequestContext,
  group: SecurityGroupRecord,
  rule: { insert?: SecurityGroupRuleRecord; update?: SecurityGroupRuleRecord; remove?: string },
): Promise<undefined> {
  if (rule.insert) await ctx.tx.insertResource('securityGroupRule', rule.insert);
  if (rule.update) await ctx.tx.updateResource('securityGroupRule', rule.update);
  if (rule.remove) await ctx.tx.deleteResource('securityGroupRule', rule.remove);
  await ctx.tx.updateResource('securityGroup', group);
  ctx.tx.announce({ type: 'vpcs' });
  return undefined;
}

export async function authorizeSecurityGroupRule(
  ctx: RequestContext,
  fields: RequestFields<'authorizeSecurityGroupRule'>,
): Promise<WireOutput<'authorizeSecurityGroupRule'>> {
  const group = await loadOwnGroup(ctx.tx, ctx.caller, fields.securityGroupId);
  const terms = groupRules.securityGroupRuleTerms(fields.rule);
  const decided = groupRules.decideAuthorize(
    terms,
    await ruleFacts(ctx, group, [groupRules.referencedGroup(terms)]),
    fields.sgVersion,
    ctx.caller,
    { securityGroupRuleId: newSecurityGroupRuleId(), now: ctx.now },
  );
  return saveRuleChange(ctx, decided.group, { insert: decided.rule });
}

export async function revokeSecurityGroupRule(
  ctx: RequestContext,
  fields: RequestFields<'revokeSecurityGroupRule'>,
): Promise<WireOutput<'revokeSecurityGroupRule'>> {
  const group = await loadOwnGroup(ctx.tx, ctx.caller, fields.securityGroupId);
  const terms = groupRules.securityGroupRuleTerms(fields.rule);
  const rules = await ctx.tx.resourcesUnder('securityGroupRule', [group.securityGroupId]);
  const decided = groupRules.decideRevoke(terms, { group, rules }, fields.sgVersion);
  return saveRuleChange(ctx, decided.group, { remove: decided.rule.securityGroupRuleId });
}

async function loadOwnRuleAndGroup(ctx: RequestContext, securityGroupRuleId: string) {
  const rule = groupRules.requireOwnGroupRule(
    await ctx.tx.getResource('securityGroupRule', securityGroupRuleId),
    securityGroupRuleId,
    ctx.caller,
  );
  const group = await loadOwnGroup(ctx.tx, ctx.caller, rule.securityGroupId);
  return { rule, group };
}

export async function updateSecurityGroupRule(
  ctx: RequestContext,
  fields: RequestFields<'updateSecurityGroupRule'>,
): Promise<WireOutput<'updateSecurityGroupRule'>> {
  const { securityGroupRuleId, sgVersion, ...change } = fields;
  const { rule, group } = await loadOwnRuleAndGroup(ctx, securityGroupRuleId);
  const peers = [change.sourceGroupId, change.destGroupId, groupRules.referencedGroup(rule)];
  const facts = await ruleFacts(ctx, group, peers, rule.securityGroupRuleId);
  const decided = groupRules.decideRuleUpdate(rule, change, facts, sgVersion, ctx.caller, ctx.now);
  return saveRuleChange(ctx, decided.group, { update: decided.rule });
}

export async function deleteSecurityGroupRule(
  ctx: RequestContext,
  fields: RequestFields<'deleteSecurityGroupRule'>,
): Promise<WireOutput<'deleteSecurityGroupRule'>> {
  const { rule, group } = await loadOwnRuleAndGroup(ctx, fields.securityGroupRuleId);
  const next = groupRules.decideRuleDelete(group, fields.sgVersion);
  return saveRuleChange(ctx, next, { remove: rule.securityGroupRuleId });
}

export async function deleteSecurityGroup(
  ctx: RequestContext,
  fields: RequestFields<'deleteSecurityGroup'>,
): Promise<WireOutput<'deleteSecurityGroup'>> {
  const group = await loadOwnGroup(ctx.tx, ctx.caller, fields.securityGroupId);
  const groupsOfVpc = await ctx.tx.resourcesUnder('securityGroup', [group.vpcId]);
  const rulesOfVpc = await ctx.tx.resourcesUnder(
    'securityGroupRule',
    groupsOfVpc.map((g) => g.securityGroupId),
  );
  groupRules.requireGroupDeletable(group, await ctx.tx.resourcesUnder('eni', [group.vpcId]), rulesOfVpc);
  for (const rule of rulesOfVpc.filter((r) => r.securityGroupId === group.securityGroupId)) {
    await ctx.tx.deleteResource('securityGroupRule', rule.securityGroupRuleId);
  }
  await ctx.tx.deleteResource('securityGroup', group.securityGroupId);
  ctx.tx.announce({ type: 'vpcs' });
  return undefined;
}

/** Every VPC is made with its default group (Baidu's `默认安全组`, allowing everything in and out). */
export async function createDefaultSecurityGroup(ctx: RequestContext, vpc: VpcRecord): Promise<void> {
  const { group, rules } = groupRules.defaultSecurityGroup(vpc, {
    securityGroupId: newSecurityGroupId(),
    ruleIds: newSecurityGroupRuleId,
    now: ctx.now,
  });
  await ctx.tx.insertResource('securityGroup', group);
  for (const rule of rules) await ctx.tx.insertResource('securityGroupRule', rule);
}

/** A VPC's groups as it goes: only its default one is left by then (requireDeletable refuses the others). */
export async function deleteSecurityGroupsOfVpc(ctx: RequestContext, vpc: VpcRecord): Promise<void> {
  const groups = await ctx.tx.resourcesUnder('securityGroup', [vpc.vpcId]);
  const ids = groups.map((g) => g.securityGroupId);
  for (const rule of await ctx.tx.resourcesUnder('securityGroupRule', ids)) {
    await ctx.tx.deleteResource('securityGroupRule', rule.securityGroupRuleId);
  }
  for (const id of ids) await ctx.tx.deleteResource('securityGroup', id);
}
