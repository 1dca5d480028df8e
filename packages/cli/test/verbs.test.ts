// The verb table against the operation table: every operation reachable, every field settable.
import assert from 'node:assert/strict';
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
