// The operation table names each operation's body fields once; the server's body schemas must agree with it
// key for key. (The SDK's input types are held to the same rows at compile time, in the SDK's client.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPERATION_LIST, type OperationName } from '@peerconn/sdk/operations';
import { BODY_SCHEMAS } from '../src/http/schemas.ts';

test('every operation with body fields has a body schema with exactly those keys', () => {
  const withBody = OPERATION_LIST.filter((spec) => spec.body.length > 0);
  assert.ok(withBody.length > 0, 'the table has operations with a body');
  for (const spec of withBody) {
    const schema = BODY_SCHEMAS[spec.name as OperationName];
    assert.ok(schema, `${spec.name} has a body schema`);
    assert.deepEqual(Object.keys(schema.shape).sort(), [...spec.body].sort(), `${spec.name} body fields`);
  }
});

test('no body schema for an operation without body fields, nor for a name outside the table', () => {
  const bodyless = new Set(OPERATION_LIST.filter((spec) => spec.body.length === 0).map((spec) => spec.name));
  const names = new Set(OPERATION_LIST.map((spec) => spec.name));
  const schemaNames = Object.keys(BODY_SCHEMAS);
  assert.ok(schemaNames.length > 0, 'there are body schemas');
  for (const name of schemaNames) {
    assert.ok(names.has(name), `${name} is an operation of the table`);
    assert.ok(!bodyless.has(name), `${name} has no body fields in the table, so no schema`);
  }
});
