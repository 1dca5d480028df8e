// Driving the web console in a real browser: Debian's Chromium through playwright-core (no browser download),
// a freshly built console bundle, and a record of every request each page makes.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { ServerOptions } from '../src/config.ts';
import { startTestServer, type TestServer } from './http-support.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Debian's chromium, or undefined when it is not installed. */
export function findChromium(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Why the browser suites cannot run here, or undefined when they can. CI (which installs Chromium) never skips. */
export function browserSkipReason(): string | false {
  if (findChromium()) return false;
  if (process.env.CI) throw new Error('Chromium is missing: .ci/run installs it (apt-get install chromium).');
  return 'Chromium is not installed (apt-get install chromium)';
}

/**
 * Builds the console from the current sources into a fresh directory (the server's `consoleDir`), so a suite
 * never tests a stale bundle nor one another suite is rewriting. Remove it with `rmSync` when done.
 */
export function buildConsole(): string {
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-console-'));
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/build-console.mjs'), '--outdir', dir], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`building the console failed:\n${result.stderr}`);
  return dir;
}

/**
 * The little of the page's globals the tests read inside page.evaluate (as `globalThis as unknown as
 * PageGlobals`: the callbacks run in the page, so they cannot call helpers from here). The server's type-check
 * has no DOM library, and adding it would let `window` slip into server code unnoticed.
 */
export interface PageElement {
  outerHTML: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  labels?: { length: number } | null;
}

export interface PageGlobals {
  location: { hash: string };
  innerWidth: number;
  /** Set by a test after the first load; still there means the page never reloaded. */
  notReloaded?: boolean;
  document: {
    documentElement: { scrollWidth: number };
    body: PageElement;
    querySelectorAll(selector: string): Iterable<PageElement>;
  };
  getComputedStyle(element: PageElement): { backgroundColor: string };
}

export interface Browsing {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browsing> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no chromium');
  // launch() gives every browser a fresh, temporary profile of its own and removes it on close.
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Every URL the page asked for (documents, scripts, styles, fetches, the stream), in order. */
  requests: string[];
  /** Uncaught errors and console errors of the page, but for the browser's own note on each HTTP error status. */
  errors: string[];
  close(): Promise<void>;
}

export async function openConsole(
  browsing: Browsing,
  url: string,
  options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<ConsolePage> {
  const context = await browsing.browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const requests: string[] = [];
  const errors: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // The browser logs every answer >= 400 itself; the tests provoke refusals on purpose and check them on screen.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource:')) {
      errors.push(message.text());
    }
  });
  await page.goto(url);
  return { context, page, requests, errors, close: () => context.close() };
}

/** Waits until the header says the change stream is connected. */
export async function waitLive(page: Page): Promise<void> {
  await page.getByRole('status', { name: 'Live updates: live' }).waitFor();
}

/** The status (or DNS status) badge of one side of a connection, once it reads exactly `value`. */
export async function waitSide(
  page: Page,
  scope: string,
  side: 'initiator' | 'acceptor',
  value: string,
  field: 'status' | 'dnsStatus' = 'status',
): Promise<void> {
  await page
    .locator(`${scope} [data-side="${side}"] [data-field="${field}"]`)
    .filter({ hasText: new RegExp(`^\\s*${value}\\s*$`) })
    .first()
    .waitFor();
}

/** A suite's server serving a freshly built console, and a browser with one console page open and live. */
export interface ConsoleSession {
  server: TestServer;
  browsing: Browsing;
  ui: ConsolePage;
  page: Page;
  /** Closes the page, the browser and the server, and removes the built console. */
  close(): Promise<void>;
}

/**
 * Builds the console and starts a server serving it (with `options`), lets `world` make through the server what
 * the suite looks at, then opens the console at `path` of the URL `base` picks (the server's first listener by
 * default) and waits until it is live. Whatever was opened is closed again when a step fails.
 */
export async function openConsoleSession(
  options: ServerOptions,
  steps: {
    world?: (server: TestServer) => Promise<void>;
    base?: (server: TestServer) => string;
    path: string;
  },
): Promise<ConsoleSession> {
  const consoleDir = buildConsole();
  let server: TestServer | undefined;
  let browsing: Browsing | undefined;
  let ui: ConsolePage | undefined;
  const close = async () => {
    await ui?.close();
    await browsing?.close();
    await server?.close();
    rmSync(consoleDir, { recursive: true, force: true });
  };
  try {
    server = await startTestServer({ ...options, consoleDir });
    await steps.world?.(server);
    browsing = await launchBrowser();
    ui = await openConsole(browsing, `${steps.base?.(server) ?? server.url}${steps.path}`);
    await waitLive(ui.page);
    return { server, browsing, ui, page: ui.page, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Shows a view the way a link does: a new fragment, no page load. */
export async function showFragment(page: Page, fragment: string): Promise<void> {
  await page.evaluate((f) => {
    (globalThis as unknown as PageGlobals).location.hash = f;
  }, fragment);
}
