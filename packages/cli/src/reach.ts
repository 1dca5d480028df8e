// `reach`: would a packet from an address in a VPC reach another address, and would the answer come back? The
// local server answers that from its route tables and peerings (POST /_admin/reachability, an admin API call:
// unsigned, with the admin token when the server has one); this prints the path it found and what breaks it.
import type { BceServiceError } from '@peerconn/sdk';
import type { HopNext, ReachHop, ReachReport, SideState } from '@peerconn/sdk/internal';
import { EXIT, UsageError } from './exit.ts';
import { commandDeadline, type GlobalOptions, makeClient } from './options.ts';
import { explainFailure, print, report } from './run.ts';

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
    const token =
      typeof options.adminToken === 'string' ? options.adminToken : process.env.PEERCONN_ADMIN_TOKEN;
    // An admin call is not signed: with --endpoint, keys are not needed at all.
    const client = await makeClient('peerconn', globals, {
      resolveKeys: globals.endpoint === undefined,
      secrets: [token],
    });
    endpoint = client.endpoint;
    const { BceClientError, BceServiceError } = await import('@peerconn/sdk');
    let answer: unknown;
    try {
      const response = await client.request({
        method: 'POST',
        path: REACH_PATH,
        body: query,
        signed: false,
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
        ...(deadline.signal ? { abortSignal: deadline.signal } : {}),
      });
      answer = response.body;
    } catch (error) {
      if (error instanceof BceServiceError) explainRefusal(error, endpoint, token);
      throw error;
    }
    if (!isReport(answer)) {
      throw new BceClientError(
        'parse',
        `${REACH_PATH}: expected {reachable, forward, return, problems}, got ${String(JSON.stringify(answer)).slice(0, 80)}`,
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

/** Adds to the server's refusal what a CLI user can do about it. */
function explainRefusal(error: BceServiceError, endpoint: string, token: string | undefined): void {
  if (error.code === 'AccessDenied' && /admin API/.test(error.message)) {
    error.message += token
      ? " The token given (--admin-token or PEERCONN_ADMIN_TOKEN) is not the server's."
      : ' Pass it with --admin-token or PEERCONN_ADMIN_TOKEN (the server prints it at start).';
  } else if (error.statusCode === 404 && error.code !== 'NoSuchObject') {
    error.message = `${endpoint} has no ${REACH_PATH}: the reachability check is a feature of the local peerconn server, which the real BCE does not offer. ${error.message}`;
  }
}
