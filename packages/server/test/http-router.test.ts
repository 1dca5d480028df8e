// Routing by the operation table, as a pure function: every operation of the table is reached by its own
// method, path and flag, with its path parameters; every refusal names what was wrong.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPERATION_LIST } from '@peerconn/sdk/operations';
import { ServiceError } from '../src/errors.ts';
import { route } from '../src/http/router.ts';

const segmentsOf = (path: string) => path.slice(1).split('/');
const flags = (...keys: string[]) => new Map(keys.map((k) => [k, '']));

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ServiceError, String(error));
    return { code: error.code, message: error.message };
  }
  assert.fail('expected a refusal');
}

test('every operation of the table is routed to by its method, path and flag, with its path parameters', () => {
  for (const spec of OPERATION_LIST) {
    const params: Record<string, string> = {};
    const path = spec.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      params[name] = `${name}-value`;
      return params[name];
    });
    const query = spec.flag ? flags(spec.flag, 'clientToken') : flags('clientToken');
    const match = route(spec.method, segmentsOf(path), query);
    assert.equal(match.operation.name, spec.name, `${spec.method} ${path}`);
    assert.deepEqual(match.pathParams, params, spec.name);
  }
});

test('where a literal segment also fits a parameter, both readings are considered, in table order', () => {
  assert.equal(route('PUT', segmentsOf('/v1/vpc/openRelay/vpc-1'), flags()).operation.name, 'openVpcRelay');
  const asId = route('GET', segmentsOf('/v1/vpc/openRelay'), flags());
  assert.equal(asId.operation.name, 'getVpc');
  assert.deepEqual(asId.pathParams, { vpcId: 'openRelay' });
  assert.deepEqual(
    refusal(() => route('POST', segmentsOf('/v1/vpc/openRelay/vpc-1'), flags())),
    {
      code: 'MethodNotAllowed',
      message: 'Method POST is not allowed on this path, where "vpc-1" is read as a vpcId; allowed: PUT.',
    },
  );
});

test('refusals: unknown path, other version, wrong method, two flags, missing flag, empty parameter', () => {
  assert.deepEqual(
    refusal(() => route('GET', segmentsOf('/v1/nothing'), flags())),
    {
      code: 'NotFound',
      message: 'No API at path "/v1/nothing"; check the endpoint and path.',
    },
  );
  assert.deepEqual(
    refusal(() => route('GET', segmentsOf('/v2/peerconn'), flags())),
    {
      code: 'InvalidVersion',
      message: 'The API version "v2" is not supported for "/peerconn"; use v1.',
    },
  );
  assert.deepEqual(
    refusal(() => route('GET', segmentsOf('/v1/securityGroup'), flags())),
    {
      code: 'InvalidVersion',
      message: 'The API version "v1" is not supported for "/securityGroup"; use v2.',
    },
  );
  assert.deepEqual(
    refusal(() => route('GET', segmentsOf('/v3/vpc'), flags())),
    {
      code: 'InvalidVersion',
      message: 'The API version "v3" is not supported for "/vpc"; use v1.',
    },
  );
  assert.deepEqual(
    refusal(() => route('PUT', segmentsOf('/v1/route/rule/rr-1'), flags('switchRoute'))),
    {
      code: 'InvalidParameter',
      message:
        'Unknown action "switchRoute" for PUT "/v1/route/rule/rr-1"; actions on this path: "switchRouteHA".',
    },
  );
  assert.equal(route('GET', segmentsOf('/v1/eni/quota'), flags()).operation.name, 'getEniQuota');
  assert.equal(route('GET', segmentsOf('/v1/eni/eni-1'), flags()).operation.name, 'getEni');
  assert.deepEqual(
    refusal(() => route('POST', segmentsOf('/v1/peerconn/pc-1'), flags())),
    {
      code: 'MethodNotAllowed',
      message:
        'Method POST is not allowed on this path, where "pc-1" is read as a peerConnId; allowed: GET, PUT, DELETE.',
    },
  );
  // Where routes read the last segment differently (a literal for one, a parameter for another), none is named.
  assert.deepEqual(
    refusal(() => route('POST', segmentsOf('/v1/eni/quota'), flags())),
    {
      code: 'MethodNotAllowed',
      message: 'Method POST is not allowed on this path; allowed: GET, PUT, DELETE.',
    },
  );
  assert.deepEqual(
    refusal(() => route('PUT', segmentsOf('/v1/peerconn/pc-1'), flags('reject', 'accept'))),
    {
      code: 'InvalidParameter',
      message: 'Only one action flag may be given per request; got "accept" and "reject".',
    },
  );
  assert.deepEqual(
    refusal(() => route('PUT', segmentsOf('/v1/vpc/vpc-1'), flags())),
    {
      code: 'InvalidParameter',
      message: 'This request needs one of the action flags "modifyAttribute" in the query string.',
    },
  );
  assert.deepEqual(
    refusal(() => route('GET', ['v1', 'peerconn', ''], flags())),
    {
      code: 'NotFound',
      message: 'No API at path "/v1/peerconn/"; check the endpoint and path.',
    },
  );
  // A flag the path does not know is no flag: the operation without one answers.
  assert.equal(route('GET', segmentsOf('/v1/peerconn/pc-1'), flags('accept')).operation.name, 'getPeerConn');
  assert.equal(route('PUT', segmentsOf('/v1/peerconn/pc-1'), flags()).operation.name, 'updatePeerConn');
});
