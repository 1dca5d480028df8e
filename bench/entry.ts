// The shape every benchmark module reports in, and what `npm run bench` writes to bench/results/latest.json.

export interface BenchEntry {
  /** Stable identifier, e.g. "server.get.sqlite" or "sdk.getPeerConn.sequential". */
  name: string;
  /** The measured figure (median of the rounds) in `unit`. */
  value: number;
  /** "req/s", "ms", "MB", "ops/s", … */
  unit: string;
  /** The baseline measured in the same run, in the same unit; null when the target is absolute. */
  baseline: number | null;
  /** value / baseline (null without a baseline). */
  ratio: number | null;
  /** Human-readable target, e.g. "ratio ≥ 0.5" or "p99 ≤ 5 ms". */
  target: string;
  meets: boolean;
  /** The per-round values the median was taken from. */
  samples: number[];
  /** What limits the figure when a target is not met, or anything a reader needs to interpret it. */
  note?: string;
  /**
   * What produced the figure: "wrk" (load from the wrk process, bench/lib/load.ts), "in-process" (a loop in the
   * benchmark's own process), "wall time" (a process timed from spawn), … Shown in the results table.
   */
  generator?: string;
}

export interface BenchOptions {
  /** A few seconds in total: used by `npm test` to check that every benchmark still produces a number. */
  smoke: boolean;
  /** Interleaved rounds per measure (≥ 3 outside smoke mode). */
  rounds: number;
  /** Seconds of load per round. */
  durationSec: number;
  log: (line: string) => void;
}

/** What each bench/*.bench.ts module exports. */
export type BenchModule = (options: BenchOptions) => Promise<BenchEntry[]>;
