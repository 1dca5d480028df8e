// Options given at start-up against an existing database: what the operator asks for now must win over what
// the database remembers from an earlier run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCliArgs, type RunningServer } from '../src/index.ts';
import { startServerOn } from './http-support.ts';
import { dropPlace, newStorePlace, runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

test('--timing on restart overrides the timing persisted by an earlier run; no --timing keeps it', async () => {
  const place = newStorePlace();
  let running: RunningServer | undefined;
  const restart = async (options: Parameters<typeof startServerOn>[1]) => {
    await running?.close();
    running = undefined;
    running = await startServerOn(place, options);
    return running;
  };
  try {
    const first = await restart({});
    await first.engine.setTiming({ create: { mode: 'manual' }, delete: { mode: 'manual' } });

    const kept = await restart({});
    assert.deepEqual(
      kept.engine.timing().create,
      { mode: 'manual' },
      'without --timing the stored table stays',
    );

    // No environment: a DATABASE_URL of the machine must not move the server off the place under test.
    const parsed = parseCliArgs(['--timing', 'immediate', '--port', '0'], {});
    assert.equal(parsed.help, false);
    const second = await restart(parsed.help ? {} : parsed.options);
    assert.deepEqual(second.engine.timing().create, { mode: 'immediate' });
    assert.deepEqual(second.engine.timing().delete, { mode: 'immediate' });
  } finally {
    await running?.close();
    await dropPlace(place);
  }
});
