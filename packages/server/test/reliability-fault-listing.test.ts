// A fault rule's firing shows in this process's listing at once, whatever the store's change signal does (on
// PostgreSQL it comes back a round trip later): found by the soak, where GET /_admin/faults right after a firing
// still listed the rule with its old count. The rules here are never reloaded after they were added, so only the
// firing itself can have updated the listing. Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultRules } from '../src/engine/faults.ts';
import { dropPlace, newStorePlace, openPlace, runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

test('a firing is listed at once: the count goes down, and the last firing removes the rule', async () => {
  const place = newStorePlace();
  const store = await openPlace(place);
  try {
    const rules = new FaultRules(store);
    const rule = await rules.add({ operation: 'createVpc', status: 503, times: 2 });
    assert.equal((await rules.take('createVpc'))?.remaining, 1);
    assert.deepEqual(
      rules.list().map((r) => [r.id, r.remaining]),
      [[rule.id, 1]],
    );
    assert.equal((await rules.take('createVpc'))?.remaining, 0);
    assert.deepEqual(rules.list(), []);
    assert.equal(await rules.take('createVpc'), undefined);
  } finally {
    await store.close();
    await dropPlace(place);
  }
});
