// The shrunk counterexamples of the model-based suites (test/model/regressions.ts), replayed step by step
// against a server and the reference model. Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL.
import { test } from 'node:test';
import { REGRESSIONS } from './model/regressions.ts';
import { emptyFigures, History } from './model/runner.ts';
import { InProcessTarget } from './model/targets.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

for (const regression of REGRESSIONS) {
  test(regression.name, async () => {
    const target = await InProcessTarget.start(regression.config);
    const history = new History(target, regression.config, emptyFigures());
    try {
      await history.begin();
      for (const step of regression.steps) await history.step(step);
      await history.finish();
    } finally {
      history.close();
      await target.close();
    }
  });
}
