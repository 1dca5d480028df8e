// docs/cli.md's profile setup and cross-account lifecycle, extracted from the page and run by bash against a
// server in this process, with the banner's keys filled in, so the commands the page shows stay true.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { cleanEnv, type Fixture, PEERCONN_FUNCTION, runProcess, startFixture } from './helpers.ts';

const page = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');

/** The first ```sh block after a sentence of the page. */
function blockAfter(marker: string): string {
  const at = page.indexOf(marker);
  assert.notEqual(at, -1, `docs/cli.md lost "${marker}"`);
  const open = page.indexOf('```sh\n', at);
  const close = page.indexOf('\n```', open + 6);
  assert.ok(open !== -1 && close !== -1, `no sh block after "${marker}"`);
  return page.slice(open + 6, close + 1);
}

let fx: Fixture;
before(async () => {
  fx = await startFixture();
});
after(() => fx.close());

test('the profile setup and the lifecycle of docs/cli.md run green, ids from whoami', async () => {
  const [a, b] = fx.server.accounts;
  const ka = a?.credentials[0];
  const kb = b?.credentials[0];
  assert.ok(a && b && ka && kb, 'two demo accounts');
  const setup = blockAfter('In another shell, make one profile per account')
    .replaceAll('<demo-a accessKeyId>', ka.accessKeyId)
    .replaceAll('<demo-a secretAccessKey>', ka.secretAccessKey)
    .replaceAll('<demo-b accessKeyId>', kb.accessKeyId)
    .replaceAll('<demo-b secretAccessKey>', kb.secretAccessKey);
  const lifecycle = blockAfter('## The cross-account lifecycle from the shell');
  const script = `${PEERCONN_FUNCTION}\n${setup}${lifecycle}echo "BOB_ACCOUNT=$BOB_ACCOUNT"\n`.replaceAll(
    'http://127.0.0.1:8080',
    fx.server.url,
  );
  assert.doesNotMatch(script, /<[a-z][a-z -]*>/, 'every placeholder was filled');
  const result = await runProcess('bash', ['-euo', 'pipefail', '-c', script], { env: cleanEnv(fx.home) });
  assert.equal(result.code, 0, `docs tour failed:\n${result.stderr}\n${result.stdout}`);
  assert.match(result.stdout, new RegExp(`^BOB_ACCOUNT=${b.id}$`, 'm'), "whoami gave bob's account id");
});
