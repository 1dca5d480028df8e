// Settings the runner passes to its own benchmark modules on top of the shared BenchOptions contract.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions } from '../entry.ts';

export interface HarnessSettings {
  /** Passed to the server as `--store`. */
  store: string;
  /** Server processes sharing that store; load is spread over all of them. */
  instances: number;
  /** Only entries whose name starts with one of these prefixes are wanted (all when undefined). */
  only: string[] | undefined;
  /** wrk threads per server process driven (bench/lib/load.ts). */
  loadThreads: number;
}

export type HarnessOptions = BenchOptions & Partial<HarnessSettings>;

export function settingsOf(options: BenchOptions): HarnessSettings {
  const store = 'store' in options && typeof options.store === 'string' ? options.store : 'sqlite';
  const instances = 'instances' in options && typeof options.instances === 'number' ? options.instances : 1;
  const only =
    'only' in options && Array.isArray(options.only) && options.only.every((p) => typeof p === 'string')
      ? (options.only as string[])
      : undefined;
  const loadThreads =
    'loadThreads' in options && typeof options.loadThreads === 'number' ? options.loadThreads : 1;
  return { store, instances, only, loadThreads };
}

/** Whether any entry named `stem…` can match an `--only` prefix. */
export function wants(settings: Pick<HarnessSettings, 'only'>, stem: string): boolean {
  const { only } = settings;
  return only === undefined || only.some((p) => stem.startsWith(p) || p.startsWith(stem));
}

/** Whether the entry itself is wanted. */
export function selected(settings: Pick<HarnessSettings, 'only'>, name: string): boolean {
  return settings.only === undefined || settings.only.some((p) => name.startsWith(p));
}

export function isPostgres(store: string): boolean {
  return /^postgres(ql)?:\/\//i.test(store);
}

/** Entry-name suffix naming the kind of store (and the instance count when it is not 1). */
export function storeSuffix(settings: HarnessSettings): string {
  const kind = isPostgres(settings.store) ? 'postgres' : settings.store;
  return settings.instances === 1 ? kind : `${kind}-x${settings.instances}`;
}

const workDirs = new Set<string>();

/** A scratch directory removed when `body` settles, whatever the outcome. */
export async function withWorkDir<T>(prefix: string, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `peerconn-bench-${prefix}-`));
  workDirs.add(dir);
  try {
    return await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    workDirs.delete(dir);
  }
}

/** For an interrupted run: removes the scratch directories still in use (synchronous). */
export function removeWorkDirs(): void {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
  workDirs.clear();
}
