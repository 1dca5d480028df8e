// Fault injection rules: which rule fires for a request, and the error code an injected status carries when the
// rule names none. The rules live in the store (engine/faults.ts) so every server process applies the same ones.

/** A fault rule as the admin API takes it. */
export interface FaultRuleInput {
  /** Operation name of the table, or `*` (the default) for every operation. */
  operation?: string;
  status: number;
  code?: string;
  message?: string;
  latencyMs?: number;
  emptyBody?: boolean;
  /** Seconds sent in a `Retry-After` header with the injected answer (a throttling server asks for a pause so). */
  retryAfterSeconds?: number;
  /**
   * Close the connection without any answer: `before` the operation runs (nothing happened), or `after` it
   * ran (it happened, and the caller cannot know): the two ways a network loses a request.
   */
  drop?: 'before' | 'after';
  /** Fire this many times, then disappear; unlimited when absent. */
  times?: number;
  /** Fire for this fraction of matching requests. */
  ratio?: number;
}

export interface FaultRule extends FaultRuleInput {
  id: string;
  /** How many more times the rule fires; absent = unlimited. */
  remaining?: number;
}

/** Every BCE request scans the rules; a runaway script must not make that scan (or memory) unbounded. */
export const MAX_FAULT_RULES = 1000;

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

export function faultApplies(rule: FaultRuleInput, operation: string): boolean {
  const wanted = rule.operation ?? '*';
  return wanted === '*' || wanted === operation;
}
