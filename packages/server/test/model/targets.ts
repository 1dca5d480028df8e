// Where a history runs: the server in this process (restart = close and reopen on the same store), or as child
// processes (restart = kill -9 and start again), one or two of them on one store.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningServer } from '../../src/server.ts';
import { startServerOn } from '../http-support.ts';
import { type Started, startProcess } from '../process-support.ts';
import { dropPlace, newStorePlace, type StorePlace, storeFlags } from '../store-choice.ts';
import { accountsFileJson } from './accounts.ts';
import type { ModelConfig, TimingTable } from './model.ts';
import type { Target } from './runner.ts';

export interface TargetOptions {
  model: ModelConfig;
  timing: TimingTable;
}

/** A fresh place, with the model's accounts in a file next to its data. */
function prepare(): { place: StorePlace; accountsFile: string } {
  const place = newStorePlace();
  const accountsFile = join(place.dir as string, 'accounts.json');
  writeFileSync(accountsFile, accountsFileJson());
  return { place, accountsFile };
}

export class InProcessTarget implements Target {
  readonly label = 'in-process';
  private server: RunningServer | undefined;

  private constructor(
    private readonly place: StorePlace,
    private readonly accountsFile: string,
    private readonly options: TargetOptions,
  ) {}

  static async start(options: TargetOptions): Promise<InProcessTarget> {
    const { place, accountsFile } = prepare();
    const target = new InProcessTarget(place, accountsFile, options);
    await target.open(true);
    return target;
  }

  private async open(first: boolean): Promise<void> {
    this.server = await startServerOn(this.place, {
      accountsFile: this.accountsFile,
      quotaPerVpc: this.options.model.quotaPerVpc,
      quotaPerAccount: this.options.model.quotaPerAccount,
      keepDeleted: this.options.model.keepDeleted,
      ...networkQuotas(this.options.model),
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
  }
}

/** The network quotas a history sets (the server's defaults where it sets none), as options and as flags. */
const NETWORK_QUOTAS = [
  ['quotaSubnetsPerVpc', '--quota-subnets-per-vpc'],
  ['quotaAclRulesPerDirection', '--quota-acl-rules'],
  ['quotaSecurityGroupRulesPerDirection', '--quota-sg-rules'],
  ['quotaEnisPerVpc', '--quota-enis-per-vpc'],
  ['quotaIpsPerEni', '--quota-ips-per-eni'],
  ['quotaEnisPerInstance', '--quota-enis-per-instance'],
] as const;

function networkQuotas(model: ModelConfig): Partial<Record<(typeof NETWORK_QUOTAS)[number][0], number>> {
  const options: Partial<Record<(typeof NETWORK_QUOTAS)[number][0], number>> = {};
  for (const [key] of NETWORK_QUOTAS) {
    const value = model[key];
    if (value !== undefined) options[key] = value;
  }
  return options;
}

function networkQuotaFlags(model: ModelConfig): string[] {
  return NETWORK_QUOTAS.flatMap(([key, flag]) =>
    model[key] === undefined ? [] : [flag, String(model[key])],
  );
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
    private readonly place: StorePlace,
    private readonly args: string[],
    count: number,
  ) {
    this.label = count === 1 ? 'process' : `${count} processes`;
  }

  static async start(options: TargetOptions, count = 1): Promise<ProcessTarget> {
    const { place, accountsFile } = prepare();
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
      ...networkQuotaFlags(options.model),
      ...storeFlags(place),
    ];
    const target = new ProcessTarget(place, args, count);
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
  }
}
