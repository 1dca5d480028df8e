// Figures derived from others of the same `npm run bench`: PostgreSQL against SQLite, and two PostgreSQL servers
// against one, each the ratio of the two passes' medians. See docs/benchmarks.md.
import type { BenchEntry } from '../entry.ts';
import { type RatioTarget, ratioEntry, round } from './stats.ts';

interface Comparison {
  /** The entry stem both figures share, e.g. "server.get". */
  stem: string;
  /** Store suffix of the subject and of the figure it is divided by. */
  subject: string;
  baseline: string;
  target: RatioTarget;
}

const AGAINST_SQLITE: readonly Comparison[] = [
  { stem: 'server.get', bound: 0.5 },
  { stem: 'server.list', bound: 0.5 },
  { stem: 'server.create.vpc', bound: null },
  { stem: 'server.create.peerconn', bound: 0.5 },
].map(({ stem, bound }) => ({
  stem,
  subject: 'postgres',
  baseline: 'sqlite',
  target:
    bound === null
      ? {
          kind: 'report-only' as const,
          why: 'the targets against SQLite are for GET, LIST and createPeerConn',
        }
      : { kind: 'ratio-at-least' as const, bound },
}));

const TWO_AGAINST_ONE: readonly Comparison[] = [
  { stem: 'server.get', bound: 1.7 },
  { stem: 'server.list', bound: 1.7 },
  { stem: 'server.create.vpc', bound: 1.3 },
  { stem: 'server.create.peerconn', bound: 1.3 },
].map(({ stem, bound }) => ({
  stem,
  subject: 'postgres-x2',
  baseline: 'postgres',
  target: { kind: 'ratio-at-least' as const, bound },
}));

/** What the derived entries compare, with the targets of docs/benchmarks.md. */
export const COMPARISONS: readonly Comparison[] = [...AGAINST_SQLITE, ...TWO_AGAINST_ONE];

export const derivedName = (c: Pick<Comparison, 'stem' | 'subject' | 'baseline'>) =>
  `${c.stem}.${c.subject}÷${c.baseline}`;

/** The generator of a derived entry: that of the figures it divides. */
export const derivedGenerator = (generator: string | undefined) => `${generator ?? 'unrecorded'}, derived`;

function derive(entries: readonly BenchEntry[], c: Comparison): BenchEntry | undefined {
  const subject = entries.find((e) => e.name === `${c.stem}.${c.subject}`);
  const base = entries.find((e) => e.name === `${c.stem}.${c.baseline}`);
  if (!subject || !base || subject.unit !== base.unit) return undefined;
  const what =
    c.subject === 'postgres'
      ? 'PostgreSQL, one server, against SQLite'
      : 'two PostgreSQL servers against one';
  // Each pass measured its own bare baselines: their ratio tells how much of the difference was the machine.
  const baselines =
    subject.baseline !== null && base.baseline !== null
      ? c.subject === 'postgres'
        ? ` The passes' own hello-world baselines went ×${round(subject.baseline / base.baseline)} from the one to the other; each figure's ratio to its own baseline gives ×${round((subject.value / subject.baseline) * (base.baseline / base.value))}.`
        : ` The bare baselines went ×${round(subject.baseline / base.baseline)} from one process to two: what this machine lets a second process add.`
      : '';
  // The passes ran one after the other, not in interleaved rounds: no per-round ratios.
  const entry = ratioEntry(
    derivedName(c),
    subject.unit,
    [subject.value],
    [base.value],
    c.target,
    `${what}: ${subject.name} ÷ ${base.name}, medians of the same run (the passes run one after the other).${baselines}`,
    derivedGenerator(subject.generator),
  );
  return { ...entry, samples: subject.samples };
}

/** The derived entries whose two figures are both in `entries`. */
export function derivedEntries(entries: readonly BenchEntry[]): BenchEntry[] {
  return COMPARISONS.flatMap((c) => derive(entries, c) ?? []);
}
