// Building blocks of every peering decision: the outcome a rule returns, and copies of a record with sides
// changed. Records are never changed in place.
import type { PeerConnStatus } from '@peerconn/sdk';
import type { Outcome, PeerConnRecord, SideRecord, TransitionRequest } from './types.ts';

export function withSides(record: PeerConnRecord, change: (side: SideRecord) => SideRecord): PeerConnRecord {
  return {
    ...record,
    initiator: change(record.initiator),
    acceptor: record.acceptorRemoved ? record.acceptor : change(record.acceptor),
  };
}

export function setStatus(record: PeerConnRecord, status: PeerConnStatus): PeerConnRecord {
  return withSides(record, (side) => ({ ...side, status }));
}

export function replaceSide(record: PeerConnRecord, side: SideRecord): PeerConnRecord {
  return side.role === 'initiator' ? { ...record, initiator: side } : { ...record, acceptor: side };
}

export function outcome(
  record: PeerConnRecord | null,
  schedule: TransitionRequest[] = [],
  cancel: Outcome['cancel'] = [],
): Outcome {
  return { record, schedule, cancel };
}

/** Reject and consult timeout end the same way: the initiator keeps a consult_failed record to release. */
export function failConsultation(record: PeerConnRecord): PeerConnRecord {
  return {
    ...record,
    initiator: { ...record.initiator, status: 'consult_failed' },
    acceptorRemoved: true,
  };
}
