// The fault rules in force, kept in the store so that every server process fires the same ones, and cached here
// so that a request pays nothing for fault injection while no rule exists.
import { randomUUID } from 'node:crypto';
import { type FaultRule, type FaultRuleInput, faultApplies, MAX_FAULT_RULES } from '../domain/faults.ts';
import { ServiceError } from '../errors.ts';
import type { FaultRow, Store } from '../store/api.ts';

function toRule(row: FaultRow): FaultRule {
  const rule = { ...(JSON.parse(row.rule) as FaultRuleInput), id: row.id } as FaultRule;
  if (row.remaining !== null) rule.remaining = row.remaining;
  return rule;
}

export class FaultRules {
  private rules: FaultRule[] = [];
  private reloadsStarted = 0;
  private reloadApplied = 0;

  constructor(
    private readonly store: Store,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Re-reads the rules (at start-up, and when this or another process changed them). Reloads overlap, and a
   * reload that started later read a state at least as new: one that finishes after a later-started one was
   * applied is stale and dropped, so the rules never step back.
   */
  async reload(): Promise<void> {
    const mine = ++this.reloadsStarted;
    const rules = (await this.store.read((r) => r.listFaults())).map(toRule);
    if (mine < this.reloadApplied) return;
    this.reloadApplied = mine;
    this.rules = rules;
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  async add(input: FaultRuleInput): Promise<FaultRule> {
    const id = `fault-${randomUUID().slice(0, 8)}`;
    await this.store.write(async (tx) => {
      if ((await tx.listFaults()).length >= MAX_FAULT_RULES) {
        throw new ServiceError(
          'InvalidParameter',
          `At most ${MAX_FAULT_RULES} fault rules may be active; DELETE /_admin/faults clears them.`,
        );
      }
      await tx.insertFault({ id, rule: JSON.stringify(input), remaining: input.times ?? null });
      tx.announce({ type: 'faults' });
    });
    await this.reload();
    const rule: FaultRule = { ...input, id };
    if (input.times !== undefined) rule.remaining = input.times;
    return rule;
  }

  async remove(id: string): Promise<boolean> {
    const removed = await this.store.write(async (tx) => {
      const gone = await tx.deleteFault(id);
      if (gone) tx.announce({ type: 'faults' });
      return gone;
    });
    await this.reload();
    return removed;
  }

  async clear(): Promise<void> {
    await this.store.write(async (tx) => {
      await tx.clearFaults();
      tx.announce({ type: 'faults' });
    });
    await this.reload();
  }

  /** The first rule that matches and fires for this operation, counting it down (atomically across processes). */
  async take(operation: string): Promise<FaultRule | undefined> {
    if (this.rules.length === 0) return undefined;
    for (const rule of this.rules) {
      if (!faultApplies(rule, operation)) continue;
      if (rule.ratio !== undefined && !(this.random() < rule.ratio)) continue;
      if (rule.remaining === undefined) return { ...rule };
      const remaining = await this.store.write(async (tx) => {
        const left = await tx.takeFault(rule.id);
        if (left !== undefined) tx.announce({ type: 'faults' });
        return left;
      });
      // Spent meanwhile (another request took the last firing): try the next rule.
      if (remaining === undefined) continue;
      // The listing shows this firing at once rather than when the store's signal comes back (on PostgreSQL a
      // round trip later), and a reload that read the rules before the firing may no longer apply.
      this.rules =
        remaining > 0
          ? this.rules.map((r) => (r.id === rule.id ? { ...r, remaining } : r))
          : this.rules.filter((r) => r.id !== rule.id);
      this.reloadApplied = ++this.reloadsStarted;
      return { ...rule, remaining };
    }
    return undefined;
  }
}
