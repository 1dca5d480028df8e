// One handler per operation of the table: read the facts from the store, ask the domain, persist the outcome.
// Reads run on committed data (no write lock); writes run inside the request's write transaction. Nothing here
// knows about HTTP.
import type { OperationName } from '@peerconn/sdk/operations';
import { OPERATIONS } from '@peerconn/sdk/operations';
import { type EventCause, type PeerConnChange, recordChanges } from '../domain/events.ts';
import * as rules from '../domain/peerconn.ts';
import type { TimingTable } from '../domain/timing.ts';
import type { Outcome, PeerConnRecord, TransitionRequest } from '../domain/types.ts';
import { type Input, maxKeys, optionalMarker, optionalString } from '../domain/values.ts';
import { renderSide, renderVpc } from '../domain/view.ts';
import * as vpcRules from '../domain/vpc.ts';
import { ServiceError } from '../errors.ts';
import type { StoreReader, StoreTx, TransitionRow } from '../store/api.ts';
import type { EngineConfig } from './api.ts';
import { newInterfaceId, newPeerConnId, newVpcId } from './ids.ts';

export interface ReadContext {
  reader: StoreReader;
  now: number;
  caller: rules.CallerScope;
  config: EngineConfig;
}

export interface WriteContext {
  tx: StoreTx;
  now: number;
  config: EngineConfig;
  timing: TimingTable;
  /** Why the changes of this transaction happen, for the timeline. */
  cause: EventCause;
  /** When present, every recorded change is also collected here, to be reported after the commit. */
  recorded?: PeerConnChange[];
}

export interface RequestContext extends WriteContext {
  caller: rules.CallerScope;
}

/** Guards against a transition that keeps starting itself at the same instant. */
const MAX_INLINE_STEPS = 64;

/**
 * Persists what a rule decided: the record (or its removal), the cancelled and the newly scheduled
 * transitions, and the timeline entry. Transitions due already (immediate timing) are applied here, in the same
 * transaction, instead of being queued: nobody else can see them before the commit, so they run exactly once.
 */
export async function applyOutcome(
  ctx: WriteContext,
  peerConnId: string,
  before: PeerConnRecord | undefined,
  result: Outcome,
  depth = 0,
): Promise<void> {
  const { tx, now } = ctx;
  await recordEvent(ctx, peerConnId, before, result.record);
  if (result.record === null) {
    await tx.deletePeerConn(peerConnId);
    await tx.deleteTransitionsOf(peerConnId);
    return;
  }
  await tx.savePeerConn(result.record);
  for (const { kind, side } of result.cancel) await tx.deleteTransition(peerConnId, kind, side);
  const dueNow: TransitionRequest[] = [];
  for (const request of result.schedule) {
    const at = dueAt(request, now, ctx.timing);
    if (at !== null && at <= now && depth < MAX_INLINE_STEPS) {
      await tx.deleteTransition(peerConnId, request.kind, request.side);
      dueNow.push(request);
      continue;
    }
    await tx.upsertTransition({ peerConnId, kind: request.kind, side: request.side, dueAt: at });
    if (at !== null) tx.announce({ type: 'due', at });
  }
  let record: PeerConnRecord | null = result.record;
  for (const request of dueNow) {
    if (record === null) return;
    const next = rules.applyTransition(record, request.kind, request.side, now, ctx.config.keepDeleted);
    const inline: WriteContext = {
      ...ctx,
      cause: { type: 'transition', transition: request.kind, trigger: 'inline' },
    };
    await applyOutcome(inline, peerConnId, record, next, depth + 1);
    record = next.record;
  }
}

/** Applies one queued transition at instant `at`, on behalf of `trigger`. */
export async function applyQueued(
  ctx: Omit<WriteContext, 'cause'>,
  row: TransitionRow,
  at: number,
  trigger: 'timer' | 'clock' | 'run' | 'request',
): Promise<void> {
  const { peerConnId, kind, side } = row;
  await ctx.tx.deleteTransition(peerConnId, kind, side);
  const record = await ctx.tx.getPeerConn(peerConnId);
  if (!record) return;
  const outcome = rules.applyTransition(record, kind, side, at, ctx.config.keepDeleted);
  await applyOutcome(
    { ...ctx, now: at, cause: { type: 'transition', transition: kind, trigger } },
    peerConnId,
    record,
    outcome,
  );
}

async function recordEvent(
  ctx: WriteContext,
  peerConnId: string,
  before: PeerConnRecord | undefined,
  after: PeerConnRecord | null,
): Promise<void> {
  const changes = recordChanges(before, after);
  if (changes.length === 0) return;
  await ctx.tx.insertEvent({
    peerConnId,
    at: ctx.now,
    body: JSON.stringify({ cause: ctx.cause, changes }),
  });
  ctx.recorded?.push({ peerConnId, at: new Date(ctx.now).toISOString(), cause: ctx.cause, changes });
  ctx.tx.announce({ type: 'events' });
}

function dueAt(request: TransitionRequest, now: number, timing: TimingTable): number | null {
  if (request.at !== undefined) return request.at;
  if (request.kind === 'consultTimeout' || request.kind === 'expiry') return now;
  const rule = timing[request.kind];
  if (rule.mode === 'manual') return null;
  if (rule.mode === 'immediate') return now;
  return now + (rule.delayMs ?? 0);
}

async function loadPeerConn(reader: StoreReader, input: Input): Promise<PeerConnRecord> {
  const id = input.peerConnId;
  if (typeof id !== 'string' || id === '') {
    throw new ServiceError(
      'InvalidURI',
      'The path must name a peering connection: /v1/peerconn/{peerConnId}.',
    );
  }
  const record = await reader.getPeerConn(id);
  if (!record) throw rules.peerConnNotFound(id);
  return record;
}

async function loadOwnVpc(reader: StoreReader, caller: rules.CallerScope, input: Input) {
  const id = input.vpcId;
  if (typeof id !== 'string' || id === '') {
    throw new ServiceError('InvalidURI', 'The path must name a VPC: /v1/vpc/{vpcId}.');
  }
  return vpcRules.requireOwnVpc(await reader.getVpc(id), id, caller);
}

type PeerConnRule = (record: PeerConnRecord, ctx: RequestContext, input: Input) => Outcome;

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

export function isReadOnly(operation: OperationName): boolean {
  return !OPERATIONS[operation].mutating;
}

/** Runs one read-only operation on committed data; returns the response body. */
export async function runRead(ctx: ReadContext, operation: OperationName, input: Input): Promise<unknown> {
  const { reader, caller } = ctx;
  switch (operation) {
    case 'getPeerConn': {
      const record = await loadPeerConn(reader, input);
      return renderSide(record, rules.sideForRead(record, caller, rules.parseRole(input.role)));
    }
    case 'listPeerConns':
      return listPeerConns(ctx, input);
    case 'listVpcs':
      return listVpcs(ctx, input);
    case 'getVpc':
      return { vpc: renderVpc(await loadOwnVpc(reader, caller, input)) };
    default:
      throw new ServiceError('NotFound', `Operation ${operation} is not implemented by this server.`);
  }
}

/** Runs one mutating operation inside the request's transaction; returns the response body or undefined. */
export async function runWrite(
  ctx: RequestContext,
  operation: OperationName,
  input: Input,
): Promise<unknown> {
  const { tx, caller } = ctx;
  const change = PEER_CONN_CHANGES[operation];
  if (change) {
    const record = await loadPeerConn(tx, input);
    await applyOutcome(ctx, record.id, record, change(record, ctx, input));
    return undefined;
  }
  switch (operation) {
    case 'createPeerConn':
      return createPeerConn(ctx, input);
    case 'createVpc': {
      const vpc = vpcRules.newVpc(input, caller, newVpcId(), ctx.now);
      await tx.insertVpc(vpc);
      return { vpcId: vpc.vpcId };
    }
    case 'updateVpc': {
      const vpc = await loadOwnVpc(tx, caller, input);
      await tx.updateVpc(vpcRules.updateVpc(vpc, input));
      return undefined;
    }
    case 'deleteVpc': {
      const vpc = await loadOwnVpc(tx, caller, input);
      vpcRules.requireDeletable(vpc, await tx.countLiveOnVpc(vpc.vpcId));
      await tx.deleteVpc(vpc.vpcId);
      return undefined;
    }
    case 'openVpcRelay':
    case 'shutdownVpcRelay': {
      const vpc = await loadOwnVpc(tx, caller, input);
      await tx.updateVpc({ ...vpc, relay: operation === 'openVpcRelay' });
      return undefined;
    }
    default:
      throw new ServiceError('NotFound', `Operation ${operation} is not implemented by this server.`);
  }
}

/**
 * The names a write of this operation serialises on across server processes (see WriteOptions.lockKeys):
 * the accounts whose quotas, VPCs and tokens it reads.
 */
export function lockKeysOf(operation: OperationName, caller: rules.CallerScope, input: Input): string[] {
  const keys = [`account:${caller.accountId}`];
  const peer = input.peerAccountId;
  if (operation === 'createPeerConn' && typeof peer === 'string' && peer !== caller.accountId) {
    keys.push(`account:${peer}`);
  }
  return keys.sort();
}

async function createPeerConn(ctx: RequestContext, input: Input): Promise<unknown> {
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
  await applyOutcome(ctx, id, undefined, result);
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

async function listPeerConns(ctx: ReadContext, input: Input): Promise<unknown> {
  const limit = maxKeys(input.maxKeys);
  const marker = optionalMarker(input.marker);
  const vpcId = optionalString(input, 'vpcId', 64) || undefined;
  const { accountId, region } = ctx.caller;
  let fromSeq = 0;
  if (marker !== undefined) {
    const at = await ctx.reader.sideSeq(marker);
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
  const rows = await ctx.reader.listSides({ accountId, region, vpcId, fromSeq, limit: limit + 1 });
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

async function listVpcs(ctx: ReadContext, input: Input): Promise<unknown> {
  const limit = maxKeys(input.maxKeys);
  const marker = optionalMarker(input.marker);
  const vpcIds = vpcIdsFilter(input.vpcIds);
  if (input.isDefault !== undefined && typeof input.isDefault !== 'boolean') {
    throw new ServiceError('InvalidParameter', 'Parameter "isDefault" must be true or false.');
  }
  const { accountId, region } = ctx.caller;
  let fromSeq = 0;
  if (marker !== undefined) {
    const at = await ctx.reader.vpcSeq(marker);
    if (!at || at.accountId !== accountId || at.region !== region) throw invalidMarker(marker);
    fromSeq = at.seq;
  }
  // Emulated accounts have no default VPC, so asking for default ones yields an empty page.
  const rows =
    input.isDefault === true
      ? []
      : await ctx.reader.listVpcs({ accountId, region, fromSeq, limit: limit + 1, vpcIds });
  const { items, ...paging } = toPage(rows, limit, (row) => row.vpc.vpcId);
  return { vpcs: items.map((row) => renderVpc(row.vpc)), ...paging };
}
