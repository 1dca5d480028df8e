// The server's log: pino JSON lines for machines, or one readable line per entry when a person watches the
// terminal. The readable form is a small formatter over pino's own output rather than a dependency: it costs
// nothing at start-up, and JSON stays the single source of what is logged. Lines reach stderr through LogSink,
// which never lets a failing or slow destination block, crash or wedge the server (log-sink.ts).
import { isatty } from 'node:tty';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogFormat, LogLevel } from './config.ts';
import type { PeerConnChange } from './domain/events.ts';
import { type DropReport, LogSink } from './log-sink.ts';
import type { StoreHealthEvent } from './store/availability.ts';

export interface ServerLog {
  logger: Logger;
  /** Writes out what is still queued, giving up after a short deadline (before exit). */
  flush(): Promise<void>;
}

export interface LogOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where lines go instead of stderr (tests). */
  stream?: { write(line: string): void };
  /** Whether stderr is a terminal (decides `auto`); defaults to whether file descriptor 2 is one. */
  isTerminal?: boolean;
  /** Colour for the readable form; defaults to a terminal without NO_COLOR. */
  color?: boolean;
  /** Bytes of log lines held while stderr does not take them; more are dropped and counted. Default 1 MiB. */
  maxQueuedBytes?: number;
}

/** How long a shutdown waits for the last log lines to be written. */
const FLUSH_DEADLINE_MS = 2000;

export function createServerLog(options: LogOptions): ServerLog {
  // isatty(2), not process.stderr.isTTY: the latter creates node's stderr stream, which for a pipe switches the
  // descriptor to non-blocking mode behind the log's back.
  const isTerminal = options.isTerminal ?? isatty(2);
  const pretty = options.format === 'pretty' || (options.format === 'auto' && isTerminal);
  const base = { level: options.level, base: { service: 'peerconn-server' } };
  const color = options.color ?? (isTerminal && !process.env.NO_COLOR);
  const render = pretty ? (line: string) => formatLine(line, color) : (line: string) => line;
  if (options.stream) {
    const sink = options.stream;
    const stream: DestinationStream = { write: (line: string) => sink.write(render(line)) };
    return { logger: pino(base, stream), flush: async () => {} };
  }
  let logger: Logger | undefined;
  const sink = new LogSink({
    fd: 2,
    ...(options.maxQueuedBytes !== undefined ? { maxQueuedBytes: options.maxQueuedBytes } : {}),
    onDropped: (report) => logger?.warn({ kind: 'log', ...dropFields(report) }, describeDrops(report)),
  });
  logger = pino(base, { write: (line: string) => sink.write(render(line)) });
  return { logger, flush: () => sink.drain(FLUSH_DEADLINE_MS) };
}

function dropFields(report: DropReport): Record<string, unknown> {
  return {
    droppedLines: report.lines,
    droppedBytes: report.bytes,
    since: new Date(report.since).toISOString(),
    ...(report.error ? { error: report.error } : {}),
  };
}

/** The line written once the log's destination takes lines again: what was lost, since when, and why. */
export function describeDrops(report: DropReport): string {
  const why = report.error
    ? `the log destination failed (${report.error})`
    : 'the log destination did not keep up';
  if (report.lines === 0)
    return `${why} from ${new Date(report.since).toISOString()}; it works again and no line was lost`;
  return `${report.lines} log line${report.lines === 1 ? ' was' : 's were'} dropped since ${new Date(report.since).toISOString()}: ${why}; it works again`;
}

/**
 * One line when the state store goes away and one when it is back, instead of an error per refused request.
 * docs/server.md, "When things fail".
 */
export function logStoreHealth(logger: Logger, storeName: string, event: StoreHealthEvent): void {
  if (event.type === 'down') {
    logger.error(
      { kind: 'store', reason: event.reason, cause: event.cause },
      `state store unavailable: ${outageWords(event.reason, storeName)} (${event.cause}); requests that need it are answered 503 ServiceUnavailable until it is back`,
    );
    return;
  }
  const seconds = Math.round(event.downMs / 100) / 10;
  logger.info(
    { kind: 'store', reason: event.reason, downMs: event.downMs, refused: event.refused },
    `state store back after ${seconds} s (${event.reason}); ${event.refused} request${event.refused === 1 ? ' was' : 's were'} refused meanwhile`,
  );
}

function outageWords(reason: StoreHealthEvent['reason'], storeName: string): string {
  switch (reason) {
    case 'unreachable':
      return `${storeName} is unreachable`;
    case 'full':
      return `the disk under ${storeName} is full`;
    case 'io':
      return `${storeName} cannot write to its storage`;
  }
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const LEVEL_COLORS: Record<number, string> = {
  10: '90',
  20: '36',
  30: '32',
  40: '33',
  50: '31',
  60: '35',
};
/** Fields the readable form shows in its own place, or not at all. */
const SHOWN_APART = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'err']);

function clock(time: unknown): string {
  const date = new Date(typeof time === 'number' ? time : Date.now());
  return date.toISOString().slice(11, 23);
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** `12:00:01.123 INFO  GET /v1/peerconn 200 listPeerConns 1.2ms account=…`, multi-line values indented below. */
export function formatLine(line: string, color = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = typeof entry.level === 'number' ? entry.level : 30;
  let name = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
  if (color) name = `\u001b[${LEVEL_COLORS[level] ?? '0'}m${name}\u001b[0m`;
  const fields = { ...entry };
  let head = String(entry.msg ?? '');
  if (entry.msg === 'request') {
    head = [entry.method, entry.path, entry.status, entry.operation, `${entry.durationMs}ms`]
      .filter((part) => part !== undefined)
      .join(' ');
    for (const key of ['method', 'path', 'status', 'operation', 'durationMs']) delete fields[key];
  }
  const inline: string[] = [];
  const blocks: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (SHOWN_APART.has(key) || value === undefined) continue;
    if (typeof value === 'string' && value.includes('\n')) {
      blocks.push(`  ${key}:\n${value.replace(/^/gm, '    | ')}`);
    } else {
      inline.push(`${key}=${scalar(value)}`);
    }
  }
  const err = entry.err as { stack?: unknown; message?: unknown } | undefined;
  if (err) blocks.push(String(err.stack ?? err.message ?? JSON.stringify(err)).replace(/^/gm, '    '));
  const text = [`${clock(entry.time)} ${name} ${head}`, ...inline].join(' ');
  return `${[text, ...blocks].join('\n')}\n`;
}

/** One readable summary of a committed change: `initiator status creating → consulting, …`. */
export function describeChange(change: PeerConnChange): string {
  const parts = change.changes.map(
    (c) =>
      `${c.side === 'connection' ? '' : `${c.side} `}${c.field} ${c.from ?? '(none)'} → ${c.to ?? '(gone)'}`,
  );
  const cause =
    change.cause.type === 'request'
      ? change.cause.operation
      : `${change.cause.transition} transition (${change.cause.trigger})`;
  return `${change.peerConnId}: ${parts.join(', ')} [${cause}]`;
}
