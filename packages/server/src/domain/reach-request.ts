// The reachability check's question: its two ends in the forms the admin API takes them, the addresses, and the
// packet's protocol and ports, checked before anything is looked up (docs/server.md, "Reachability").
import {
  DEFAULT_SOURCE_PORT,
  REACH_PROTOCOLS,
  type ReachProtocol,
  type ReachRequest,
} from '@peerconn/sdk/internal';
import { ServiceError } from '../errors.ts';
import { parseIp } from './cidr.ts';

/** The protocol and ports of the packet asked about; null ports for icmp and all. */
export interface Flow {
  protocol: ReachProtocol;
  port: number | null;
  /** The client's port, where the answer goes back to. */
  clientPort: number | null;
}

/**
 * The check's question, with network interfaces already resolved to their VPC and address by the engine. A
 * destination VPC, when given, is where the packet must arrive.
 */
export interface ReachQuery {
  from: { vpcId: string; ip: string };
  to: { ip: string; vpcId?: string };
  protocol?: ReachProtocol;
  port?: number;
  sourcePort?: number;
}

function ipOf(field: string, text: unknown): number {
  const address = typeof text === 'string' ? parseIp(text) : undefined;
  if (address === undefined) {
    throw new ServiceError(
      'InappropriateJSON',
      `Field "${field}" must be an IPv4 address such as 10.1.1.5, not ${JSON.stringify(text)}.`,
    );
  }
  return address;
}

/** The query's addresses, checked before anything is looked up. */
export function reachAddresses(query: ReachQuery): { from: number; to: number } {
  return { from: ipOf('from.ip', query.from.ip), to: ipOf('to.ip', query.to.ip) };
}

/** The ends as the admin API's body names them, before their form is checked. */
export interface ReachEndFields {
  eniId?: string | undefined;
  vpcId?: string | undefined;
  ip?: string | undefined;
}

function inappropriate(message: string): ServiceError {
  return new ServiceError('InappropriateJSON', message);
}

/**
 * The request's ends in one of their forms: `from` is `{eniId}` or `{vpcId, ip}`; `to` is `{eniId}`, `{ip}` or
 * `{vpcId, ip}`.
 */
export function reachRequest(body: {
  from: ReachEndFields;
  to: ReachEndFields;
  protocol?: ReachProtocol | undefined;
  port?: number | undefined;
  sourcePort?: number | undefined;
}): ReachRequest {
  const { from, to } = body;
  let source: ReachRequest['from'];
  if (from.eniId !== undefined) {
    if (from.vpcId !== undefined || from.ip !== undefined) {
      throw inappropriate(
        'Field "from" names a network interface ({eniId}) or an address ({vpcId, ip}), not both.',
      );
    }
    source = { eniId: from.eniId };
  } else if (from.vpcId !== undefined && from.ip !== undefined) {
    source = { vpcId: from.vpcId, ip: from.ip };
  } else {
    throw inappropriate(
      'Field "from" must be {"eniId": "eni-…"} or {"vpcId": "vpc-…", "ip": "10.1.1.5"}: where the packet starts.',
    );
  }
  let target: ReachRequest['to'];
  if (to.eniId !== undefined) {
    if (to.vpcId !== undefined || to.ip !== undefined) {
      throw inappropriate(
        'Field "to" names a network interface ({eniId}) or an address ({ip}, or {vpcId, ip}), not both.',
      );
    }
    target = { eniId: to.eniId };
  } else if (to.ip !== undefined) {
    target = to.vpcId === undefined ? { ip: to.ip } : { ip: to.ip, vpcId: to.vpcId };
  } else {
    throw inappropriate(
      'Field "to" must be {"eniId": "eni-…"} or {"ip": "10.2.1.7"} (with "vpcId" to name its VPC).',
    );
  }
  return {
    from: source,
    to: target,
    ...(body.protocol !== undefined ? { protocol: body.protocol } : {}),
    ...(body.port !== undefined ? { port: body.port } : {}),
    ...(body.sourcePort !== undefined ? { sourcePort: body.sourcePort } : {}),
  };
}

/** A request's values, checked before anything is looked up: the addresses it gives, its protocol and ports. */
export function checkReachValues(request: ReachRequest): void {
  if ('ip' in request.from) ipOf('from.ip', request.from.ip);
  if ('ip' in request.to) ipOf('to.ip', request.to.ip);
  reachFlow(request);
}

function portOf(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ServiceError(
      'InappropriateJSON',
      `Field "${field}" must be a port from 1 to 65535, not ${value}.`,
    );
  }
  return value;
}

/**
 * The packet's protocol and ports: `all` when no protocol is given; tcp and udp need the destination port, and
 * take the client's port (DEFAULT_SOURCE_PORT when left out); icmp and all have no ports.
 */
export function reachFlow(query: Pick<ReachQuery, 'protocol' | 'port' | 'sourcePort'>): Flow {
  const protocol = query.protocol ?? 'all';
  if (!(REACH_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new ServiceError(
      'InappropriateJSON',
      `Field "protocol" must be one of ${REACH_PROTOCOLS.join(', ')}, not ${JSON.stringify(protocol)}.`,
    );
  }
  if (protocol === 'tcp' || protocol === 'udp') {
    if (query.port === undefined) {
      throw new ServiceError(
        'InappropriateJSON',
        `Field "port" is required for ${protocol}: the destination port, such as 3306.`,
      );
    }
    return {
      protocol,
      port: portOf('port', query.port),
      clientPort: portOf('sourcePort', query.sourcePort ?? DEFAULT_SOURCE_PORT),
    };
  }
  for (const field of ['port', 'sourcePort'] as const) {
    if (query[field] !== undefined) {
      throw new ServiceError(
        'InappropriateJSON',
        `Field "${field}" applies to tcp and udp only; leave it out for ${protocol}.`,
      );
    }
  }
  return { protocol, port: null, clientPort: null };
}
