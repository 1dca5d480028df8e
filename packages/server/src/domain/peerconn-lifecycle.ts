// Timed transitions: what happens to a connection when a scheduled change comes due (creating → active or
// consulting, starting → active, updating → active, deleting → gone, the DNS steps, the consultation timeout
// and Prepaid expiry).
import type { PeerConnStatus } from '@peerconn/sdk';
import { failConsultation, outcome, replaceSide, setStatus, withSides } from './peerconn-records.ts';
import type { Outcome, PeerConnRecord, SideRecord, TransitionRequest } from './types.ts';

export function applyTransition(
  record: PeerConnRecord,
  kind: TransitionRequest['kind'],
  side: TransitionRequest['side'],
  at: number,
  keepDeleted: boolean,
): Outcome {
  const status = record.initiator.status;
  switch (kind) {
    case 'create':
      if (status !== 'creating') return outcome(record);
      return outcome(setStatus(record, record.crossAccount ? 'consulting' : 'active'));
    case 'accept':
      if (status !== 'starting') return outcome(record);
      return outcome(setStatus(record, 'active'));
    case 'update':
      return outcome(
        withSides(record, (s) =>
          s.status === 'updating' && (side === 'both' || s.role === side) ? { ...s, status: 'active' } : s,
        ),
      );
    case 'delete':
      if (status !== 'deleting') return outcome(record);
      if (!keepDeleted) return outcome(null);
      return outcome(withSides(record, (s) => ({ ...s, status: 'deleted', dnsStatus: 'close' })));
    case 'dnsOpen':
      return (
        dnsStep(record, side, 'wait', 'syncing', true) ??
        dnsStep(record, side, 'syncing', 'open', false) ??
        outcome(record)
      );
    case 'dnsClose':
      return dnsStep(record, side, 'closing', 'close', false) ?? outcome(record);
    case 'consultTimeout':
      if (status !== 'creating' && status !== 'consulting') return outcome(record);
      return outcome(failConsultation(record), [], [{ kind: 'create', side: 'both' }]);
    case 'expiry': {
      const inService: readonly PeerConnStatus[] = ['active', 'updating', 'starting', 'creating'];
      if (record.expiresAt === null || record.expiresAt > at || !inService.includes(status))
        return outcome(record);
      return outcome(
        setStatus(record, 'expired'),
        [],
        [
          { kind: 'update', side: 'both' },
          { kind: 'update', side: 'initiator' },
          { kind: 'update', side: 'acceptor' },
        ],
      );
    }
  }
}

function dnsStep(
  record: PeerConnRecord,
  side: TransitionRequest['side'],
  from: SideRecord['dnsStatus'],
  to: SideRecord['dnsStatus'],
  continues: boolean,
): Outcome | undefined {
  if (side === 'both') return undefined;
  const current = side === 'initiator' ? record.initiator : record.acceptor;
  if (current.dnsStatus !== from) return undefined;
  return outcome(
    replaceSide(record, { ...current, dnsStatus: to }),
    continues ? [{ kind: 'dnsOpen', side }] : [],
  );
}
