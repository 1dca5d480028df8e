// The network interface operations: read the interface, its subnet, its VPC's other interfaces and the
// security groups it names in the request's transaction, ask the domain, persist what it decided.
import * as eniRules from '../domain/eni.ts';
import type { EniRecord, SecurityGroupRecord } from '../domain/resources.ts';
import { requireOwnSubnet } from '../domain/subnet.ts';
import type { CallerScope } from '../domain/types.ts';
import { renderEni } from '../domain/view.ts';
import { requireOwnVpc } from '../domain/vpc.ts';
import { ServiceError } from '../errors.ts';
import type { StoreReader } from '../store/api.ts';
import type { EngineConfig, RequestFields, WireOutput } from './api.ts';
import { newEniId, newMacAddress } from './ids.ts';
import { pageOf } from './lists.ts';
import type { ReadContext, RequestContext } from './outcomes.ts';

/** More rows than any account has: "all of them" for a keyset query that wants a limit. */
const ALL_ROWS = 2 ** 31 - 1;

function quotasOf(config: EngineConfig): eniRules.EniQuotas {
  return {
    unattachedPerVpc: config.quotaEnisPerVpc ?? eniRules.ENI_DEFAULTS.unattachedPerVpc,
    addressesPerEni: config.quotaIpsPerEni ?? eniRules.ENI_DEFAULTS.addressesPerEni,
    perInstance: config.quotaEnisPerInstance ?? eniRules.ENI_DEFAULTS.perInstance,
  };
}

async function loadOwnEni(reader: StoreReader, caller: CallerScope, eniId: string): Promise<EniRecord> {
  return eniRules.requireOwnEni(await reader.getResource('eni', eniId), eniId, caller);
}

async function loadSubnetOf(reader: StoreReader, eni: EniRecord) {
  const subnet = await reader.getSubnet(eni.subnetId);
  // The subnet cannot go while it has interfaces, so this only fails on a store that lost it.
  if (!subnet) throw new Error(`network interface ${eni.eniId} names missing subnet ${eni.subnetId}`);
  return subnet;
}

/** The named groups, checked to be the caller's and in `vpcId`. */
async function checkedGroups(
  reader: StoreReader,
  caller: CallerScope,
  ids: readonly string[],
  vpcId: string,
): Promise<string[]> {
  const found = new Map<string, SecurityGroupRecord | undefined>();
  for (const id of ids) found.set(id, await reader.getResource('securityGroup', id));
  return eniRules.requireEniGroups(ids, found, vpcId, caller);
}

/** The caller's interfaces (in the caller's region) attached to an instance id. */
async function attachedTo(
  reader: StoreReader,
  caller: CallerScope,
  instanceId: string,
): Promise<EniRecord[]> {
  const rows = await reader.listResourcePage('eni', { ...caller, fromSeq: 0, limit: ALL_ROWS });
  return rows.map((row) => row.record).filter((eni) => eni.instanceId === instanceId);
}

async function save(ctx: RequestContext, eni: EniRecord): Promise<undefined> {
  await ctx.tx.updateResource('eni', eni);
  ctx.tx.announce({ type: 'vpcs' });
  return undefined;
}

export async function createEni(
  ctx: RequestContext,
  fields: RequestFields<'createEni'>,
): Promise<WireOutput<'createEni'>> {
  const request = eniRules.createEniRequest(fields);
  const { tx, caller } = ctx;
  const subnet = requireOwnSubnet(await tx.getSubnet(request.subnetId), request.subnetId, caller);
  const securityGroupIds =
    request.securityGroupIds === undefined
      ? [eniRules.defaultGroupOf(subnet.vpcId, await tx.resourcesUnder('securityGroup', [subnet.vpcId]))]
      : await checkedGroups(tx, caller, request.securityGroupIds, subnet.vpcId);
  const eni = eniRules.decideEni(request, {
    subnet,
    vpcEnis: await tx.resourcesUnder('eni', [subnet.vpcId]),
    instanceEnis: request.instanceId === undefined ? [] : await attachedTo(tx, caller, request.instanceId),
    securityGroupIds,
    wantsIpv6: (fields.ipv6PrivateIpSet ?? []).length > 0,
    quotas: quotasOf(ctx.config),
    eniId: newEniId(),
    macAddress: newMacAddress(),
    now: ctx.now,
  });
  await tx.insertResource('eni', eni);
  tx.announce({ type: 'vpcs' });
  return { eniId: eni.eniId };
}

export async function listEnis(
  ctx: ReadContext,
  fields: RequestFields<'listEnis'>,
): Promise<WireOutput<'listEnis'>> {
  const vpc = requireOwnVpc(await ctx.reader.getVpc(fields.vpcId), fields.vpcId, ctx.caller);
  const wanted = new Set(fields.privateIpAddress ?? []);
  const enis = (await ctx.reader.resourcesUnder('eni', [vpc.vpcId])).filter(
    (eni) =>
      (fields.instanceId === undefined || eni.instanceId === fields.instanceId) &&
      (fields.name === undefined || eni.name === fields.name) &&
      (wanted.size === 0 || eni.privateIps.some((ip) => wanted.has(ip.address))),
  );
  const { items, ...paging } = pageOf(enis, fields, (eni) => eni.eniId);
  return { enis: items.map(renderEni), ...paging };
}

export async function getEniQuota(
  ctx: ReadContext,
  fields: RequestFields<'getEniQuota'>,
): Promise<WireOutput<'getEniQuota'>> {
  const quotas = quotasOf(ctx.config);
  if (fields.eniId !== undefined) {
    return eniRules.eniQuota({ eni: await loadOwnEni(ctx.reader, ctx.caller, fields.eniId) }, quotas);
  }
  if (fields.instanceId !== undefined) {
    const attached = (await attachedTo(ctx.reader, ctx.caller, fields.instanceId)).length;
    return eniRules.eniQuota({ instanceId: fields.instanceId, attached }, quotas);
  }
  throw new ServiceError(
    'InvalidParameter',
    'Query parameter "eniId" (addresses an interface may still get) or "instanceId" (interfaces an instance may still have) is required for getEniQuota.',
  );
}

export async function getEni(
  ctx: ReadContext,
  fields: RequestFields<'getEni'>,
): Promise<WireOutput<'getEni'>> {
  return renderEni(await loadOwnEni(ctx.reader, ctx.caller, fields.eniId));
}

export async function getEniStatus(
  ctx: ReadContext,
  fields: RequestFields<'getEniStatus'>,
): Promise<WireOutput<'getEniStatus'>> {
  return { status: (await loadOwnEni(ctx.reader, ctx.caller, fields.eniId)).status };
}

export async function updateEni(
  ctx: RequestContext,
  fields: RequestFields<'updateEni'>,
): Promise<WireOutput<'updateEni'>> {
  const eni = await loadOwnEni(ctx.tx, ctx.caller, fields.eniId);
  return save(ctx, eniRules.updateEni(eni, fields));
}

export async function updateEniSecurityGroups(
  ctx: RequestContext,
  fields: RequestFields<'updateEniSecurityGroups'>,
): Promise<WireOutput<'updateEniSecurityGroups'>> {
  const eni = await loadOwnEni(ctx.tx, ctx.caller, fields.eniId);
  const ids = eniRules.securityGroupIdsField('securityGroupIds', fields.securityGroupIds);
  const groups = await checkedGroups(ctx.tx, ctx.caller, ids, eni.vpcId);
  return save(ctx, eniRules.replaceSecurityGroups(eni, groups));
}

export async function attachEni(
  ctx: RequestContext,
  fields: RequestFields<'attachEni'>,
): Promise<WireOutput<'attachEni'>> {
  const eni = await loadOwnEni(ctx.tx, ctx.caller, fields.eniId);
  const instanceId = eniRules.instanceIdField(fields.instanceId);
  const attached = await attachedTo(ctx.tx, ctx.caller, instanceId);
  return save(ctx, eniRules.attachEni(eni, instanceId, fields.instanceType, attached, quotasOf(ctx.config)));
}

export async function detachEni(
  ctx: RequestContext,
  fields: RequestFields<'detachEni'>,
): Promise<WireOutput<'detachEni'>> {
  const eni = await loadOwnEni(ctx.tx, ctx.caller, fields.eniId);
  return save(ctx, eniRules.detachEni(eni, eniRules.instanceIdField(fields.instanceId)));
}

export async function deleteEni(
  ctx: RequestContext,
  fields: RequestFields<'deleteEni'>,
): Promise<WireOutput<'deleteEni'>> {
  const eni = await loadOwnEni(ctx.tx, ctx.caller, fields.eniId);
  eniRules.requireEniDeletable(eni);
  await ctx.tx.deleteResource('eni', eni.eniId);
  ctx.tx.announce({ type: 'vpcs' });
  return undefined;
}

/**
 * Adds secondary addresses to an interface; the addresses it got, in the order asked. The request's values are
 * read once the interface is found to be the caller's, so another account's id answers only NoSuchObject.
 */
async function addAddresses(
  ctx: RequestContext,
  eniId: string,
  wantedOf: () => ReadonlyArray<number | undefined>,
  isIpv6: boolean | undefined,
): Promise<string[]> {
  const eni = await loadOwnEni(ctx.tx, ctx.caller, eniId);
  const wanted = wantedOf();
  const subnet = await loadSubnetOf(ctx.tx, eni);
  eniRules.requireIpv4Only(subnet, isIpv6);
  const vpcEnis = await ctx.tx.resourcesUnder('eni', [eni.vpcId]);
  const result = eniRules.addAddresses(eni, wanted, subnet, vpcEnis, quotasOf(ctx.config));
  await save(ctx, result.eni);
  return result.added;
}

export async function addEniPrivateIp(
  ctx: RequestContext,
  fields: RequestFields<'addEniPrivateIp'>,
): Promise<WireOutput<'addEniPrivateIp'>> {
  const [privateIpAddress] = await addAddresses(
    ctx,
    fields.eniId,
    () => [eniRules.singleAddress(fields.privateIpAddress)],
    fields.isIpv6,
  );
  return { privateIpAddress: privateIpAddress as string };
}

export async function deleteEniPrivateIp(
  ctx: RequestContext,
  fields: RequestFields<'deleteEniPrivateIp'>,
): Promise<WireOutput<'deleteEniPrivateIp'>> {
  const eni = await loadOwnEni(ctx.tx, ctx.caller, fields.eniId);
  // The router decodes the path segment, so Python's percent-encoded address arrives as the address itself.
  return save(ctx, eniRules.removeAddresses(eni, [fields.privateIpAddress]));
}

export async function batchAddEniPrivateIps(
  ctx: RequestContext,
  fields: RequestFields<'batchAddEniPrivateIps'>,
): Promise<WireOutput<'batchAddEniPrivateIps'>> {
  const wantedOf = () => eniRules.batchAddresses(fields.privateIpAddresses, fields.privateIpAddressCount);
  return { privateIpAddresses: await addAddresses(ctx, fields.eniId, wantedOf, fields.isIpv6) };
}

export async function batchDeleteEniPrivateIps(
  ctx: RequestContext,
  fields: RequestFields<'batchDeleteEniPrivateIps'>,
): Promise<WireOutput<'batchDeleteEniPrivateIps'>> {
  const eni = await loadOwnEni(ctx.tx, ctx.caller, fields.eniId);
  return save(ctx, eniRules.removeAddresses(eni, eniRules.batchRemovals(fields.privateIpAddresses)));
}
