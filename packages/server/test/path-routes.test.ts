// The path router the BCE API and the admin API share: templates compiled into literal and parameter segments,
// and a lookup that tells a missing path from a method the path does not take.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compilePathTemplate, matchPathTemplate, PathRoutes } from '../src/http/path-routes.ts';

const segments = (path: string) => path.slice(1).split('/');

describe('a path template', () => {
  const template = compilePathTemplate('/_admin/accounts/{id}/credentials/{accessKeyId}');

  test('matches literals exactly and gives each parameter its segment', () => {
    assert.deepEqual(matchPathTemplate(template, segments('/_admin/accounts/abc/credentials/ak-1')), {
      id: 'abc',
      accessKeyId: 'ak-1',
    });
    assert.equal(matchPathTemplate(template, segments('/_admin/account/abc/credentials/ak-1')), undefined);
  });

  test('a parameter is one non-empty segment', () => {
    assert.equal(matchPathTemplate(template, segments('/_admin/accounts//credentials/ak-1')), undefined);
    assert.equal(matchPathTemplate(template, segments('/_admin/accounts/a/b/credentials/ak-1')), undefined);
    assert.equal(matchPathTemplate(template, segments('/_admin/accounts/abc/credentials')), undefined);
    assert.deepEqual(matchPathTemplate(template, ['_admin', 'accounts', 'a/b', 'credentials', 'k']), {
      id: 'a/b',
      accessKeyId: 'k',
    });
  });

  test('a template that is not a path, or a parameter inside a segment, is refused where it is written', () => {
    assert.throws(() => compilePathTemplate('v1/vpc'), /must start with "\/"/);
    assert.throws(() => compilePathTemplate('/v1/vpc-{id}'), /whole segment/);
  });
});

describe('a lookup in a table of routes', () => {
  const routes = new PathRoutes(
    [
      { method: 'GET', path: '/v1/vpc', name: 'list' },
      { method: 'POST', path: '/v1/vpc', name: 'create' },
      { method: 'PUT', path: '/v1/vpc/{vpcId}', name: 'update' },
      { method: 'PUT', path: '/v1/vpc/{vpcId}', name: 'relay' },
      { method: 'GET', path: '/v1/vpc/{vpcId}', name: 'get' },
      { method: 'GET', path: '/v1/vpc/default', name: 'default' },
      { method: 'GET', path: '/v2/other', name: 'other' },
    ],
    (r) => r.path,
  );

  test('finds every route of the path and method, in table order, with the parameters', () => {
    const { found, allowed } = routes.lookup('PUT', segments('/v1/vpc/vpc-1'));
    assert.deepEqual(
      found.map((f) => [f.route.name, f.params]),
      [
        ['update', { vpcId: 'vpc-1' }],
        ['relay', { vpcId: 'vpc-1' }],
      ],
    );
    assert.deepEqual(allowed, []);
  });

  test('a path with routes for other methods names those methods once each', () => {
    assert.deepEqual(routes.lookup('DELETE', segments('/v1/vpc')), { found: [], allowed: ['GET', 'POST'] });
    assert.deepEqual(routes.lookup('DELETE', segments('/v1/vpc/vpc-1')), {
      found: [],
      allowed: ['PUT', 'GET'],
    });
  });

  test('where a more literal template matches too, it wins over the parameter', () => {
    assert.deepEqual(
      routes.lookup('GET', segments('/v1/vpc/default')).found.map((f) => f.route.name),
      ['default'],
    );
    assert.deepEqual(
      routes.lookup('GET', segments('/v1/vpc/vpc-1')).found.map((f) => [f.route.name, f.params]),
      [['get', { vpcId: 'vpc-1' }]],
    );
  });

  test('a path no route has: nothing found, nothing allowed', () => {
    assert.deepEqual(routes.lookup('GET', segments('/v1/peerconn')), { found: [], allowed: [] });
  });

  test('the first literals of the templates (the API versions the BCE router serves)', () => {
    assert.deepEqual([...routes.firstLiterals()].sort(), ['v1', 'v2']);
  });
});
