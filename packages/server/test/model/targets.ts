// Where a history runs: the server in this process (restart = close and reopen on the same store), or as child
// processes (restart = kill -9 and start again), one or two of them on one store.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '../../src/server.ts';
import { type Started, startProcess } from '../process-support.ts';
import { dropPlace, newStorePlace, type StorePlace } from '../store-choice.ts';
import { accountsFileJson } from './accounts.ts';
import type { ModelConfig, TimingTable } from './model.ts';
import type { Target } from './runner.ts';

export interface TargetOptions {
  model: ModelConfig;
  timing: TimingTable;
}

function prepare(): { dir: string; place: StorePlace; accountsFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-model-'));
  const accountsFile = join(dir, 'accounts.json');
  writeFileSync(accountsFile, accountsFileJson());
  return { dir, place: newStorePlace(join(dir, 'peerconn.db')), accountsFile };
}

export class InProcessTarget implements Target {
  readonly label = 'in-process';
  private server: RunningServer | undefined;

  private constructor(
    private readonly dir: string,
    private readonly place: StorePlace,
    private readonly accountsFile: string,
    private readonly options: TargetOptions,
  ) {}

  static async start(options: TargetOptions): Promise<InProcessTarget> {
    const { dir, place, accountsFile } = prepare();
    const target = new InProcessTarget(dir, place, accountsFile, options);
    await target.open(true);
    return target;
  }

  private async open(first: boolean): Promise<void> {
    this.server = await startServer({
      port: 0,
      dataPath: this.place.dataPath,
      ...(this.place.store ? { store: this.place.store } : {}),
      ...(this.place.schema ? { storeSchema: this.place.schema } : {}),
      logLevel: 'silent',
      accountsFile: this.accountsFile,
      quotaPerVpc: this.options.model.quotaPerVpc,
      quotaPerAccount: this.options.model.quotaPerAccount,
      keepDeleted: this.options.model.keepDeleted,
      // Only the first start sets the timing: later ones keep what the database holds, as a restart does.
      ...(first ? { timing: this.options.timing } : {}),
    });
  }

  ports(): number[] {
    return [(this.server as RunningServer).listeners[0]?.port as number];
  }

  async restart(): Promise<void> {
    await this.server?.close();
    await this.open(false);
  }

  async close(): Promise<void> {
    await this.server?.close();
    await dropPlace(this.place);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function timingFlag(timing: TimingTable): string {
  return Object.entries(timing)
    .map(([name, rule]) => `${name}=${rule.mode === 'delay' ? rule.delayMs : rule.mode}`)
    .join(',');
}

/** The server as `count` processes on one store (several need PostgreSQL); restart kills -9 and starts again. */
export class ProcessTarget implements Target {
  readonly label: string;
  private running: Started[] = [];
  private restarts = 0;

  private constructor(
    private readonly dir: string,
    private readonly place: StorePlace,
    private readonly args: string[],
    count: number,
  ) {
    this.label = count === 1 ? 'process' : `${count} processes`;
  }

  static async start(options: TargetOptions, count = 1): Promise<ProcessTarget> {
    const { dir, place, accountsFile } = prepare();
    const args = [
      '--port',
      '0',
      '--log-level',
      'silent',
      '--accounts',
      accountsFile,
      '--quota-per-vpc',
      String(options.model.quotaPerVpc),
      '--quota-per-account',
      String(options.model.quotaPerAccount),
      ...(options.model.keepDeleted ? ['--keep-deleted'] : []),
      ...(place.store
        ? ['--store', place.store, '--store-schema', place.schema as string]
        : ['--data', place.dataPath]),
    ];
    const target = new ProcessTarget(dir, place, args, count);
    // The first process sets the timing; the others start after it and keep what the database holds.
    target.running.push(await startProcess([...args, '--timing', timingFlag(options.timing)]));
    for (let i = 1; i < count; i++) target.running.push(await startProcess(args));
    return target;
  }

  ports(): number[] {
    return this.running.map((s) => s.banner.listeners[0]?.port as number);
  }

  /** Kills one process with SIGKILL (in turn, with several) and starts it again. */
  async restart(): Promise<void> {
    const i = this.restarts % this.running.length;
    this.restarts += 1;
    const victim = this.running[i] as Started;
    victim.child.kill('SIGKILL');
    await victim.exited;
    this.running[i] = await startProcess(this.args);
  }

  async close(): Promise<void> {
    for (const s of this.running) s.child.kill('SIGKILL');
    await Promise.all(this.running.map((s) => s.exited));
    await dropPlace(this.place);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
