// Model-based test of the service over HTTP: random histories of every peering, VPC, subnet, ACL, security group
// and network interface operation (as the owner, the peer account and a stranger), clock advances, manual
// transition runs, fault rules and in-process restarts, each step checked against the reference model
// (test/model/model.ts and network.ts), the whole visible state of every account after each step. Runs on
// SQLite and, in the PostgreSQL pass, on PostgreSQL.
import { after, test } from 'node:test';
import fc from 'fast-check';
import { historyConfigArb, report, SOAK, seedOption, sized } from './model/config.ts';
import { emptyFigures, History } from './model/runner.ts';
import { historyArb } from './model/steps.ts';
import { InProcessTarget } from './model/targets.ts';
import { runsOnEveryStore, TEST_STORE_KIND } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

const figures = emptyFigures();
after(() => report(`model-http (${TEST_STORE_KIND})`, { ...figures }));

test('random histories over HTTP agree with the model, restarts included', {
  timeout: SOAK ? 3_600_000 : 300_000,
}, async () => {
  await fc.assert(
    fc.asyncProperty(
      historyConfigArb(sized(10, 10)),
      historyArb({ restart: 1, faults: 2 }, sized(36, 150)),
      async (config, steps) => {
        const target = await InProcessTarget.start(config);
        const history = new History(target, config, figures);
        try {
          await history.begin();
          for (const step of steps) await history.step(step);
          await history.finish();
        } finally {
          history.close();
          await target.close();
        }
      },
    ),
    { numRuns: sized(8, 60), includeErrorInReport: true, ...seedOption() },
  );
});
