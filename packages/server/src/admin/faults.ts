// Fault injection: rules that make matching BCE operations fail or stall before the engine sees them, so
// clients' retry and not-found handling can be exercised on demand.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ServiceError } from '../errors.ts';

export const faultRuleSchema = z.object({
  operation: z.string().min(1).optional(),
  status: z.number().int().min(100).max(599),
  code: z.string().min(1).optional(),
  message: z.string().optional(),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  emptyBody: z.boolean().optional(),
  times: z.number().int().min(1).optional(),
  ratio: z.number().min(0).max(1).optional(),
});

export type FaultRuleInput = z.infer<typeof faultRuleSchema>;
export interface FaultRule extends FaultRuleInput {
  id: string;
  /** How many more times the rule fires; absent = unlimited. */
  remaining?: number;
}

const DEFAULT_CODES: Record<number, string> = {
  400: 'InvalidHTTPRequest',
  403: 'AccessDenied',
  404: 'NoSuchObject',
  409: 'InvalidPeerConnStatus',
  429: 'Throttling',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

export function defaultFaultCode(status: number): string {
  return DEFAULT_CODES[status] ?? (status >= 500 ? 'InternalError' : 'InjectedFault');
}

/** Every BCE request scans the rules; a runaway script must not make that scan (or memory) unbounded. */
export const MAX_FAULT_RULES = 1000;

export class FaultInjector {
  private rules: FaultRule[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  add(input: FaultRuleInput): FaultRule {
    if (this.rules.length >= MAX_FAULT_RULES) {
      throw new ServiceError(
        'InvalidParameter',
        `At most ${MAX_FAULT_RULES} fault rules may be active; DELETE /_admin/faults clears them.`,
      );
    }
    const rule: FaultRule = { ...input, id: `fault-${randomUUID().slice(0, 8)}` };
    if (input.times !== undefined) rule.remaining = input.times;
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule that matches and fires for this operation, counting it down. */
  take(operation: string): FaultRule | undefined {
    for (const rule of this.rules) {
      const op = rule.operation ?? '*';
      if (op !== '*' && op !== operation) continue;
      if (rule.ratio !== undefined && !(this.random() < rule.ratio)) continue;
      if (rule.remaining !== undefined) {
        rule.remaining -= 1;
        if (rule.remaining <= 0) this.remove(rule.id);
      }
      return { ...rule };
    }
    return undefined;
  }
}
