// The README's worked path example ("Routes through a peering, checked"), extracted from the README and run by
// bash against a started server: the tour's first lines (the `peerconn` function and the two profiles), then
// every shell block of the section in order, as one shell. The verdicts the story tells (no route back; then a
// security group, then an ACL on the answer's way back; reachable after the last fix) must be what
// `peerconn reach` says, and every output line the section shows must be one the commands print, in that order.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '@peerconn/server';
import { readmeBlockAfter, readmeSectionBlocks, root } from './readme-support.ts';
import { runChild } from './run-child.ts';

const SECTION = '### Routes through a peering, checked';

/** One `peerconn reach` report in the script's output: its verdict, its problems' codes, how the shell saw it. */
interface Report {
  header: string;
  reachable: boolean;
  problems: string[];
  /** The exit code the README's `|| echo "not reachable: exit code $?"` printed, or null when none ran. */
  exitCode: number | null;
  lines: string[];
}

/** The reports in order: each from its verdict line up to the next one. */
function reports(stdout: string): Report[] {
  const lines = stdout.split('\n');
  const starts = lines.flatMap((line, i) => (/: (NOT )?reachable$/.test(line) ? [i] : []));
  return starts.map((start, n) => {
    const own = lines.slice(start, starts[n + 1] ?? lines.length);
    const problemsAt = own.indexOf('problems');
    const problems: string[] = [];
    for (const line of problemsAt === -1 ? [] : own.slice(problemsAt + 1)) {
      const code = /^ {2}([A-Za-z]+): /.exec(line)?.[1];
      if (!code) break;
      problems.push(code);
    }
    const exit = own.map((line) => /^not reachable: exit code (\d+)$/.exec(line)?.[1]).find(Boolean);
    return {
      header: own[0] ?? '',
      reachable: !own[0]?.endsWith('NOT reachable'),
      problems,
      exitCode: exit === undefined ? null : Number(exit),
      lines: own,
    };
  });
}

/** Ids differ on every run: the README may show any, or `…`. */
function masked(line: string): string {
  return line.replace(/\b(vpc|rt|sbn|qpif|peerconn|eni|g|r|rr|ar)-(?:[a-z0-9]{12}|…)/g, '$1-…').trimEnd();
}

test('the README path example runs: no route back, then a security group, then an ACL on the way back, then reachable', async () => {
  const tour = readmeBlockAfter('In another shell, from the repository root, define `peerconn`', 'bash');
  const setup = tour.split('\n').filter((line) => /^PEERCONN_CLI=|^peerconn configure /.test(line));
  assert.equal(setup.length, 3, 'the tour defines peerconn and configures alice and bob');
  const blocks = readmeSectionBlocks(SECTION);
  const shell = blocks.filter((b) => b.language === 'bash');
  const shown = blocks.filter((b) => b.language === 'text');
  assert.deepEqual(
    blocks.map((b) => b.language).filter((l) => l !== 'bash' && l !== 'text'),
    [],
    'the section has shell blocks, run here, and output shown as text',
  );
  assert.ok(shell.length >= 4 && shown.length >= 4, 'the story is told in steps, each with what it prints');

  const dir = mkdtempSync(join(tmpdir(), 'peerconn-readme-routes-'));
  const server = await startServer({
    port: 0,
    dataPath: join(dir, 'routes.db'),
    logLevel: 'silent',
    timing: {
      create: { mode: 'delay', delayMs: 300 },
      accept: { mode: 'delay', delayMs: 200 },
    },
  });
  try {
    const script = [...setup, ...shell.map((b) => b.code)]
      .join('\n')
      .replaceAll('http://127.0.0.1:8080', server.url);
    assert.doesNotMatch(script, /<[a-z-]+ [a-z]+>/, 'no placeholders left to fill');
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir, NO_COLOR: '1' };
    for (const key of Object.keys(env))
      if (key.startsWith('BCE_') || key.startsWith('PEERCONN_')) delete env[key];
    const { status, stdout, stderr } = await runChild('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: root,
      env,
      // A guard against a hang, not a time limit.
      timeout: 300_000,
    });
    // `set -e`: the shell ends at the first command that fails unguarded, the last `reach` included.
    assert.equal(status, 0, `example failed:\n${stderr}\n${stdout}`);

    const [noReturn, routed, noRule, noAnswer, works, ...more] = reports(stdout);
    assert.ok(noReturn && routed && noRule && noAnswer && works, `five reach reports:\n${stdout}`);
    assert.deepEqual(more, [], 'no other reach report');

    // 1. Between addresses, routed one way: no way back.
    assert.match(noReturn.header, / in vpc-[a-z0-9]{12} → 10\.12\.1\.7: NOT reachable$/);
    assert.deepEqual(noReturn.problems, ['NoReturnRoute']);
    assert.equal(noReturn.exitCode, 3);
    assert.match(
      noReturn.lines.join('\n'),
      /\n {2}NoReturnRoute: No route back: .*destination 10\.11\.0\.0\/16, nexthopType peerConn/,
    );
    // Bob's table, printed before the second report, holds his rule back and the subnet's system route.
    const table = `${noReturn.lines.join('\n')}\n`;
    assert.match(
      table,
      /\n10\.11\.0\.0\/16\s+0\.0\.0\.0\/0\s+peerConn\s+qpif-[a-z0-9]{12}\s+rr-[a-z0-9]{12}\s+back to web\n/,
    );
    assert.match(table, /\n10\.12\.1\.0\/24\s+0\.0\.0\.0\/0\s+sys\s+local\s+\(system\)\n/);
    assert.ok(
      routed.reachable && routed.problems.length === 0 && routed.exitCode === null,
      routed.lines.join('\n'),
    );

    // 2. Between the interfaces, tcp 3306: the database's new group lets nothing in.
    const eniToEni = /\(eni-[a-z0-9]{12}\) → 10\.12\.1\.7 \(eni-[a-z0-9]{12}\), tcp port 3306: /;
    assert.match(noRule.header, eniToEni);
    assert.equal(noRule.reachable, false);
    assert.deepEqual(noRule.problems, ['SecurityGroupDeniesIngress']);
    assert.equal(noRule.exitCode, 3);
    assert.ok(
      noRule.lines.some((l) =>
        /ingress: DENIED, no rule allows tcp 10\.11\.1\.5:32768 → 10\.12\.1\.7:3306$/.test(l),
      ),
      noRule.lines.join('\n'),
    );

    // 3. The group's rule lets it in; the ACL's deny-all rule at position 20 drops the answer on its way out.
    assert.match(noAnswer.header, eniToEni);
    assert.deepEqual(noAnswer.problems, ['AclDeniesReturn']);
    assert.equal(noAnswer.exitCode, 3);
    const returnPart = noAnswer.lines.slice(noAnswer.lines.indexOf('return'));
    assert.ok(
      returnPart.some((l) =>
        /egress: DENIED by rule ar-[a-z0-9]{12} at position 20 .*"nothing to web"$/.test(l),
      ),
      noAnswer.lines.join('\n'),
    );
    assert.ok(
      noAnswer.lines.some((l) =>
        /ingress: allowed by g-[a-z0-9]{12} rule r-[a-z0-9]{12} .*"mysql from web"$/.test(l),
      ),
    );

    // 4. The exception at position 10 lets the answer out: reachable, and the shell went on (exit code 0).
    assert.match(works.header, eniToEni);
    assert.ok(works.header.endsWith(': reachable'), works.header);
    assert.deepEqual(works.problems, []);
    assert.equal(works.exitCode, null);
    assert.ok(
      works.lines.some((l) =>
        /egress: allowed by rule ar-[a-z0-9]{12} at position 10 .*"mysql answers"$/.test(l),
      ),
      works.lines.join('\n'),
    );

    // What the section shows is what the commands print: every line of its output blocks, in their order. A
    // block may leave lines out (a line of its own `…` says so), never change or reorder them.
    const printed = stdout.split('\n').map(masked);
    let at = 0;
    for (const block of shown) {
      for (const line of block.code.trimEnd().split('\n').map(masked)) {
        if (line.trim() === '…') continue;
        const found = printed.indexOf(line, at);
        assert.notEqual(
          found,
          -1,
          `the README shows a line the example does not print (here):\n${line}\n\n${stdout}`,
        );
        at = found + 1;
      }
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
