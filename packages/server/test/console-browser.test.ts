// The web console in a real Chromium, against a real server on loopback: what the SDK does shows up without
// a reload, what the console does goes through the account's rules, the clock and the fault rules it sets are
// the ones the SDK meets, no request leaves the server's origin, and an admin token locks it.
//
// With PEERCONN_CONSOLE_SCREENSHOT set, the last test writes its screenshot there (scripts/console-screenshot.mjs
// uses that for docs/console.png); otherwise to a temporary file.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BceClientError, BceServiceError } from '@peerconn/sdk';
import type { Page } from 'playwright-core';
import {
  type Browsing,
  browserSkipReason,
  buildConsole,
  type ConsolePage,
  type ConsoleSession,
  launchBrowser,
  openConsole,
  openConsoleSession,
  type PageGlobals,
  showFragment,
  waitLive,
  waitSide,
} from './console-support.ts';
import {
  crossRegionPeering,
  regionUrl,
  sdkClients,
  signed,
  startTestServer,
  type TestServer,
  TWO_REGIONS,
} from './http-support.ts';
import { runsOnSqliteOnly } from './store-choice.ts';

runsOnSqliteOnly(
  import.meta.url,
  'the console shows what the admin API answers; http-admin-state and http-admin-console check those answers on every store',
);

const skip = browserSkipReason();

/** The sections and their headings. */
const VIEWS = [
  ['#/connections', 'Peering connections'],
  ['#/vpcs', 'VPCs'],
  ['#/topology', 'Topology'],
  ['#/accounts', 'Accounts'],
  ['#/time', 'Virtual clock'],
  ['#/faults', 'Fault rules'],
] as const;

describe('the web console in Chromium', { skip }, () => {
  let server: TestServer;
  let session: ConsoleSession | undefined;
  let bj: string;
  let gz: string;
  /** One page for the whole suite, as a person keeps one tab open: views change by the URL fragment only. */
  let ui: ConsolePage;
  let page: Page;

  before(async () => {
    session = await openConsoleSession(TWO_REGIONS, {
      base: (started) => regionUrl(started, 'bj'),
      path: '/_console/',
    });
    ({ server, ui, page } = session);
    bj = regionUrl(server, 'bj');
    gz = regionUrl(server, 'gz');
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).notReloaded = true;
    });
  });

  after(async () => {
    await session?.close();
  });

  /** Shows a view the way a link does: a new fragment, no page load. */
  const go = (fragment: string) => showFragment(page, fragment);

  /** A cross-account request from demo-a in bj to demo-b in gz, made through the SDK. */
  async function requestPeering(bandwidthInMbps = 10): Promise<string> {
    return (await crossRegionPeering(server, bandwidthInMbps)).peerConnId;
  }

  async function adminPut(path: string, body: unknown, method = 'PUT'): Promise<void> {
    const res = await fetch(`${bj}/_admin${path}`, { method, body: JSON.stringify(body) });
    assert.ok(res.ok, `${method} ${path}: ${res.status}`);
  }

  test('a connection created through the SDK appears without a reload, and "run now" moves it on', async () => {
    // Manual creation keeps the connection in `creating` until the console runs the transition.
    await adminPut('/timing', { transitions: { create: { mode: 'manual' } } });
    try {
      await go('#/connections');
      const { peerConnId: id, vpcA, vpcB } = await crossRegionPeering(server);
      const row = `tr[data-pc="${id}"]`;
      await waitSide(page, row, 'initiator', 'creating');
      await waitSide(page, row, 'acceptor', 'creating');
      // Each side's VPC by its name, with its id.
      const names = new Map(
        (
          await Promise.all([
            sdkClients(bj, server.a).vpc.listVpcs({}),
            sdkClients(gz, server.b).vpc.listVpcs({}),
          ])
        )
          .flatMap((page) => page.vpcs)
          .map((vpc) => [vpc.vpcId, vpc.name]),
      );
      for (const [role, vpcId] of [
        ['initiator', vpcA],
        ['acceptor', vpcB],
      ] as const) {
        assert.equal(
          (await page.locator(`${row} [data-side="${role}"] [data-field="vpc"]`).textContent())?.trim(),
          `${names.get(vpcId)} ${vpcId}`,
        );
      }
      assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).notReloaded), true);

      await page.getByRole('link', { name: id }).click();
      await page.getByRole('button', { name: `Run now create of ${id}` }).click();
      await waitSide(page, '.detail', 'initiator', 'consulting');
      await waitSide(page, '.detail', 'acceptor', 'consulting');
      // The timeline names the SDK's request and the transition the console ran.
      await page.locator('ol.timeline li').filter({ hasText: 'createPeerConn' }).waitFor();
      await page.locator('ol.timeline li').filter({ hasText: 'run from the console' }).waitFor();
    } finally {
      await adminPut('/timing', { transitions: { create: { mode: 'immediate' } } });
    }
  });

  test('accepting in the console (by keyboard) moves both sides to active', async () => {
    const id = await requestPeering();
    await go(`#/connections/${id}`);
    await waitSide(page, '.detail', 'acceptor', 'consulting');
    const accept = page
      .locator('[data-side="acceptor"]')
      .getByRole('button', { name: 'Accept', exact: true });
    await accept.focus();
    await page.keyboard.press('Enter');
    await waitSide(page, '.detail', 'initiator', 'active');
    await waitSide(page, '.detail', 'acceptor', 'active');
    await page.getByRole('status').filter({ hasText: 'acceptPeerConn as demo-b' }).waitFor();
    // What the SDK sees agrees with the screen.
    const sides = await Promise.all([
      sdkClients(bj, server.a).peerconn.getPeerConn({ peerConnId: id, role: 'initiator' }),
      sdkClients(gz, server.b).peerconn.getPeerConn({ peerConnId: id, role: 'acceptor' }),
    ]);
    assert.deepEqual(
      sides.map((s) => s.status),
      ['active', 'active'],
    );
  });

  test('the whole cross-account tour, from the console alone', async () => {
    await go('#/vpcs');
    const vpcForm = page.locator('details.create', { hasText: 'Create a VPC' });
    await vpcForm.locator('summary').click();
    for (const [account, region, name, block] of [
      ['demo-a', 'bj', 'tour-a', '10.201.0.0/16'],
      ['demo-b', 'gz', 'tour-b', '10.202.0.0/16'],
    ] as const) {
      await vpcForm.getByLabel('Account').selectOption({ label: account });
      await vpcForm.getByLabel('Region').selectOption(region);
      await vpcForm.getByLabel('Name').fill(name);
      await vpcForm.getByLabel('CIDR').fill(block);
      await vpcForm.getByRole('button', { name: 'Create VPC' }).click();
      await page.locator('tr[data-vpc]').filter({ hasText: name }).waitFor();
    }

    await go('#/connections');
    const request = page.locator('details.create');
    await request.locator('summary').click();
    for (const [label, name] of [
      ['From VPC', 'tour-a'],
      ['To VPC', 'tour-b'],
    ] as const) {
      const select = request.getByLabel(label);
      const value = await select.locator('option', { hasText: `(${name})` }).getAttribute('value');
      await select.selectOption(value as string);
    }
    await request.getByRole('button', { name: 'Request as demo-a' }).click();
    // The console opens the new connection.
    await page.waitForURL(/#\/connections\/peerconn-/);
    const id = decodeURIComponent(new URL(page.url()).hash.replace('#/connections/', ''));
    await waitSide(page, '.detail', 'initiator', 'consulting');
    await waitSide(page, '.detail', 'acceptor', 'consulting');

    const initiator = page.locator('[data-side="initiator"]');
    const acceptor = page.locator('[data-side="acceptor"]');
    await acceptor.getByRole('button', { name: 'Accept', exact: true }).click();
    await waitSide(page, '.detail', 'initiator', 'active');
    await waitSide(page, '.detail', 'acceptor', 'active');
    await initiator.getByRole('button', { name: 'Open DNS sync' }).click();
    await waitSide(page, '.detail', 'initiator', 'open', 'dnsStatus');
    await initiator.getByLabel('New bandwidth (Mbps)').fill('20');
    await initiator.getByRole('button', { name: 'Resize' }).click();
    await page.locator('[data-field="bandwidth"]').filter({ hasText: '20 Mbps' }).waitFor();
    await initiator.getByRole('button', { name: 'Release…' }).click();
    await initiator.getByRole('button', { name: `Yes, release ${id}` }).click();
    await page.getByText('This connection no longer exists').waitFor();
    // The timeline keeps the whole story.
    for (const operation of [
      'createPeerConn',
      'acceptPeerConn',
      'openPeerConnDnsSync',
      'resizePeerConn',
      'deletePeerConn',
    ]) {
      await page.locator('ol.timeline li').filter({ hasText: operation }).first().waitFor();
    }
    await assert.rejects(
      sdkClients(bj, server.a).peerconn.getPeerConn({ peerConnId: id, role: 'initiator' }),
      (error: unknown) => error instanceof BceServiceError && error.code === 'NoSuchObject',
    );
  });

  /** The operations a side's panel offers, in the page's order, once they are exactly `expected`. */
  async function waitOffered(role: 'initiator' | 'acceptor', expected: string[]): Promise<void> {
    const read = (r: string) =>
      [
        ...(globalThis as unknown as PageGlobals).document.querySelectorAll(
          `.detail [data-side="${r}"] [data-action]`,
        ),
      ].map((el) => el.getAttribute('data-action'));
    try {
      await page.waitForFunction(
        ([r, wanted]) => {
          const found = [
            ...(globalThis as unknown as PageGlobals).document.querySelectorAll(
              `.detail [data-side="${r}"] [data-action]`,
            ),
          ].map((el) => el.getAttribute('data-action'));
          return JSON.stringify(found) === JSON.stringify(wanted);
        },
        [role, expected] as const,
        { timeout: 120_000 },
      );
    } catch {
      assert.deepEqual(await page.evaluate(read, role), expected, `offered to the ${role}`);
    }
  }

  /** The reason a side's panel gives for not offering an operation. */
  async function withheld(role: 'initiator' | 'acceptor', operation: string): Promise<string> {
    const panel = page.locator(`.detail [data-side="${role}"]`);
    const details = panel.locator('details.withheld');
    if (!(await details.evaluate((d) => (d as unknown as { open: boolean }).open))) {
      await details.locator('summary').click();
    }
    return ((await panel.locator(`[data-withheld="${operation}"]`).textContent()) ?? '').trim();
  }

  test('each side is offered only what the rules allow it, as initiator and acceptor, in several states', async () => {
    const id = await requestPeering();
    await go(`#/connections/${id}`);
    await waitSide(page, '.detail', 'acceptor', 'consulting');
    // A request: the acceptor answers it; the initiator may withdraw it, not answer it.
    await waitOffered('initiator', ['updatePeerConnDeleteProtect', 'deletePeerConn']);
    await waitOffered('acceptor', ['acceptPeerConn', 'rejectPeerConn']);
    const ownAccept = await sdkClients(bj, server.a)
      .peerconn.acceptPeerConn({ peerConnId: id })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    assert.ok(ownAccept instanceof BceServiceError);
    assert.equal(
      await withheld('initiator', 'acceptPeerConn'),
      `Accept: ${ownAccept.code} ${ownAccept.message}`,
    );

    await page.locator('[data-side="acceptor"]').getByRole('button', { name: 'Accept', exact: true }).click();
    await waitSide(page, '.detail', 'initiator', 'active');
    await waitSide(page, '.detail', 'acceptor', 'active');
    // Active: only the initiator resizes and releases; each side opens its own DNS sync.
    await waitOffered('initiator', [
      'openPeerConnDnsSync',
      'updatePeerConnDeleteProtect',
      'resizePeerConn',
      'deletePeerConn',
    ]);
    await waitOffered('acceptor', ['openPeerConnDnsSync']);
    assert.match(
      await withheld('acceptor', 'resizePeerConn'),
      /^Resize: OperationNotPermitted Only the initiator/,
    );
    assert.match(await withheld('acceptor', 'acceptPeerConn'), /^Accept: InvalidPeerConnStatus /);

    // Protected against release: release goes, with the rule's reason.
    await page
      .locator('[data-side="initiator"]')
      .getByRole('button', { name: 'Turn delete protection on' })
      .click();
    await page.locator('[data-field="deleteProtect"]').filter({ hasText: 'on' }).waitFor();
    await waitOffered('initiator', ['openPeerConnDnsSync', 'updatePeerConnDeleteProtect', 'resizePeerConn']);
    assert.match(await withheld('initiator', 'deletePeerConn'), /^Release: DeleteProtected /);

    // DNS sync open on the acceptor's side: it is offered closing it, not opening it again.
    await page.locator('[data-side="acceptor"]').getByRole('button', { name: 'Open DNS sync' }).click();
    await waitSide(page, '.detail', 'acceptor', 'open', 'dnsStatus');
    await waitOffered('acceptor', ['closePeerConnDnsSync']);
    assert.equal(
      await withheld('acceptor', 'openPeerConnDnsSync'),
      'Open DNS sync: already so; it would change nothing',
    );

    // A rejected request: the acceptor's side is gone, the initiator may only clean up.
    const rejected = await requestPeering();
    await go(`#/connections/${rejected}`);
    await waitOffered('acceptor', ['acceptPeerConn', 'rejectPeerConn']);
    await page.locator('[data-side="acceptor"]').getByRole('button', { name: 'Reject', exact: true }).click();
    await waitSide(page, '.detail', 'initiator', 'consult_failed');
    await waitOffered('initiator', ['updatePeerConnDeleteProtect', 'deletePeerConn']);
    await waitOffered('acceptor', []);
    await page.locator('.detail [data-side="acceptor"]').getByText('This side was removed').waitFor();
  });

  test('a request the server refuses shows the error code and message the rules give', async () => {
    const id = await requestPeering();
    await sdkClients(gz, server.b).peerconn.acceptPeerConn({ peerConnId: id });
    await go(`#/connections/${id}`);
    await waitSide(page, '.detail', 'initiator', 'active');
    // Resizing is offered; the amount is the server's to judge.
    const initiator = page.locator('[data-side="initiator"]');
    await initiator.getByLabel('New bandwidth (Mbps)').fill('100000');
    await initiator.getByRole('button', { name: 'Resize' }).click();
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: 'InvalidBandwidth' }).waitFor();
    const viaSdk = await sdkClients(bj, server.a)
      .peerconn.resizePeerConn({ peerConnId: id, newBandwidthInMbps: 100000 })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    assert.ok(viaSdk instanceof BceServiceError);
    assert.equal(viaSdk.code, 'InvalidBandwidth');
    assert.ok(((await alert.textContent()) ?? '').includes(`InvalidBandwidth: ${viaSdk.message}`));
    assert.equal((await page.locator('[data-field="bandwidth"]').textContent())?.trim(), '10 Mbps');
    await alert.getByRole('button', { name: 'Dismiss' }).click();
  });

  test('advancing the clock 8 days turns a consulting request into consult_failed on screen', async () => {
    const id = await requestPeering();
    await go('#/time');
    await page.getByLabel('Advance by').fill('8d');
    await page.getByRole('button', { name: 'Advance', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Clock advanced by 8d' }).waitFor();
    await page.getByRole('link', { name: 'Connections' }).click();
    const row = `tr[data-pc="${id}"]`;
    await waitSide(page, row, 'initiator', 'consult_failed');
    await page.locator(`${row} [data-side="acceptor"]`).filter({ hasText: 'removed' }).waitFor();
  });

  test('"Back to real time" returns the clock to real time: the server and the badge say so', async () => {
    await go('#/time');
    await page.getByRole('button', { name: 'Advance 1 day' }).click();
    await page.getByRole('status').filter({ hasText: 'Clock advanced by 1 day' }).waitFor();
    const moved = (await (await fetch(`${bj}/_admin/healthz`)).json()) as { clock: { realTime: boolean } };
    assert.equal(moved.clock.realTime, false);
    await page.getByRole('button', { name: 'Back to real time' }).click();
    await page.getByRole('status').filter({ hasText: 'Clock back to real time' }).waitFor();
    const health = (await (await fetch(`${bj}/_admin/healthz`)).json()) as {
      clock: { realTime: boolean; offsetMs: number; frozen: boolean };
    };
    assert.deepEqual([health.clock.realTime, health.clock.offsetMs, health.clock.frozen], [true, 0, false]);
    await page.locator('[data-field="clock-offset"]').filter({ hasText: 'none (real time)' }).waitFor();
    await page.locator('.clock-badge').filter({ hasText: 'real time' }).waitFor();
  });

  test('a fault rule added in the console makes the SDK see a 503, and its use shows up', async () => {
    await go('#/faults');
    await page.getByLabel('Operation').selectOption('listVpcs');
    await page.getByLabel('HTTP status').fill('503');
    await page.getByLabel('Times').fill('1');
    await page.getByRole('button', { name: 'Add rule' }).click();
    const row = page.locator('tr[data-fault]').filter({ hasText: 'listVpcs' });
    await row.waitFor();
    const seen = await sdkClients(bj, server.a)
      .vpc.listVpcs({})
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    assert.ok(seen instanceof BceServiceError, 'the SDK call failed');
    assert.equal(seen.statusCode, 503);
    assert.equal(seen.code, 'ServiceUnavailable');
    // Its one firing is spent: the rule leaves the list by itself.
    await row.waitFor({ state: 'detached' });
  });

  test('a fault rule with Retry-After, and one that drops the connection, added in the console', async () => {
    await go('#/faults');
    await page.getByLabel('Operation').selectOption('listVpcs');
    await page.getByLabel('HTTP status').fill('429');
    await page.getByLabel('Retry-After (s)').fill('7');
    await page.getByLabel('Times').fill('1');
    await page.getByRole('button', { name: 'Add rule' }).click();
    const throttled = page.locator('tr[data-fault]').filter({ hasText: 'Retry-After 7 s' });
    await throttled.waitFor();
    const answer = await signed({
      port: server.port,
      method: 'GET',
      target: '/v1/vpc',
      credential: server.a,
    });
    assert.equal(answer.status, 429);
    assert.equal(answer.headers['retry-after'], '7');
    await throttled.waitFor({ state: 'detached' });

    await page.getByLabel('Operation').selectOption('listVpcs');
    await page.getByLabel('Drop the connection').selectOption('before');
    await page.getByLabel('Times').fill('1');
    await page.getByRole('button', { name: 'Add rule' }).click();
    const dropping = page.locator('tr[data-fault]').filter({ hasText: 'connection dropped before' });
    await dropping.waitFor();
    const dropped = await sdkClients(bj, server.a)
      .vpc.listVpcs({})
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    assert.ok(dropped instanceof BceClientError, `a client error, not ${String(dropped)}`);
    assert.equal(dropped.kind, 'network');
    await dropping.waitFor({ state: 'detached' });
  });

  test('keys stay hidden until revealed; every control has a name', async () => {
    await go('#/accounts');
    const secret = server.a.secretAccessKey;
    await page.getByRole('heading', { name: 'demo-a' }).waitFor();
    assert.equal((await page.content()).includes(secret), false);
    await page.getByRole('button', { name: `Reveal secret key ${server.a.accessKeyId} of demo-a` }).click();
    await page.getByText(secret).waitFor();

    for (const [view, heading] of VIEWS) {
      await go(view);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      const unnamed = await page.evaluate(() =>
        [
          ...(globalThis as unknown as PageGlobals).document.querySelectorAll(
            'input, select, button, a[href]',
          ),
        ]
          .filter((el) => {
            const labelled = (el.labels?.length ?? 0) > 0 || el.getAttribute('aria-label');
            return !labelled && (el.textContent ?? '').trim() === '';
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      assert.deepEqual(unnamed, [], view);
    }
  });

  test('usable in a narrow window and in dark mode: nothing overflows sideways', async () => {
    const { peerConnId: id, vpcA } = await crossRegionPeering(server);
    const vpc = await sdkClients(bj, server.a).vpc.getVpc({ vpcId: vpcA });
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 800 });
        for (const [view, heading] of [
          ...VIEWS,
          [`#/connections/${id}`, id] as const,
          [`#/vpcs/${vpcA}`, `VPC ${vpc.vpc.name}`] as const,
        ]) {
          await go(view);
          await page.getByRole('heading', { name: heading, exact: true }).waitFor();
          const overflow = await page.evaluate(() => {
            const w = globalThis as unknown as PageGlobals;
            return w.document.documentElement.scrollWidth - w.innerWidth;
          });
          assert.ok(overflow <= 0, `${view} at ${width}px overflows by ${overflow}px`);
        }
      }
      const background = await page.evaluate(() => {
        const w = globalThis as unknown as PageGlobals;
        return w.getComputedStyle(w.document.body).backgroundColor;
      });
      assert.equal(background, 'rgb(15, 20, 25)', 'the dark palette is in use');
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  test('the screenshot: a cross-account connection accepted in the console, both sides and the timeline', async () => {
    const id = await requestPeering(50);
    await go(`#/connections/${id}`);
    await page.locator('[data-side="acceptor"]').getByRole('button', { name: 'Accept', exact: true }).click();
    await waitSide(page, '.detail', 'acceptor', 'active');
    await page.locator('[data-side="initiator"]').getByRole('button', { name: 'Open DNS sync' }).click();
    await waitSide(page, '.detail', 'initiator', 'open', 'dnsStatus');
    await page.locator('ol.timeline li').filter({ hasText: 'openPeerConnDnsSync' }).waitFor();
    const path =
      process.env.PEERCONN_CONSOLE_SCREENSHOT || join(tmpdir(), `peerconn-console-${process.pid}.png`);
    await page.screenshot({ path, fullPage: true });
    const png = readFileSync(path);
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.equal(png.readUInt32BE(16), 1280);
    assert.ok(png.readUInt32BE(20) >= 800);
    if (!process.env.PEERCONN_CONSOLE_SCREENSHOT) rmSync(path);
  });

  test('no request left the server origin, and the page never reloaded', async () => {
    const origin = new URL(bj).origin;
    assert.ok(ui.requests.some((url) => url.endsWith('/console.js')));
    assert.ok(ui.requests.some((url) => url.endsWith('/_admin/stream')));
    assert.deepEqual(
      ui.requests.filter((url) => new URL(url).origin !== origin),
      [],
    );
    assert.equal(ui.requests.filter((url) => url.endsWith('/console.js')).length, 1);
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).notReloaded), true);
    assert.deepEqual(ui.errors, []);
  });
});

describe('the web console with an admin token in force', { skip }, () => {
  let server: TestServer;
  let browsing: Browsing;
  let consoleDir: string;

  before(async () => {
    consoleDir = buildConsole();
    server = await startTestServer({ adminToken: 'console-token-123', consoleDir });
    browsing = await launchBrowser();
  });
  after(async () => {
    await browsing?.close();
    await server?.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  test('refuses to work without the token, and works with it', async () => {
    const consolePage = await openConsole(browsing, `${server.url}/_console/`);
    const { page } = consolePage;
    try {
      await page.getByRole('heading', { name: 'Admin token required' }).waitFor();
      assert.equal(await page.locator('table').count(), 0);
      assert.equal(await page.getByRole('navigation', { name: 'Sections' }).count(), 0);

      await page.getByRole('textbox', { name: 'Admin token' }).fill('not-the-token');
      await page.getByRole('button', { name: 'Open the console' }).click();
      await page.getByRole('alert').filter({ hasText: 'that token was refused' }).waitFor();
      assert.equal(await page.getByRole('navigation', { name: 'Sections' }).count(), 0);

      await page.getByRole('textbox', { name: 'Admin token' }).fill('console-token-123');
      await page.getByRole('button', { name: 'Open the console' }).click();
      await waitLive(page);
      await page.getByRole('heading', { name: 'Peering connections' }).waitFor();
      await page.getByRole('link', { name: 'Accounts' }).click();
      await page.getByRole('heading', { name: 'demo-a' }).waitFor();
      assert.deepEqual(
        consolePage.errors.filter((e) => !/403/.test(e)),
        [],
      );
    } finally {
      await consolePage.close();
    }
  });
});
