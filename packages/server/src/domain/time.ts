// Wire time format and calendar arithmetic on the virtual clock's epoch milliseconds.

/** `YYYY-MM-DDThh:mm:ssZ`, the BCE-wide format (no fractional seconds). */
export function wireTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * Adds calendar months in UTC. A day that does not exist in the target month clamps to its last day, so a
 * purchase on 31 January runs to 28/29 February, not into March.
 */
export function addMonths(ms: number, months: number): number {
  const date = new Date(ms);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.getTime();
}

export const DAY_MS = 24 * 60 * 60 * 1000;
