// `reach`: would a packet from an address in a VPC reach another address, and would the answer come back? The
// local server answers that from its route tables and peerings (POST /_admin/reachability, an admin API call:
// unsigned, with the admin token when the server has one); this prints the path it found and what breaks it.
import type { HopNext, ReachHop, ReachReport, SideState } from '@peerconn/sdk/reachability';
import { EXIT, UsageError } from './exit.ts';
import { commandDeadline, type GlobalOptions, makeClient } from './options.ts';
import { explainFailure, print, report } from './run.ts';
import { versionLine } from './version.ts';

const REACH_PATH = '/_admin/reachability';

export interface ReachQuery {
  from: { vpcId: string; ip: string };
  to: { ip: string };
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

function checkIp(flag: string, ip: string): string {
  if (!IPV4.test(ip)) {
    throw new UsageError(
      `${flag}: ${JSON.stringify(ip)} is not an IPv4 address (four numbers 0-255 without leading zeros, e.g. 10.1.1.5)`,
    );
  }
  return ip;
}

/** `--from vpc-…:10.1.1.5 --to 10.2.1.7` → the admin API's query; a usage error names what is wrong. */
export function parseReachArgs(from: unknown, to: unknown): ReachQuery {
  if (typeof from !== 'string' || from === '') throw new UsageError("required option '--from' not specified");
  if (typeof to !== 'string' || to === '') throw new UsageError("required option '--to' not specified");
  const colon = from.lastIndexOf(':');
  const vpcId = colon < 0 ? '' : from.slice(0, colon);
  if (colon < 0 || vpcId === '') {
    throw new UsageError(
      `--from takes <vpcId>:<ip>, the VPC the packet leaves from and its address, e.g. vpc-1a2b3c4d5e6f:10.1.1.5; got ${JSON.stringify(from)}`,
    );
  }
  return { from: { vpcId, ip: checkIp('--from', from.slice(colon + 1)) }, to: { ip: checkIp('--to', to) } };
}

function isReport(value: unknown): value is ReachReport {
  const v = value as Partial<ReachReport> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.reachable === 'boolean' &&
    Array.isArray(v.forward) &&
    Array.isArray(v.return) &&
    Array.isArray(v.problems)
  );
}

function sideText(side: SideState): string {
  return `${side.role} ${side.vpcId} ${side.removed ? 'removed' : side.status}`;
}

function nextText(next: HopNext | null): string[] {
  if (next === null) return [];
  switch (next.type) {
    case 'local':
      return [`delivered in subnet ${next.subnetId} (${next.subnetName}, ${next.subnetCidr})`];
    case 'external':
      return [
        `leaves to ${next.nexthopType} ${next.nexthopId || '(no id)'}, which this check does not follow`,
      ];
    case 'peerConn': {
      if (next.peerConnId === null) return [`interface ${next.interfaceId} belongs to no peering connection`];
      const usable = next.usable ? 'usable' : 'not usable';
      const onward = next.toVpcId === null ? '' : ` → ${next.toVpcId}`;
      return [`peering ${next.peerConnId} (${usable}): ${next.sides.map(sideText).join(', ')}${onward}`];
    }
  }
}

function ruleText(hop: ReachHop): string {
  const rule = hop.rule;
  if (rule === null) return 'no rule matches';
  const description = rule.description === '' ? '' : ` "${rule.description}"`;
  if (rule.system) return `system route ${rule.destinationAddress} (local)`;
  const nexthop = `${rule.nexthopType} ${rule.nexthopId || '(no id)'}`;
  return `rule ${rule.routeRuleId}: ${rule.destinationAddress} from ${rule.sourceAddress} → ${nexthop}${description}`;
}

function hopLines(hops: readonly ReachHop[]): string[] {
  if (hops.length === 0) return ['  (not looked up)'];
  return hops.flatMap((hop, i) => [
    `  ${i + 1}. ${hop.source} → ${hop.destination} in ${hop.vpcId} (${hop.vpcName}, ${hop.vpcCidr}), route table ${hop.routeTableId}`,
    `     ${ruleText(hop)}`,
    ...nextText(hop.next).map((line) => `     ${line}`),
  ]);
}

/** The answer as a readable path: the verdict, each lookup on the way there and back, then every problem. */
export function renderReach(query: ReachQuery, answer: ReachReport): string {
  const verdict = answer.reachable ? 'reachable' : 'NOT reachable';
  const lines = [
    `${query.from.ip} in ${query.from.vpcId} → ${query.to.ip}: ${verdict}`,
    'forward',
    ...hopLines(answer.forward),
    'return',
    ...hopLines(answer.return),
  ];
  if (answer.problems.length > 0) {
    lines.push('problems', ...answer.problems.map((p) => `  ${p.code}: ${p.message}`));
  }
  return `${lines.join('\n')}\n`;
}

/** Tab-separated, one line per lookup and per problem, for cut and awk. */
export function renderReachText(answer: ReachReport): string {
  const hop = (direction: string) => (h: ReachHop) => {
    const next = h.next;
    const peerConnId = next?.type === 'peerConn' ? (next.peerConnId ?? '') : '';
    const nextId =
      next?.type === 'local'
        ? next.subnetId
        : next?.type === 'peerConn'
          ? next.interfaceId
          : (next?.nexthopId ?? '');
    return [
      direction,
      h.vpcId,
      h.routeTableId,
      h.rule ? (h.rule.system ? 'system' : h.rule.routeRuleId) : '',
      h.rule?.destinationAddress ?? '',
      next?.type === 'external' ? next.nexthopType : (next?.type ?? ''),
      nextId,
      peerConnId,
    ].join('\t');
  };
  const lines = [
    `reachable\t${answer.reachable}`,
    ...answer.forward.map(hop('forward')),
    ...answer.return.map(hop('return')),
    ...answer.problems.map((p) => `problem\t${p.code}\t${p.message}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Where the admin API is: the endpoint the CLI sends to, named by a flag or else resolved like any command. */
async function endpointOf(globals: GlobalOptions): Promise<string> {
  const { parseEndpoint } = await import('@peerconn/sdk/endpoint');
  // An admin call is not signed: with --endpoint, keys are not needed at all.
  if (globals.endpoint !== undefined) return parseEndpoint(globals.endpoint).href;
  return (await makeClient('peerconn', globals)).endpoint;
}

export interface ReachOptions {
  from?: unknown;
  to?: unknown;
  adminToken?: unknown;
  /** Whether --output (or BCE_OUTPUT) was given; without it the readable path is printed. */
  outputChosen: boolean;
}

export async function runReach(options: ReachOptions, globals: GlobalOptions): Promise<number> {
  const deadline = commandDeadline(globals);
  let endpoint: string | undefined;
  try {
    const query = parseReachArgs(options.from, options.to);
    endpoint = await endpointOf(globals);
    const [{ headersToRecord, sendOnce }, { BceClientError, parseServiceError }] = await Promise.all([
      import('@peerconn/sdk/transport'),
      import('@peerconn/sdk/errors'),
    ]);
    const url = new URL(REACH_PATH, endpoint);
    const body = JSON.stringify(query);
    const headers: Record<string, string> = {
      host: url.host,
      'content-type': 'application/json',
      'user-agent': versionLine(),
    };
    const token =
      typeof options.adminToken === 'string' ? options.adminToken : process.env.PEERCONN_ADMIN_TOKEN;
    if (token) headers.authorization = `Bearer ${token}`;
    if (globals.debug) {
      const shown = token ? { ...headers, authorization: 'Bearer <redacted>' } : headers;
      process.stderr.write(`[debug] ${versionLine()}\n`);
      const lines = [
        `> POST ${url.href}`,
        ...Object.entries(shown).map(([k, v]) => `> ${k}: ${v}`),
        `> ${body}`,
      ];
      process.stderr.write(lines.map((l) => `[debug] ${l}\n`).join(''));
    }
    const timeoutMs = globals.timeout === undefined ? 30_000 : Math.round(globals.timeout * 1000);
    const sendOptions: { timeoutMs: number; signal?: AbortSignal } = { timeoutMs };
    if (deadline.signal) sendOptions.signal = deadline.signal;
    const response = await sendOnce({ method: 'POST', url, headers, body }, sendOptions);
    if (globals.debug) {
      const lines = [
        `< ${response.status}`,
        ...Object.entries(headersToRecord(response.headers)).map(([k, v]) => `< ${k}: ${v}`),
        `< ${response.body}`,
      ];
      process.stderr.write(lines.map((l) => `[debug] ${l}\n`).join(''));
    }
    if (response.status < 200 || response.status >= 300) {
      const error = parseServiceError(
        response.status,
        response.statusText,
        response.headers.get('x-bce-request-id') ?? undefined,
        response.body,
      );
      if (error.code === 'AccessDenied' && /admin API/.test(error.message)) {
        error.message += token
          ? " The token given (--admin-token or PEERCONN_ADMIN_TOKEN) is not the server's."
          : ' Pass it with --admin-token or PEERCONN_ADMIN_TOKEN (the server prints it at start).';
      } else if (response.status === 404 && error.code !== 'NoSuchObject') {
        error.message = `${endpoint} has no ${REACH_PATH}: the reachability check is a feature of the local peerconn server, which the real BCE does not offer. ${error.message}`;
      }
      throw error;
    }
    let answer: unknown;
    try {
      answer = JSON.parse(response.body);
    } catch {
      answer = undefined;
    }
    if (!isReport(answer)) {
      throw new BceClientError(
        'parse',
        `${REACH_PATH}: expected {reachable, forward, return, problems}, got ${response.body.slice(0, 80)}`,
      );
    }
    const code = answer.reachable ? EXIT.ok : EXIT.unreachable;
    if (globals.query !== undefined || (options.outputChosen && globals.output === 'json')) {
      await print(answer, globals);
    } else if (options.outputChosen && globals.output === 'text') {
      process.stdout.write(renderReachText(answer));
    } else {
      process.stdout.write(renderReach(query, answer));
    }
    return code;
  } catch (error) {
    return report(explainFailure(error, { command: 'reach', deadline, endpoint }), globals);
  }
}
