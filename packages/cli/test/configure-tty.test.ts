// Interactive `configure` at a real terminal: util-linux `script` gives the CLI a pseudo-terminal, the test
// types the answers, and the secret must never be echoed back to the screen.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, tempHome } from './helpers.ts';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

function quote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

test('configure prompts at a terminal and does not echo the secret key', {
  skip: !hasScript && 'no `script` here',
}, async () => {
  const { home, cleanup } = tempHome();
  try {
    const command = [process.execPath, BIN, 'configure', '--profile', 'tty'].map(quote).join(' ');
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, NO_COLOR: '1' };
    for (const key of Object.keys(env)) if (key.startsWith('BCE_')) delete env[key];
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, timeout: 30_000 });
    let screen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk;
    });
    // Answer each prompt once it is on the screen, the way a person would.
    const answers: Array<[RegExp, string]> = [
      [/Access Key ID: /, 'AKTTY0001'],
      [/Secret Access Key: /, 'tty-secret-never-shown'],
      [/Region \[bj\]: /, 'gz'],
      [/Endpoint .*: /, 'http://127.0.0.1:9'],
    ];
    const typing = (async () => {
      for (const [promptText, answer] of answers) {
        const deadline = Date.now() + 20_000;
        while (!promptText.test(screen)) {
          if (Date.now() > deadline) throw new Error(`no prompt ${promptText} on screen:\n${screen}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        child.stdin.write(`${answer}\r`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    await typing;
    assert.equal(code, 0, screen);
    assert.match(screen, /Saved profile "tty"/);
    assert.ok(!screen.includes('tty-secret-never-shown'), `the secret was echoed:\n${screen}`);
    assert.ok(screen.includes('AKTTY0001'), 'the access key id is echoed as typed');
    const config = JSON.parse(readFileSync(join(home, '.bce', 'config.json'), 'utf8'));
    assert.deepEqual(config.profiles.tty, {
      mode: 'AK',
      accessKeyId: 'AKTTY0001',
      secretAccessKey: 'tty-secret-never-shown',
      region: 'gz',
      endpoint: 'http://127.0.0.1:9',
    });
  } finally {
    cleanup();
  }
});
