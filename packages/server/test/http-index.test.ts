// `/` and `/_admin` answer with an index of the server (the banner advertises the latter): JSON for tools,
// a self-contained HTML page for a browser, on every listener and on the admin port.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { OPERATION_LIST } from '@peerconn/sdk/operations';
import { raw, startTestServer, type TestServer, TWO_REGIONS } from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

interface IndexDocument {
  service: string;
  region: string;
  endpoints: Array<{ region: string; url: string }>;
  api: { operations: Array<{ name: string; method: string; path: string }> };
  admin: {
    url: string;
    tokenRequired: boolean;
    routes: Array<{ method: string; path: string; summary: string }>;
  };
  links: Array<{ title: string; href: string }>;
  docs: Array<{ path: string }>;
}

let server: TestServer;
before(async () => {
  server = await startTestServer({
    ...TWO_REGIONS,
  });
});
after(async () => {
  await server.close();
});

describe('the index at / and /_admin', () => {
  test('JSON by default: endpoints, every operation, every admin route, the docs', async () => {
    for (const target of ['/', '/_admin', '/_admin/']) {
      const res = await raw({
        port: server.port,
        method: 'GET',
        target,
        headers: { accept: 'application/json' },
      });
      assert.equal(res.status, 200, target);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.ok(res.headers['x-bce-request-id']);
      const doc = res.json as IndexDocument;
      assert.equal(doc.service, 'peerconn');
      assert.equal(doc.region, 'bj');
      assert.deepEqual(
        doc.endpoints,
        server.listeners.map(({ region, url }) => ({ region, url })),
      );
      assert.equal(doc.admin.url, server.adminUrl);
      assert.equal(doc.admin.tokenRequired, false);
      assert.deepEqual(
        doc.api.operations.map((op) => op.name),
        OPERATION_LIST.map((op) => op.name),
      );
      for (const [method, path] of [
        ['GET', '/_admin/healthz'],
        ['POST', '/_admin/clock'],
        ['PUT', '/_admin/timing'],
        ['DELETE', '/_admin/accounts/{id}'],
        ['GET', '/_admin/events'],
      ]) {
        assert.ok(
          doc.admin.routes.some((r) => r.method === method && r.path === path && r.summary !== ''),
          `${method} ${path} listed`,
        );
      }
      assert.ok(doc.docs.some((d) => d.path === 'docs/server.md'));
    }
    const curlLike = await raw({ port: server.port, method: 'GET', target: '/', headers: { accept: '*/*' } });
    assert.equal((curlLike.json as IndexDocument).service, 'peerconn', 'curl gets JSON');
  });

  test('every listed admin route exists: none answers NotFound', async () => {
    const doc = (await raw({ port: server.port, method: 'GET', target: '/_admin' })).json as IndexDocument;
    for (const route of doc.admin.routes) {
      // The event stream never ends by itself; http-admin-console.test.ts reads it.
      if (route.method !== 'GET' || route.path.includes('{') || route.path === '/_admin/stream') continue;
      const res = await raw({ port: server.port, method: 'GET', target: route.path });
      assert.equal(res.status, 200, `${route.path}: ${res.text}`);
    }
  });

  test("docs/CONTRACTS.md's admin table lists exactly the routes the server serves", async () => {
    const doc = (await raw({ port: server.port, method: 'GET', target: '/_admin' })).json as IndexDocument;
    const contracts = readFileSync(new URL('../../../docs/CONTRACTS.md', import.meta.url), 'utf8');
    const section = contracts.split(/^## /m).find((s) => s.startsWith('Admin API')) ?? '';
    // A row: | GET / POST | `/_admin/accounts` | … |, or the index's | GET | `/` and `/_admin` | … |.
    const documented = [...section.matchAll(/^\| ([A-Z /]+) \| ([^|]+) \|/gm)].flatMap(([, methods, paths]) =>
      (methods as string)
        .split(' / ')
        .flatMap((method) =>
          [...(paths as string).matchAll(/`([^`?]+)[^`]*`/g)].map((m) => `${method.trim()} ${m[1]}`),
        ),
    );
    const index = ['GET /', 'GET /_admin'];
    assert.deepEqual(
      documented.sort(),
      [...index, ...doc.admin.routes.map((r) => `${r.method} ${r.path}`)].sort(),
      'a route added to admin/routes.ts gets its row in docs/CONTRACTS.md, and a row there names a route',
    );
  });

  test('a browser gets a self-contained HTML page', async () => {
    const res = await raw({
      port: server.port,
      method: 'GET',
      target: '/',
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.text, /^<!doctype html>/);
    assert.ok(res.text.includes(server.listeners[1]?.url as string), 'names the gz listener');
    assert.ok(res.text.includes('/_admin/transitions/run'));
    assert.ok(res.text.includes('createPeerConn'));
    assert.doesNotMatch(
      res.text,
      /<script|<link|src=|https?:\/\/(?!127\.0\.0\.1)/,
      'nothing fetched from elsewhere',
    );
  });

  test('links added by other parts of the server appear; HEAD works; other methods are refused', async () => {
    const before = ((await raw({ port: server.port, method: 'GET', target: '/' })).json as IndexDocument)
      .links;
    assert.deepEqual(
      before.map((link) => [link.title, link.href]),
      [['Web console', '/_console/']],
      'the server links its console',
    );
    server.addIndexLink({
      title: 'Team wiki',
      href: 'https://wiki.example/peerconn',
      description: 'our notes',
    });
    const doc = (await raw({ port: server.port, method: 'GET', target: '/' })).json as IndexDocument;
    assert.deepEqual(doc.links.at(-1), {
      title: 'Team wiki',
      href: 'https://wiki.example/peerconn',
      description: 'our notes',
    });
    const html = await raw({
      port: server.port,
      method: 'GET',
      target: '/_admin',
      headers: { accept: 'text/html' },
    });
    assert.match(html.text, /<a href="\/_console\/">Web console<\/a>/);
    assert.match(html.text, /<a href="https:\/\/wiki\.example\/peerconn">Team wiki<\/a>/);
    const head = await raw({ port: server.port, method: 'HEAD', target: '/' });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    const post = await raw({ port: server.port, method: 'POST', target: '/', body: '{}' });
    assert.equal(post.status, 405);
    assert.equal((post.json as { code: string }).code, 'MethodNotAllowed');
  });

  test('on the admin port too, with the token requirement stated and nothing secret shown', async () => {
    const guarded = await startTestServer({ adminPort: 0, adminToken: 'index-token' });
    try {
      const adminPort = Number(new URL(guarded.adminUrl).port);
      const res = await raw({ port: adminPort, method: 'GET', target: '/_admin' });
      assert.equal(res.status, 200, 'the index needs no token: it lists routes, not state');
      const doc = res.json as IndexDocument;
      assert.equal(doc.admin.tokenRequired, true);
      assert.equal(doc.admin.url, guarded.adminUrl);
      assert.ok(!res.text.includes('index-token'));
      assert.ok(!res.text.includes(guarded.a.secretAccessKey));
      const onMain = await raw({ port: guarded.port, method: 'GET', target: '/' });
      assert.equal(onMain.status, 200);
    } finally {
      await guarded.close();
    }
  });
});
