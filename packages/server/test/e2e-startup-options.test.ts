// Options given at start-up against an existing database: what the operator asks for now must win over what
// the database remembers from an earlier run.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCliArgs, type RunningServer, startServer } from '../src/index.ts';

test('--timing on restart overrides the timing persisted by an earlier run; no --timing keeps it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-timing-'));
  const dataPath = join(dir, 'state.db');
  let running: RunningServer | undefined;
  const restart = async (options: Parameters<typeof startServer>[0]) => {
    await running?.close();
    running = undefined;
    running = await startServer({ port: 0, dataPath, logLevel: 'silent', ...options });
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

    const parsed = parseCliArgs(['--timing', 'immediate', '--data', dataPath, '--port', '0']);
    assert.equal(parsed.help, false);
    const second = await restart(parsed.help ? {} : parsed.options);
    assert.deepEqual(second.engine.timing().create, { mode: 'immediate' });
    assert.deepEqual(second.engine.timing().delete, { mode: 'immediate' });
  } finally {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
