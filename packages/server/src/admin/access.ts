// Who may call the admin API: the bearer token when one is in force, and, without one, only requests addressed
// to this machine by a loopback name and, for changes, sent from the server's own origin (docs/server.md,
// "Admin API").
import type { IncomingMessage } from 'node:http';
import { serviceError } from '../errors.ts';
import { safeEqual } from '../http/auth.ts';

/** Whether the request may use the admin API: always without a token, else with `Bearer <token>`. */
export function isAuthorized(adminToken: string | undefined, req: IncomingMessage): boolean {
  if (!adminToken) return true;
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  return m !== null && safeEqual(m[1] as string, adminToken);
}

export function authorize(adminToken: string | undefined, req: IncomingMessage): void {
  if (!isAuthorized(adminToken, req)) {
    throw serviceError('AccessDenied', 'The admin API needs "Authorization: Bearer <adminToken>".');
  }
}

/** A Host header naming this machine by a loopback name: 127.x.x.x, localhost (or a name under it), [::1]. */
function isLoopbackHostHeader(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
}

/**
 * Without a token the admin API trusts whoever reaches it, and on loopback only programs on this machine can.
 * A web page can still get there by DNS rebinding: its own name made to resolve to 127.0.0.1, which then
 * stands in both Host and Origin. So without a token the admin API answers only requests addressed to a
 * loopback name; with a token (always in force beyond loopback) the token decides. docs/server.md, "Admin API".
 */
export function refuseRebinding(adminToken: string | undefined, req: IncomingMessage): void {
  const host = req.headers.host;
  if (adminToken || host === undefined || isLoopbackHostHeader(host)) return;
  throw serviceError(
    'AccessDenied',
    `Without an admin token the admin API answers requests addressed to a loopback name only (127.0.0.1, localhost, [::1]), not ${JSON.stringify(host)}; use one of those, or start the server with --admin-token.`,
  );
}

/**
 * A browser sends Origin with every cross-origin POST, PUT or DELETE, and some of those (a form, a text/plain
 * fetch) reach the server without a CORS preflight. Without a token the admin API would obey any web page the
 * user visits; refusing foreign origins for changes closes that. Tools such as curl send no Origin at all.
 */
export function refuseForeignOrigin(req: IncomingMessage, method: string): void {
  const origin = req.headers.origin;
  if (origin === undefined || method === 'GET' || method === 'HEAD') return;
  let host = '';
  try {
    host = new URL(origin).host;
  } catch {
    // "null" (a sandboxed frame, a file) or garbage: not this server's origin.
  }
  if (host === '' || host !== req.headers.host) {
    throw serviceError(
      'AccessDenied',
      `The admin API accepts changes from its own origin only, not ${origin}.`,
    );
  }
}
