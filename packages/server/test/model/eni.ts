// Network interfaces in the reference model: create with addresses and security groups, rename, replace the
// groups, attach and detach, secondary addresses, delete. Written from docs/server-rules.md ("Network
// interfaces") and docs/wire.md (their bodies and answers), never from the server's domain code.

import {
  checkLength,
  checkTags,
  LearnedId,
  parseIpv4,
  refuse,
  type Tag,
  ValueChecks,
  wireTime,
} from './checks.ts';
import type { Network, NetworkHost } from './network.ts';

export interface EniAddress {
  address: string;
  primary: boolean;
}

export interface Eni {
  id: string;
  accountId: string;
  region: string;
  vpcId: string;
  subnetId: string;
  zoneName: string;
  name: string;
  description: string;
  /** `""` when attached to nothing. */
  instanceId: string;
  /** Made up by the server at create; learnt from the first view that shows it. */
  macAddress: string | undefined;
  /** The primary first, then secondary ones in the order added. */
  addresses: EniAddress[];
  groupIds: string[];
  tags: Tag[];
  createdAt: number;
  seq: number;
  deleted: boolean;
}

export const ENI_MUTATING_OPS = [
  'createEni',
  'updateEni',
  'updateEniSecurityGroups',
  'attachEni',
  'detachEni',
  'deleteEni',
  'addEniPrivateIp',
  'deleteEniPrivateIp',
] as const;

export const ENI_READ_OPS = ['getEni', 'getEniStatus', 'listEnis'] as const;

// ---- values ----

/** 1–10 group ids, none empty (repeats count once); `allowNone`: the create's list may be left out. */
function checkGroupList(v: ValueChecks, ids: string[] | undefined, allowNone: boolean): void {
  if (ids === undefined || ids.length === 0) {
    if (!allowNone) v.fail('InappropriateJSON', 'securityGroupIds: 1 to 10 groups');
    return;
  }
  if (new Set(ids).size > 10) v.fail('InappropriateJSON', 'more than 10 groups');
  if (ids.some((id) => id === '')) v.fail('InappropriateJSON', 'an empty group id');
}

function checkInstanceId(v: ValueChecks, id: string | undefined): void {
  if (id === undefined || id === '') v.fail('InappropriateJSON', 'instanceId missing');
  else checkLength(v, id, 64, 'instanceId');
}

function addressText(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

export class Interfaces {
  readonly enis = new Map<string, Eni>();

  constructor(
    private readonly net: Network,
    private readonly host: NetworkHost,
  ) {}

  clone(net: Network, host: NetworkHost): Interfaces {
    const copy = new Interfaces(net, host);
    for (const [id, eni] of this.enis) copy.enis.set(id, structuredClone(eni));
    return copy;
  }

  live(): Eni[] {
    return [...this.enis.values()].filter((e) => !e.deleted);
  }

  inSubnet(subnetId: string): Eni[] {
    return this.live().filter((e) => e.subnetId === subnetId);
  }

  inVpc(vpcId: string): Eni[] {
    return this.live().filter((e) => e.vpcId === vpcId);
  }

  using(groupId: string): Eni[] {
    return this.live().filter((e) => e.groupIds.includes(groupId));
  }

  private visible(id: string, accountId: string, region: string): Eni {
    const eni = this.enis.get(id);
    if (!eni || eni.deleted || eni.accountId !== accountId || eni.region !== region) {
      refuse('NoSuchObject', 'unknown network interface');
    }
    return eni;
  }

  /** The groups named for an interface in `vpcId`: the caller's (NoSuchObject), then of that VPC. */
  private groupsFor(ids: string[], vpcId: string, accountId: string, region: string): string[] {
    const unique = [...new Set(ids)];
    const groups = unique.map((id) => this.net.visibleGroup(id, accountId, region));
    if (groups.some((g) => g.vpcId !== vpcId)) refuse('Vpc.SecurityGroupsNotSameVpc', 'another VPC');
    return unique;
  }

  /** Addresses held in the VPC (subnets of a VPC never overlap, so this is the subnet's as well). */
  private held(vpcId: string): Set<string> {
    return new Set(this.inVpc(vpcId).flatMap((e) => e.addresses.map((a) => a.address)));
  }

  /** The subnet's usable addresses: all but its network address, gateway (the first) and broadcast address. */
  private usable(subnetCidr: string): { first: bigint; last: bigint } {
    const [base, prefix] = subnetCidr.split('/') as [string, string];
    const network = parseIpv4(base) as bigint;
    const size = 1n << BigInt(32 - Number(prefix));
    return { first: network + 2n, last: network + size - 2n };
  }

  /**
   * Named addresses checked against the subnet one by one in the request's order — in the subnet and not one of
   * its reserved three (InvalidPrivateIp), held by no interface of the VPC (PrivateIpInUse), not named before in
   * the request (InvalidPrivateIp) — then `picks` more chosen lowest first among the free ones
   * (SubnetIpExhausted when too few are left).
   */
  private place(named: string[], picks: number, subnetCidr: string, vpcId: string): string[] {
    const { first, last } = this.usable(subnetCidr);
    const held = this.held(vpcId);
    const claimed = new Set<string>();
    for (const text of named) {
      const value = parseIpv4(text) as bigint;
      if (value < first || value > last)
        refuse('InvalidPrivateIp', `${text} is not a usable address of the subnet`);
      if (held.has(text)) refuse('PrivateIpInUse', text);
      if (claimed.has(text)) refuse('InvalidPrivateIp', `${text} named twice`);
      claimed.add(text);
    }
    const taken = new Set([...held, ...named]);
    const picked: string[] = [];
    for (let value = first; value <= last && picked.length < picks; value += 1n) {
      const text = addressText(value);
      if (!taken.has(text)) picked.push(text);
    }
    if (picked.length < picks) refuse('SubnetIpExhausted', 'too few free addresses');
    return picked;
  }

  private unattachedIn(vpcId: string): number {
    return this.inVpc(vpcId).filter((e) => e.instanceId === '').length;
  }

  private onInstance(instanceId: string, accountId: string, region: string): number {
    return this.live().filter(
      (e) => e.instanceId === instanceId && e.accountId === accountId && e.region === region,
    ).length;
  }

  // ---- requests ----

  read(op: string, path: Record<string, string>, accountId: string, region: string): unknown {
    const eni = this.visible(path.eniId as string, accountId, region);
    return op === 'getEniStatus'
      ? { status: eni.instanceId === '' ? 'available' : 'inuse' }
      : this.render(eni);
  }

  create(
    accountId: string,
    region: string,
    body: Record<string, unknown>,
    freshId: string | undefined,
  ): unknown {
    const v = new ValueChecks();
    const name = body.name as string;
    if (name === '') v.fail('InappropriateJSON', 'name empty');
    checkLength(v, name, 65, 'name');
    if (body.subnetId === '') v.fail('InappropriateJSON', 'subnetId empty');
    checkLength(v, body.description as string | undefined, 200, 'description');
    checkLength(v, body.networkInterfaceTrafficMode as string | undefined, 64, 'networkInterfaceTrafficMode');
    checkTags(v, body.tags as Tag[] | undefined);
    const entries = (body.privateIpSet as Array<Record<string, unknown>> | undefined) ?? [];
    if (entries.length === 0) v.fail('InappropriateJSON', 'privateIpSet empty');
    else if (entries.filter((e) => e.primary === true).length !== 1)
      v.fail('InappropriateJSON', 'one primary');
    const named = entries
      .map((e) => (e.privateIpAddress as string | undefined) ?? '')
      .filter((a) => a !== '');
    if (named.some((a) => parseIpv4(a) === undefined)) v.fail('InvalidPrivateIp', 'not IPv4');
    const groupIds = (body.securityGroupIds as string[] | undefined) ?? [];
    checkGroupList(v, groupIds, true);
    if (((body.enterpriseSecurityGroupIds as string[] | undefined) ?? []).length > 0) {
      v.fail('UnsupportedFeature', 'enterprise groups');
    }
    if (entries.some((e) => typeof e.publicIpAddress === 'string' && e.publicIpAddress !== '')) {
      v.fail('UnsupportedFeature', 'elastic IPs');
    }
    const instanceId = (body.instanceId as string | undefined) ?? '';
    checkLength(v, instanceId, 64, 'instanceId');
    v.done();
    const subnet = this.net.visibleSubnet(body.subnetId as string, accountId, region);
    const groups =
      groupIds.length > 0
        ? this.groupsFor(groupIds, subnet.vpcId, accountId, region)
        : [this.net.defaultGroupOf(subnet.vpcId)?.id as string];
    if (((body.ipv6PrivateIpSet as unknown[] | undefined) ?? []).length > 0)
      refuse('InvalidPrivateIp', 'IPv6');
    const quotas = this.host.quotas;
    if (instanceId === '' && this.unattachedIn(subnet.vpcId) >= quotas.enisPerVpc) {
      refuse('EniQuotaExceeded', 'interfaces of the VPC');
    }
    if (entries.length > quotas.ipsPerEni) refuse('EniQuotaExceeded', 'addresses of the interface');
    if (instanceId !== '' && this.onInstance(instanceId, accountId, region) >= quotas.enisPerInstance) {
      refuse('EniQuotaExceeded', 'interfaces of the instance');
    }
    const picked = this.place(named, entries.length - named.length, subnet.cidr, subnet.vpcId);
    const addresses = entries.map((entry) => {
      const given = (entry.privateIpAddress as string | undefined) ?? '';
      return { address: given !== '' ? given : (picked.shift() as string), primary: entry.primary === true };
    });
    // The primary first, the others as asked.
    addresses.sort((a, b) => Number(b.primary) - Number(a.primary));
    const id = freshId ?? `eni-model${this.host.nextSeq()}`;
    this.enis.set(id, {
      id,
      accountId,
      region,
      vpcId: subnet.vpcId,
      subnetId: subnet.id,
      zoneName: subnet.zoneName,
      name,
      description: (body.description as string | undefined) ?? '',
      instanceId,
      macAddress: undefined,
      addresses,
      groupIds: groups,
      tags: ((body.tags as Tag[] | undefined) ?? []).map((t) => ({ ...t })),
      createdAt: this.host.now,
      seq: this.host.nextSeq(),
      deleted: false,
    });
    return { eniId: id };
  }

  write(
    op: string,
    path: Record<string, string>,
    body: Record<string, unknown>,
    accountId: string,
    region: string,
  ): unknown {
    const eni = this.visible(path.eniId as string, accountId, region);
    const v = new ValueChecks();
    switch (op) {
      case 'updateEni': {
        const name = body.name as string | undefined;
        if (name === undefined && body.description === undefined)
          v.fail('InappropriateJSON', 'nothing to change');
        if (name === '') v.fail('InappropriateJSON', 'name empty');
        checkLength(v, name, 65, 'name');
        checkLength(v, body.description as string | undefined, 200, 'description');
        v.done();
        if (name !== undefined) eni.name = name;
        if (body.description !== undefined) eni.description = body.description as string;
        return undefined;
      }
      case 'updateEniSecurityGroups': {
        const ids = body.securityGroupIds as string[];
        checkGroupList(v, ids, false);
        v.done();
        eni.groupIds = this.groupsFor(ids, eni.vpcId, accountId, region);
        return undefined;
      }
      case 'attachEni': {
        const instanceId = body.instanceId as string;
        checkInstanceId(v, instanceId);
        v.done();
        if (eni.instanceId !== '') refuse('InvalidEniStatus', 'attached already');
        if (this.onInstance(instanceId, accountId, region) >= this.host.quotas.enisPerInstance) {
          refuse('EniQuotaExceeded', 'interfaces of the instance');
        }
        eni.instanceId = instanceId;
        return undefined;
      }
      case 'detachEni': {
        const instanceId = body.instanceId as string;
        checkInstanceId(v, instanceId);
        v.done();
        if (eni.instanceId === '' || eni.instanceId !== instanceId)
          refuse('InvalidEniStatus', 'not attached there');
        eni.instanceId = '';
        return undefined;
      }
      case 'deleteEni':
        if (eni.instanceId !== '') refuse('EniInUse', 'attached');
        eni.deleted = true;
        return undefined;
      case 'addEniPrivateIp': {
        const named = (body.privateIpAddress as string | undefined) ?? '';
        if (body.isIpv6 === true) v.fail('InvalidPrivateIp', 'IPv6');
        if (named !== '' && parseIpv4(named) === undefined) v.fail('InvalidPrivateIp', 'not IPv4');
        v.done();
        if (eni.addresses.length >= this.host.quotas.ipsPerEni) refuse('EniQuotaExceeded', 'addresses');
        const cidr = this.net.subnets.get(eni.subnetId)?.cidr as string;
        const address = named !== '' ? named : (this.place([], 1, cidr, eni.vpcId)[0] as string);
        if (named !== '') this.place([named], 0, cidr, eni.vpcId);
        eni.addresses.push({ address, primary: false });
        return { privateIpAddress: address };
      }
      case 'deleteEniPrivateIp': {
        const address = path.privateIpAddress as string;
        const held = eni.addresses.find((a) => a.address === address);
        if (!held || held.primary) refuse('InvalidPrivateIp', 'not a secondary address of the interface');
        eni.addresses = eni.addresses.filter((a) => a !== held);
        return undefined;
      }
      default:
        throw new Error(`unknown operation ${op}`);
    }
  }

  list(accountId: string, region: string, vpcId: string): Array<Record<string, unknown>> {
    return this.live()
      .filter((e) => e.accountId === accountId && e.region === region && e.vpcId === vpcId)
      .sort((a, b) => a.seq - b.seq)
      .map((e) => this.render(e));
  }

  render(eni: Eni): Record<string, unknown> {
    return {
      eniId: eni.id,
      name: eni.name,
      zoneName: eni.zoneName,
      description: eni.description,
      instanceId: eni.instanceId,
      macAddress: new LearnedId(
        'macAddress',
        () => eni.macAddress,
        (mac) => {
          eni.macAddress = mac;
        },
      ),
      vpcId: eni.vpcId,
      subnetId: eni.subnetId,
      status: eni.instanceId === '' ? 'available' : 'inuse',
      privateIpSet: eni.addresses.map((a) => ({
        publicIpAddress: '',
        primary: a.primary,
        privateIpAddress: a.address,
      })),
      ipv6PrivateIpSet: [],
      securityGroupIds: [...eni.groupIds],
      enterpriseSecurityGroupIds: [],
      createdTime: wireTime(eni.createdAt),
      tags: eni.tags.map((t) => ({ ...t })),
    };
  }
}
