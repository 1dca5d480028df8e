// Tiny measuring helpers: every benchmark reports a subject against a baseline measured in the same run.
export interface Measurement {
  label: string;
  opsPerSecond: number;
}

export interface BenchResult {
  name: string;
  baseline: Measurement;
  subject: Measurement;
  /** Lower is better when the unit is time, higher when it is throughput; printed as subject/baseline. */
  note?: string;
}

/** Runs `fn` repeatedly for about `ms` milliseconds (after a warm-up) and returns its rate. */
export function measure(label: string, fn: () => void, ms = 700): Measurement {
  const warmEnd = performance.now() + ms / 4;
  while (performance.now() < warmEnd) fn();
  let count = 0;
  const start = performance.now();
  const end = start + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) fn();
    count += 100;
  }
  return { label, opsPerSecond: (count * 1000) / (performance.now() - start) };
}

export async function measureAsync(label: string, fn: () => Promise<number>): Promise<Measurement> {
  const start = performance.now();
  const count = await fn();
  return { label, opsPerSecond: (count * 1000) / (performance.now() - start) };
}

export function report(result: BenchResult): void {
  const ratio = result.subject.opsPerSecond / result.baseline.opsPerSecond;
  const fmt = (m: Measurement) => `${m.label}: ${Math.round(m.opsPerSecond).toLocaleString('en-US')}/s`;
  console.log(`${result.name}\n  baseline ${fmt(result.baseline)}\n  subject  ${fmt(result.subject)}`);
  console.log(`  ratio subject/baseline = ${ratio.toFixed(3)}${result.note ? `  (${result.note})` : ''}`);
}
