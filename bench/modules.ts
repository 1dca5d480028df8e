// Every benchmark module `npm run bench` runs, in order. Each file exports `run: BenchModule` (bench/entry.ts);
// `key` is the first segment of the entry names it reports, which `--only` uses to skip whole modules.
export const BENCH_MODULES: ReadonlyArray<{ key: string; file: string }> = [
  { key: 'signer', file: './signer.bench.ts' },
  { key: 'sdk', file: './sdk.bench.ts' },
  { key: 'loadgen', file: './loadgen.bench.ts' },
  { key: 'server', file: './server.bench.ts' },
  { key: 'cli', file: './cli-startup.bench.ts' },
  { key: 'packaged', file: './packaged.bench.ts' },
  { key: 'floor', file: './floor.bench.ts' },
];
