// The engine: runs each operation against the injected store (reads on committed data, writes in one
// transaction each), owns the virtual clock and the timing table, and applies timed transitions through the
// scheduler. Everything it caches (clock, timing, credentials, fault rules, the next due instant) is refreshed
// from the store's signals, so several engines on one PostgreSQL database behave as one service.
import type { OperationName } from '@peerconn/sdk/operations';
import { OPERATIONS } from '@peerconn/sdk/operations';
import type { PeerConnChange, PeerConnEvent } from '../domain/events.ts';
import type { FaultRule, FaultRuleInput } from '../domain/faults.ts';
import {
  checkReachability,
  checkReachValues,
  type ReachReport,
  type ReachRequest,
} from '../domain/reachability.ts';
import { DAY_MS } from '../domain/time.ts';
import { readTimingTable, type TimingTable, TRANSITION_NAMES } from '../domain/timing.ts';
import type { Account, AccountCredential } from '../domain/types.ts';
import { isAccountId } from '../domain/values.ts';
import { ServiceError } from '../errors.ts';
import type { Store, StoreSignal, StoreTx, WriteOptions } from '../store/api.ts';
import { type StoreHealth, StoreUnavailableError } from '../store/availability.ts';
import type {
  Caller,
  ClockChange,
  ClockState,
  Engine,
  EngineChange,
  EngineConfig,
  Idempotency,
  Overview,
  PendingTransition,
  RequestFields,
  ResetOptions,
  Snapshot,
} from './api.ts';
import { type ClockData, parseClockData, VirtualClock } from './clock.ts';
import { CredentialCache } from './credentials.ts';
import { FaultRules } from './faults.ts';
import { newAccessKeyId, newAccountId, newSecretAccessKey } from './ids.ts';
import { lockKeysOf, runRead, runWrite } from './operations.ts';
import { applyQueued } from './outcomes.ts';
import { gatherWorld, resolveReachQuery } from './reachability.ts';
import { type CatchUpTrigger, Scheduler } from './scheduler.ts';
import { fromSnapshot, toSnapshot } from './snapshot.ts';

export type { Engine, EngineConfig } from './api.ts';

const TOKEN_LIFETIME_MS = DAY_MS;
const CLOCK_KEY = 'clock';
const TIMING_KEY = 'timing';
/** The scheduler's lock across server processes: one catch-up pass at a time applies due transitions. */
const SCHEDULER_LOCK = 'scheduler';
/** Account creation across server processes: one at a time, so "create unless present" cannot race. */
const ACCOUNTS_LOCK = 'accounts';
/** Guards against a transition that keeps rescheduling itself at the same instant. */
const MAX_TRANSITIONS_PER_PASS = 100_000;
/** The timeline keeps this many of the newest events. */
const EVENTS_KEPT = 100_000;
/** Old tokens and events are pruned on one write in this many, not on every one. */
const HOUSEKEEPING_EVERY = 256;

export interface EngineOptions {
  /** Real time in ms; tests pin it. */
  now?: () => number;
  /** Randomness for fault rules with a ratio; tests pin it. */
  faultRandom?: () => number;
  /** Failures of background work (a timer's catch-up, a reload after another process's change). */
  onBackgroundError?: (error: unknown, what: string) => void;
  /**
   * Changes of peering connections this engine committed (requests and the transitions it applied), as the
   * timeline records them. Another process's changes are reported by that process.
   */
  onChanges?: (changes: PeerConnChange[]) => void;
}

class PeerConnEngine implements Engine {
  private closed = false;
  private readonly scheduler: Scheduler;
  private readonly credentials: CredentialCache;
  private readonly faults: FaultRules;
  private readonly eventListeners = new Set<() => void>();
  private readonly changeListeners = new Set<(change: EngineChange) => void>();
  private readonly unsubscribe: () => void;
  private writes = 0;
  private settingsReloads = 0;

  constructor(
    private readonly store: Store,
    private readonly config: EngineConfig,
    private readonly clockSource: VirtualClock,
    private timingTable: TimingTable,
    private readonly options: EngineOptions,
  ) {
    this.scheduler = new Scheduler(
      clockSource,
      (upTo, trigger) => this.catchUpPass(upTo, trigger),
      (error) => this.backgroundError(error, 'scheduled transitions'),
    );
    this.credentials = new CredentialCache(store);
    this.faults = new FaultRules(store, options.faultRandom);
    this.unsubscribe = store.subscribe((signal) => this.onSignal(signal));
  }

  async start(): Promise<void> {
    await this.faults.reload();
    await this.scheduler.catchUp('request');
  }

  private backgroundError(error: unknown, what: string): void {
    // An outage of the store is reported once by the store's health (its start and its end), not per retry.
    if (error instanceof StoreUnavailableError) return;
    this.options.onBackgroundError?.(error, what);
  }

  /** Runs `work` unawaited; when it succeeds and `change` is given, tells the change listeners. */
  private background(work: Promise<unknown>, what: string, change?: EngineChange): void {
    work.then(
      () => {
        if (change) this.changed(change);
      },
      (error: unknown) => this.backgroundError(error, what),
    );
  }

  private onSignal(signal: StoreSignal): void {
    switch (signal.type) {
      case 'due':
        this.scheduler.noteDue(signal.at);
        return;
      case 'settings':
        this.background(
          this.reloadSettings().then((applied) => {
            // A reload overtaken by a newer one announces nothing: the newer one will, with newer settings.
            if (applied) this.changed('settings');
          }),
          'reloading clock and timing',
        );
        return;
      case 'accounts':
        this.credentials.invalidate();
        this.changed('accounts');
        return;
      case 'faults':
        this.background(this.faults.reload(), 'reloading fault rules', 'faults');
        return;
      case 'events':
        for (const listener of this.eventListeners) listener();
        this.changed('events');
        return;
      case 'vpcs':
        this.changed('vpcs');
        return;
      case 'all':
        this.credentials.invalidate();
        this.scheduler.forget();
        this.background(
          Promise.all([this.reloadSettings(), this.faults.reload()]),
          'reloading clock, timing and fault rules',
          'all',
        );
        for (const listener of this.eventListeners) listener();
        return;
    }
  }

  private changed(change: EngineChange): void {
    for (const listener of this.changeListeners) {
      try {
        listener(change);
      } catch (error) {
        this.backgroundError(error, `a listener of ${change} changes`);
      }
    }
  }

  /**
   * Re-reads the clock and timing; resolves to whether it applied them. Reloads overlap (each committed change
   * starts one), and one that read before a later change committed may finish after that change was applied
   * here: only the newest reload started may apply what it read, or the clock would jump back.
   */
  private async reloadSettings(): Promise<boolean> {
    const mine = ++this.settingsReloads;
    const { clock, timing } = await this.store.read(async (reader) => ({
      clock: parseClockData(await reader.getMeta(CLOCK_KEY)),
      timing: parseTiming(await reader.getMeta(TIMING_KEY)),
    }));
    if (mine !== this.settingsReloads) return false;
    this.clockSource.restore(clock ?? { offsetMs: 0, frozenAt: null });
    if (timing) this.timingTable = timing;
    this.scheduler.arm();
    return true;
  }

  private requireOpen(): void {
    if (this.closed) {
      const error = new ServiceError('ServiceUnavailable', 'The server is shutting down; retry shortly.');
      error.retryAfterSeconds = 1;
      throw error;
    }
  }

  /** Applies due transitions first when the scheduler says some are owed, so every answer reflects them. */
  private async catchUpIfDue(): Promise<void> {
    this.requireOpen();
    if (this.scheduler.isDue(this.clockSource.now())) await this.scheduler.catchUp('request');
  }

  /**
   * The catch-up before a read. While the store cannot write (a full disk), transitions that fell due cannot be
   * applied, but the read can still be answered: it shows what is stored, and the transitions are applied once
   * writes work again (the scheduler's timer keeps trying).
   */
  private async catchUpBeforeRead(): Promise<void> {
    this.requireOpen();
    if (!this.scheduler.isDue(this.clockSource.now())) return;
    if (!this.store.health.status().available) return;
    try {
      await this.scheduler.catchUp('request');
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
    }
  }

  private async catchUpPass(upTo: number, trigger: CatchUpTrigger) {
    return this.writeReporting(
      async (tx, recorded) => {
        const applied = await this.applyDue(tx, upTo, trigger, recorded);
        const next = await tx.nextTimed();
        return { applied, nextDueAt: next?.dueAt };
      },
      { lockKeys: [SCHEDULER_LOCK] },
    );
  }

  /** Applies every timed transition due by `upTo`, each at its own due instant, in due order. */
  private async applyDue(
    tx: StoreTx,
    upTo: number,
    trigger: CatchUpTrigger,
    recorded: PeerConnChange[] | undefined,
  ): Promise<number> {
    let applied = 0;
    for (;;) {
      const row = await tx.nextTimed();
      if (!row || row.dueAt > upTo || applied >= MAX_TRANSITIONS_PER_PASS) return applied;
      await applyQueued(this.writeContext(tx, row.dueAt, recorded), row, row.dueAt, trigger);
      applied++;
    }
  }

  private writeContext(tx: StoreTx, now: number, recorded: PeerConnChange[] | undefined) {
    return { tx, now, config: this.config, timing: this.timingTable, ...(recorded ? { recorded } : {}) };
  }

  /**
   * A write whose changes of peering connections are handed to `onChanges` once committed (and only then: a
   * rolled-back or retried attempt reports nothing). Without a listener it is a plain write.
   */
  private async writeReporting<T>(
    work: (tx: StoreTx, recorded: PeerConnChange[] | undefined) => Promise<T>,
    options?: WriteOptions,
  ): Promise<T> {
    const report = this.options.onChanges;
    if (!report) return this.store.write((tx) => work(tx, undefined), options);
    const { value, recorded } = await this.store.write(async (tx) => {
      const recorded: PeerConnChange[] = [];
      return { value: await work(tx, recorded), recorded };
    }, options);
    if (recorded.length > 0) report(recorded);
    return value;
  }

  async execute<N extends OperationName>(
    operation: N,
    caller: Caller,
    input: RequestFields<N>,
    idempotency?: Idempotency,
  ): Promise<unknown> {
    const spec = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
    if (!spec) throw new ServiceError('NotFound', `Unknown operation ${String(operation)}.`);
    const scope = { accountId: caller.accountId, region: caller.region };
    if (!spec.mutating) {
      await this.catchUpBeforeRead();
      return this.store.read((reader) =>
        runRead(
          { reader, now: this.clockSource.now(), caller: scope, config: this.config },
          operation,
          input,
        ),
      );
    }
    await this.catchUpIfDue();
    const housekeeping = ++this.writes % HOUSEKEEPING_EVERY === 0;
    return this.writeReporting(
      async (tx, recorded) => {
        const now = this.clockSource.now();
        const token = idempotency;
        if (token) {
          const previous = await tx.getToken(caller.accountId, caller.region, token.clientToken);
          if (previous && previous.lastUsedAt + TOKEN_LIFETIME_MS > now) {
            if (previous.operation !== operation || previous.fingerprint !== token.fingerprint) {
              throw new ServiceError(
                'IdempotentParameterMismatch',
                'The request uses the same client token as a previous, but non-identical request. Use a new clientToken for a different request.',
              );
            }
            await tx.putToken({ ...previous, lastUsedAt: now });
            return previous.response === 'null' ? undefined : JSON.parse(previous.response);
          }
        }
        if (housekeeping) {
          await tx.pruneTokens(now - TOKEN_LIFETIME_MS);
          await tx.pruneEvents(EVENTS_KEPT);
        }
        const body = await runWrite(
          {
            ...this.writeContext(tx, now, recorded),
            caller: scope,
            cause: { type: 'request', operation, requestId: caller.requestId, accountId: caller.accountId },
          },
          operation,
          input,
        );
        if (token) {
          await tx.putToken({
            accountId: caller.accountId,
            region: caller.region,
            token: token.clientToken,
            operation,
            fingerprint: token.fingerprint,
            response: JSON.stringify(body ?? null),
            lastUsedAt: now,
          });
        }
        return body;
      },
      { lockKeys: lockKeysOf(operation, scope, input) },
    );
  }

  findCredential(accessKeyId: string) {
    this.requireOpen();
    return this.credentials.find(accessKeyId);
  }

  listAccounts(): Promise<Account[]> {
    return this.store.read((reader) => reader.listAccounts());
  }

  async createAccount(input: {
    id?: string;
    name: string;
    credentials?: AccountCredential[];
  }): Promise<Account> {
    const account = newAccount(input);
    return this.store.write(
      async (tx) => {
        if (await tx.getAccount(account.id)) {
          throw new ServiceError(
            'InappropriateJSON',
            `Field "id" is invalid: account ${account.id} already exists.`,
          );
        }
        requireFreeName(await tx.listAccounts(), account);
        for (const credential of account.credentials) await this.requireFreeKey(tx, credential);
        await tx.insertAccount(account);
        tx.announce({ type: 'accounts' });
        return account;
      },
      { lockKeys: [ACCOUNTS_LOCK] },
    );
  }

  ensureAccounts(
    accounts: Array<{ id?: string; name: string; credentials?: AccountCredential[] }>,
    options: { onlyIfNone?: boolean } = {},
  ): Promise<boolean> {
    const wanted = accounts.map(newAccount);
    return this.store.write(
      async (tx) => {
        const existing = await tx.listAccounts();
        if (options.onlyIfNone && existing.length > 0) return false;
        const byId = new Map(existing.map((account) => [account.id, account]));
        const named = [...existing];
        let created = false;
        for (const account of wanted) {
          const current = byId.get(account.id);
          if (!current) {
            requireFreeName(named, account);
            for (const credential of account.credentials) await this.requireFreeKey(tx, credential);
            await tx.insertAccount(account);
            named.push(account);
            created = true;
            continue;
          }
          const known = new Set(current.credentials.map((c) => c.accessKeyId));
          for (const credential of account.credentials) {
            if (known.has(credential.accessKeyId)) continue;
            await this.requireFreeKey(tx, credential);
            await tx.insertCredential(account.id, credential);
          }
        }
        tx.announce({ type: 'accounts' });
        return created;
      },
      { lockKeys: [ACCOUNTS_LOCK] },
    );
  }

  private async requireFreeKey(tx: StoreTx, credential: AccountCredential): Promise<void> {
    if (!credential.accessKeyId || !credential.secretAccessKey) {
      throw new ServiceError(
        'InappropriateJSON',
        'A credential needs a non-empty accessKeyId and secretAccessKey.',
      );
    }
    if (await tx.findCredential(credential.accessKeyId)) {
      throw new ServiceError(
        'InappropriateJSON',
        `Field "accessKeyId" is invalid: ${credential.accessKeyId} is already in use; choose another or omit it.`,
      );
    }
  }

  addCredential(accountId: string, partial?: Partial<AccountCredential>): Promise<AccountCredential> {
    const credential: AccountCredential = {
      accessKeyId: partial?.accessKeyId || newAccessKeyId(),
      secretAccessKey: partial?.secretAccessKey || newSecretAccessKey(),
      ...(partial?.sessionToken ? { sessionToken: partial.sessionToken } : {}),
    };
    return this.store.write(
      async (tx) => {
        if (!(await tx.getAccount(accountId)))
          throw new ServiceError('NoSuchObject', `Account ${accountId} does not exist.`);
        await this.requireFreeKey(tx, credential);
        await tx.insertCredential(accountId, credential);
        tx.announce({ type: 'accounts' });
        return credential;
      },
      { lockKeys: [accountLock(accountId)] },
    );
  }

  removeCredential(accountId: string, accessKeyId: string): Promise<void> {
    return this.store.write(
      async (tx) => {
        if (!(await tx.deleteCredential(accountId, accessKeyId))) {
          throw new ServiceError('NoSuchObject', `Account ${accountId} has no access key ${accessKeyId}.`);
        }
        tx.announce({ type: 'accounts' });
      },
      { lockKeys: [accountLock(accountId)] },
    );
  }

  deleteAccount(accountId: string): Promise<void> {
    // Under the account's lock: a write of the account's own (a VPC created meanwhile) cannot slip past the check.
    return this.store.write(
      async (tx) => {
        const usage = await tx.accountUsage(accountId);
        if (usage.vpcs > 0 || usage.peerConns > 0 || usage.resources > 0) {
          const resources = usage.resources > 0 ? `, ${usage.resources} network resource(s)` : '';
          throw new ServiceError(
            'AccountInUse',
            `Account ${accountId} still owns ${usage.vpcs} VPC(s)${resources} and ${usage.peerConns} peering connection side(s); release and delete them first, or reset the server.`,
          );
        }
        if (!(await tx.deleteAccount(accountId))) {
          throw new ServiceError('NoSuchObject', `Account ${accountId} does not exist.`);
        }
        tx.announce({ type: 'accounts' });
      },
      { lockKeys: [accountLock(accountId)] },
    );
  }

  async reset(options: ResetOptions = {}): Promise<void> {
    this.requireOpen();
    const clock: ClockData = { offsetMs: 0, frozenAt: null };
    const timing = structuredClone(this.config.timing);
    await this.store.write(
      async (tx) => {
        await tx.clearResources();
        await tx.clearFaults();
        if (options.accounts) await tx.clearAccounts();
        if (options.clock) await tx.setMeta(CLOCK_KEY, JSON.stringify(clock));
        if (options.timing) await tx.setMeta(TIMING_KEY, JSON.stringify(timing));
        tx.announce({ type: 'all' });
      },
      { exclusive: true },
    );
    // Applied here before the answer, not only by the signal's reload, so the caller sees the result at once.
    if (options.clock) this.clockSource.restore(clock);
    if (options.timing) this.timingTable = timing;
    this.scheduler.arm();
  }

  listFaults(): FaultRule[] {
    return this.faults.list();
  }

  addFault(input: FaultRuleInput): Promise<FaultRule> {
    return this.faults.add(input);
  }

  async removeFault(id: string): Promise<void> {
    if (!(await this.faults.remove(id))) throw new ServiceError('NoSuchObject', `No fault rule "${id}".`);
  }

  clearFaults(): Promise<void> {
    return this.faults.clear();
  }

  takeFault(operation: string): Promise<FaultRule | undefined> {
    return this.faults.take(operation);
  }

  async listEvents(
    query: { peerConnId?: string; afterSeq?: number; limit?: number } = {},
  ): Promise<PeerConnEvent[]> {
    await this.catchUpBeforeRead();
    const rows = await this.store.read((reader) =>
      reader.listEvents({
        ...(query.peerConnId ? { peerConnId: query.peerConnId } : {}),
        afterSeq: query.afterSeq ?? 0,
        limit: query.limit ?? 1000,
      }),
    );
    return rows.map((row) => ({
      seq: row.seq,
      peerConnId: row.peerConnId,
      at: new Date(row.at).toISOString(),
      ...(JSON.parse(row.body) as Pick<PeerConnEvent, 'cause' | 'changes'>),
    }));
  }

  onEvents(listener: () => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onChange(listener: (change: EngineChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  async overview(): Promise<Overview> {
    await this.catchUpBeforeRead();
    return this.store.read(async (reader) => ({
      accounts: await reader.listAccounts(),
      ...(await reader.listResources()),
    }));
  }

  async reachability(request: ReachRequest): Promise<ReachReport> {
    checkReachValues(request);
    await this.catchUpBeforeRead();
    return this.store.read(async (reader) => {
      const query = await resolveReachQuery(reader, request);
      return checkReachability(await gatherWorld(reader, query.from.vpcId), query);
    });
  }

  clock(): ClockState {
    return this.clockSource.state();
  }

  storeHealth(): StoreHealth {
    return this.store.health;
  }

  storeCounters() {
    return { kind: this.store.kind, counters: this.store.counters() };
  }

  async setClock(change: ClockChange): Promise<ClockState> {
    this.requireOpen();
    const next = this.clockSource.changed(change);
    await this.store.write(async (tx) => {
      await tx.setMeta(CLOCK_KEY, JSON.stringify(next));
      tx.announce({ type: 'settings' });
    });
    this.clockSource.restore(next);
    this.scheduler.arm();
    if (this.scheduler.isDue(this.clockSource.now())) await this.scheduler.catchUp('clock');
    return this.clockSource.state();
  }

  timing(): TimingTable {
    return structuredClone(this.timingTable);
  }

  async setTiming(change: Partial<TimingTable>): Promise<TimingTable> {
    this.requireOpen();
    const next = { ...this.timingTable };
    for (const [name, rule] of Object.entries(change)) {
      if (!(TRANSITION_NAMES as readonly string[]).includes(name) || rule === undefined) {
        throw new ServiceError(
          'InappropriateJSON',
          `Unknown transition "${name}"; known: ${TRANSITION_NAMES.join(', ')}.`,
        );
      }
      next[name as keyof TimingTable] = rule;
    }
    const table = readTimingTable(next);
    if (!table)
      throw new ServiceError(
        'InappropriateJSON',
        'The timing is invalid: see GET /_admin/timing for the form.',
      );
    await this.store.write(async (tx) => {
      await tx.setMeta(TIMING_KEY, JSON.stringify(table));
      tx.announce({ type: 'settings' });
    });
    this.timingTable = table;
    return this.timing();
  }

  async pendingTransitions(): Promise<PendingTransition[]> {
    await this.catchUpBeforeRead();
    const rows = await this.store.read((reader) => reader.listTransitions());
    return rows.map((row) => ({
      peerConnId: row.peerConnId,
      name: row.kind,
      ...(row.dueAt === null ? {} : { dueAt: new Date(row.dueAt).toISOString() }),
      manual: row.dueAt === null,
    }));
  }

  async runTransitions(peerConnId?: string): Promise<number> {
    this.requireOpen();
    const manual = await this.writeReporting(
      async (tx, recorded) => {
        const now = this.clockSource.now();
        const rows = await tx.manualTransitions(peerConnId);
        for (const row of rows) await applyQueued(this.writeContext(tx, now, recorded), row, now, 'run');
        return rows.length;
      },
      { lockKeys: [SCHEDULER_LOCK] },
    );
    return manual + (await this.scheduler.catchUp('run'));
  }

  async exportSnapshot(): Promise<Snapshot> {
    await this.catchUpBeforeRead();
    const dump = await this.store.read((reader) => reader.dump());
    return toSnapshot(dump, new Date(this.clockSource.now()).toISOString());
  }

  async importSnapshot(snapshot: Snapshot, options: { onlyIfEmpty?: boolean } = {}): Promise<boolean> {
    this.requireOpen();
    const dump = fromSnapshot(snapshot);
    const clock = parseClockData(dump.meta[CLOCK_KEY]);
    // A snapshot is user input: an unreadable clock or timing is refused, not silently replaced.
    if (dump.meta[CLOCK_KEY] && !clock) {
      throw new ServiceError(
        'InappropriateJSON',
        `Snapshot rejected, nothing was changed: meta.${CLOCK_KEY} must be JSON {"offsetMs": number, "frozenAt": number|null}.`,
      );
    }
    const timing = parseTiming(dump.meta[TIMING_KEY]);
    if (dump.meta[TIMING_KEY] !== undefined && !timing) {
      throw new ServiceError(
        'InappropriateJSON',
        `Snapshot rejected, nothing was changed: meta.${TIMING_KEY} must be a JSON object of transition timings.`,
      );
    }
    let loaded: boolean;
    try {
      loaded = await this.store.write(
        async (tx) => {
          // Checked in the transaction that loads: of servers starting together on one database, one seeds.
          if (options.onlyIfEmpty && (await tx.listAccounts()).length > 0) return false;
          await tx.load(dump);
          if (!timing) await tx.setMeta(TIMING_KEY, JSON.stringify(this.timingTable));
          tx.announce({ type: 'all' });
          return true;
        },
        { lockKeys: [ACCOUNTS_LOCK], exclusive: true },
      );
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      throw new ServiceError(
        'InappropriateJSON',
        `Snapshot rejected, nothing was changed: ${error instanceof Error ? error.message : String(error)}.`,
      );
    }
    if (!loaded) return false;
    this.clockSource.restore(clock ?? { offsetMs: 0, frozenAt: null });
    this.timingTable = timing ?? this.timingTable;
    await this.scheduler.catchUp('request');
    return true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduler.stop();
    await this.scheduler.idle();
    this.unsubscribe();
    await this.store.close();
  }
}

/** The lock of an account's own data, as lockKeysOf (operations.ts) names it for the requests of the account. */
function accountLock(accountId: string): string {
  return `account:${accountId}`;
}

/** Names pick accounts in the banner, the CLI's profiles and the console: two accounts never share one. */
function requireFreeName(accounts: readonly Account[], account: Account): void {
  const clash = accounts.find((other) => other.name === account.name && other.id !== account.id);
  if (clash) {
    throw new ServiceError(
      'InappropriateJSON',
      `Field "name" is invalid: account ${clash.id} is already named "${account.name}"; choose another name.`,
    );
  }
}

/** A complete account from what a caller gave: an id and one key pair are generated when missing. */
function newAccount(input: { id?: string; name: string; credentials?: AccountCredential[] }): Account {
  const id = input.id ?? newAccountId();
  if (!isAccountId(id)) {
    throw new ServiceError(
      'InappropriateJSON',
      'Field "id" is invalid: an account id is 32 lowercase hex characters.',
    );
  }
  if (typeof input.name !== 'string')
    throw new ServiceError('InappropriateJSON', 'Field "name" is required.');
  const credentials =
    input.credentials && input.credentials.length > 0
      ? input.credentials
      : [{ accessKeyId: newAccessKeyId(), secretAccessKey: newSecretAccessKey() }];
  return { id, name: input.name, credentials };
}

function parseTiming(raw: string | undefined): TimingTable | undefined {
  if (raw === undefined) return undefined;
  try {
    return readTimingTable(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

/**
 * Returns a ready engine on `store`, which it owns from now on (engine.close() closes it). The clock and the
 * timing kept in the store win over `config.timing`, which seeds a fresh database only.
 */
export async function createEngine(
  store: Store,
  config: EngineConfig,
  options: EngineOptions = {},
): Promise<Engine> {
  try {
    const seeded = await store.write(async (tx) => {
      const clock: ClockData | undefined = parseClockData(await tx.getMeta(CLOCK_KEY));
      let timing = parseTiming(await tx.getMeta(TIMING_KEY));
      if (!timing) {
        timing = readTimingTable(config.timing);
        if (!timing)
          throw new ServiceError('InappropriateJSON', 'The configured timing table is incomplete.');
        await tx.setMeta(TIMING_KEY, JSON.stringify(timing));
      }
      return { clock, timing };
    });
    const engine = new PeerConnEngine(
      store,
      config,
      new VirtualClock(options.now ?? Date.now, seeded.clock),
      seeded.timing,
      options,
    );
    await engine.start();
    return engine;
  } catch (error) {
    await store.close();
    throw error;
  }
}
