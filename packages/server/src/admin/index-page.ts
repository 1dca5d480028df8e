// What `/` and `/_admin` answer: an index of what this server offers (endpoints, the BCE operations, the admin
// API, where the docs are), as JSON for tools and as a plain HTML page for a browser. Self-contained: no
// script, no stylesheet, nothing fetched from elsewhere. Other parts of the server (a console) add links.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OPERATION_LIST } from '@peerconn/sdk/operations';
import { serviceError } from '../errors.ts';
import type { Extension } from '../http/app.ts';
import { sendJson } from '../http/respond.ts';
import { ADMIN_PREFIX, adminRoutes } from './routes.ts';

export interface IndexLink {
  title: string;
  /** A path on this server (`/_console/`) or an absolute URL. */
  href: string;
  description?: string;
}

/** What the page describes; read on every request, so it reflects listeners bound after it was made. */
export interface IndexInfo {
  region: string;
  endpoints: Array<{ region: string; url: string }>;
  adminUrl: string;
  adminTokenRequired: boolean;
}

export interface IndexPage {
  extension: Extension;
  /** Adds a link to the page (the console registers itself here). */
  addLink(link: IndexLink): void;
}

const INDEX_PATHS = new Set(['/', ADMIN_PREFIX, `${ADMIN_PREFIX}/`]);

/** The documents in the repository, by what a reader looks for. */
const DOCS = [
  { title: 'Server: flags, admin API, time control, fault injection', path: 'docs/server.md' },
  { title: 'Rules, lifecycle and error codes', path: 'docs/server-rules.md' },
  { title: 'Wire contract: paths, fields, signing, errors', path: 'docs/wire.md' },
  { title: 'SDK', path: 'docs/sdk.md' },
  { title: 'CLI', path: 'docs/cli.md' },
];

export interface IndexDocument {
  service: string;
  description: string;
  region: string;
  endpoints: Array<{ region: string; url: string }>;
  api: {
    auth: string;
    whoami: string;
    operations: Array<{ name: string; method: string; path: string; flag?: string; summary: string }>;
  };
  admin: {
    url: string;
    tokenRequired: boolean;
    routes: Array<{ method: string; path: string; summary: string }>;
  };
  links: IndexLink[];
  docs: Array<{ title: string; path: string }>;
}

export function indexDocument(info: IndexInfo, links: readonly IndexLink[]): IndexDocument {
  return {
    service: 'peerconn',
    description: 'Local, wire-compatible Baidu AI Cloud (BCE) VPC peering connection service',
    region: info.region,
    endpoints: info.endpoints,
    api: {
      auth: 'bce-auth-v1 (sign as for bcc.<region>.baidubce.com; any key of an account in GET /_admin/accounts)',
      whoami: '/_whoami',
      operations: OPERATION_LIST.map((op) => ({
        name: op.name,
        method: op.method,
        path: op.path,
        ...(op.flag ? { flag: op.flag } : {}),
        summary: op.summary,
      })),
    },
    admin: { url: info.adminUrl, tokenRequired: info.adminTokenRequired, routes: adminRoutes() },
    links: [...links],
    docs: DOCS,
  };
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

export function indexHtml(doc: IndexDocument): string {
  const e = escapeHtml;
  const rows = (cells: string[][]) =>
    cells.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n');
  const links =
    doc.links.length === 0
      ? ''
      : `<h2>More</h2>\n<ul>\n${doc.links
          .map(
            (l) =>
              `<li><a href="${e(l.href)}">${e(l.title)}</a>${l.description ? ` — ${e(l.description)}` : ''}</li>`,
          )
          .join('\n')}\n</ul>\n`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>peerconn server</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em}code,td{font-family:ui-monospace,monospace;font-size:13px}td{padding:2px 12px 2px 0;vertical-align:top}</style>
</head>
<body>
<h1>peerconn server</h1>
<p>${e(doc.description)}. Region for hosts that name none: <code>${e(doc.region)}</code>.</p>
<h2>Endpoints</h2>
<table>
${rows(doc.endpoints.map((l) => [e(l.region), `<code>${e(l.url)}</code>`]))}
</table>
<p>Requests are signed with ${e(doc.api.auth)}. <code>GET ${e(doc.api.whoami)}</code> (signed) names the caller's account.</p>
${links}<h2>Operations</h2>
<table>
${rows(
  doc.api.operations.map((op) => [
    e(op.method),
    `<code>${e(op.path)}${op.flag ? `?${e(op.flag)}` : ''}</code>`,
    e(op.name),
    e(op.summary),
  ]),
)}
</table>
<h2>Admin API</h2>
<p>Base <code>${e(doc.admin.url)}</code>${doc.admin.tokenRequired ? ' (send <code>Authorization: Bearer &lt;admin token&gt;</code>)' : ''}.</p>
<table>
${rows(doc.admin.routes.map((r) => [e(r.method), `<code>${e(r.path)}</code>`, e(r.summary)]))}
</table>
<h2>Documentation</h2>
<p>In the repository:</p>
<ul>
${doc.docs.map((d) => `<li><code>${e(d.path)}</code> — ${e(d.title)}</li>`).join('\n')}
</ul>
</body>
</html>
`;
}

/** Whether the client asked for a page rather than data: a browser lists text/html, curl and SDKs do not. */
function wantsHtml(req: IncomingMessage): boolean {
  return /\btext\/html\b/i.test(req.headers.accept ?? '');
}

export function createIndexPage(info: () => IndexInfo): IndexPage {
  const links: IndexLink[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      throw serviceError(
        'MethodNotAllowed',
        `Method ${method} is not allowed on ${rawPath}; allowed: GET, HEAD.`,
      );
    }
    const doc = indexDocument(info(), links);
    if (!wantsHtml(req)) {
      sendJson(res, 200, doc);
      return;
    }
    const html = indexHtml(doc);
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(html),
    });
    res.end(method === 'HEAD' ? undefined : html);
  };
  return {
    addLink: (link) => {
      links.push(link);
    },
    extension: {
      name: 'index',
      onAdminListener: true,
      matches: (rawPath) => INDEX_PATHS.has(rawPath),
      handle,
    },
  };
}
