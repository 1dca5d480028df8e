// The model-based histories against the server as a process: restarts are kill -9 and a fresh start on the same
// store, so every step acknowledged before the kill must still be there, exactly as the model has it. In the
// PostgreSQL pass the same histories also run on two server processes sharing one database, the steps spread
// over both, one of them killed and restarted now and then.
import { after, test } from 'node:test';
import fc from 'fast-check';
import { historyConfigArb, report, SOAK, seedOption, sized } from './model/config.ts';
import { emptyFigures, History, type HistoryConfig, type Target } from './model/runner.ts';
import { historyArb, type Step } from './model/steps.ts';
import { ProcessTarget } from './model/targets.ts';
import { runsOnEveryStore, TEST_STORE_KIND } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

const figures = emptyFigures();
const twoFigures = emptyFigures();
after(() => {
  report(`model-process (${TEST_STORE_KIND})`, { ...figures, crashes: figures.restarts });
  if (twoFigures.histories > 0)
    report('model-two-processes (postgres)', { ...twoFigures, crashes: twoFigures.restarts });
});

async function runHistory(target: Target, config: HistoryConfig, steps: Step[], into: typeof figures) {
  const history = new History(target, config, into);
  try {
    await history.begin();
    for (const step of steps) await history.step(step);
    await history.finish();
  } finally {
    history.close();
    await target.close();
  }
}

const timeout = SOAK ? 3_600_000 : 300_000;

test('random histories with kill -9 and restart agree with the model', { timeout }, async () => {
  await fc.assert(
    fc.asyncProperty(
      historyConfigArb(5),
      historyArb({ restart: 4, faults: 2 }, sized(22, 100)),
      async (config, steps) => runHistory(await ProcessTarget.start(config), config, steps, figures),
    ),
    { numRuns: sized(2, 12), includeErrorInReport: true, ...seedOption() },
  );
});

test('random histories spread over two server processes on one PostgreSQL database agree with the model', {
  timeout,
  skip: TEST_STORE_KIND !== 'postgres' && 'needs PostgreSQL (the PostgreSQL pass of npm test)',
}, async () => {
  await fc.assert(
    fc.asyncProperty(
      historyConfigArb(5),
      historyArb({ restart: 2, faults: 2 }, sized(22, 100)),
      async (config, steps) => runHistory(await ProcessTarget.start(config, 2), config, steps, twoFigures),
    ),
    { numRuns: sized(2, 8), includeErrorInReport: true, ...seedOption() },
  );
});
