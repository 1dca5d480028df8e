// How long each timed transition takes: the one definition of the transition names, the timing presets and the
// shape of a timing rule, shared by the start-up flags, the admin API, snapshots and the engine.
import { z } from 'zod';

/**
 * Timed transitions. create: creating → active|consulting; accept: starting → active;
 * update: updating → active (update and resize); delete: deleting → gone; dnsOpen: wait → syncing → open;
 * dnsClose: closing → close. The 7-day consult timeout and Prepaid expiry run on the virtual clock only.
 */
export const TRANSITION_NAMES = ['create', 'accept', 'update', 'delete', 'dnsOpen', 'dnsClose'] as const;
export type TransitionName = (typeof TRANSITION_NAMES)[number];

export const TRANSITION_MODES = ['immediate', 'delay', 'manual'] as const;
export type TransitionMode = (typeof TRANSITION_MODES)[number];

export interface TransitionTiming {
  mode: TransitionMode;
  /** For `delay`: virtual milliseconds until the transition is due. */
  delayMs?: number;
}

export type TimingTable = Record<TransitionName, TransitionTiming>;

/** One rule: `delay` needs a whole, non-negative delayMs; the other modes take none. */
export const transitionTimingSchema = z
  .strictObject({
    mode: z.enum(TRANSITION_MODES),
    delayMs: z.number().int().min(0).optional(),
  })
  .refine((rule) => rule.mode !== 'delay' || rule.delayMs !== undefined, {
    message: 'mode "delay" needs delayMs, a whole number of milliseconds ≥ 0',
    path: ['delayMs'],
  })
  .transform(
    (rule): TransitionTiming =>
      rule.mode === 'delay' ? { mode: 'delay', delayMs: rule.delayMs } : { mode: rule.mode },
  );

/** A change to some transitions' timing. */
export const timingChangeSchema = z.partialRecord(z.enum(TRANSITION_NAMES), transitionTimingSchema);

function uniform(rule: TransitionTiming): TimingTable {
  return Object.fromEntries(TRANSITION_NAMES.map((name) => [name, { ...rule }])) as TimingTable;
}

/**
 * Realistic but short: long enough that the intermediate states users wait on are observable, short enough
 * that a demo does not stall.
 */
const DEFAULT_TIMING: TimingTable = {
  create: { mode: 'delay', delayMs: 2000 },
  accept: { mode: 'delay', delayMs: 1000 },
  update: { mode: 'delay', delayMs: 1000 },
  delete: { mode: 'delay', delayMs: 2000 },
  dnsOpen: { mode: 'delay', delayMs: 3000 },
  dnsClose: { mode: 'delay', delayMs: 2000 },
};

export const TIMING_PRESETS = {
  default: DEFAULT_TIMING,
  immediate: uniform({ mode: 'immediate' }),
  manual: uniform({ mode: 'manual' }),
} as const satisfies Record<string, TimingTable>;

export type TimingPreset = keyof typeof TIMING_PRESETS;
export const TIMING_PRESET_NAMES = Object.keys(TIMING_PRESETS) as TimingPreset[];

export function isTimingPreset(value: string): value is TimingPreset {
  return Object.hasOwn(TIMING_PRESETS, value);
}

/** A fresh copy of a preset, safe to change. */
export function timingPreset(name: TimingPreset): TimingTable {
  return structuredClone(TIMING_PRESETS[name]);
}

/** Whether two tables say the same thing (used to tell a user that timing differs from the default). */
export function sameTiming(a: TimingTable, b: TimingTable): boolean {
  return TRANSITION_NAMES.every(
    (name) => a[name].mode === b[name].mode && a[name].delayMs === b[name].delayMs,
  );
}

/** The preset a table equals, if any. */
export function presetOf(table: TimingTable): TimingPreset | undefined {
  return TIMING_PRESET_NAMES.find((name) => sameTiming(table, TIMING_PRESETS[name]));
}

/** The preset a table equals, or `custom`: how the banner and the health check name the timing in force. */
export function timingName(table: TimingTable): TimingPreset | 'custom' {
  return presetOf(table) ?? 'custom';
}

/**
 * A complete table from stored or imported data: every transition validated; missing ones are an error
 * (a table is written whole), so the result is undefined when anything is off.
 */
export function readTimingTable(value: unknown): TimingTable | undefined {
  const parsed = z
    .strictObject(Object.fromEntries(TRANSITION_NAMES.map((n) => [n, transitionTimingSchema])))
    .safeParse(value);
  return parsed.success ? (parsed.data as TimingTable) : undefined;
}
