// The peering rules and lifecycle: pure functions from (record, caller, input, now) to an Outcome, or a
// ServiceError naming the rule. The engine fetches the facts these need and persists what they return.
import type { PeerConnRole, PeerConnStatus } from '@peerconn/sdk/models';
import { PEER_CONN_ROLES } from '@peerconn/sdk/models';
import { ServiceError } from '../errors.ts';
import { addMonths } from './time.ts';
import type { Outcome, PeerConnRecord, SideRecord, TransitionRequest, VpcRecord } from './types.ts';
import { sidesOf } from './types.ts';
import {
  type BillingChoice,
  bandwidth,
  billing,
  DESCRIPTION_MAX_LENGTH,
  type Input,
  isAccountId,
  NAME_MAX_LENGTH,
  optionalBoolean,
  optionalString,
  requiredString,
  reservationMonths,
  tags,
} from './values.ts';
import { ownedVpc } from './vpc.ts';

export interface CallerScope {
  accountId: string;
  region: string;
}

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

export function parseRole(value: unknown): PeerConnRole | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !(PEER_CONN_ROLES as readonly string[]).includes(value)) {
    throw new ServiceError('InvalidParameter', 'Parameter "role" must be "initiator" or "acceptor".');
  }
  return value as PeerConnRole;
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

function requireVisible(record: PeerConnRecord, caller: CallerScope): SideRecord[] {
  const sides = visibleSides(record, caller);
  if (sides.length === 0) throw peerConnNotFound(record.id);
  return sides;
}

function requireInitiator(record: PeerConnRecord, caller: CallerScope, action: string): void {
  const sides = requireVisible(record, caller);
  if (record.crossAccount && !sides.some((s) => s.role === 'initiator')) {
    throw new ServiceError(
      'OperationNotPermitted',
      `Only the initiator may ${action} a cross-account peering connection; ask account ${record.initiator.accountId} to do it.`,
    );
  }
}

function requireStatus(record: PeerConnRecord, allowed: readonly PeerConnStatus[], action: string): void {
  const statuses = sidesOf(record).map((s) => s.status);
  if (!statuses.every((status) => allowed.includes(status))) {
    throw new ServiceError(
      'InvalidPeerConnStatus',
      `Cannot ${action} peering connection ${record.id} while it is ${record.initiator.status}; it must be ${allowed.join(' or ')}.`,
    );
  }
}

function withSides(record: PeerConnRecord, change: (side: SideRecord) => SideRecord): PeerConnRecord {
  return {
    ...record,
    initiator: change(record.initiator),
    acceptor: record.acceptorRemoved ? record.acceptor : change(record.acceptor),
  };
}

function setStatus(record: PeerConnRecord, status: PeerConnStatus): PeerConnRecord {
  return withSides(record, (side) => ({ ...side, status }));
}

function outcome(
  record: PeerConnRecord | null,
  schedule: TransitionRequest[] = [],
  cancel: Outcome['cancel'] = [],
): Outcome {
  return { record, schedule, cancel };
}

// ---- create ----

export interface CreateRequest {
  localVpcId: string;
  peerVpcId: string;
  peerRegion: string;
  peerAccountId: string;
  bandwidthInMbps: number;
  billing: BillingChoice;
  description: string;
  localIfName: string;
  peerIfName: string | undefined;
  tags: PeerConnRecord['tags'];
  resourceGroupId: string;
  deleteProtect: boolean;
}

export function parseCreate(input: Input, caller: CallerScope): CreateRequest {
  const peerAccountId = optionalString(input, 'peerAccountId', 64) || caller.accountId;
  if (!isAccountId(peerAccountId)) {
    throw new ServiceError(
      'InappropriateJSON',
      'Field "peerAccountId" is invalid: expected a 32-character lowercase hex account id.',
    );
  }
  return {
    localVpcId: requiredString(input, 'localVpcId', 64),
    peerVpcId: requiredString(input, 'peerVpcId', 64),
    peerRegion: requiredString(input, 'peerRegion', 64),
    peerAccountId,
    bandwidthInMbps: bandwidth(input, 'bandwidthInMbps'),
    billing: billing(input, 'billing'),
    description: optionalString(input, 'description', DESCRIPTION_MAX_LENGTH) ?? '',
    localIfName: optionalString(input, 'localIfName', NAME_MAX_LENGTH) ?? '',
    peerIfName: optionalString(input, 'peerIfName', NAME_MAX_LENGTH),
    tags: tags(input, 'tags'),
    resourceGroupId: optionalString(input, 'resourceGroupId', 64) ?? '',
    deleteProtect: optionalBoolean(input, 'deleteProtect') ?? false,
  };
}

/** What the store knows that create's rules depend on, read inside the same transaction. */
export interface CreateFacts {
  id: string;
  initiatorIfId: string;
  acceptorIfId: string;
  now: number;
  /** The VPC stored under localVpcId, whoever owns it; decideCreate checks that it is the caller's. */
  localVpc: VpcRecord | undefined;
  /** The VPC stored under peerVpcId, whoever owns it; decideCreate checks peerAccountId and peerRegion. */
  peerVpc: VpcRecord | undefined;
  pairTaken: boolean;
  liveOnLocalVpc: number;
  liveOnPeerVpc: number;
  liveForInitiator: number;
  liveForAcceptor: number;
  quotaPerVpc: number;
  quotaPerAccount: number;
  consultTimeoutMs: number;
}

export function decideCreate(request: CreateRequest, caller: CallerScope, facts: CreateFacts): Outcome {
  const localVpc = ownedVpc(facts.localVpc, caller);
  const peerVpc = ownedVpc(facts.peerVpc, { accountId: request.peerAccountId, region: request.peerRegion });
  if (!localVpc) {
    throw new ServiceError(
      'NoSuchObject',
      `Local VPC ${request.localVpcId} does not exist in your account in region ${caller.region}.`,
    );
  }
  if (request.localVpcId === request.peerVpcId) {
    throw new ServiceError(
      'InvalidPeerVpc',
      'The peer VPC must differ from the local VPC: choose another peerVpcId.',
    );
  }
  if (!peerVpc) {
    throw new ServiceError(
      'InvalidPeerVpc',
      `Peer VPC ${request.peerVpcId} was not found in region ${request.peerRegion} of account ${request.peerAccountId}; check peerVpcId, peerRegion and peerAccountId.`,
    );
  }
  const crossAccount = request.peerAccountId !== caller.accountId;
  if (crossAccount && request.peerIfName !== undefined) {
    throw new ServiceError(
      'InappropriateJSON',
      'Field "peerIfName" is only allowed for same-account peering; the acceptor names its interface with update.',
    );
  }
  if (request.peerRegion === caller.region && request.billing.paymentTiming === 'Prepaid') {
    throw new ServiceError(
      'InvalidBilling',
      'Same-region peering connections are Postpaid only: set billing.paymentTiming to "Postpaid".',
    );
  }
  if (localVpc.relay && peerVpc.relay) {
    throw new ServiceError(
      'RelayVpcPeeringNotAllowed',
      'Both VPCs are relay VPCs, and two relay VPCs cannot be peered: shut down relay on one of them.',
    );
  }
  if (facts.pairTaken) {
    throw new ServiceError(
      'PeerConnAlreadyExists',
      `A peering connection between ${request.localVpcId} and ${request.peerVpcId} already exists (one per VPC pair, either direction); release it first.`,
    );
  }
  const quota = (what: string, used: number, limit: number, ours: boolean) => {
    if (used >= limit) {
      // The other account's usage is its own business: name the limit, not its count.
      const count = ours
        ? ` already has ${used} peering connections (limit ${limit})`
        : ` is at its limit of ${limit} peering connections`;
      throw new ServiceError('PeerConnQuotaExceeded', `Quota exceeded: ${what}${count}; release one first.`);
    }
  };
  quota(`VPC ${localVpc.vpcId}`, facts.liveOnLocalVpc, facts.quotaPerVpc, true);
  quota(`VPC ${peerVpc.vpcId}`, facts.liveOnPeerVpc, facts.quotaPerVpc, !crossAccount);
  quota(`account ${caller.accountId}`, facts.liveForInitiator, facts.quotaPerAccount, true);
  if (crossAccount) {
    quota(`the peer account`, facts.liveForAcceptor, facts.quotaPerAccount, false);
  }

  const base = { description: request.description, status: 'creating' as const, dnsStatus: 'close' as const };
  const expiresAt =
    request.billing.paymentTiming === 'Prepaid' && request.billing.months !== null
      ? addMonths(facts.now, request.billing.months)
      : null;
  const record: PeerConnRecord = {
    id: facts.id,
    initiator: {
      ...base,
      role: 'initiator',
      accountId: caller.accountId,
      region: caller.region,
      vpcId: localVpc.vpcId,
      ifId: facts.initiatorIfId,
      ifName: request.localIfName,
    },
    acceptor: {
      ...base,
      role: 'acceptor',
      accountId: request.peerAccountId,
      region: request.peerRegion,
      vpcId: peerVpc.vpcId,
      ifId: facts.acceptorIfId,
      ifName: request.peerIfName ?? '',
    },
    acceptorRemoved: false,
    crossAccount,
    bandwidthInMbps: request.bandwidthInMbps,
    paymentTiming: request.billing.paymentTiming,
    reservationLength: request.billing.months,
    createdAt: facts.now,
    expiresAt,
    deleteProtect: request.deleteProtect,
    tags: request.tags,
    resourceGroupId: request.resourceGroupId,
  };
  const schedule: TransitionRequest[] = [{ kind: 'create', side: 'both' }];
  if (crossAccount) {
    schedule.push({ kind: 'consultTimeout', side: 'both', at: facts.now + facts.consultTimeoutMs });
  }
  if (expiresAt !== null) schedule.push({ kind: 'expiry', side: 'both', at: expiresAt });
  return outcome(record, schedule);
}

// ---- acceptor decisions ----

function requireAcceptor(record: PeerConnRecord, caller: CallerScope, action: string): void {
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

export function accept(record: PeerConnRecord, caller: CallerScope): Outcome {
  requireAcceptor(record, caller, 'accept');
  return outcome(
    setStatus(record, 'starting'),
    [{ kind: 'accept', side: 'both' }],
    [{ kind: 'consultTimeout', side: 'both' }],
  );
}

/** Reject and consult timeout end the same way: the initiator keeps a consult_failed record to release. */
function failConsultation(record: PeerConnRecord): PeerConnRecord {
  return {
    ...record,
    initiator: { ...record.initiator, status: 'consult_failed' },
    acceptorRemoved: true,
  };
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

function requireUnprotected(record: PeerConnRecord, action: string): void {
  if (record.deleteProtect) {
    throw new ServiceError(
      'DeleteProtected',
      `Peering connection ${record.id} has release protection on; turn deleteProtect off before you ${action} it.`,
    );
  }
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

export function resize(record: PeerConnRecord, caller: CallerScope, input: Input): Outcome {
  const next = bandwidth(input, 'newBandwidthInMbps');
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

export function renew(record: PeerConnRecord, caller: CallerScope, input: Input, now: number): Outcome {
  const billingInput = input.billing;
  if (typeof billingInput !== 'object' || billingInput === null || Array.isArray(billingInput)) {
    throw new ServiceError('InappropriateJSON', 'Field "billing" is invalid: expected {reservation: {...}}.');
  }
  const months = reservationMonths((billingInput as Input).reservation, 'billing.reservation');
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

export function switchDeleteProtect(record: PeerConnRecord, caller: CallerScope, input: Input): Outcome {
  const value = input.deleteProtect;
  if (typeof value !== 'boolean') {
    throw new ServiceError('InappropriateJSON', 'Field "deleteProtect" is invalid: required, true or false.');
  }
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

export function update(record: PeerConnRecord, caller: CallerScope, input: Input): Outcome {
  const ifId = requiredString(input, 'localIfId', 64);
  const description = optionalString(input, 'description', DESCRIPTION_MAX_LENGTH);
  const ifName = optionalString(input, 'localIfName', NAME_MAX_LENGTH);
  const mine = requireVisible(record, caller);
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

function replaceSide(record: PeerConnRecord, side: SideRecord): PeerConnRecord {
  return side.role === 'initiator' ? { ...record, initiator: side } : { ...record, acceptor: side };
}

function dnsSide(record: PeerConnRecord, caller: CallerScope, input: Input, action: string): SideRecord {
  const role = parseRole(input.role);
  if (!role)
    throw new ServiceError('InvalidParameter', `Parameter "role" is required to ${action} DNS sync.`);
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
export function openDns(record: PeerConnRecord, caller: CallerScope, input: Input): Outcome {
  const side = dnsSide(record, caller, input, 'open');
  if (side.dnsStatus !== 'close') return outcome(record);
  return outcome(replaceSide(record, { ...side, dnsStatus: 'wait' }), [{ kind: 'dnsOpen', side: side.role }]);
}

export function closeDns(record: PeerConnRecord, caller: CallerScope, input: Input): Outcome {
  const side = dnsSide(record, caller, input, 'close');
  if (side.dnsStatus === 'close') return outcome(record);
  return outcome(
    replaceSide(record, { ...side, dnsStatus: 'closing' }),
    [{ kind: 'dnsClose', side: side.role }],
    [{ kind: 'dnsOpen', side: side.role }],
  );
}

// ---- timed transitions ----

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
