// Every network interface rule, as a table of scenarios driven through @peerconn/sdk over HTTP against a started
// server (two regional listeners, two accounts, small quotas so they can be reached), each refusal checked for its
// status, code, request id and the message naming the rule. Then the behaviour around them: addresses picked and
// named, the default security group, lists, attach and detach, secondary addresses, idempotency, what an
// interface keeps from being deleted, snapshots and resets; and the wire variants of the official SDKs as raw
// signed requests (Python's null-filled address entries and `flag=`, Go's null lists and bare flags, Java's extra
// body keys, Python's percent-encoded address in a path).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type BceServiceError,
  EniClient,
  paginate,
  SecurityGroupClient,
  SubnetClient,
  VpcClient,
} from '@peerconn/sdk';
import {
  refusalTests,
  type Scenario,
  type SignStyle,
  sdkSuite,
  setup,
  signed,
  TWO_REGIONS,
  vpcWithSubnets,
  type Who,
} from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

const QUOTAS = { quotaEnisPerVpc: 3, quotaIpsPerEni: 6, quotaEnisPerInstance: 2 };

const suite = sdkSuite({ ...TWO_REGIONS, ...QUOTAS });
const vpcs = (w: Who = 'a') => new VpcClient(suite.config(w));
const subnets = (w: Who = 'a') => new SubnetClient(suite.config(w));
const groups = (w: Who = 'a') => new SecurityGroupClient(suite.config(w));
const enis = (w: Who = 'a', region = 'bj') => new EniClient(suite.config(w, region));

interface Net {
  vpcId: string;
  subnetId: string;
  /** The VPC's default security group. */
  defaultGroup: string;
}

/** A VPC with one subnet, and its default security group. */
async function net(w: Who = 'a', cidr = '10.8.0.0/16', block = '10.8.1.0/24'): Promise<Net> {
  const { vpcId, subnetIds } = await vpcWithSubnets(suite, w, cidr, [block]);
  const listed = await setup(groups(w).listSecurityGroups({ vpcId }));
  const fallback = listed.securityGroups[0];
  assert.ok(fallback, 'setup: every VPC has its default group');
  return { vpcId, subnetId: subnetIds[0] as string, defaultGroup: fallback.id };
}

let names = 0;
async function group(at: Net, w: Who = 'a'): Promise<string> {
  names += 1;
  const { securityGroupId } = await setup(
    groups(w).createSecurityGroup({ name: `sg${names}`, vpcId: at.vpcId, rules: [] }),
  );
  return securityGroupId;
}

/** An interface in `at`'s subnet with its primary address picked (or given), and more given ones. */
async function eni(at: Net, more: { primary?: string; w?: Who; instanceId?: string } = {}) {
  names += 1;
  const { eniId } = await setup(
    enis(more.w).createEni({
      name: `eni${names}`,
      subnetId: at.subnetId,
      privateIpSet: [{ primary: true, privateIpAddress: more.primary ?? '' }],
      ...(more.instanceId !== undefined ? { instanceId: more.instanceId } : {}),
    }),
  );
  return eniId;
}

const primary = (address = '') => [{ primary: true, privateIpAddress: address }];

const scenarios: Scenario[] = [
  // ---- create: values ----
  [
    'an empty name',
    400,
    'InappropriateJSON',
    /"name" is invalid: required/,
    async () => enis().createEni({ name: '', subnetId: (await net()).subnetId, privateIpSet: primary() }),
  ],
  [
    'no addresses at all',
    400,
    'InappropriateJSON',
    /"privateIpSet" is required: give one primary IPv4 address/,
    async () => enis().createEni({ name: 'e', subnetId: (await net()).subnetId, privateIpSet: [] }),
  ],
  [
    'two primary addresses',
    400,
    'InappropriateJSON',
    /"privateIpSet" has 2 primary addresses; exactly one/,
    async () =>
      enis().createEni({
        name: 'e',
        subnetId: (await net()).subnetId,
        privateIpSet: [...primary(), ...primary()],
      }),
  ],
  [
    'no primary address',
    400,
    'InappropriateJSON',
    /"privateIpSet" has 0 primary addresses/,
    async () =>
      enis().createEni({
        name: 'e',
        subnetId: (await net()).subnetId,
        privateIpSet: [{ primary: false, privateIpAddress: '' }],
      }),
  ],
  [
    'an address that is not IPv4',
    400,
    'InvalidPrivateIp',
    /privateIpSet\[0\]\.privateIpAddress \("10\.8\.1"\) is not an IPv4 address/,
    async () =>
      enis().createEni({ name: 'e', subnetId: (await net()).subnetId, privateIpSet: primary('10.8.1') }),
  ],
  [
    'enterprise security groups',
    400,
    'UnsupportedFeature',
    /does not model enterprise security groups/,
    async () =>
      enis().createEni({
        name: 'e',
        subnetId: (await net()).subnetId,
        privateIpSet: primary(),
        enterpriseSecurityGroupIds: ['esg-1'],
      }),
  ],
  [
    'an elastic IP at create',
    400,
    'UnsupportedFeature',
    /publicIpAddress \(100\.1\.1\.1\): the local server has no elastic IPs/,
    async () =>
      enis().createEni({
        name: 'e',
        subnetId: (await net()).subnetId,
        privateIpSet: [{ primary: true, privateIpAddress: '', publicIpAddress: '100.1.1.1' }],
      }),
  ],
  [
    'eleven security groups',
    400,
    'InappropriateJSON',
    /names 11 security groups; an interface may have at most 10/,
    async () =>
      enis().createEni({
        name: 'e',
        subnetId: (await net()).subnetId,
        privateIpSet: primary(),
        securityGroupIds: Array.from({ length: 11 }, (_, i) => `g-${i}`),
      }),
  ],
  // ---- create: what it names ----
  [
    "another account's subnet",
    404,
    'NoSuchObject',
    /Subnet sbn-\S+ does not exist in region bj for your account/,
    async () => enis().createEni({ name: 'e', subnetId: (await net('b')).subnetId, privateIpSet: primary() }),
  ],
  [
    "another account's security group",
    404,
    'NoSuchObject',
    /Security group g-\S+ does not exist in region bj for your account/,
    async () =>
      enis().createEni({
        name: 'e',
        subnetId: (await net()).subnetId,
        privateIpSet: primary(),
        securityGroupIds: [(await net('b')).defaultGroup],
      }),
  ],
  [
    'a security group of another VPC',
    400,
    'Vpc.SecurityGroupsNotSameVpc',
    /Security group g-\S+ is in VPC vpc-\S+, not in vpc-\S+ where the network interface is/,
    async () =>
      enis().createEni({
        name: 'e',
        subnetId: (await net()).subnetId,
        privateIpSet: primary(),
        securityGroupIds: [(await net()).defaultGroup],
      }),
  ],
  [
    'IPv6 addresses on a subnet without IPv6',
    400,
    'InvalidPrivateIp',
    /has no IPv6 range/,
    async () =>
      enis().createEni({
        name: 'e',
        subnetId: (await net()).subnetId,
        privateIpSet: primary(),
        ipv6PrivateIpSet: [{ primary: false, privateIpAddress: '' }],
      }),
  ],
  // ---- create: addresses ----
  [
    'an address outside the subnet',
    400,
    'InvalidPrivateIp',
    /Address 10\.8\.2\.9 is not in subnet sbn-\S+ \(10\.8\.1\.0\/24\)/,
    async () =>
      enis().createEni({ name: 'e', subnetId: (await net()).subnetId, privateIpSet: primary('10.8.2.9') }),
  ],
  [
    "the subnet's gateway address",
    400,
    'InvalidPrivateIp',
    /Address 10\.8\.1\.1 is the gateway of subnet/,
    async () =>
      enis().createEni({ name: 'e', subnetId: (await net()).subnetId, privateIpSet: primary('10.8.1.1') }),
  ],
  [
    "the subnet's broadcast address",
    400,
    'InvalidPrivateIp',
    /Address 10\.8\.1\.255 is the broadcast address/,
    async () =>
      enis().createEni({ name: 'e', subnetId: (await net()).subnetId, privateIpSet: primary('10.8.1.255') }),
  ],
  [
    'an address another interface holds',
    409,
    'PrivateIpInUse',
    /Address 10\.8\.1\.20 of subnet sbn-\S+ is already held by network interface eni-/,
    async () => {
      const at = await net();
      await eni(at, { primary: '10.8.1.20' });
      return enis().createEni({ name: 'e', subnetId: at.subnetId, privateIpSet: primary('10.8.1.20') });
    },
  ],
  [
    'one address given twice',
    400,
    'InvalidPrivateIp',
    /Address 10\.8\.1\.30 is given twice/,
    async () =>
      enis().createEni({
        name: 'e',
        subnetId: (await net()).subnetId,
        privateIpSet: [...primary('10.8.1.30'), { primary: false, privateIpAddress: '10.8.1.30' }],
      }),
  ],
  [
    'more addresses than the subnet has free',
    400,
    'SubnetIpExhausted',
    /has 5 free address\(es\) left, fewer than the 6 asked for/,
    async () => {
      const at = await net('a', '10.8.0.0/16', '10.8.1.0/29');
      return enis().createEni({
        name: 'e',
        subnetId: at.subnetId,
        privateIpSet: [...primary(), ...Array.from({ length: 5 }, () => ({ primary: false }))],
      });
    },
  ],
  [
    'more addresses than an interface may have',
    400,
    'EniQuotaExceeded',
    /"privateIpSet" has 7 addresses; an interface may have at most 6/,
    async () =>
      enis().createEni({
        name: 'e',
        subnetId: (await net()).subnetId,
        privateIpSet: [...primary(), ...Array.from({ length: 6 }, () => ({ primary: false }))],
      }),
  ],
  [
    "a VPC's interface past its unattached quota",
    400,
    'EniQuotaExceeded',
    /already has 3 network interfaces attached to nothing, the most it may have \(3\)/,
    async () => {
      const at = await net();
      for (let i = 0; i < 3; i++) await eni(at);
      return enis().createEni({ name: 'e', subnetId: at.subnetId, privateIpSet: primary() });
    },
  ],
  // ---- the interface itself ----
  [
    "another account's interface",
    404,
    'NoSuchObject',
    /Network interface eni-\S+ does not exist in region bj for your account/,
    async () => enis('b').getEni({ eniId: await eni(await net()) }),
  ],
  [
    "an interface at another region's endpoint",
    404,
    'NoSuchObject',
    /does not exist in region gz for your account/,
    async () => enis('a', 'gz').getEniStatus({ eniId: await eni(await net()) }),
  ],
  [
    "a delete of another account's interface",
    404,
    'NoSuchObject',
    /Network interface eni-\S+ does not exist/,
    async () => enis('b').deleteEni({ eniId: await eni(await net()) }),
  ],
  [
    "the interfaces of another account's VPC",
    404,
    'NoSuchObject',
    /VPC vpc-\S+ does not exist in region bj for your account/,
    async () => enis('b').listEnis({ vpcId: (await net()).vpcId }),
  ],
  [
    'a quota question naming nothing',
    400,
    'InvalidParameter',
    /"eniId" .* or "instanceId" .* is required for getEniQuota/,
    async () => enis().getEniQuota({}),
  ],
  [
    'an update that names no field',
    400,
    'InappropriateJSON',
    /Give "name" or "description"/,
    async () => enis().updateEni({ eniId: await eni(await net()) }),
  ],
  [
    'an update to an empty name',
    400,
    'InappropriateJSON',
    /"name" must not be empty/,
    async () => enis().updateEni({ eniId: await eni(await net()), name: '' }),
  ],
  [
    'bindSg with no group',
    400,
    'InappropriateJSON',
    /"securityGroupIds" must name 1 to 10 security groups/,
    async () => enis().updateEniSecurityGroups({ eniId: await eni(await net()), securityGroupIds: [] }),
  ],
  [
    'bindSg with a group of another VPC',
    400,
    'Vpc.SecurityGroupsNotSameVpc',
    /is in VPC vpc-\S+, not in vpc-/,
    async () =>
      enis().updateEniSecurityGroups({
        eniId: await eni(await net()),
        securityGroupIds: [await group(await net())],
      }),
  ],
  // ---- attach, detach, delete ----
  [
    'attach of an attached interface',
    409,
    'InvalidEniStatus',
    /is inuse \(attached to i-att\); only an available interface can be attached/,
    async () =>
      enis().attachEni({ eniId: await eni(await net(), { instanceId: 'i-att' }), instanceId: 'i-two' }),
  ],
  [
    'attach with an empty instance id',
    400,
    'InappropriateJSON',
    /"instanceId" is invalid: required/,
    async () => enis().attachEni({ eniId: await eni(await net()), instanceId: '' }),
  ],
  [
    "an instance's interface past its quota",
    400,
    'EniQuotaExceeded',
    /Instance i-full already has 2 network interfaces, the most one instance may have \(2\)/,
    async () => {
      const at = await net();
      await eni(at, { instanceId: 'i-full' });
      await eni(at, { instanceId: 'i-full' });
      return enis().attachEni({ eniId: await eni(at), instanceId: 'i-full' });
    },
  ],
  [
    'detach of an interface attached to nothing',
    409,
    'InvalidEniStatus',
    /is available, attached to nothing/,
    async () => enis().detachEni({ eniId: await eni(await net()), instanceId: 'i-none' }),
  ],
  [
    'detach from another instance',
    409,
    'InvalidEniStatus',
    /is attached to i-det, not to i-two; detach it from i-det/,
    async () =>
      enis().detachEni({ eniId: await eni(await net(), { instanceId: 'i-det' }), instanceId: 'i-two' }),
  ],
  [
    'delete of an attached interface',
    409,
    'EniInUse',
    /is attached to i-del; detach it before deleting it/,
    async () => enis().deleteEni({ eniId: await eni(await net(), { instanceId: 'i-del' }) }),
  ],
  // ---- secondary addresses ----
  [
    'removing the primary address',
    400,
    'InvalidPrivateIp',
    /Address 10\.8\.1\.40 is the primary address of network interface eni-\S+; a primary address cannot be removed/,
    async () =>
      enis().deleteEniPrivateIp({
        eniId: await eni(await net(), { primary: '10.8.1.40' }),
        privateIpAddress: '10.8.1.40',
      }),
  ],
  [
    'removing an address the interface does not hold',
    400,
    'InvalidPrivateIp',
    /holds no address 10\.8\.1\.99 \(it holds 10\.8\.1\.2\)/,
    async () => enis().deleteEniPrivateIp({ eniId: await eni(await net()), privateIpAddress: '10.8.1.99' }),
  ],
  [
    'adding an IPv6 address',
    400,
    'InvalidPrivateIp',
    /has no IPv6 range/,
    async () => enis().addEniPrivateIp({ eniId: await eni(await net()), privateIpAddress: '', isIpv6: true }),
  ],
  [
    'adding an address another interface holds',
    409,
    'PrivateIpInUse',
    /already held by network interface/,
    async () => {
      const at = await net();
      await eni(at, { primary: '10.8.1.50' });
      return enis().addEniPrivateIp({ eniId: await eni(at), privateIpAddress: '10.8.1.50' });
    },
  ],
  [
    'a batch of eleven addresses',
    400,
    'InappropriateJSON',
    /"privateIpAddresses" has 11 addresses; one call adds at most 10/,
    async () =>
      enis().batchAddEniPrivateIps({
        eniId: await eni(await net()),
        privateIpAddresses: Array.from({ length: 11 }, () => ''),
      }),
  ],
  [
    'a batch count of zero',
    400,
    'InappropriateJSON',
    /"privateIpAddressCount" must be 1 to 10, not 0/,
    async () => enis().batchAddEniPrivateIps({ eniId: await eni(await net()), privateIpAddressCount: 0 }),
  ],
  [
    'a batch add naming neither addresses nor a count',
    400,
    'InappropriateJSON',
    /Give "privateIpAddresses" .* or "privateIpAddressCount"/,
    async () => enis().batchAddEniPrivateIps({ eniId: await eni(await net()) }),
  ],
  [
    'a batch add past the addresses an interface may have',
    400,
    'EniQuotaExceeded',
    /has 1 addresses; 6 more would pass the most an interface may have \(6\)/,
    async () => enis().batchAddEniPrivateIps({ eniId: await eni(await net()), privateIpAddressCount: 6 }),
  ],
  [
    'a batch delete of eleven addresses',
    400,
    'InappropriateJSON',
    /must list 1 to 10 addresses to remove, not 11/,
    async () =>
      enis().batchDeleteEniPrivateIps({
        eniId: await eni(await net()),
        privateIpAddresses: Array.from({ length: 11 }, (_, i) => `10.8.1.${100 + i}`),
      }),
  ],
  // ---- what an interface keeps from going ----
  [
    'deleting a subnet with an interface',
    409,
    'SubnetInUse',
    /Subnet sbn-\S+ \(10\.8\.1\.0\/24\) still has 1 network interface\(s\) \(eni-\S+\); delete them first/,
    async () => {
      const at = await net();
      await eni(at);
      return subnets().deleteSubnet({ subnetId: at.subnetId });
    },
  ],
  [
    'deleting a VPC with an interface',
    409,
    'VpcInUse',
    /still has 1 subnet\(s\), 1 network interface\(s\) \(eni-[a-z0-9]{12}\)/,
    async () => {
      const at = await net();
      await eni(at);
      return vpcs().deleteVpc({ vpcId: at.vpcId });
    },
  ],
  [
    'deleting a VPC with an interface and a group of its own: one answer names both',
    409,
    'VpcInUse',
    /still has 1 subnet\(s\), 1 network interface\(s\) \(eni-[a-z0-9]{12}\), security group\(s\) g-[a-z0-9]{12}; release or delete them before deleting the VPC \(its default group goes with it\)\./,
    async () => {
      const at = await net();
      await eni(at);
      await group(at);
      return vpcs().deleteVpc({ vpcId: at.vpcId });
    },
  ],
];

refusalTests('every network interface rule through the SDK over HTTP', scenarios);

describe('network interfaces', () => {
  test('create picks the lowest free addresses past the reserved ones, and gives the default group', async () => {
    const at = await net('a', '10.9.0.0/16', '10.9.4.0/24');
    const first = await enis().createEni({
      name: 'db',
      subnetId: at.subnetId,
      description: 'the database',
      privateIpSet: [{ primary: true, privateIpAddress: '' }, { primary: false }],
      tags: [{ tagKey: 'team', tagValue: 'db' }],
    });
    const got = await enis().getEni({ eniId: first.eniId });
    assert.match(got.eniId, /^eni-[a-z0-9]{12}$/);
    assert.match(got.macAddress, /^fa:16:3e(:[0-9a-f]{2}){3}$/);
    assert.match(got.createdTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const { $metadata: _metadata, eniId: _id, macAddress: _mac, createdTime: _time, ...rest } = got;
    assert.deepEqual(rest, {
      name: 'db',
      zoneName: 'cn-bj-a',
      description: 'the database',
      instanceId: '',
      vpcId: at.vpcId,
      subnetId: at.subnetId,
      status: 'available',
      privateIpSet: [
        { publicIpAddress: '', primary: true, privateIpAddress: '10.9.4.2' },
        { publicIpAddress: '', primary: false, privateIpAddress: '10.9.4.3' },
      ],
      ipv6PrivateIpSet: [],
      securityGroupIds: [at.defaultGroup],
      enterpriseSecurityGroupIds: [],
      tags: [{ tagKey: 'team', tagValue: 'db' }],
    });
    // A named address is set aside before the picks, so the next pick passes over it and over .2 and .3.
    const second = await enis().createEni({
      name: 'app',
      subnetId: at.subnetId,
      privateIpSet: [{ primary: false }, { primary: true, privateIpAddress: '10.9.4.4' }],
    });
    const addresses = (await enis().getEni({ eniId: second.eniId })).privateIpSet;
    assert.deepEqual(
      addresses.map((ip) => [ip.privateIpAddress, ip.primary]),
      [
        ['10.9.4.5', false],
        ['10.9.4.4', true],
      ],
    );
    assert.deepEqual(
      await enis()
        .getEniStatus({ eniId: second.eniId })
        .then((s) => s.status),
      'available',
    );
  });

  test('lists: by VPC, filtered by instance, name and any of several addresses, in pages', async () => {
    const at = await net('a', '10.10.0.0/16', '10.10.1.0/24');
    const made = [
      await eni(at, { primary: '10.10.1.10' }),
      await eni(at, { primary: '10.10.1.11', instanceId: 'i-web' }),
      await eni(at, { primary: '10.10.1.12' }),
    ];
    const all = await paginate(enis(), 'listEnis', { vpcId: at.vpcId, maxKeys: 1 }).toArray();
    assert.deepEqual(
      all.map((e) => e.eniId),
      made,
    );
    const first = await enis().listEnis({ vpcId: at.vpcId, maxKeys: 2 });
    assert.deepEqual([first.marker, first.isTruncated, first.nextMarker], [made[0], true, made[2]]);
    const byInstance = await enis().listEnis({ vpcId: at.vpcId, instanceId: 'i-web' });
    assert.deepEqual(
      byInstance.enis.map((e) => e.eniId),
      [made[1]],
    );
    const named = (await enis().getEni({ eniId: made[2] as string })).name;
    const byName = await enis().listEnis({ vpcId: at.vpcId, name: named });
    assert.deepEqual(
      byName.enis.map((e) => e.eniId),
      [made[2]],
    );
    const byAddress = await enis().listEnis({
      vpcId: at.vpcId,
      privateIpAddress: ['10.10.1.12', '10.10.1.10'],
    });
    assert.deepEqual(
      byAddress.enis.map((e) => e.eniId),
      [made[0], made[2]],
    );
    const none = await enis().listEnis({ vpcId: at.vpcId, privateIpAddress: ['10.10.1.99'] });
    assert.deepEqual([none.enis, none.isTruncated, none.marker], [[], false, undefined]);
  });

  test('rename, and bindSg replaces every group', async () => {
    const at = await net('a', '10.11.0.0/16', '10.11.1.0/24');
    const eniId = await eni(at);
    await enis().updateEni({ eniId, name: 'renamed' });
    await enis().updateEni({ eniId, description: 'described' });
    const [one, two] = [await group(at), await group(at)];
    await enis().updateEniSecurityGroups({ eniId, securityGroupIds: [one, two, one] });
    let got = await enis().getEni({ eniId });
    assert.deepEqual([got.name, got.description, got.securityGroupIds], ['renamed', 'described', [one, two]]);
    await enis().updateEniSecurityGroups({ eniId, securityGroupIds: [two] });
    got = await enis().getEni({ eniId });
    assert.deepEqual(got.securityGroupIds, [two]);
  });

  test('a group an interface uses is not deleted until the interface gives it up', async () => {
    const at = await net('a', '10.24.0.0/16', '10.24.1.0/24');
    const eniId = await eni(at);
    const held = await group(at);
    await enis().updateEniSecurityGroups({ eniId, securityGroupIds: [held] });
    const refused = await groups()
      .deleteSecurityGroup({ securityGroupId: held })
      .then(
        () => assert.fail('a group in use must not be deleted'),
        (e: BceServiceError) => e,
      );
    assert.deepEqual(
      [refused.statusCode, refused.code],
      [409, 'SecurityGroup.InstancesAssociatedSecurityGroupCanNotBeDeleted'],
    );
    assert.match(
      refused.message,
      new RegExp(`is used by network interface\\(s\\) ${eniId}; give them other groups`),
    );
    assert.equal(
      (await groups().getSecurityGroup({ securityGroupId: held })).id,
      held,
      'nothing was deleted',
    );
    await enis().updateEniSecurityGroups({ eniId, securityGroupIds: [at.defaultGroup] });
    await groups().deleteSecurityGroup({ securityGroupId: held });
    const left = await groups().listSecurityGroups({ vpcId: at.vpcId });
    assert.deepEqual(
      left.securityGroups.map((g) => g.id),
      [at.defaultGroup],
    );
  });

  test('attach and detach: inuse and available at once, as Terraform waits for them', async () => {
    const at = await net('a', '10.12.0.0/16', '10.12.1.0/24');
    const eniId = await eni(at);
    await enis().attachEni({ eniId, instanceId: 'i-db01', instanceType: 'BCC' });
    assert.equal((await enis().getEniStatus({ eniId })).status, 'inuse');
    const attached = await enis().getEni({ eniId });
    assert.deepEqual([attached.status, attached.instanceId], ['inuse', 'i-db01']);
    assert.deepEqual(
      await enis()
        .getEniQuota({ instanceId: 'i-db01' })
        .then(({ totalQuantity, availableQuantity }) => [totalQuantity, availableQuantity]),
      [2, 1],
    );
    // The groups "of an instance" are those of the interfaces attached to it, or of the interface named.
    const groupsOf = async (instanceId: string, w: Who = 'a') =>
      (await groups(w).listSecurityGroups({ instanceId })).securityGroups.map((g) => g.id);
    assert.deepEqual(await groupsOf('i-db01'), attached.securityGroupIds);
    assert.deepEqual(await groupsOf(eniId), attached.securityGroupIds);
    assert.deepEqual(await groupsOf('i-db01', 'b'), [], "another account sees none of the instance's");
    await enis().detachEni({ eniId, instanceId: 'i-db01' });
    assert.deepEqual(await groupsOf('i-db01'), [], 'detached: the instance has no interface left');
    const detached = await enis().getEni({ eniId });
    assert.deepEqual([detached.status, detached.instanceId], ['available', '']);
    await enis().deleteEni({ eniId });
    await assert.rejects(
      enis().getEni({ eniId }),
      (e: unknown) => (e as BceServiceError).code === 'NoSuchObject',
    );
  });

  test('secondary addresses: one, a count, a list with picks, then removals; the quota answer follows', async () => {
    const at = await net('a', '10.13.0.0/16', '10.13.1.0/24');
    const eniId = await eni(at);
    const quota = async () => {
      const { totalQuantity, availableQuantity } = await enis().getEniQuota({ eniId });
      return [totalQuantity, availableQuantity];
    };
    assert.deepEqual(await quota(), [6, 5]);
    assert.equal((await enis().addEniPrivateIp({ eniId })).privateIpAddress, '10.13.1.3');
    assert.equal(
      (await enis().addEniPrivateIp({ eniId, privateIpAddress: '10.13.1.9' })).privateIpAddress,
      '10.13.1.9',
    );
    assert.deepEqual(
      (await enis().batchAddEniPrivateIps({ eniId, privateIpAddressCount: 2 })).privateIpAddresses,
      ['10.13.1.4', '10.13.1.5'],
    );
    assert.deepEqual(await quota(), [6, 1]);
    await enis().batchDeleteEniPrivateIps({ eniId, privateIpAddresses: ['10.13.1.4', '10.13.1.9'] });
    await enis().deleteEniPrivateIp({ eniId, privateIpAddress: '10.13.1.3' });
    assert.deepEqual(
      (await enis().batchAddEniPrivateIps({ eniId, privateIpAddresses: ['10.13.1.20', ''] }))
        .privateIpAddresses,
      ['10.13.1.20', '10.13.1.3'],
    );
    const got = await enis().getEni({ eniId });
    assert.deepEqual(
      got.privateIpSet.map((ip) => ip.privateIpAddress),
      ['10.13.1.2', '10.13.1.5', '10.13.1.20', '10.13.1.3'],
    );
  });

  test('a clientToken makes a create happen once', async () => {
    const at = await net('a', '10.14.0.0/16', '10.14.1.0/24');
    const input = { name: 'once', subnetId: at.subnetId, privateIpSet: primary(), clientToken: 'eni-once-1' };
    const first = await enis().createEni(input);
    const again = await enis().createEni(input);
    assert.equal(again.eniId, first.eniId);
    assert.equal((await enis().listEnis({ vpcId: at.vpcId })).enis.length, 1);
  });

  test('once its interface is gone, the subnet and then the VPC can go', async () => {
    const at = await net('a', '10.15.0.0/16', '10.15.1.0/24');
    const eniId = await eni(at);
    await enis().deleteEni({ eniId });
    await subnets().deleteSubnet({ subnetId: at.subnetId });
    await vpcs().deleteVpc({ vpcId: at.vpcId });
  });
});

describe('what the official SDKs send, as raw signed requests', () => {
  async function send(method: string, target: string, body?: unknown, style: SignStyle = 'python') {
    const res = await signed({
      port: suite.server.port,
      method,
      target,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      credential: suite.server.a,
      style,
    });
    return { status: res.status, json: (res.json ?? {}) as Record<string, unknown> };
  }

  test('Python: address entries with every key (null when unset) and flags as `key=`', async () => {
    const at = await net('a', '10.16.0.0/16', '10.16.1.0/24');
    const created = await send('POST', '/v1/eni?clientToken=py-1', {
      name: 'py',
      subnetId: at.subnetId,
      privateIpSet: [
        { publicIpAddress: '', primary: true, privateIpAddress: '10.16.1.42' },
        { publicIpAddress: null, primary: null, privateIpAddress: null },
      ],
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const eniId = created.json.eniId as string;
    const renamed = await send('PUT', `/v1/eni/${eniId}?clientToken=py-2&modifyAttribute=`, { name: 'py2' });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.json));
    const got = await send('GET', `/v1/eni/${eniId}`);
    assert.equal(got.json.name, 'py2');
    assert.deepEqual(
      (got.json.privateIpSet as Array<{ privateIpAddress: string; primary: boolean }>).map((ip) => [
        ip.privateIpAddress,
        ip.primary,
      ]),
      [
        ['10.16.1.42', true],
        ['10.16.1.2', false],
      ],
    );
  });

  test('Python: the address in a delete path is percent-encoded; it is read decoded', async () => {
    const at = await net('a', '10.17.0.0/16', '10.17.1.0/24');
    const eniId = await eni(at);
    await enis().addEniPrivateIp({ eniId, privateIpAddress: '10.17.1.9' });
    const removed = await send('DELETE', `/v1/eni/${eniId}/privateIp/10%2E17%2E1%2E9?clientToken=py-3`);
    assert.equal(removed.status, 200, JSON.stringify(removed.json));
    assert.deepEqual(
      (await enis().getEni({ eniId })).privateIpSet.map((ip) => ip.privateIpAddress),
      ['10.17.1.2'],
    );
    // An IPv6 address as Python encodes it (`:` as %3A): decoded, then refused for what it is.
    const v6 = await send('DELETE', `/v1/eni/${eniId}/privateIp/fe80%3A%3A1`);
    assert.equal(v6.status, 400);
    assert.equal(v6.json.code, 'InvalidPrivateIp');
    assert.match(String(v6.json.message), /holds no address fe80::1/);
  });

  test('Go: null lists on create and bare flags', async () => {
    const at = await net('a', '10.18.0.0/16', '10.18.1.0/24');
    const created = await send(
      'POST',
      '/v1/eni',
      {
        name: 'go',
        subnetId: at.subnetId,
        securityGroupIds: null,
        enterpriseSecurityGroupIds: null,
        privateIpSet: [{ publicIpAddress: '', primary: true, privateIpAddress: '' }],
      },
      'go',
    );
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const eniId = created.json.eniId as string;
    const other = await group(at);
    const bound = await send(
      'PUT',
      `/v1/eni/${eniId}?bindSg&clientToken=go-1`,
      { securityGroupIds: [other] },
      'go',
    );
    assert.equal(bound.status, 200, JSON.stringify(bound.json));
    const batch = await send(
      'POST',
      `/v1/eni/${eniId}/privateIp/batchAdd`,
      { privateIpAddresses: null, privateIpAddressCount: 1 },
      'go',
    );
    assert.deepEqual(batch.json, { privateIpAddresses: ['10.18.1.3'] });
    const listed = await send('GET', `/v1/eni?vpcId=${at.vpcId}&maxKeys=1000`, undefined, 'go');
    const [item] = listed.json.enis as Array<{ eniId: string; securityGroupIds: string[] }>;
    assert.deepEqual([item?.eniId, item?.securityGroupIds], [eniId, [other]]);
    const quota = await send('GET', `/v1/eni/quota?eniId=${eniId}`, undefined, 'go');
    assert.deepEqual(quota.json, { totalQuantity: 6, availableQuantity: 4 });
    // `quota` in that place is the quota, never an interface named so.
    const missing = await send('GET', '/v1/eni/quota', undefined, 'go');
    assert.equal(missing.json.code, 'InvalidParameter');
  });

  test('Go: what its structs send for fields the caller left unset is refused, naming the field', async () => {
    const at = await net('a', '10.21.0.0/16', '10.21.1.0/24');
    const eniId = await eni(at);
    // ListEni always adds vpcId, so an unset one goes out as a bare key.
    const list = await send('GET', '/v1/eni?maxKeys=1000&vpcId', undefined, 'go');
    assert.deepEqual([list.status, list.json.code], [400, 'InvalidParameter']);
    assert.match(String(list.json.message), /"vpcId" is required for listEnis/);
    const refusals: Array<[method: string, target: string, body: unknown, field: string]> = [
      [
        'POST',
        '/v1/eni',
        {
          name: 'go',
          subnetId: at.subnetId,
          securityGroupIds: null,
          enterpriseSecurityGroupIds: null,
          privateIpSet: null,
        },
        'privateIpSet',
      ],
      ['PUT', `/v1/eni/${eniId}?bindSg`, { securityGroupIds: null }, 'securityGroupIds'],
      ['PUT', `/v1/eni/${eniId}?attach`, { instanceId: null }, 'instanceId'],
    ];
    for (const [method, target, body, field] of refusals) {
      const answer = await send(method, target, body, 'go');
      assert.deepEqual([answer.status, answer.json.code], [400, 'InappropriateJSON'], target);
      assert.match(String(answer.json.message), new RegExp(`Field "${field}" is required`), target);
    }
    const kept = await enis().getEni({ eniId });
    assert.deepEqual([kept.status, kept.securityGroupIds], ['available', [at.defaultGroup]]);
  });

  test('a wrong type inside a list names the field as the domain does: privateIpSet[0].primary', async () => {
    const at = await net('a', '10.23.0.0/16', '10.23.1.0/24');
    const answer = await send(
      'POST',
      '/v1/eni',
      { name: 'typed', subnetId: at.subnetId, privateIpSet: [{ primary: 'yes', privateIpAddress: '' }] },
      'go',
    );
    assert.deepEqual([answer.status, answer.json.code], [400, 'InappropriateJSON']);
    assert.match(String(answer.json.message), /Field "privateIpSet\[0\]\.primary"/);
  });

  test("Go's BatchAddPrivateIpCrossSubnet has no API here: the refusal shows the word was read as an address", async () => {
    const at = await net('a', '10.22.0.0/16', '10.22.1.0/24');
    const eniId = await eni(at);
    const answer = await send(
      'POST',
      `/v1/eni/${eniId}/privateIp/batchAddCrossSubnet`,
      { subnetId: at.subnetId, privateIps: [{ privateIpAddress: '10.22.1.9', subnetId: at.subnetId }] },
      'go',
    );
    assert.deepEqual([answer.status, answer.json.code], [405, 'MethodNotAllowed']);
    assert.equal(
      answer.json.message,
      'Method POST is not allowed on this path, where "batchAddCrossSubnet" is read as a privateIpAddress; allowed: DELETE.',
    );
    assert.deepEqual(
      (await enis().getEni({ eniId })).privateIpSet.map((ip) => ip.privateIpAddress),
      ['10.22.1.2'],
    );
  });

  test('Python: empty lists on create mean none given, and a rename of the description alone keeps the name', async () => {
    const at = await net('a', '10.23.0.0/16', '10.23.1.0/24');
    const created = await send('POST', '/v1/eni?clientToken=py-lists', {
      name: 'py-lists',
      subnetId: at.subnetId,
      securityGroupIds: [],
      enterpriseSecurityGroupIds: [],
      privateIpSet: [{ publicIpAddress: '', primary: true, privateIpAddress: '' }],
      ipv6PrivateIpSet: [],
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const eniId = created.json.eniId as string;
    const described = await send('PUT', `/v1/eni/${eniId}?clientToken=py-desc&modifyAttribute=`, {
      description: 'only this',
    });
    assert.equal(described.status, 200, JSON.stringify(described.json));
    const got = await enis().getEni({ eniId });
    assert.deepEqual(
      [got.name, got.description, got.securityGroupIds, got.enterpriseSecurityGroupIds, got.ipv6PrivateIpSet],
      ['py-lists', 'only this', [at.defaultGroup], [], []],
    );
  });

  test("Java: the body's extra action and eniId keys are ignored; a detail read may carry a clientToken", async () => {
    const at = await net('a', '10.19.0.0/16', '10.19.1.0/24');
    const eniId = await eni(at);
    const attach = await send('PUT', `/v1/eni/${eniId}?attach&clientToken=java-1`, {
      action: 'attach',
      eniId,
      instanceId: 'i-java',
    });
    assert.equal(attach.status, 200, JSON.stringify(attach.json));
    const read = await send('GET', `/v1/eni/${eniId}?clientToken=java-2`);
    assert.deepEqual([read.json.status, read.json.instanceId], ['inuse', 'i-java']);
    const detach = await send('PUT', `/v1/eni/${eniId}?detach&clientToken=java-3`, {
      action: 'detach',
      eniId,
      instanceId: 'i-java',
    });
    assert.equal(detach.status, 200, JSON.stringify(detach.json));
    const add = await send('POST', `/v1/eni/${eniId}/privateIp?clientToken=java-4`, {
      eniId,
      privateIpAddress: '10.19.1.7',
    });
    assert.deepEqual(add.json, { privateIpAddress: '10.19.1.7' });
  });

  test('flags the server does not model are refused, never taken as another change', async () => {
    const at = await net('a', '10.20.0.0/16', '10.20.1.0/24');
    const eniId = await eni(at);
    for (const flag of ['bindEsg', 'bind', 'unBind']) {
      const answer = await send('PUT', `/v1/eni/${eniId}?${flag}=&clientToken=x-${flag}`, {
        enterpriseSecurityGroupIds: ['esg-1'],
        publicIpAddress: '100.1.1.1',
      });
      assert.equal(answer.json.code, 'InvalidParameter', flag);
      assert.match(String(answer.json.message), new RegExp(`Unknown action "${flag}"`));
    }
    assert.equal((await enis().getEni({ eniId })).securityGroupIds.length, 1);
  });
});

describe('snapshots and resets carry network interfaces', () => {
  async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${suite.server.adminUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
    const text = await res.text();
    return text === '' ? undefined : JSON.parse(text);
  }

  test('export, reset (the interface is gone), import (it is back as it was)', async () => {
    const at = await net('a', '10.21.0.0/16', '10.21.1.0/24');
    const eniId = await eni(at, { instanceId: 'i-snap' });
    await enis().addEniPrivateIp({ eniId });
    const before = await enis().getEni({ eniId });
    const snapshot = await admin('GET', '/snapshot');
    await admin('POST', '/reset', {});
    await assert.rejects(
      enis().getEni({ eniId }),
      (e: unknown) => (e as BceServiceError).code === 'NoSuchObject',
    );
    await admin('POST', '/snapshot', snapshot);
    const after = await enis().getEni({ eniId });
    const { $metadata: _a, ...was } = before;
    const { $metadata: _b, ...is } = after;
    assert.deepEqual(is, was);
    // Its addresses are still taken after the round trip.
    await assert.rejects(
      enis().createEni({
        name: 'e',
        subnetId: at.subnetId,
        privateIpSet: primary(before.privateIpSet[0]?.privateIpAddress),
      }),
      (e: unknown) => (e as BceServiceError).code === 'PrivateIpInUse',
    );
  });
});
