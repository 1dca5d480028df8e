// The results document of a bench run: latest.json (machine, settings, entries, errors) and its Markdown table.
import type { BenchEntry } from '../entry.ts';
import { round } from './stats.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  loadGenerator: string;
  date: string;
  /** 1-, 5- and 15-minute load averages when the run started and when it ended: other work skews every figure. */
  loadAverage: { start: number[]; end: number[] };
}

export interface BenchReport {
  machine: Machine;
  settings: {
    smoke: boolean;
    rounds: number;
    durationSec: number;
    store: string;
    instances: number;
    /** wrk threads per server process driven. */
    loadThreads: number;
    only: string[] | null;
  };
  entries: BenchEntry[];
  /** Modules not run, and why (only a smoke run outside CI without wrk skips any). */
  skipped: Array<{ module: string; reason: string }>;
  errors: Array<{ module: string; message: string }>;
}

/** The generator's ceiling measured in this run (bench/loadgen.bench.ts), for the header of the table. */
export function ceilingLine(entries: readonly BenchEntry[]): string | undefined {
  const staticRequest = entries.find((e) => e.name === 'loadgen.ceiling.static');
  const pool = entries.find((e) => e.name === 'loadgen.ceiling.pool');
  if (!staticRequest && !pool) return undefined;
  const parts = [
    ...(staticRequest ? [`${fmt(staticRequest.value, staticRequest.unit)} with its static request`] : []),
    ...(pool ? [`${fmt(pool.value, pool.unit)} with the request-pool script the server figures use`] : []),
  ];
  return `Load generator ceiling in this run (wrk against a bare node:http hello-world): ${parts.join(', ')}. A figure near it measures the generator and the machine, not the server.`;
}

/** The Meets cell: yes, **no**, or — for a figure reported without a target of its own (target "none…"). */
export const meetsCell = (e: Pick<BenchEntry, 'target' | 'meets'>) =>
  e.target.startsWith('none') ? '—' : e.meets ? 'yes' : '**no**';

export const fmt = (v: number | null, unit = '') =>
  v === null
    ? '—'
    : `${Number.isFinite(v) ? round(v).toLocaleString('en-US', { maximumFractionDigits: 4 }) : String(v)}${unit ? ` ${unit}` : ''}`;

export function markdown(report: BenchReport): string {
  const { machine: m, settings: s } = report;
  const lines = [
    '# Benchmark results',
    '',
    `${m.date} · ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB · Node ${m.node} · ${m.platform} · load generator: ${m.loadGenerator}`,
    '',
    `Load average (1/5/15 min) at start ${m.loadAverage.start.join(' / ')}, at end ${m.loadAverage.end.join(' / ')}: anything else running on the machine skews the figures.`,
    '',
    `Mode: ${s.smoke ? 'smoke' : 'full'}, ${s.rounds} interleaved round(s) of ${s.durationSec} s, store ${s.store}, ${s.instances} instance(s), ${s.loadThreads} wrk thread(s) per server process${s.only ? `, only ${s.only.join(', ')}` : ''}. Reproduce: \`npm run bench\`.`,
    '',
  ];
  const ceiling = ceilingLine(report.entries);
  if (ceiling) lines.push(ceiling, '');
  lines.push(
    '| Measure | Value | Baseline (same run) | Ratio | Target | Meets | Rounds | Generator |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const e of report.entries) {
    lines.push(
      `| ${e.name} | ${fmt(e.value, e.unit)} | ${fmt(e.baseline, e.unit)} | ${fmt(e.ratio)} | ${e.target} | ${meetsCell(e)} | ${e.samples.map((v) => fmt(v)).join(', ')} | ${e.generator ?? '—'} |`,
    );
  }
  const noted = report.entries.filter((e) => e.note);
  if (noted.length > 0) {
    lines.push('', '## What each figure is', '');
    for (const e of noted) lines.push(`- **${e.name}**: ${e.note}`);
  }
  if (report.skipped.length > 0) {
    lines.push('', '## Skipped modules', '');
    for (const e of report.skipped) lines.push(`- ${e.module}: ${e.reason}`);
  }
  if (report.errors.length > 0) {
    lines.push('', '## Failed modules', '');
    for (const e of report.errors) lines.push(`- ${e.module}: ${e.message.split('\n')[0]}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Two-space JSON with arrays of plain values on one line, the layout the repository's formatter keeps. */
export function toJson(value: unknown): string {
  const write = (v: unknown, indent: string): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      if (v.every((x) => x === null || typeof x !== 'object'))
        return `[${v.map((x) => write(x, inner)).join(', ')}]`;
      return `[\n${v.map((x) => `${inner}${write(x, inner)}`).join(',\n')}\n${indent}]`;
    }
    const fields = Object.entries(v).filter(([, x]) => x !== undefined);
    if (fields.length === 0) return '{}';
    return `{\n${fields.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${write(x, inner)}`).join(',\n')}\n${indent}}`;
  };
  return `${write(value, '')}\n`;
}
