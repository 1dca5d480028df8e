// The peering operations: read the facts from the store, ask the domain, persist the outcome.

import { peerConnNotFound, sideForRead } from '../domain/peerconn-access.ts';
import { createRequest, decideCreate } from '../domain/peerconn-create.ts';
import * as rules from '../domain/peerconn-rules.ts';
import type {
  CreatePeerConnFields,
  GetPeerConnFields,
  ListPeerConnsFields,
  PeerConnDnsSyncFields,
  PeerConnIdFields,
  RenewPeerConnFields,
  ResizePeerConnFields,
  UpdatePeerConnDeleteProtectFields,
  UpdatePeerConnFields,
} from '../domain/requests.ts';
import type { Outcome, PeerConnRecord } from '../domain/types.ts';
import { limited, maxKeys } from '../domain/values.ts';
import { renderSide } from '../domain/view.ts';
import type { SideListItem, StoreReader } from '../store/api.ts';
import { newInterfaceId, newPeerConnId } from './ids.ts';
import { invalidMarker, markerOf, PageMemo, toPage } from './lists.ts';
import { applyOutcome, type ReadContext, type RequestContext } from './outcomes.ts';

type SideListRow = SideListItem & { seq: number; ifId: string };

async function loadPeerConn(reader: StoreReader, peerConnId: string): Promise<PeerConnRecord> {
  const record = await reader.getPeerConn(peerConnId);
  if (!record) throw peerConnNotFound(peerConnId);
  return record;
}

/** A change of one existing connection: load it, let the rule decide, persist the outcome. */
function change<F extends PeerConnIdFields>(
  rule: (record: PeerConnRecord, ctx: RequestContext, fields: F) => Outcome,
) {
  return async (ctx: RequestContext, fields: F): Promise<undefined> => {
    const record = await loadPeerConn(ctx.tx, fields.peerConnId);
    await applyOutcome(ctx, record.id, record, rule(record, ctx, fields));
    return undefined;
  };
}

export const updatePeerConn = change<UpdatePeerConnFields>((record, ctx, fields) =>
  rules.update(record, ctx.caller, fields),
);
export const acceptPeerConn = change<PeerConnIdFields>((record, ctx) => rules.accept(record, ctx.caller));
export const rejectPeerConn = change<PeerConnIdFields>((record, ctx) => rules.reject(record, ctx.caller));
export const deletePeerConn = change<PeerConnIdFields>((record, ctx) =>
  rules.release(record, ctx.caller, ctx.now),
);
export const resizePeerConn = change<ResizePeerConnFields>((record, ctx, fields) =>
  rules.resize(record, ctx.caller, fields.newBandwidthInMbps),
);
export const renewPeerConn = change<RenewPeerConnFields>((record, ctx, fields) =>
  rules.renew(record, ctx.caller, fields.billing, ctx.now),
);
export const refundPeerConn = change<PeerConnIdFields>((record, ctx) => rules.refund(record, ctx.caller));
export const openPeerConnDnsSync = change<PeerConnDnsSyncFields>((record, ctx, fields) =>
  rules.openDns(record, ctx.caller, fields.role),
);
export const closePeerConnDnsSync = change<PeerConnDnsSyncFields>((record, ctx, fields) =>
  rules.closeDns(record, ctx.caller, fields.role),
);
export const updatePeerConnDeleteProtect = change<UpdatePeerConnDeleteProtectFields>((record, ctx, fields) =>
  rules.switchDeleteProtect(record, ctx.caller, fields.deleteProtect),
);

export async function createPeerConn(ctx: RequestContext, fields: CreatePeerConnFields) {
  const request = createRequest(fields, ctx.caller);
  const { tx, caller, config } = ctx;
  const id = newPeerConnId();
  // Asked together: a store that can (PostgreSQL) sends them in one round trip.
  const [localVpc, peerVpc, pairTaken, liveOnLocalVpc, liveOnPeerVpc, liveForInitiator, liveForAcceptor] =
    await Promise.all([
      tx.getVpc(request.localVpcId),
      tx.getVpc(request.peerVpcId),
      tx.livePairExists(request.localVpcId, request.peerVpcId),
      tx.countLiveOnVpc(request.localVpcId),
      tx.countLiveOnVpc(request.peerVpcId),
      tx.countLiveForAccount(caller.accountId),
      tx.countLiveForAccount(request.peerAccountId),
    ]);
  const result = decideCreate(request, caller, {
    id,
    initiatorIfId: newInterfaceId(),
    acceptorIfId: newInterfaceId(),
    now: ctx.now,
    localVpc,
    peerVpc,
    pairTaken,
    liveOnLocalVpc,
    liveOnPeerVpc,
    liveForInitiator,
    liveForAcceptor,
    quotaPerVpc: config.quotaPerVpc,
    quotaPerAccount: config.quotaPerAccount,
    consultTimeoutMs: config.consultTimeoutMs,
  });
  await applyOutcome(ctx, id, undefined, result);
  return { peerConnId: id };
}

export async function getPeerConn(ctx: ReadContext, fields: GetPeerConnFields) {
  const record = await loadPeerConn(ctx.reader, fields.peerConnId);
  return renderSide(record, sideForRead(record, ctx.caller, fields.role));
}

export async function listPeerConns(ctx: ReadContext, fields: ListPeerConnsFields) {
  const limit = maxKeys(fields.maxKeys);
  const marker = markerOf(fields.marker);
  const vpcId = limited('vpcId', fields.vpcId, 64) || undefined;
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
  return peerConnPages.pageOf(rows, limit);
}

const peerConnPages = new PageMemo((rows: readonly SideListRow[], limit: number) => {
  const { items, ...paging } = toPage(rows, limit, (row) => row.ifId);
  return {
    peerConns: items.map((row) =>
      renderSide(row.record, row.role === 'initiator' ? row.record.initiator : row.record.acceptor),
    ),
    ...paging,
  };
});
