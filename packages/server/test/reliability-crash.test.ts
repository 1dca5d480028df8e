// Crash safety in the middle of histories: many writers at once (group commit batching them), the server killed
// with SIGKILL at a random point, restarted on the same store. After each restart: every acknowledged write is
// there, a request in flight was applied whole or not at all (both sides of its connection, its transitions and
// its timeline entries), replaying each token answers as before and creates nothing, and the request in flight
// sent again takes effect once. Then the virtual clock is moved past the pending transitions and the server
// killed around that move: the transitions run after the restart exactly once, as the timeline shows.
// Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL.
import assert from 'node:assert/strict';
import type { Agent } from 'node:http';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { ACCOUNTS } from './model/accounts.ts';
import { report, SOAK, sized } from './model/config.ts';
import { Model, type TimingTable } from './model/model.ts';
import { createPeerConnArb, createVpcArb, peerOpArb, STARTS, type Step, vpcOpArb } from './model/steps.ts';
import { ProcessTarget } from './model/targets.ts';
import { adminCall, keepAliveAgent, sendModelRequest } from './model/wire.ts';
import { type Lists, Writer, type WriterStats } from './model/writers.ts';
import { runsOnEveryStore, TEST_STORE_KIND } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

const stats: WriterStats = { acknowledged: 0, refused: 0, verified: 0, replayed: 0 };
const figures = {
  crashes: 0,
  clockCrashes: 0,
  writers: 0,
  transitionsAfterRestart: 0,
  /** Requests in flight at a kill that the restarted server shows applied, and that it shows not applied. */
  inFlightApplied: 0,
  inFlightNotApplied: 0,
};
after(() =>
  report(`reliability-crash (${TEST_STORE_KIND})`, {
    crashes: figures.crashes + figures.clockCrashes,
    writesVerified: stats.acknowledged,
    mutationsRefused: stats.refused,
    tokenReplays: stats.replayed,
    inFlightApplied: figures.inFlightApplied,
    inFlightNotApplied: figures.inFlightNotApplied,
    transitionsAfterRestart: figures.transitionsAfterRestart,
  }),
);

const writerStep: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: createVpcArb },
  { weight: 1, arbitrary: vpcOpArb },
  { weight: 10, arbitrary: createPeerConnArb },
  { weight: 16, arbitrary: peerOpArb },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('replay' as const),
      back: fc.nat({ max: 5 }),
      sameAccount: fc.constant(true),
    }),
  },
);

/** Timings where transitions pile up in virtual time (the clock is frozen) alongside immediate ones. */
const TIMINGS: TimingTable[] = [
  {
    create: { mode: 'immediate' },
    accept: { mode: 'delay', delayMs: 60_000 },
    update: { mode: 'delay', delayMs: 30_000 },
    delete: { mode: 'delay', delayMs: 90_000 },
    dnsOpen: { mode: 'delay', delayMs: 20_000 },
    dnsClose: { mode: 'immediate' },
  },
  {
    create: { mode: 'delay', delayMs: 10_000 },
    accept: { mode: 'immediate' },
    update: { mode: 'immediate' },
    delete: { mode: 'delay', delayMs: 10_000 },
    dnsOpen: { mode: 'delay', delayMs: 10_000 },
    dnsClose: { mode: 'delay', delayMs: 10_000 },
  },
];

async function readLists(agent: Agent, port: number): Promise<Lists> {
  const lists: Lists = { peerConns: new Map(), vpcs: new Map() };
  for (const account of ACCOUNTS) {
    for (const region of ['bj', 'gz']) {
      for (const op of ['listPeerConns', 'listVpcs'] as const) {
        const items: Array<Record<string, unknown>> = [];
        let marker: string | undefined;
        for (;;) {
          const res = await sendModelRequest(
            agent,
            port,
            { op, accountId: account.id, region, path: {}, query: marker ? { marker } : {} },
            account,
          );
          assert.equal(res.status, 200, res.text);
          const body = res.json as Record<string, unknown>;
          items.push(
            ...(body[op === 'listPeerConns' ? 'peerConns' : 'vpcs'] as Array<Record<string, unknown>>),
          );
          if (body.isTruncated !== true) break;
          marker = body.nextMarker as string;
        }
        (op === 'listPeerConns' ? lists.peerConns : lists.vpcs).set(`${account.id} ${region}`, items);
      }
    }
  }
  return lists;
}

async function readTimeline(agent: Agent, port: number): Promise<Map<string, string[]>> {
  const timeline = new Map<string, string[]>();
  let afterSeq = 0;
  for (;;) {
    const { events } = (await adminCall(agent, port, 'GET', `/events?afterSeq=${afterSeq}&limit=10000`)) as {
      events: Array<{
        seq: number;
        peerConnId: string;
        at: string;
        cause: { type: string; operation?: string; transition?: string };
      }>;
    };
    for (const e of events) {
      const cause =
        e.cause.type === 'request' ? `request:${e.cause.operation}` : `transition:${e.cause.transition}`;
      timeline.set(e.peerConnId, [...(timeline.get(e.peerConnId) ?? []), `${cause} ${e.at}`]);
      afterSeq = Math.max(afterSeq, e.seq);
    }
    if (events.length < 10000) return timeline;
  }
}

/** Each writer's state is one of its candidates (without or with its request in flight); it adopts that one. */
async function settleWriters(writers: Writer[], agent: Agent, port: number): Promise<void> {
  const lists = await readLists(agent, port);
  const timeline = await readTimeline(agent, port);
  for (const writer of writers) {
    const candidates = writer.candidates(lists);
    const failures: string[] = [];
    let matched: Model | undefined;
    for (const candidate of candidates) {
      try {
        await writer.verify(agent, port, candidate, timeline, lists);
        matched = candidate;
        break;
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    if (!matched)
      assert.fail(`no candidate state matches after the restart:\n${failures.join('\n--- or ---\n')}`);
    writer.adopt(matched);
    if (writer.inFlight) {
      if (candidates.length > 1 && matched === candidates[1]) figures.inFlightApplied += 1;
      else figures.inFlightNotApplied += 1;
    }
  }
}

test('kill -9 under concurrent writers, then around a clock move: nothing lost, nothing half-applied, nothing twice', {
  timeout: SOAK ? 3_600_000 : 300_000,
}, async () => {
  const seed = Number(process.env.PEERCONN_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const random = fc.sample(fc.integer({ min: 0, max: 2 ** 30 }), { seed, numRuns: 1000 });
  let r = 0;
  const pick = (n: number) => (random[r++ % random.length] as number) % n;
  const writerCount = sized(8, 24);
  const rounds = sized(2, 8);
  const clockRounds = sized(2, 6);
  const timing = TIMINGS[pick(TIMINGS.length)] as TimingTable;
  const start = STARTS[pick(STARTS.length)] as string;
  const config = { quotaPerVpc: 100_000, quotaPerAccount: 100_000, keepDeleted: pick(2) === 1 };
  const target = await ProcessTarget.start({ model: config, timing });
  let agent = keepAliveAgent();
  const port = () => target.ports()[0] as number;
  try {
    await adminCall(agent, port(), 'POST', '/clock', { set: start, freeze: true });
    const writers = fc
      .sample(
        fc
          .tuple(
            fc.array(createVpcArb, { minLength: 3, maxLength: 6 }),
            fc.array(writerStep, { minLength: 400, maxLength: 400 }),
          )
          .map(([setup, rest]) => [...setup, ...rest]),
        { seed, numRuns: writerCount },
      )
      .map(
        (steps, i) =>
          new Writer(
            i,
            new Model(
              config,
              ACCOUNTS.map((a) => a.id),
              Date.parse(start),
              timing,
            ),
            steps,
            stats,
          ),
      );
    figures.writers += writers.length;

    /**
     * The writers run until `threshold` more mutations were acknowledged, wherever each one is; then the server
     * is killed with SIGKILL and restarted, each writer settles on what survived, every token it was answered
     * for is replayed (answering as before, creating nothing) and the request in flight is sent again.
     */
    const crashAmongWriters = async (threshold: number): Promise<void> => {
      let acked = 0;
      let killed = false;
      let reached: () => void = () => {};
      const enough = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const running = writers.map((w) =>
        w.run(
          agent,
          port,
          () => killed,
          () => {
            acked += 1;
            if (acked >= threshold) reached();
          },
        ),
      );
      await Promise.race([enough, Promise.all(running)]);
      killed = true;
      await target.restart();
      await Promise.all(running);
      agent.destroy();
      agent = keepAliveAgent();
      figures.crashes += 1;
      await settleWriters(writers, agent, port());
      for (const writer of writers) await writer.replayTokens(agent, port());
      for (const writer of writers) await writer.resend(agent, port());
      assert.ok(
        writers.some((w) => !w.done),
        'the writers had steps left for every crash',
      );
    };

    // Kill once this many more mutations were acknowledged, wherever the writers are.
    for (let round = 0; round < rounds; round++) await crashAmongWriters(40 + pick(sized(160, 400)));

    // Transitions pending in virtual time: move the clock past them and kill the server before, while or after
    // the move is applied. Whatever was committed, the transitions run exactly once after the restart.
    for (let round = 0; round < clockRounds; round++) {
      const advanceMs = 5_000 + pick(120_000);
      const before = (await adminCall(agent, port(), 'GET', '/clock')) as { now: string };
      const pendingBefore = (
        (await adminCall(agent, port(), 'GET', '/transitions')) as { pending: unknown[] }
      ).pending.length;
      const move = adminCall(agent, port(), 'POST', '/clock', { advanceMs }).then(
        () => true,
        () => false,
      );
      // The kill lands before the answer (while the move or its transitions commit), or after it.
      if (pick(2) === 1) await move;
      await target.restart();
      await move;
      agent.destroy();
      agent = keepAliveAgent();
      figures.clockCrashes += 1;
      const target_ = new Date(Date.parse(before.now) + advanceMs).toISOString();
      const now = ((await adminCall(agent, port(), 'GET', '/clock')) as { now: string }).now;
      assert.ok(
        now === before.now || now === target_,
        `the clock is ${now}: neither ${before.now} nor ${target_}`,
      );
      // A move the crash swallowed is made again (to the same instant, so a committed one is not repeated).
      if (now !== target_) await adminCall(agent, port(), 'POST', '/clock', { set: target_, freeze: true });
      for (const writer of writers) writer.model.advance(advanceMs);
      const pendingAfter = ((await adminCall(agent, port(), 'GET', '/transitions')) as { pending: unknown[] })
        .pending.length;
      figures.transitionsAfterRestart += Math.max(0, pendingBefore - pendingAfter);
      await settleWriters(writers, agent, port());
      // And the writers go on, with a crash among them, so the new pending transitions have something to do.
      if (round < clockRounds - 1) await crashAmongWriters(10 + pick(60));
    }
  } catch (error) {
    throw new Error(
      `crash suite failed (PEERCONN_CRASH_SEED=${seed} to draw the same steps): ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  } finally {
    agent.destroy();
    await target.close();
  }
});
