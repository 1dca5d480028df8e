// One handler per operation of the table: read the facts from the store, ask the domain, persist the outcome.
// Runs inside the request's transaction; knows nothing about HTTP.
import type { OperationName } from '@peerconn/sdk/operations';
import * as rules from '../domain/peerconn.ts';
import type { Outcome, PeerConnRecord, TransitionRequest } from '../domain/types.ts';
import { type Input, maxKeys, optionalMarker, optionalString } from '../domain/values.ts';
import { renderSide, renderVpc } from '../domain/view.ts';
import * as vpcRules from '../domain/vpc.ts';
import { ServiceError } from '../errors.ts';
import type { StoreTx } from '../store/api.ts';
import type { EngineConfig, TransitionName, TransitionTiming } from './api.ts';
import { newInterfaceId, newPeerConnId, newVpcId } from './ids.ts';

export interface OperationContext {
  tx: StoreTx;
  now: number;
  caller: rules.CallerScope;
  config: EngineConfig;
  timing: Record<TransitionName, TransitionTiming>;
}

export async function applyOutcome(
  tx: StoreTx,
  peerConnId: string,
  result: Outcome,
  now: number,
  timing: Record<TransitionName, TransitionTiming>,
): Promise<void> {
  if (result.record === null) {
    await tx.deletePeerConn(peerConnId);
    await tx.deleteTransitionsOf(peerConnId);
    return;
  }
  await tx.savePeerConn(result.record);
  for (const { kind, side } of result.cancel) await tx.deleteTransition(peerConnId, kind, side);
  for (const request of result.schedule) {
    await tx.upsertTransition({
      peerConnId,
      kind: request.kind,
      side: request.side,
      dueAt: dueAt(request, now, timing),
    });
  }
}

function dueAt(
  request: TransitionRequest,
  now: number,
  timing: Record<TransitionName, TransitionTiming>,
): number | null {
  if (request.at !== undefined) return request.at;
  if (request.kind === 'consultTimeout' || request.kind === 'expiry') return now;
  const rule = timing[request.kind];
  if (rule.mode === 'manual') return null;
  if (rule.mode === 'immediate') return now;
  return now + (rule.delayMs ?? 0);
}

async function loadPeerConn(ctx: OperationContext, input: Input): Promise<PeerConnRecord> {
  const id = input.peerConnId;
  if (typeof id !== 'string' || id === '') {
    throw new ServiceError(
      'InvalidURI',
      'The path must name a peering connection: /v1/peerconn/{peerConnId}.',
    );
  }
  const record = await ctx.tx.getPeerConn(id);
  if (!record) throw rules.peerConnNotFound(id);
  return record;
}

async function loadOwnVpc(ctx: OperationContext, input: Input) {
  const id = input.vpcId;
  if (typeof id !== 'string' || id === '') {
    throw new ServiceError('InvalidURI', 'The path must name a VPC: /v1/vpc/{vpcId}.');
  }
  return vpcRules.requireOwnVpc(await ctx.tx.getVpc(id), id, ctx.caller);
}

type PeerConnRule = (record: PeerConnRecord, ctx: OperationContext, input: Input) => Outcome;

const PEER_CONN_CHANGES: Partial<Record<OperationName, PeerConnRule>> = {
  updatePeerConn: (record, ctx, input) => rules.update(record, ctx.caller, input),
  acceptPeerConn: (record, ctx) => rules.accept(record, ctx.caller),
  rejectPeerConn: (record, ctx) => rules.reject(record, ctx.caller),
  deletePeerConn: (record, ctx) => rules.release(record, ctx.caller, ctx.now),
  resizePeerConn: (record, ctx, input) => rules.resize(record, ctx.caller, input),
  renewPeerConn: (record, ctx, input) => rules.renew(record, ctx.caller, input, ctx.now),
  refundPeerConn: (record, ctx) => rules.refund(record, ctx.caller),
  openPeerConnDnsSync: (record, ctx, input) => rules.openDns(record, ctx.caller, input),
  closePeerConnDnsSync: (record, ctx, input) => rules.closeDns(record, ctx.caller, input),
  updatePeerConnDeleteProtect: (record, ctx, input) => rules.switchDeleteProtect(record, ctx.caller, input),
};

/** Runs one operation; returns the response body, or undefined for operations without one. */
export async function runOperation(
  ctx: OperationContext,
  operation: OperationName,
  input: Input,
): Promise<unknown> {
  const change = PEER_CONN_CHANGES[operation];
  if (change) {
    const record = await loadPeerConn(ctx, input);
    await applyOutcome(ctx.tx, record.id, change(record, ctx, input), ctx.now, ctx.timing);
    return undefined;
  }
  switch (operation) {
    case 'createPeerConn':
      return createPeerConn(ctx, input);
    case 'listPeerConns':
      return listPeerConns(ctx, input);
    case 'getPeerConn': {
      const record = await loadPeerConn(ctx, input);
      return renderSide(record, rules.sideForRead(record, ctx.caller, rules.parseRole(input.role)));
    }
    case 'createVpc': {
      const vpc = vpcRules.newVpc(input, ctx.caller, newVpcId(), ctx.now);
      await ctx.tx.insertVpc(vpc);
      return { vpcId: vpc.vpcId };
    }
    case 'listVpcs':
      return listVpcs(ctx, input);
    case 'getVpc':
      return { vpc: renderVpc(await loadOwnVpc(ctx, input)) };
    case 'updateVpc': {
      const vpc = await loadOwnVpc(ctx, input);
      await ctx.tx.updateVpc(vpcRules.updateVpc(vpc, input));
      return undefined;
    }
    case 'deleteVpc': {
      const vpc = await loadOwnVpc(ctx, input);
      vpcRules.requireDeletable(vpc, await ctx.tx.countLiveOnVpc(vpc.vpcId));
      await ctx.tx.deleteVpc(vpc.vpcId);
      return undefined;
    }
    case 'openVpcRelay':
    case 'shutdownVpcRelay': {
      const vpc = await loadOwnVpc(ctx, input);
      await ctx.tx.updateVpc({ ...vpc, relay: operation === 'openVpcRelay' });
      return undefined;
    }
    default:
      throw new ServiceError('NotFound', `Operation ${operation} is not implemented by this server.`);
  }
}

async function createPeerConn(ctx: OperationContext, input: Input): Promise<unknown> {
  const request = rules.parseCreate(input, ctx.caller);
  const { tx, caller, config } = ctx;
  const id = newPeerConnId();
  const result = rules.decideCreate(request, caller, {
    id,
    initiatorIfId: newInterfaceId(),
    acceptorIfId: newInterfaceId(),
    now: ctx.now,
    localVpc: await tx.getVpc(request.localVpcId),
    peerVpc: await tx.getVpc(request.peerVpcId),
    pairTaken: await tx.livePairExists(request.localVpcId, request.peerVpcId),
    liveOnLocalVpc: await tx.countLiveOnVpc(request.localVpcId),
    liveOnPeerVpc: await tx.countLiveOnVpc(request.peerVpcId),
    liveForInitiator: await tx.countLiveForAccount(caller.accountId),
    liveForAcceptor: await tx.countLiveForAccount(request.peerAccountId),
    quotaPerVpc: config.quotaPerVpc,
    quotaPerAccount: config.quotaPerAccount,
    consultTimeoutMs: config.consultTimeoutMs,
  });
  await applyOutcome(tx, id, result, ctx.now, ctx.timing);
  return { peerConnId: id };
}

interface Page<T> {
  items: T[];
  marker?: string;
  isTruncated: boolean;
  nextMarker?: string;
  maxKeys: number;
}

/**
 * Cuts a page from rows fetched with one extra: that extra row only tells whether the list goes on, and its id
 * is the next page's marker. Field order is the wire's (marker, isTruncated, nextMarker, maxKeys).
 */
function toPage<T>(rows: T[], limit: number, idOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const first = items[0];
  const next = rows[limit];
  return {
    items,
    ...(first !== undefined ? { marker: idOf(first) } : {}),
    isTruncated: next !== undefined,
    ...(next !== undefined ? { nextMarker: idOf(next) } : {}),
    maxKeys: limit,
  };
}

function invalidMarker(marker: string): ServiceError {
  return new ServiceError(
    'InvalidParameter',
    `Parameter "marker" (${marker}) is not a position in this list; pass the nextMarker of the previous page, or omit it.`,
  );
}

async function listPeerConns(ctx: OperationContext, input: Input): Promise<unknown> {
  const limit = maxKeys(input.maxKeys);
  const marker = optionalMarker(input.marker);
  const vpcId = optionalString(input, 'vpcId', 64) || undefined;
  const { accountId, region } = ctx.caller;
  let fromSeq = 0;
  if (marker !== undefined) {
    const at = await ctx.tx.sideSeq(marker);
    if (
      !at ||
      at.accountId !== accountId ||
      at.region !== region ||
      (vpcId !== undefined && at.vpcId !== vpcId)
    ) {
      throw invalidMarker(marker);
    }
    fromSeq = at.seq;
  }
  const rows = await ctx.tx.listSides({ accountId, region, vpcId, fromSeq, limit: limit + 1 });
  const { items, ...paging } = toPage(rows, limit, (row) => row.ifId);
  return {
    peerConns: items.map((row) =>
      renderSide(row.record, row.role === 'initiator' ? row.record.initiator : row.record.acceptor),
    ),
    ...paging,
  };
}

function vpcIdsFilter(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const list = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list) || !list.every((v): v is string => typeof v === 'string')) {
    throw new ServiceError(
      'InvalidParameter',
      'Parameter "vpcIds" must be a comma-separated list of VPC ids.',
    );
  }
  return list.map((v) => v.trim()).filter((v) => v !== '');
}

async function listVpcs(ctx: OperationContext, input: Input): Promise<unknown> {
  const limit = maxKeys(input.maxKeys);
  const marker = optionalMarker(input.marker);
  const vpcIds = vpcIdsFilter(input.vpcIds);
  if (input.isDefault !== undefined && typeof input.isDefault !== 'boolean') {
    throw new ServiceError('InvalidParameter', 'Parameter "isDefault" must be true or false.');
  }
  const { accountId, region } = ctx.caller;
  let fromSeq = 0;
  if (marker !== undefined) {
    const at = await ctx.tx.vpcSeq(marker);
    if (!at || at.accountId !== accountId || at.region !== region) throw invalidMarker(marker);
    fromSeq = at.seq;
  }
  // Emulated accounts have no default VPC, so asking for default ones yields an empty page.
  const rows =
    input.isDefault === true
      ? []
      : await ctx.tx.listVpcs({ accountId, region, fromSeq, limit: limit + 1, vpcIds });
  const { items, ...paging } = toPage(rows, limit, (vpc) => vpc.vpcId);
  return { vpcs: items.map(renderVpc), ...paging };
}
