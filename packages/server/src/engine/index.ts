// The engine: one store transaction per request, the virtual clock, and the single scheduler that applies
// timed transitions (a timer armed for the next due instant, plus a catch-up before every request).
import type { OperationName } from '@peerconn/sdk/operations';
import { OPERATIONS } from '@peerconn/sdk/operations';
import { applyTransition } from '../domain/peerconn.ts';
import { DAY_MS } from '../domain/time.ts';
import { isAccountId } from '../domain/values.ts';
import { ServiceError } from '../errors.ts';
import type { StoreTx, TransitionRow } from '../store/api.ts';
import { SqliteStore } from '../store/sqlite.ts';
import {
  type Account,
  type AccountCredential,
  type Caller,
  type ClockState,
  type Engine,
  type EngineConfig,
  type Idempotency,
  type OperationInput,
  type PendingTransition,
  type Snapshot,
  TRANSITION_NAMES,
  type TransitionName,
  type TransitionTiming,
} from './api.ts';
import { type ClockData, VirtualClock } from './clock.ts';
import { newAccessKeyId, newAccountId, newSecretAccessKey } from './ids.ts';
import { applyOutcome, runOperation } from './operations.ts';
import { fromSnapshot, toSnapshot } from './snapshot.ts';

export type { Engine, EngineConfig } from './api.ts';

const TOKEN_LIFETIME_MS = DAY_MS;
const CLOCK_KEY = 'clock';
const TIMING_KEY = 'timing';
/** setTimeout's ceiling; a later due instant is reached by re-arming. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Guards against a transition that keeps rescheduling itself at the same instant. */
const MAX_TRANSITIONS_PER_PASS = 100_000;

export function defaultEngineConfig(): EngineConfig {
  const timing = Object.fromEntries(
    TRANSITION_NAMES.map((name) => [name, { mode: 'delay', delayMs: 2000 } satisfies TransitionTiming]),
  ) as Record<TransitionName, TransitionTiming>;
  return {
    dataPath: './data/peerconn.db',
    defaultRegion: 'bj',
    quotaPerVpc: 10,
    quotaPerAccount: 10,
    consultTimeoutMs: 7 * DAY_MS,
    keepDeleted: false,
    timing,
  };
}

function validTiming(value: unknown, name: string): TransitionTiming {
  const rule = value as Partial<TransitionTiming> | null;
  const mode = rule?.mode;
  if (mode !== 'immediate' && mode !== 'delay' && mode !== 'manual') {
    throw new ServiceError(
      'InappropriateJSON',
      `Timing of "${name}" is invalid: mode must be immediate, delay or manual.`,
    );
  }
  if (mode !== 'delay') return { mode };
  const delayMs = rule?.delayMs;
  if (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 0) {
    throw new ServiceError(
      'InappropriateJSON',
      `Timing of "${name}" is invalid: delay needs delayMs, a whole number ≥ 0.`,
    );
  }
  return { mode, delayMs };
}

/** The clock as persisted under CLOCK_KEY (in the database or a snapshot's meta); undefined when absent or unreadable. */
function parseClockData(raw: string | undefined): ClockData | undefined {
  if (!raw) return undefined;
  let data: Partial<ClockData> | null;
  try {
    data = JSON.parse(raw) as Partial<ClockData> | null;
  } catch {
    return undefined;
  }
  if (typeof data?.offsetMs !== 'number' || !Number.isFinite(data.offsetMs)) return undefined;
  return {
    offsetMs: data.offsetMs,
    frozenAt: typeof data.frozenAt === 'number' && Number.isFinite(data.frozenAt) ? data.frozenAt : null,
  };
}

/** A complete timing table: every transition name validated, in TRANSITION_NAMES order. */
function timingTable(source: Record<string, unknown>): Record<TransitionName, TransitionTiming> {
  const table = {} as Record<TransitionName, TransitionTiming>;
  for (const name of TRANSITION_NAMES) table[name] = validTiming(source[name], name);
  return table;
}

class PeerConnEngine implements Engine {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly store: SqliteStore,
    private readonly config: EngineConfig,
    private readonly clockSource: VirtualClock,
    private timingTable: Record<TransitionName, TransitionTiming>,
  ) {}

  /** One transaction with the catch-up of due transitions before and after the work, then re-arms the timer. */
  private async transact<T>(work: (tx: StoreTx, now: number) => Promise<T>): Promise<T> {
    if (this.closed)
      throw new ServiceError('ServiceUnavailable', 'The server is shutting down; retry shortly.');
    let nextDueAt: number | undefined;
    const result = await this.store.transaction(async (tx) => {
      const now = this.clockSource.now();
      await this.applyDue(tx, now);
      const value = await work(tx, now);
      ({ nextDueAt } = await this.applyDue(tx, now));
      return value;
    });
    this.arm(nextDueAt);
    return result;
  }

  /**
   * Applies every timed transition due by `upTo`, each at its own due instant, in due order. Returns how many
   * ran and the due instant of the first one left, which the timer is armed for.
   */
  private async applyDue(
    tx: StoreTx,
    upTo: number,
  ): Promise<{ applied: number; nextDueAt: number | undefined }> {
    let applied = 0;
    for (;;) {
      const row = await tx.nextTimed();
      if (!row || row.dueAt > upTo || applied >= MAX_TRANSITIONS_PER_PASS) {
        return { applied, nextDueAt: row?.dueAt };
      }
      await this.applyOne(tx, row, row.dueAt);
      applied++;
    }
  }

  private async applyOne(tx: StoreTx, row: TransitionRow, at: number): Promise<void> {
    const { peerConnId, kind, side } = row;
    await tx.deleteTransition(peerConnId, kind, side);
    const record = await tx.getPeerConn(peerConnId);
    if (!record) return;
    const outcome = applyTransition(record, kind, side, at, this.config.keepDeleted);
    await applyOutcome(tx, peerConnId, outcome, at, this.timingTable);
  }

  private arm(nextDueAt: number | undefined): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || nextDueAt === undefined || this.clockSource.frozen) return;
    const wait = Math.min(Math.max(0, nextDueAt - this.clockSource.now()), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A failed pass is retried by the next request's catch-up; the timer must never crash the process.
      this.catchUp().catch(() => undefined);
    }, wait);
    this.timer.unref();
  }

  /** Applies whatever fell due while nobody asked, and arms the timer for the next instant. */
  async catchUp(): Promise<void> {
    await this.transact(async () => undefined);
  }

  async execute(
    operation: OperationName,
    caller: Caller,
    input: OperationInput,
    idempotency?: Idempotency,
  ): Promise<unknown> {
    const spec = OPERATIONS[operation];
    if (!spec) throw new ServiceError('NotFound', `Unknown operation ${String(operation)}.`);
    const scope = { accountId: caller.accountId, region: caller.region };
    return this.transact(async (tx, now) => {
      const token = spec.mutating ? idempotency : undefined;
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
        await tx.pruneTokens(now - TOKEN_LIFETIME_MS);
      }
      const body = await runOperation(
        { tx, now, caller: scope, config: this.config, timing: this.timingTable },
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
    });
  }

  findCredential(accessKeyId: string) {
    return this.store.transaction((tx) => tx.findCredential(accessKeyId));
  }

  listAccounts(): Promise<Account[]> {
    return this.store.transaction((tx) => tx.listAccounts());
  }

  async createAccount(input: {
    id?: string;
    name: string;
    credentials?: AccountCredential[];
  }): Promise<Account> {
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
    const account: Account = { id, name: input.name, credentials };
    return this.store.transaction(async (tx) => {
      if (await tx.getAccount(id)) {
        throw new ServiceError('InappropriateJSON', `Field "id" is invalid: account ${id} already exists.`);
      }
      for (const credential of credentials) await this.requireFreeKey(tx, credential);
      await tx.insertAccount(account);
      return account;
    });
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
    return this.store.transaction(async (tx) => {
      if (!(await tx.getAccount(accountId)))
        throw new ServiceError('NoSuchObject', `Account ${accountId} does not exist.`);
      await this.requireFreeKey(tx, credential);
      await tx.insertCredential(accountId, credential);
      return credential;
    });
  }

  removeCredential(accountId: string, accessKeyId: string): Promise<void> {
    return this.store.transaction(async (tx) => {
      if (!(await tx.deleteCredential(accountId, accessKeyId))) {
        throw new ServiceError('NoSuchObject', `Account ${accountId} has no access key ${accessKeyId}.`);
      }
    });
  }

  async reset(options?: { accounts?: boolean }): Promise<void> {
    await this.transact(async (tx) => {
      await tx.clearResources();
      if (options?.accounts) await tx.clearAccounts();
    });
  }

  clock(): ClockState {
    return this.clockSource.state();
  }

  async setClock(change: { set?: string; advanceMs?: number; freeze?: boolean }): Promise<ClockState> {
    const next = this.clockSource.changed(change);
    const previous = this.clockSource.snapshot();
    this.clockSource.restore(next);
    try {
      await this.transact(async (tx) => {
        await tx.setMeta(CLOCK_KEY, JSON.stringify(next));
      });
    } catch (error) {
      this.clockSource.restore(previous);
      throw error;
    }
    return this.clockSource.state();
  }

  timing(): Record<TransitionName, TransitionTiming> {
    return { ...this.timingTable };
  }

  async setTiming(
    change: Partial<Record<TransitionName, TransitionTiming>>,
  ): Promise<Record<TransitionName, TransitionTiming>> {
    const next = { ...this.timingTable };
    for (const [name, rule] of Object.entries(change)) {
      if (!(TRANSITION_NAMES as readonly string[]).includes(name)) {
        throw new ServiceError(
          'InappropriateJSON',
          `Unknown transition "${name}"; known: ${TRANSITION_NAMES.join(', ')}.`,
        );
      }
      next[name as TransitionName] = validTiming(rule, name);
    }
    await this.store.transaction((tx) => tx.setMeta(TIMING_KEY, JSON.stringify(next)));
    this.timingTable = next;
    return this.timing();
  }

  async pendingTransitions(): Promise<PendingTransition[]> {
    const rows = await this.store.transaction((tx) => tx.listTransitions());
    return rows.map((row) => ({
      peerConnId: row.peerConnId,
      name: row.kind,
      ...(row.dueAt === null ? {} : { dueAt: new Date(row.dueAt).toISOString() }),
      manual: row.dueAt === null,
    }));
  }

  runTransitions(peerConnId?: string): Promise<number> {
    return this.transact(async (tx, now) => {
      const manual = await tx.manualTransitions(peerConnId);
      for (const row of manual) await this.applyOne(tx, row, now);
      return manual.length + (await this.applyDue(tx, now)).applied;
    });
  }

  async exportSnapshot(): Promise<Snapshot> {
    const dump = await this.transact((tx) => tx.dump());
    return toSnapshot(dump, new Date(this.clockSource.now()).toISOString());
  }

  async importSnapshot(snapshot: Snapshot): Promise<void> {
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
    try {
      await this.store.transaction((tx) => tx.load(dump));
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      throw new ServiceError(
        'InappropriateJSON',
        `Snapshot rejected, nothing was changed: ${error instanceof Error ? error.message : String(error)}.`,
      );
    }
    this.clockSource.restore(clock ?? { offsetMs: 0, frozenAt: null });
    this.timingTable = timing ?? this.timingTable;
    await this.catchUp();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.store.close();
  }
}

function parseTiming(raw: string | undefined): Record<TransitionName, TransitionTiming> | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  return timingTable(parsed as Record<string, unknown>);
}

/**
 * Opens (or creates) the store and returns a ready engine. The persisted clock offset and timing win over
 * `config.timing`, which seeds a fresh database only; call setTiming to change them afterwards.
 */
export async function createEngine(config: EngineConfig & { now?: () => number }): Promise<Engine> {
  const { now: realNow = Date.now, ...engineConfig } = config;
  const store = new SqliteStore(config.dataPath);
  try {
    const seeded = await store.transaction(async (tx) => {
      const clock = parseClockData(await tx.getMeta(CLOCK_KEY));
      let timing = parseTiming(await tx.getMeta(TIMING_KEY));
      if (!timing) {
        timing = timingTable(engineConfig.timing);
        await tx.setMeta(TIMING_KEY, JSON.stringify(timing));
      }
      return { clock, timing };
    });
    const engine = new PeerConnEngine(
      store,
      engineConfig,
      new VirtualClock(realNow, seeded.clock),
      seeded.timing,
    );
    await engine.catchUp();
    return engine;
  } catch (error) {
    await store.close();
    throw error;
  }
}
