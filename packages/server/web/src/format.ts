// How the console writes times, durations and changes. Every instant is shown in UTC, like the wire's.
import type { EventChange } from '../../src/engine/api.ts';

const UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** `2030-01-01 12:00:05Z`, or "—" for none. */
export function instant(iso: string | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** `3d 4h`, `12m 5s`, `800ms`: the two largest units. */
export function duration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${sign}${rest}ms`;
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    } else if (parts.length > 0) {
      break;
    }
  }
  return sign + parts.join(' ');
}

/** "in 3s", "2h ago", "now" relative to `now`. */
export function relative(iso: string | undefined, now: number): string {
  if (!iso) return '';
  const delta = Date.parse(iso) - now;
  if (Math.abs(delta) < 1000) return 'now';
  return delta > 0 ? `in ${duration(delta)}` : `${duration(-delta)} ago`;
}

export function shortId(id: string, keep = 8): string {
  return id.length <= keep + 1 ? id : `${id.slice(0, keep)}…`;
}

function value(v: EventChange['from']): string {
  if (v === null) return '∅';
  if (v === '') return '""';
  return String(v);
}

export function change(c: EventChange): string {
  const where = c.side === 'connection' ? c.field : `${c.side}.${c.field}`;
  return `${where}: ${value(c.from)} → ${value(c.to)}`;
}

/** `7d`, `36h`, `90m`, `10s`, `500ms`: what POST /_admin/clock takes as `advance`. */
export const DURATION_PATTERN = /^\d+(ms|s|m|h|d)$/;
