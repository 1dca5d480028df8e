// What each side's account may do to a connection right now, asked of the very rules that decide the requests
// (peerconn-rules.ts): a tool that offers actions (the console) mirrors the server instead of keeping a second
// copy of the rules that would drift from it.
import type { PeerConnRole } from '@peerconn/sdk';
import { ServiceError } from '../errors.ts';
import * as rules from './peerconn-rules.ts';
import type { CallerScope, Outcome, PeerConnRecord } from './types.ts';

/** The operations on an existing connection that a side's account may try, by their names in the table. */
export const SIDE_OPERATIONS = [
  'acceptPeerConn',
  'rejectPeerConn',
  'openPeerConnDnsSync',
  'closePeerConnDnsSync',
  'updatePeerConnDeleteProtect',
  'resizePeerConn',
  'renewPeerConn',
  'refundPeerConn',
  'deletePeerConn',
] as const;
export type SideOperation = (typeof SIDE_OPERATIONS)[number];

/**
 * The rules' answer to one operation: allowed (and whether it would change anything: opening DNS sync that
 * is already open is allowed and does nothing), or refused with the code and message a request would get.
 */
export type ActionVerdict =
  | { allowed: true; changes: boolean }
  | { allowed: false; code: string; message: string };

/**
 * The inputs a verdict is asked with, where the operation takes one: resize to the current bandwidth (so the
 * question is whether resizing is possible at all; the amount is checked when the request comes), renew by
 * one month, switch delete protection to the other value, DNS sync of the asking side.
 */
function decide(
  operation: SideOperation,
  record: PeerConnRecord,
  caller: CallerScope,
  role: PeerConnRole,
  now: number,
): Outcome {
  switch (operation) {
    case 'acceptPeerConn':
      return rules.accept(record, caller);
    case 'rejectPeerConn':
      return rules.reject(record, caller);
    case 'openPeerConnDnsSync':
      return rules.openDns(record, caller, role);
    case 'closePeerConnDnsSync':
      return rules.closeDns(record, caller, role);
    case 'updatePeerConnDeleteProtect':
      return rules.switchDeleteProtect(record, caller, !record.deleteProtect);
    case 'resizePeerConn':
      return rules.resize(record, caller, record.bandwidthInMbps);
    case 'renewPeerConn':
      return rules.renew(
        record,
        caller,
        { reservation: { reservationLength: 1, reservationTimeUnit: 'month' } },
        now,
      );
    case 'refundPeerConn':
      return rules.refund(record, caller);
    case 'deletePeerConn':
      return rules.release(record, caller, now);
  }
}

/** Every side operation's verdict for the account of one side, at that side's region, at `now`. */
export function sideActions(
  record: PeerConnRecord,
  role: PeerConnRole,
  now: number,
): Record<SideOperation, ActionVerdict> {
  const side = role === 'initiator' ? record.initiator : record.acceptor;
  const caller: CallerScope = { accountId: side.accountId, region: side.region };
  const verdicts = {} as Record<SideOperation, ActionVerdict>;
  for (const operation of SIDE_OPERATIONS) {
    try {
      const result = decide(operation, record, caller, role, now);
      const changes = result.record !== record || result.schedule.length > 0 || result.cancel.length > 0;
      verdicts[operation] = { allowed: true, changes };
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      verdicts[operation] = { allowed: false, code: error.code, message: error.message };
    }
  }
  return verdicts;
}
