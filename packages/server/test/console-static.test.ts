// How the server serves the web console's files: under /_console/ on every listener and on the admin-only one,
// open to anyone (they hold no data), locked to the page's own origin by a Content-Security-Policy, and with a
// page that says how to build the console when it was never built.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultConsoleDir } from '../src/console/serve.ts';
import { buildConsole } from './console-support.ts';
import { errorOf, raw, startTestServer, type TestServer } from './http-support.ts';
import { runsOnSqliteOnly } from './store-choice.ts';

runsOnSqliteOnly(import.meta.url, "serving the console's built files involves no store");

describe('a built console', () => {
  let server: TestServer;
  let adminPort: number;
  let built: string;
  before(async () => {
    built = buildConsole();
    server = await startTestServer({ adminToken: 'static-token', adminPort: 0, consoleDir: built });
    adminPort = Number(new URL(server.adminUrl).port);
  });
  after(async () => {
    await server.close();
    rmSync(built, { recursive: true, force: true });
  });

  test('the page and its assets, without the admin token, with their types and a same-origin policy', async () => {
    const page = await raw({ port: server.port, method: 'GET', target: '/_console/' });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.equal(page.text, readFileSync(join(built, 'index.html'), 'utf8'));
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /connect-src 'self'/);
    assert.match(csp, /script-src 'self'/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    // Everything the page references is relative, so it stays on this origin.
    for (const [, ref] of page.text.matchAll(/(?:src|href)="([^"]+)"/g)) {
      assert.doesNotMatch(ref as string, /^(?:[a-z]+:)?\/\//i, ref);
    }
    for (const [name, type] of [
      ['console.js', /^text\/javascript/],
      ['console.css', /^text\/css/],
      ['favicon.svg', /^image\/svg\+xml/],
    ] as const) {
      const asset = await raw({ port: server.port, method: 'GET', target: `/_console/${name}` });
      assert.equal(asset.status, 200, name);
      assert.match(String(asset.headers['content-type']), type);
      assert.equal(asset.text, readFileSync(join(built, name), 'utf8'));
    }
    const head = await raw({ port: server.port, method: 'HEAD', target: '/_console/console.js' });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
  });

  test('/_console redirects to /_console/; unknown files, other methods and traversal are refused', async () => {
    const bare = await raw({ port: server.port, method: 'GET', target: '/_console' });
    assert.equal(bare.status, 308);
    assert.equal(bare.headers.location, '/_console/');
    const unknown = await raw({ port: server.port, method: 'GET', target: '/_console/secrets.json' });
    assert.equal(errorOf(unknown).code, 'NotFound');
    assert.equal(errorOf(unknown).requestIdMatches, true);
    const traversal = await raw({ port: server.port, method: 'GET', target: '/_console/../package.json' });
    assert.equal(traversal.status, 404);
    const post = await raw({ port: server.port, method: 'POST', target: '/_console/', body: '{}' });
    assert.equal(errorOf(post).code, 'MethodNotAllowed');
  });

  test("the bundle holds none of the server's code: no zod, whose schemas the page takes only as types", () => {
    // zod's classes keep their names through minification; a page that bundled it would carry them.
    assert.doesNotMatch(readFileSync(join(built, 'console.js'), 'utf8'), /Zod/);
  });

  test('the admin-only listener serves it too', async () => {
    const page = await raw({ port: adminPort, method: 'GET', target: '/_console/' });
    assert.equal(page.status, 200);
    assert.match(page.text, /console\.js/);
  });
});

test("the page's sources import the server's sources for their types only", () => {
  const web = join(dirname(fileURLToPath(import.meta.url)), '../web/src');
  const values: string[] = [];
  for (const file of readdirSync(web)) {
    const text = readFileSync(join(web, file), 'utf8');
    for (const [, kind, from] of text.matchAll(/^import\s+(type\s)?[^;]*?from\s+'([^']+)';/gms)) {
      if (!kind && !(from as string).startsWith('./')) values.push(`${file}: ${from}`);
    }
  }
  // Preact runs in the page; the operation table is plain data. Anything else of the server's would drag its
  // dependencies into the bundle (and the browser has no `node:` modules).
  assert.deepEqual(
    values.filter((v) => !/: (preact|preact\/hooks|@peerconn\/sdk\/operations)$/.test(v)),
    [],
  );
});

test('by default the server serves the bundle that npm run build writes', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
  assert.equal(resolve(defaultConsoleDir()), join(root, 'packages/server/dist/web'));
  assert.match(
    readFileSync(join(root, 'package.json'), 'utf8'),
    /"build": "[^"]*scripts\/build-console\.mjs/,
  );
  assert.match(
    readFileSync(join(root, 'package.json'), 'utf8'),
    /"prepare": "[^"]*scripts\/build-console\.mjs/,
  );
});

test('a console that was never built answers with how to build it, not a 500', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'peerconn-no-console-'));
  const server = await startTestServer({ consoleDir: empty });
  try {
    const page = await raw({ port: server.port, method: 'GET', target: '/_console/' });
    assert.equal(page.status, 503);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.text, /npm run build/);
    const script = await raw({ port: server.port, method: 'GET', target: '/_console/console.js' });
    assert.equal(errorOf(script).code, 'NotFound');
    assert.match((script.json as { message: string }).message, /npm run build/);
  } finally {
    await server.close();
    rmSync(empty, { recursive: true, force: true });
  }
});
