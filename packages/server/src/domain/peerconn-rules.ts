// The peering decisions of the two parties: pure functions from (record, caller, typed request fields, now)
// to an Outcome, or a ServiceError naming the rule. The engine fetches the record and persists the outcome.
import type { PeerConnRole, PeerConnStatus } from '@peerconn/sdk';
import { ServiceError } from '../errors.ts';
import {
  requireAcceptor,
  requireInitiator,
  requireStatus,
  requireUnprotected,
  requireVisible,
} from './peerconn-access.ts';
import { failConsultation, outcome, replaceSide, setStatus } from './peerconn-records.ts';
import type { RenewPeerConnFields, UpdatePeerConnFields } from './requests.ts';
import { addMonths } from './time.ts';
import type { CallerScope, Outcome, PeerConnRecord, SideRecord } from './types.ts';
import {
  bandwidth,
  DESCRIPTION_MAX_LENGTH,
  limited,
  NAME_MAX_LENGTH,
  required,
  reservationMonths,
} from './values.ts';

// ---- acceptor decisions ----

export function accept(record: PeerConnRecord, caller: CallerScope): Outcome {
  requireAcceptor(record, caller, 'accept');
  return outcome(
    setStatus(record, 'starting'),
    [{ kind: 'accept', side: 'both' }],
    [{ kind: 'consultTimeout', side: 'both' }],
  );
}

export function reject(record: PeerConnRecord, caller: CallerScope): Outcome {
  requireAcceptor(record, caller, 'reject');
  return outcome(failConsultation(record), [], [{ kind: 'consultTimeout', side: 'both' }]);
}

// ---- initiator decisions ----

const RELEASABLE: readonly PeerConnStatus[] = [
  'active',
  'consulting',
  'consult_failed',
  'expired',
  'down',
  'error',
];

function releaseOutcome(record: PeerConnRecord): Outcome {
  return outcome(
    setStatus(record, 'deleting'),
    [{ kind: 'delete', side: 'both' }],
    [
      { kind: 'create', side: 'both' },
      { kind: 'accept', side: 'both' },
      { kind: 'update', side: 'both' },
      { kind: 'update', side: 'initiator' },
      { kind: 'update', side: 'acceptor' },
      { kind: 'dnsOpen', side: 'initiator' },
      { kind: 'dnsOpen', side: 'acceptor' },
      { kind: 'dnsClose', side: 'initiator' },
      { kind: 'dnsClose', side: 'acceptor' },
      { kind: 'consultTimeout', side: 'both' },
      { kind: 'expiry', side: 'both' },
    ],
  );
}

export function release(record: PeerConnRecord, caller: CallerScope, now: number): Outcome {
  requireInitiator(record, caller, 'release');
  requireUnprotected(record, 'release');
  requireStatus(record, RELEASABLE, 'release');
  if (
    record.paymentTiming === 'Prepaid' &&
    record.initiator.status === 'active' &&
    record.expiresAt !== null &&
    record.expiresAt > now
  ) {
    throw new ServiceError(
      'PrepaidReleaseNotAllowed',
      `Peering connection ${record.id} is an active Prepaid connection that has not expired; use refund to release it.`,
    );
  }
  return releaseOutcome(record);
}

export function refund(record: PeerConnRecord, caller: CallerScope): Outcome {
  requireInitiator(record, caller, 'refund');
  if (record.paymentTiming !== 'Prepaid') {
    throw new ServiceError(
      'InvalidBilling',
      'Only Prepaid peering connections can be refunded; release a Postpaid one.',
    );
  }
  requireUnprotected(record, 'refund');
  requireStatus(record, ['active', 'expired'], 'refund');
  return releaseOutcome(record);
}

export function resize(record: PeerConnRecord, caller: CallerScope, newBandwidthInMbps: number): Outcome {
  // Visibility before the values: a stranger must get the not-found of a missing id, whatever it sent.
  requireVisible(record, caller);
  const next = bandwidth('newBandwidthInMbps', newBandwidthInMbps);
  requireInitiator(record, caller, 'resize');
  requireStatus(record, ['active'], 'resize');
  if (record.paymentTiming === 'Prepaid' && next < record.bandwidthInMbps) {
    throw new ServiceError(
      'BandwidthDowngradeNotAllowed',
      `Prepaid bandwidth can only go up: ${next} Mbps is below the current ${record.bandwidthInMbps} Mbps.`,
    );
  }
  return outcome({ ...setStatus(record, 'updating'), bandwidthInMbps: next }, [
    { kind: 'update', side: 'both' },
  ]);
}

export function renew(
  record: PeerConnRecord,
  caller: CallerScope,
  billing: RenewPeerConnFields['billing'],
  now: number,
): Outcome {
  requireVisible(record, caller);
  const months = reservationMonths('billing.reservation', billing.reservation);
  requireInitiator(record, caller, 'renew');
  if (record.paymentTiming !== 'Prepaid' || record.expiresAt === null) {
    throw new ServiceError(
      'InvalidBilling',
      'Only Prepaid peering connections can be renewed; Postpaid ones never expire.',
    );
  }
  requireStatus(record, ['active', 'expired'], 'renew');
  // An expired connection is renewed from now, or the purchase could end in the past and buy nothing.
  const expired = record.initiator.status === 'expired';
  const base = expired ? Math.max(record.expiresAt, now) : record.expiresAt;
  const expiresAt = addMonths(base, months);
  const renewed = {
    ...(expired ? setStatus(record, 'active') : record),
    expiresAt,
    reservationLength: months,
  };
  return outcome(renewed, [{ kind: 'expiry', side: 'both', at: expiresAt }]);
}

export function switchDeleteProtect(record: PeerConnRecord, caller: CallerScope, value: boolean): Outcome {
  requireInitiator(record, caller, 'change release protection of');
  if (record.initiator.status === 'deleting' || record.initiator.status === 'deleted') {
    throw new ServiceError(
      'InvalidPeerConnStatus',
      `Peering connection ${record.id} is ${record.initiator.status}; release protection can no longer change.`,
    );
  }
  return outcome({ ...record, deleteProtect: value });
}

// ---- per-side decisions ----

export function update(
  record: PeerConnRecord,
  caller: CallerScope,
  fields: Omit<UpdatePeerConnFields, 'peerConnId'>,
): Outcome {
  const mine = requireVisible(record, caller);
  const ifId = required('localIfId', fields.localIfId, 64);
  const description = limited('description', fields.description, DESCRIPTION_MAX_LENGTH);
  const ifName = limited('localIfName', fields.localIfName, NAME_MAX_LENGTH);
  const side = mine.find((s) => s.ifId === ifId);
  if (!side) {
    throw new ServiceError(
      'InappropriateJSON',
      `Field "localIfId" is invalid: ${ifId} is not the interface of your side of ${record.id}; use the localIfId that GET returns.`,
    );
  }
  if (side.status !== 'active' && side.status !== 'consulting') {
    throw new ServiceError(
      'InvalidPeerConnStatus',
      `Cannot update peering connection ${record.id} while it is ${side.status}; it must be active or consulting.`,
    );
  }
  const changed: SideRecord = {
    ...side,
    description: description ?? side.description,
    ifName: ifName ?? side.ifName,
  };
  // A consulting request has nothing to reconfigure yet, so only an active side passes through updating.
  if (side.status === 'consulting') return outcome(replaceSide(record, changed));
  return outcome(replaceSide(record, { ...changed, status: 'updating' }), [
    { kind: 'update', side: side.role },
  ]);
}

function dnsSide(
  record: PeerConnRecord,
  caller: CallerScope,
  role: PeerConnRole,
  action: string,
): SideRecord {
  const mine = requireVisible(record, caller);
  const side = mine.find((s) => s.role === role);
  if (!side) {
    throw new ServiceError(
      'OperationNotPermitted',
      `The ${role} side of ${record.id} is not yours at this endpoint; use role=${mine[0]?.role ?? 'initiator'}.`,
    );
  }
  requireStatus(record, ['active'], `${action} DNS sync of`);
  if (side.dnsStatus === 'syncing' || side.dnsStatus === 'closing') {
    throw new ServiceError(
      'InvalidDnsStatus',
      `DNS sync of the ${role} side is ${side.dnsStatus}; wait until it is open or close, then retry.`,
    );
  }
  return side;
}

/** Opening what is open (or about to be) is a no-op so retries and converging tools stay quiet. */
export function openDns(record: PeerConnRecord, caller: CallerScope, role: PeerConnRole): Outcome {
  const side = dnsSide(record, caller, role, 'open');
  if (side.dnsStatus !== 'close') return outcome(record);
  return outcome(replaceSide(record, { ...side, dnsStatus: 'wait' }), [{ kind: 'dnsOpen', side: side.role }]);
}

export function closeDns(record: PeerConnRecord, caller: CallerScope, role: PeerConnRole): Outcome {
  const side = dnsSide(record, caller, role, 'close');
  if (side.dnsStatus === 'close') return outcome(record);
  return outcome(
    replaceSide(record, { ...side, dnsStatus: 'closing' }),
    [{ kind: 'dnsClose', side: side.role }],
    [{ kind: 'dnsOpen', side: side.role }],
  );
}
