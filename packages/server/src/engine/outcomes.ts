// Persisting what a rule decided, inside the write transaction: the record, the transitions it cancels and
// schedules (applying at once those already due), and the timeline entry of the change.
import { type EventCause, type PeerConnChange, recordChanges } from '../domain/events.ts';
import { applyTransition } from '../domain/peerconn-lifecycle.ts';
import type { TimingTable } from '../domain/timing.ts';
import type { CallerScope, Outcome, PeerConnRecord, TransitionRequest } from '../domain/types.ts';
import type { StoreReader, StoreTx, TransitionRow } from '../store/api.ts';
import type { EngineConfig } from './api.ts';

export interface ReadContext {
  reader: StoreReader;
  now: number;
  caller: CallerScope;
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
  caller: CallerScope;
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
    await tx.deletePeerConn(peerConnId, before);
    await tx.deleteTransitionsOf(peerConnId);
    return;
  }
  // `before` is what the transaction holds for the connection (loaded by it, or saved by the step before).
  await tx.savePeerConn(result.record, before ?? null);
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
    const next = applyTransition(record, request.kind, request.side, now, ctx.config.keepDeleted);
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
  const outcome = applyTransition(record, kind, side, at, ctx.config.keepDeleted);
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
