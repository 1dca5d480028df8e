// The web console under /_console/: static files built by scripts/build-console.mjs (npm install and
// npm run build run it) into packages/server/dist/web. The files hold no data and no secret, so they are
// served to anyone who can reach the port; everything the page shows comes from the admin API, with the admin
// token when one is in force. A checkout whose console was never built gets a page that says how to build it.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceError } from '../errors.ts';
import type { Extension } from '../http/app.ts';

export const CONSOLE_PREFIX = '/_console';

/**
 * Where the server looks for the built console when none is given: the package's dist/web. Found through the
 * package's own entry (src/index.ts in the workspace, dist/index.js when installed), so that a bundle holding
 * this file still finds it. Asked only when needed: the single executable has no package around it.
 */
export function defaultConsoleDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@peerconn/server')), '..', 'dist', 'web');
  } catch {
    return fileURLToPath(new URL('../../dist/web/', import.meta.url));
  }
}

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/**
 * The page may talk to its own origin only: a stray third-party URL (a font, a CDN script) would fail loudly
 * in development instead of leaking a request from a user's machine.
 */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Small files that change with every build: always revalidate, never serve a stale page with a new API.
  'Cache-Control': 'no-cache',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>peerconn console not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The console is not built</h1>
<p>This server runs from a checkout whose web console has not been built yet. Build it once, then reload this
page (the server does not need a restart):</p>
<pre>npm run build</pre>
<p>(<code>npm install</code> builds it too.) The admin API under <a href="../_admin/healthz">/_admin</a> works
without it.</p>
</body></html>
`;

export function isConsolePath(rawPath: string): boolean {
  return rawPath === CONSOLE_PREFIX || rawPath.startsWith(`${CONSOLE_PREFIX}/`);
}

/** Reads one of the console's files; undefined when it is not there. */
export type ConsoleFiles = (name: string) => Promise<Buffer | undefined>;

function filesIn(dir: string): ConsoleFiles {
  return async (name) => {
    try {
      return await readFile(join(dir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
}

async function handleConsole(
  files: ConsoleFiles,
  req: IncomingMessage,
  res: ServerResponse,
  rawPath: string,
) {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    throw serviceError(
      'MethodNotAllowed',
      `Method ${method} is not allowed on ${rawPath}; allowed: GET, HEAD.`,
    );
  }
  // Relative asset URLs in the page need the trailing slash.
  if (rawPath === CONSOLE_PREFIX) {
    res.writeHead(308, { Location: `${CONSOLE_PREFIX}/`, 'Content-Length': 0 });
    res.end();
    return;
  }
  const name = rawPath.slice(CONSOLE_PREFIX.length + 1) || 'index.html';
  const type = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
  if (!type) throw serviceError('NotFound', `The console has no file "${name}"; open ${CONSOLE_PREFIX}/.`);
  const body = await files(name);
  if (body === undefined) {
    if (name !== 'index.html') {
      throw serviceError('NotFound', `The console's ${name} is missing; run "npm run build".`);
    }
    res.writeHead(503, {
      'Content-Type': FILES['index.html'],
      'Content-Length': Buffer.byteLength(NOT_BUILT),
      ...SECURITY_HEADERS,
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    });
    res.end(method === 'HEAD' ? undefined : NOT_BUILT);
    return;
  }
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, ...SECURITY_HEADERS });
  res.end(method === 'HEAD' ? undefined : body);
}

/**
 * The console as an extension of the HTTP server: on every listener, and on the admin-only one. Its files come
 * from `files` when given (the single executable carries them inside), else from `dir`.
 */
export function consoleExtension(options: { dir?: string; files?: ConsoleFiles } = {}): Extension {
  const files = options.files ?? filesIn(options.dir ?? defaultConsoleDir());
  return {
    name: 'console',
    onAdminListener: true,
    matches: isConsolePath,
    handle: (req, res, rawPath) => handleConsole(files, req, res, rawPath),
  };
}
