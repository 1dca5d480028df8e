// Wire rendering of records: the caller's side of a peering connection (spec §6.1) and VPCs.
import type { PeerConn, Vpc } from '@peerconn/sdk/models';
import { wireTime } from './time.ts';
import type { PeerConnRecord, SideRecord, VpcRecord } from './types.ts';

export function renderSide(record: PeerConnRecord, side: SideRecord): PeerConn {
  const other = side.role === 'initiator' ? record.acceptor : record.initiator;
  return {
    peerConnId: record.id,
    role: side.role,
    status: side.status,
    bandwidthInMbps: record.bandwidthInMbps,
    description: side.description,
    localIfId: side.ifId,
    localIfName: side.ifName,
    localVpcId: side.vpcId,
    localRegion: side.region,
    peerVpcId: other.vpcId,
    peerRegion: other.region,
    peerAccountId: other.accountId,
    paymentTiming: record.paymentTiming,
    dnsStatus: side.dnsStatus,
    createdTime: wireTime(record.createdAt),
    // Postpaid never expires; the docs describe the field as empty then, so it is "" rather than absent.
    expiredTime: record.expiresAt === null ? '' : wireTime(record.expiresAt),
    tags: record.tags,
    deleteProtect: record.deleteProtect,
  };
}

export function renderVpc(vpc: VpcRecord): Vpc {
  return {
    vpcId: vpc.vpcId,
    name: vpc.name,
    cidr: vpc.cidr,
    description: vpc.description,
    isDefault: false,
    secondaryCidr: [],
    tags: vpc.tags,
    createdTime: wireTime(vpc.createdAt),
    relay: vpc.relay,
  };
}
