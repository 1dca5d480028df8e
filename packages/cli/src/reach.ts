// `reach`: would a packet from a network interface or an address in a VPC reach another, and would the answer
// come back? The local server answers that from its security groups, ACLs, route tables and peerings
// (POST /_admin/reachability, an admin API call: unsigned, with the admin token when the server has one); this
// prints the path it found, the rule that decided each step, and what breaks it.
import type { BceServiceError } from '@peerconn/sdk';
import {
  type AclCheck,
  type FilterCheck,
  type HopNext,
  type PacketView,
  REACH_PROTOCOLS,
  type ReachEnd,
  type ReachHop,
  type ReachProtocol,
  type ReachReport,
  type ReachRequest,
  type SecurityGroupCheck,
  type SideState,
} from '@peerconn/sdk/internal';
import { EXIT, UsageError } from './exit.ts';
import { commandDeadline, type GlobalOptions, makeClient } from './options.ts';
import { explainFailure, print, report } from './run.ts';

const REACH_PATH = '/_admin/reachability';

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
const ENI_ID = /^eni-[a-z0-9]+$/;

function checkIp(flag: string, ip: string): string {
  if (!IPV4.test(ip)) {
    throw new UsageError(
      `${flag}: ${JSON.stringify(ip)} is not an IPv4 address (four numbers 0-255 without leading zeros, e.g. 10.1.1.5)`,
    );
  }
  return ip;
}

function checkPort(flag: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new UsageError(`${flag}: ${JSON.stringify(text)} is not a port (a whole number from 1 to 65535)`);
  }
  return port;
}

/** `vpc-…:10.1.1.5` → the VPC and address, or undefined when the text has no `<vpcId>:` part. */
function vpcAddress(flag: string, text: string): { vpcId: string; ip: string } | undefined {
  const colon = text.lastIndexOf(':');
  const vpcId = colon < 0 ? '' : text.slice(0, colon);
  if (colon < 0 || vpcId === '') return undefined;
  return { vpcId, ip: checkIp(flag, text.slice(colon + 1)) };
}

export interface ReachArgs {
  from?: unknown;
  to?: unknown;
  protocol?: unknown;
  port?: unknown;
  sourcePort?: unknown;
}

/**
 * `--from eni-…|vpc-…:10.1.1.5 --to eni-…|10.2.1.7 [--protocol tcp --port 3306]` → the admin API's request; a
 * usage error names what is wrong.
 */
export function parseReachArgs(args: ReachArgs): ReachRequest {
  const { from, to } = args;
  if (typeof from !== 'string' || from === '') throw new UsageError("required option '--from' not specified");
  if (typeof to !== 'string' || to === '') throw new UsageError("required option '--to' not specified");
  let source: ReachRequest['from'];
  if (ENI_ID.test(from)) {
    source = { eniId: from };
  } else {
    const address = vpcAddress('--from', from);
    if (!address) {
      throw new UsageError(
        `--from takes <vpcId>:<ip>, the VPC the packet leaves from and its address, e.g. vpc-1a2b3c4d5e6f:10.1.1.5, or a network interface id (eni-…); got ${JSON.stringify(from)}`,
      );
    }
    source = address;
  }
  const target: ReachRequest['to'] = ENI_ID.test(to)
    ? { eniId: to }
    : (vpcAddress('--to', to) ?? { ip: checkIp('--to', to) });
  const request: ReachRequest = { from: source, to: target };
  if (args.protocol !== undefined) {
    const protocol = String(args.protocol);
    if (!(REACH_PROTOCOLS as readonly string[]).includes(protocol)) {
      throw new UsageError(
        `--protocol: ${JSON.stringify(protocol)} is not one of ${REACH_PROTOCOLS.join(', ')}`,
      );
    }
    request.protocol = protocol as ReachProtocol;
  }
  const port = checkPort('--port', args.port);
  const sourcePort = checkPort('--source-port', args.sourcePort);
  const protocol = request.protocol ?? 'all';
  const ported = protocol === 'tcp' || protocol === 'udp';
  if (ported && port === undefined) {
    throw new UsageError(`--protocol ${protocol} needs --port, the destination port (e.g. --port 3306)`);
  }
  if (!ported && (port !== undefined || sourcePort !== undefined)) {
    throw new UsageError(
      `--port and --source-port apply to --protocol tcp or udp only${request.protocol ? `, not ${protocol}` : ' (give --protocol)'}`,
    );
  }
  if (port !== undefined) request.port = port;
  if (sourcePort !== undefined) request.sourcePort = sourcePort;
  return request;
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

function packetText(packet: PacketView): string {
  const end = (ip: string, port: number | null) => (port === null ? ip : `${ip}:${port}`);
  const protocol = packet.protocol === 'all' ? 'any protocol' : packet.protocol;
  return `${protocol} ${end(packet.source, packet.sourcePort)} → ${end(packet.destination, packet.destinationPort)}`;
}

function groupCheckText(check: SecurityGroupCheck): string {
  if (check.verdict === 'skip') {
    const address = check.direction === 'egress' ? check.packet.source : check.packet.destination;
    return `no security groups (${check.direction}): ${address} is no network interface's address`;
  }
  const head = `security groups of ${check.eniId} (${check.securityGroupIds.join(', ')}), ${check.direction}`;
  const rule = check.rule;
  if (check.verdict === 'deny' || rule === null) {
    return `${head}: DENIED, no rule allows ${packetText(check.packet)}`;
  }
  const peer =
    rule.groupId !== ''
      ? `group ${rule.groupId}`
      : rule.ip === '' || rule.ip === 'all'
        ? 'anywhere'
        : rule.ip;
  const remark = rule.remark === '' ? '' : ` "${rule.remark}"`;
  const way = check.direction === 'ingress' ? 'from' : 'to';
  return `${head}: allowed by ${rule.securityGroupId} rule ${rule.securityGroupRuleId} (${groupRuleTerms(rule.protocol, rule.portRange)}, ${way} ${peer})${remark}`;
}

/** `tcp port 3306`, `udp ports 8000-8080`, `tcp all ports`, `icmp`, `any protocol`. */
function groupRuleTerms(protocol: string, portRange: string): string {
  if (protocol === '' || protocol === 'all') return 'any protocol';
  if (protocol !== 'tcp' && protocol !== 'udp') return protocol;
  if (portRange === '' || portRange === '1-65535') return `${protocol} all ports`;
  return `${protocol} ${portRange.includes('-') ? 'ports' : 'port'} ${portRange}`;
}

function aclCheckText(check: AclCheck): string {
  const subnet = `ACL of subnet ${check.subnetId} (${check.subnetName}, ${check.subnetCidr})`;
  if (check.verdict === 'skip') {
    return `${subnet} not applied (${check.direction}): ${packetText(check.packet)} stays inside the subnet`;
  }
  const rule = check.rule;
  const decided = check.verdict === 'deny' ? 'DENIED' : 'allowed';
  if (rule === null)
    return `${subnet}, ${check.direction}: ${decided}, no rule matches ${packetText(check.packet)}`;
  if (rule.default) return `${subnet}, ${check.direction}: ${decided} by the default rule`;
  const terms = `${rule.action} ${rule.protocol} ${rule.sourceIpAddress}:${rule.sourcePort} → ${rule.destinationIpAddress}:${rule.destinationPort}`;
  const description = rule.description === '' ? '' : ` "${rule.description}"`;
  return `${subnet}, ${check.direction}: ${decided} by rule ${rule.aclRuleId} at position ${rule.position} (${terms})${description}`;
}

function checkText(check: FilterCheck): string {
  return check.kind === 'securityGroup' ? groupCheckText(check) : aclCheckText(check);
}

/** Each lookup as the packet meets it: the filters it leaves through, the rule, where it goes, the filters it enters. */
function hopLines(hops: readonly ReachHop[]): string[] {
  if (hops.length === 0) return ['  (not looked up)'];
  return hops.flatMap((hop, i) => [
    `  ${i + 1}. ${hop.source} → ${hop.destination} in ${hop.vpcId} (${hop.vpcName}, ${hop.vpcCidr}), route table ${hop.routeTableId}`,
    ...(hop.leaving ?? []).map((check) => `     ${checkText(check)}`),
    `     ${ruleText(hop)}`,
    ...nextText(hop.next).map((line) => `     ${line}`),
    ...(hop.arriving ?? []).map((check) => `     ${checkText(check)}`),
  ]);
}

/** `10.1.1.5 in vpc-… (eni-…)`: an end as the check resolved it, its VPC shown for the source only. */
function endText(end: ReachEnd | undefined, fallback: string, withVpc: boolean): string {
  if (!end) return fallback;
  const where = withVpc && end.vpcId !== null ? `${end.ip} in ${end.vpcId}` : end.ip;
  return end.eniId === null ? where : `${where} (${end.eniId})`;
}

function requestText(request: ReachRequest, end: 'from' | 'to'): string {
  const named = request[end];
  if ('eniId' in named) return named.eniId;
  return end === 'from' && 'vpcId' in named ? `${named.ip} in ${named.vpcId}` : named.ip;
}

/** The answer as a readable path: the verdict, each lookup on the way there and back, then every problem. */
export function renderReach(request: ReachRequest, answer: ReachReport): string {
  const verdict = answer.reachable ? 'reachable' : 'NOT reachable';
  const protocol = answer.protocol ?? request.protocol ?? 'all';
  const port = answer.port ?? request.port;
  const flow =
    protocol === 'all'
      ? ''
      : port === undefined || port === null
        ? `, ${protocol}`
        : `, ${protocol} port ${port}`;
  const lines = [
    `${endText(answer.from, requestText(request, 'from'), true)} → ${endText(answer.to, requestText(request, 'to'), false)}${flow}: ${verdict}`,
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

/**
 * Tab-separated, for cut and awk: one line per lookup (`forward`/`return`, then the VPC), one per filter check
 * (`check`, then the direction of the path), one per problem.
 */
export function renderReachText(answer: ReachReport): string {
  const check = (direction: string) => (c: FilterCheck) =>
    [
      'check',
      direction,
      c.kind,
      c.direction,
      c.verdict,
      c.kind === 'securityGroup' ? (c.eniId ?? '') : c.subnetId,
      c.kind === 'securityGroup' ? (c.rule?.securityGroupRuleId ?? '') : (c.rule?.aclRuleId ?? ''),
      c.kind === 'securityGroup' ? (c.rule?.securityGroupId ?? '') : String(c.rule?.position ?? ''),
    ].join('\t');
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
      ...(h.leaving ?? []).map(check(direction)),
      [
        direction,
        h.vpcId,
        h.routeTableId,
        h.rule ? (h.rule.system ? 'system' : h.rule.routeRuleId) : '',
        h.rule?.destinationAddress ?? '',
        next?.type === 'external' ? next.nexthopType : (next?.type ?? ''),
        nextId,
        peerConnId,
      ].join('\t'),
      ...(h.arriving ?? []).map(check(direction)),
    ];
  };
  const lines = [
    `reachable\t${answer.reachable}`,
    ...answer.forward.flatMap(hop('forward')),
    ...answer.return.flatMap(hop('return')),
    ...answer.problems.map((p) => `problem\t${p.code}\t${p.message}`),
  ];
  return `${lines.join('\n')}\n`;
}

export interface ReachOptions extends ReachArgs {
  adminToken?: unknown;
  /** Whether --output (or BCE_OUTPUT) was given; without it the readable path is printed. */
  outputChosen: boolean;
}

export async function runReach(options: ReachOptions, globals: GlobalOptions): Promise<number> {
  const deadline = commandDeadline(globals);
  let endpoint: string | undefined;
  try {
    const query = parseReachArgs(options);
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
