// The timeline of a peering connection: what changed between two versions of its record, and why. Recorded by
// the engine in the same transaction as the change, so the timeline and the state never disagree.
import { wireTime } from './time.ts';
import type { PeerConnRecord, SideRecord } from './types.ts';

/** Why a connection changed: a request, or a timed transition and what made the scheduler run it. */
export type EventCause =
  | { type: 'request'; operation: string; requestId: string; accountId: string }
  | {
      type: 'transition';
      transition: string;
      /**
       * timer: its due instant came; clock: the virtual clock was moved past it; run: the admin API ran it;
       * request: caught up before a request; inline: immediate timing, applied with the request that caused it.
       */
      trigger: 'timer' | 'clock' | 'run' | 'request' | 'inline';
    };

export type EventValue = string | number | boolean | null;

export interface EventChange {
  side: 'initiator' | 'acceptor' | 'connection';
  field: string;
  /** null when the side (or the connection) did not exist before. */
  from: EventValue;
  /** null when it no longer exists. */
  to: EventValue;
}

/** One entry of a connection's timeline. */
export interface PeerConnEvent {
  seq: number;
  peerConnId: string;
  /** Virtual instant, ISO 8601. */
  at: string;
  cause: EventCause;
  changes: EventChange[];
}

/** A change as it is committed, before the timeline numbers it. */
export type PeerConnChange = Omit<PeerConnEvent, 'seq'>;

const SIDE_FIELDS = ['status', 'dnsStatus'] as const satisfies ReadonlyArray<keyof SideRecord>;
/** Connection-wide fields, named and shown as on the wire. */
const CONNECTION_FIELDS: ReadonlyArray<[string, (record: PeerConnRecord) => EventValue]> = [
  ['bandwidthInMbps', (r) => r.bandwidthInMbps],
  ['deleteProtect', (r) => r.deleteProtect],
  ['expiredTime', (r) => (r.expiresAt === null ? '' : wireTime(r.expiresAt))],
];

function presentSide(record: PeerConnRecord | null | undefined, role: 'initiator' | 'acceptor') {
  if (!record) return undefined;
  if (role === 'acceptor' && record.acceptorRemoved) return undefined;
  return record[role];
}

/** The state changes from `before` to `after` (undefined: did not exist; null: gone), in a fixed order. */
export function recordChanges(
  before: PeerConnRecord | undefined,
  after: PeerConnRecord | null,
): EventChange[] {
  const changes: EventChange[] = [];
  for (const role of ['initiator', 'acceptor'] as const) {
    const from = presentSide(before, role);
    const to = presentSide(after, role);
    for (const field of SIDE_FIELDS) {
      const a = from ? from[field] : null;
      const b = to ? to[field] : null;
      if (a !== b) changes.push({ side: role, field, from: a, to: b });
    }
  }
  if (before && after) {
    for (const [field, read] of CONNECTION_FIELDS) {
      const a = read(before);
      const b = read(after);
      if (a !== b) changes.push({ side: 'connection', field, from: a, to: b });
    }
  }
  return changes;
}
