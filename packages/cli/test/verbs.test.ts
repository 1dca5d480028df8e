// The verb table against the operation table: every operation reachable, every field settable.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { OPERATION_LIST, type OperationSpec } from '@peerconn/sdk/operations';
import { buildInput } from '../src/run.ts';
import { filledBy } from '../src/verb-fields.ts';
import { autoVerb, genericFields, VERBS, verbArguments } from '../src/verbs.ts';

test('every operation of the table has a verb, and every query/body field of it a flag', () => {
  for (const spec of OPERATION_LIST) {
    const verbs = VERBS.filter((v) => v.operation === spec.name);
    assert.ok(verbs.length > 0, `no verb for ${spec.name}`);
    for (const verb of verbs) {
      const covered = new Set([
        ...verb.fields.flatMap(filledBy),
        ...genericFields(verb, spec).map((f) => f.field),
        ...Object.keys(verb.fixed ?? {}),
        ...verbArguments(verb, spec),
      ]);
      for (const field of [...spec.query, ...spec.body]) {
        assert.ok(covered.has(field), `${verb.words.join(' ')}: no flag for ${spec.name}.${field}`);
      }
    }
  }
});

test('a row nobody wrote a verb for still becomes one, with its fields as flags', () => {
  const spec: OperationSpec = {
    name: 'tagPeerConnResource',
    service: 'peerconn',
    method: 'PUT',
    path: '/v1/peerconn/{peerConnId}/tag',
    query: ['dryRun'],
    body: ['changeTags'],
    mutating: true,
    returnsData: false,
    summary: 'Tag a peering connection',
  };
  const verb = autoVerb(spec);
  assert.deepEqual(verb.words, ['tag-peer-conn-resource']);
  assert.deepEqual(
    genericFields(verb, spec).map((f) => [f.flag, f.field]),
    [
      ['dry-run', 'dryRun'],
      ['change-tags', 'changeTags'],
    ],
  );
});

test('create composes billing and tags from their flags; fixed fields and positionals fill the rest', () => {
  const create = VERBS.find((v) => v.words.join(' ') === 'create')!;
  const input = buildInput(create, create.fields, [], {
    localVpcId: 'vpc-a',
    peerVpcId: 'vpc-b',
    peerRegion: 'gz',
    bandwidth: 10,
    paymentTiming: 'Prepaid',
    reservationLength: 12,
    tag: ['env=prod', 'team'],
  });
  assert.deepEqual(input, {
    localVpcId: 'vpc-a',
    peerVpcId: 'vpc-b',
    peerRegion: 'gz',
    bandwidthInMbps: 10,
    billing: {
      paymentTiming: 'Prepaid',
      reservation: { reservationLength: 12, reservationTimeUnit: 'month' },
    },
    tags: [{ tagKey: 'env', tagValue: 'prod' }, { tagKey: 'team' }],
  });
  const postpaid = buildInput(create, create.fields, [], {
    localVpcId: 'vpc-a',
    peerVpcId: 'vpc-b',
    peerRegion: 'bj',
    bandwidth: 1,
    paymentTiming: 'Postpaid',
  });
  assert.deepEqual(postpaid.billing, { paymentTiming: 'Postpaid' });

  const protect = VERBS.find((v) => v.words.join(' ') === 'delete-protect off')!;
  assert.deepEqual(buildInput(protect, protect.fields, ['peerconn-x'], {}), {
    deleteProtect: false,
    peerConnId: 'peerconn-x',
  });
});

const verb = (words: string) => {
  const found = VERBS.find((v) => v.words.join(' ') === words);
  assert.ok(found, `verb ${words}`);
  return found;
};

test('acl add builds one rule from its flags, or keeps the rules of --cli-input-json', () => {
  const add = verb('acl add');
  const flags = {
    subnetId: 'sbn-a',
    direction: 'ingress',
    action: 'deny',
    protocol: 'tcp',
    source: '10.0.0.0/16',
    sourcePort: 'all',
    destination: 'all',
    destinationPort: '3306',
    position: 10,
  };
  assert.deepEqual(buildInput(add, add.fields, [], flags), {
    aclRules: [
      {
        subnetId: 'sbn-a',
        protocol: 'tcp',
        sourceIpAddress: '10.0.0.0/16',
        destinationIpAddress: 'all',
        sourcePort: 'all',
        destinationPort: '3306',
        position: 10,
        direction: 'ingress',
        action: 'deny',
      },
    ],
  });
  // Only the flags' defaults besides the file: the file's rules stand, and no required flag is asked for.
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-verbs-'));
  try {
    const file = join(dir, 'rules.json');
    const rules = [
      { subnetId: 'sbn-b', position: 1 },
      { subnetId: 'sbn-b', position: 2 },
    ];
    writeFileSync(file, JSON.stringify({ aclRules: rules }));
    const defaults = {
      protocol: 'all',
      source: 'all',
      sourcePort: 'all',
      destination: 'all',
      destinationPort: 'all',
    };
    assert.deepEqual(buildInput(add, add.fields, [], { ...defaults, cliInputJson: file }), {
      aclRules: rules,
    });
    assert.throws(
      () => buildInput(add, add.fields, [], defaults),
      /required option '--subnet-id' not specified/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sg allow: the peer flag implies the direction; contradictions are usage errors', () => {
  const allow = verb('sg allow');
  assert.deepEqual(
    buildInput(allow, allow.fields, ['g-a'], { protocol: 'tcp', port: '3306', sourceGroup: 'g-b' }),
    {
      rule: { direction: 'ingress', protocol: 'tcp', portRange: '3306', sourceGroupId: 'g-b' },
      securityGroupId: 'g-a',
    },
  );
  assert.deepEqual(buildInput(allow, allow.fields, ['g-a'], { destIp: '10.0.0.2', sgVersion: 4 }).rule, {
    direction: 'egress',
    destIp: '10.0.0.2',
  });
  assert.deepEqual(buildInput(allow, allow.fields, ['g-a'], { direction: 'ingress' }).rule, {
    direction: 'ingress',
  });
  assert.throws(
    () => buildInput(allow, allow.fields, ['g-a'], { sourceIp: 'all', destGroup: 'g-b' }),
    /one direction/,
  );
  assert.throws(() => buildInput(allow, allow.fields, ['g-a'], { protocol: 'udp' }), /give --direction/);
});

test('sg rule update takes the rule id as its argument, though the wire carries it in the body', () => {
  const update = verb('sg rule update');
  assert.deepEqual(buildInput(update, update.fields, ['r-1'], { port: '80' }), {
    portRange: '80',
    securityGroupRuleId: 'r-1',
  });
});

test('eni create: the primary address (or "" for a free one) and the secondary ones make privateIpSet', () => {
  const create = verb('eni create');
  const base = { subnetId: 'sbn-a', name: 'db1' };
  assert.deepEqual(buildInput(create, create.fields, [], base).privateIpSet, [
    { primary: true, privateIpAddress: '' },
  ]);
  assert.deepEqual(
    buildInput(create, create.fields, [], {
      ...base,
      ip: '10.0.1.5',
      secondaryIps: ['10.0.1.6'],
      secondaryIpCount: 2,
    }).privateIpSet,
    [
      { primary: true, privateIpAddress: '10.0.1.5' },
      { primary: false, privateIpAddress: '10.0.1.6' },
      { primary: false, privateIpAddress: '' },
      { primary: false, privateIpAddress: '' },
    ],
  );
});

test('route add: one next hop, or with --standby-nexthop-id a primary/standby nextHopList instead', () => {
  const add = verb('route add');
  const base = { routeTableId: 'rt-a', destinationAddress: '10.2.0.0/16', sourceAddress: '0.0.0.0/0' };
  const single = buildInput(add, add.fields, [], { ...base, nexthopType: 'peerConn', nexthopId: 'qpif-a' });
  assert.deepEqual(
    [single.nexthopType, single.nexthopId, single.nextHopList],
    ['peerConn', 'qpif-a', undefined],
  );
  const pair = buildInput(add, add.fields, [], {
    ...base,
    nexthopType: 'peerConn',
    nexthopId: 'qpif-a',
    standbyNexthopId: 'vpn-b',
    standbyNexthopType: 'vpn',
  });
  assert.deepEqual([pair.nexthopType, pair.nexthopId], [undefined, undefined]);
  assert.deepEqual(pair.nextHopList, [
    { nexthopType: 'peerConn', nexthopId: 'qpif-a', pathType: 'ha:active' },
    { nexthopType: 'vpn', nexthopId: 'vpn-b', pathType: 'ha:standby' },
  ]);
});
