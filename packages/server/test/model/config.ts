// How big the model-based runs are: small in `npm test`, long in `npm run soak` (PEERCONN_SOAK=1), and the
// figures every suite adds to the soak report (PEERCONN_SOAK_REPORT, one JSON line per suite).
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import type { ModelConfig } from './model.ts';
import type { Figures, HistoryConfig } from './runner.ts';
import { STARTS, timingTableArb } from './steps.ts';

export const SOAK = process.env.PEERCONN_SOAK === '1';

/** A number for `npm test` and one for the soak; PEERCONN_SOAK_SCALE multiplies the soak's. */
export function sized(test: number, soak: number): number {
  if (!SOAK) return test;
  const scale = Number(process.env.PEERCONN_SOAK_SCALE ?? '1');
  return Math.max(1, Math.round(soak * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** Quotas low enough that histories reach them. */
export const modelConfigArb: fc.Arbitrary<ModelConfig> = fc.record({
  quotaPerVpc: fc.integer({ min: 2, max: 4 }),
  quotaPerAccount: fc.integer({ min: 3, max: 6 }),
  keepDeleted: fc.boolean(),
  quotaSubnetsPerVpc: fc.integer({ min: 2, max: 4 }),
  quotaAclRulesPerDirection: fc.integer({ min: 2, max: 5 }),
  quotaSecurityGroupRulesPerDirection: fc.integer({ min: 2, max: 5 }),
  quotaEnisPerVpc: fc.integer({ min: 2, max: 4 }),
  quotaIpsPerEni: fc.integer({ min: 2, max: 4 }),
  quotaEnisPerInstance: fc.integer({ min: 1, max: 3 }),
});

export const historyConfigArb = (fullCheckEvery: number): fc.Arbitrary<HistoryConfig> =>
  fc.record({
    model: modelConfigArb,
    timing: timingTableArb,
    start: fc.constantFrom(...STARTS),
    fullCheckEvery: fc.constant(fullCheckEvery),
  });

/** A fixed seed for the property runs (PEERCONN_MODEL_SEED), to replay a run exactly; random otherwise. */
export function seedOption(): { seed?: number } {
  const seed = Number(process.env.PEERCONN_MODEL_SEED);
  return Number.isInteger(seed) ? { seed } : {};
}

/** Adds a suite's figures to the soak report, when one is being written. */
export function report(suite: string, figures: Partial<Figures> & Record<string, number>): void {
  const file = process.env.PEERCONN_SOAK_REPORT;
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ suite, ...figures })}\n`);
}
