// Who may see and do what with a peering connection: visibility by account and region, the initiator's and
// the acceptor's rights, and the status and protection preconditions of a change.
import type { PeerConnRole, PeerConnStatus } from '@peerconn/sdk';
import { ServiceError } from '../errors.ts';
import type { CallerScope, PeerConnRecord, SideRecord } from './types.ts';
import { sidesOf } from './types.ts';

export function peerConnNotFound(id: string): ServiceError {
  return new ServiceError(
    'NoSuchObject',
    `Peering connection ${id} does not exist in this region for your account. Check the id and the endpoint's region.`,
  );
}

function owns(side: SideRecord, caller: CallerScope): boolean {
  return side.accountId === caller.accountId && side.region === caller.region;
}

/** Sides the caller may see, initiator first. */
export function visibleSides(record: PeerConnRecord, caller: CallerScope): SideRecord[] {
  return sidesOf(record).filter((side) => owns(side, caller));
}

/**
 * The side GET describes. Without a role the initiator comes first when the caller owns both (Baidu answers
 * at random there; determinism makes tests and waiters reproducible). With a role, a party to the connection
 * may read the other party's side: the Terraform provider's Read fetches role=acceptor with the initiator's
 * credentials for every peering, cross-account included, and cannot survive a not-found there.
 */
export function sideForRead(record: PeerConnRecord, caller: CallerScope, role?: PeerConnRole): SideRecord {
  const sides = visibleSides(record, caller);
  if (sides.length === 0) throw peerConnNotFound(record.id);
  if (!role) return sides[0] as SideRecord;
  const side = sidesOf(record).find((s) => s.role === role);
  if (!side) throw peerConnNotFound(record.id);
  return side;
}

export function requireVisible(record: PeerConnRecord, caller: CallerScope): SideRecord[] {
  const sides = visibleSides(record, caller);
  if (sides.length === 0) throw peerConnNotFound(record.id);
  return sides;
}

export function requireInitiator(record: PeerConnRecord, caller: CallerScope, action: string): void {
  const sides = requireVisible(record, caller);
  if (record.crossAccount && !sides.some((s) => s.role === 'initiator')) {
    throw new ServiceError(
      'OperationNotPermitted',
      `Only the initiator may ${action} a cross-account peering connection; ask account ${record.initiator.accountId} to do it.`,
    );
  }
}

export function requireAcceptor(record: PeerConnRecord, caller: CallerScope, action: string): void {
  const sides = requireVisible(record, caller);
  if (!record.crossAccount || !sides.some((s) => s.role === 'acceptor')) {
    throw new ServiceError(
      'OperationNotPermitted',
      record.crossAccount
        ? `Only the acceptor account ${record.acceptor.accountId} may ${action} this request, at the ${record.acceptor.region} endpoint.`
        : `Same-account peering connections are accepted automatically; there is nothing to ${action}.`,
    );
  }
  if (record.acceptor.status !== 'consulting') {
    throw new ServiceError(
      'InvalidPeerConnStatus',
      `Cannot ${action} peering connection ${record.id}: it is ${record.acceptor.status}, and only a consulting request can be answered.`,
    );
  }
}

export function requireStatus(
  record: PeerConnRecord,
  allowed: readonly PeerConnStatus[],
  action: string,
): void {
  const statuses = sidesOf(record).map((s) => s.status);
  if (!statuses.every((status) => allowed.includes(status))) {
    throw new ServiceError(
      'InvalidPeerConnStatus',
      `Cannot ${action} peering connection ${record.id} while it is ${record.initiator.status}; it must be ${allowed.join(' or ')}.`,
    );
  }
}

export function requireUnprotected(record: PeerConnRecord, action: string): void {
  if (record.deleteProtect) {
    throw new ServiceError(
      'DeleteProtected',
      `Peering connection ${record.id} has release protection on; turn deleteProtect off before you ${action} it.`,
    );
  }
}
