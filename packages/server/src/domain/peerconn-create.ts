// Creating a peering connection: the request's value rules, and the decision over the facts the store holds
// (the two VPCs, the pair rule, the quotas).
import { ServiceError } from '../errors.ts';
import { outcome } from './peerconn-records.ts';
import type { CreatePeerConnFields } from './requests.ts';
import { addMonths } from './time.ts';
import type { CallerScope, Outcome, PeerConnRecord, TransitionRequest, VpcRecord } from './types.ts';
import {
  type BillingChoice,
  bandwidth,
  billing,
  DESCRIPTION_MAX_LENGTH,
  isAccountId,
  limited,
  NAME_MAX_LENGTH,
  required,
  tags,
} from './values.ts';
import { ownedVpc } from './vpc.ts';

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

/** The request after its value rules; an absent peerAccountId means the caller's own account. */
export function createRequest(fields: CreatePeerConnFields, caller: CallerScope): CreateRequest {
  const peerAccountId = limited('peerAccountId', fields.peerAccountId, 64) || caller.accountId;
  if (!isAccountId(peerAccountId)) {
    throw new ServiceError(
      'InappropriateJSON',
      'Field "peerAccountId" is invalid: expected a 32-character lowercase hex account id.',
    );
  }
  return {
    localVpcId: required('localVpcId', fields.localVpcId, 64),
    peerVpcId: required('peerVpcId', fields.peerVpcId, 64),
    peerRegion: required('peerRegion', fields.peerRegion, 64),
    peerAccountId,
    bandwidthInMbps: bandwidth('bandwidthInMbps', fields.bandwidthInMbps),
    billing: billing('billing', fields.billing ?? {}),
    description: limited('description', fields.description, DESCRIPTION_MAX_LENGTH) ?? '',
    localIfName: limited('localIfName', fields.localIfName, NAME_MAX_LENGTH) ?? '',
    peerIfName: limited('peerIfName', fields.peerIfName, NAME_MAX_LENGTH),
    tags: tags('tags', fields.tags),
    resourceGroupId: limited('resourceGroupId', fields.resourceGroupId, 64) ?? '',
    deleteProtect: fields.deleteProtect ?? false,
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
