// The server's log: pino JSON lines for machines, or one readable line per entry when a person watches the
// terminal. The readable form is a small formatter over pino's own output rather than a dependency: it costs
// nothing at start-up, and JSON stays the single source of what is logged.
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogFormat, LogLevel } from './config.ts';
import type { PeerConnChange } from './domain/events.ts';

export interface ServerLog {
  logger: Logger;
  /** Writes out whatever is buffered (before exit). */
  flush(): void;
}

export interface LogOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where lines go instead of stderr (tests). */
  stream?: { write(line: string): void };
  /** Whether stderr is a terminal (decides `auto`); defaults to process.stderr.isTTY. */
  isTerminal?: boolean;
  /** Colour for the readable form; defaults to a terminal without NO_COLOR. */
  color?: boolean;
}

export function createServerLog(options: LogOptions): ServerLog {
  const isTerminal = options.isTerminal ?? process.stderr.isTTY === true;
  const pretty = options.format === 'pretty' || (options.format === 'auto' && isTerminal);
  const base = { level: options.level, base: { service: 'peerconn-server' } };
  if (!pretty && !options.stream) {
    // Asynchronous: a request's log line costs a buffer append, not a write(2).
    const destination = pino.destination({ fd: 2, sync: false });
    return { logger: pino(base, destination), flush: () => destination.flushSync() };
  }
  const color = options.color ?? (isTerminal && !process.env.NO_COLOR);
  const sink = options.stream ?? { write: (line: string) => process.stderr.write(line) };
  const stream: DestinationStream = pretty
    ? { write: (line: string) => sink.write(formatLine(line, color)) }
    : { write: (line: string) => sink.write(line) };
  return { logger: pino(base, stream), flush: () => {} };
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
