// Turning per-round samples into BenchEntry figures: medians, ratios against the same run's baseline, and
// interleaved rounds so that drift (thermal, page cache, other tenants) hits baseline and subject alike.
import type { BenchEntry } from '../entry.ts';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds to a precision that keeps the table readable without hiding differences that matter. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 4;
  return Number(value.toFixed(digits));
}

/** Runs `steps` in order on even rounds and in reverse on odd ones, so neither side always goes first. */
export async function alternate(round: number, steps: ReadonlyArray<() => Promise<unknown>>): Promise<void> {
  const order = round % 2 === 0 ? steps : [...steps].reverse();
  for (const step of order) await step();
}

/**
 * Runs each variant once per round, alternating which goes first, and collects one sample per variant per
 * round. `variants` maps a name to a function returning that round's figure.
 */
export async function interleave<K extends string>(
  rounds: number,
  variants: Record<K, (round: number) => Promise<number>>,
): Promise<Record<K, number[]>> {
  const names = Object.keys(variants) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? names : [...names].reverse();
    for (const name of order) samples[name].push(await variants[name](r));
  }
  return samples;
}

export type RatioTarget =
  | { kind: 'ratio-at-least' | 'ratio-at-most'; bound: number }
  /** A figure reported without a target of its own; `why` says where it is judged instead. */
  | { kind: 'report-only'; why: string };

/** The target text of a figure reported without one: its `meets` is always true. */
export const reportOnly = (why: string) => `none: ${why}`;

function judge(ratio: number, target: RatioTarget): { target: string; meets: boolean } {
  switch (target.kind) {
    case 'ratio-at-least':
      return { target: `ratio ≥ ${target.bound}`, meets: ratio >= target.bound };
    case 'ratio-at-most':
      return { target: `ratio ≤ ${target.bound}`, meets: ratio <= target.bound };
    case 'report-only':
      return { target: reportOnly(target.why), meets: true };
  }
}

export interface AbsoluteTarget {
  kind: 'at-most';
  bound: number;
}

/**
 * Subject ÷ baseline round by round. `ratio` is the ratio of the medians (bench/entry.ts); these show how much
 * of a spread between rounds was drift that hit both sides alike.
 */
function perRound(subject: readonly number[], baseline: readonly number[] | null): string {
  if (!baseline || baseline.length !== subject.length || subject.length < 2) return '';
  return ` Per-round ratios: ${subject.map((v, i) => round(v / baseline[i]!)).join(', ')}.`;
}

function withNote(note: string | undefined, extra: string): { note?: string } {
  const text = `${note ?? ''}${extra}`.trim();
  return text ? { note: text } : {};
}

/** An entry whose target is a ratio to the baseline measured in the same rounds. */
export function ratioEntry(
  name: string,
  unit: string,
  subject: readonly number[],
  baseline: readonly number[],
  target: RatioTarget,
  note?: string,
  generator?: string,
): BenchEntry {
  const value = median(subject);
  const base = median(baseline);
  const ratio = value / base;
  return {
    name,
    value: round(value),
    unit,
    baseline: round(base),
    ratio: round(ratio),
    ...judge(ratio, target),
    samples: subject.map(round),
    ...withNote(note, perRound(subject, baseline)),
    ...(generator === undefined ? {} : { generator }),
  };
}

/**
 * An entry with an absolute bound (`value ≤ bound`). The baseline measured beside it is still reported with
 * its ratio, so a reader can tell the machine's floor from the subject's own cost.
 */
export function boundedEntry(
  name: string,
  unit: string,
  subject: readonly number[],
  baseline: readonly number[] | null,
  bound: number,
  targetText: string,
  note?: string,
  generator?: string,
): BenchEntry {
  const value = median(subject);
  const base = baseline ? median(baseline) : null;
  return {
    name,
    value: round(value),
    unit,
    baseline: base === null ? null : round(base),
    ratio: base === null ? null : round(value / base),
    target: targetText,
    meets: value <= bound,
    samples: subject.map(round),
    ...withNote(note, perRound(subject, baseline)),
    ...(generator === undefined ? {} : { generator }),
  };
}
