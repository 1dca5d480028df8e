// Time: the virtual clock and its controls, what the scheduler will do next, and the timing table.
import { useState } from 'preact/hooks';
import type { PendingTransition, TimingTable, TransitionTiming } from '../../src/engine/api.ts';
import { api } from './api.ts';
import { serverRealNow, useConsole, useTick, virtualNow } from './context.ts';
import { DURATION_PATTERN, duration, instant, relative } from './format.ts';
import { Empty, Field } from './ui.tsx';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function ClockBadge() {
  const ctx = useConsole();
  useTick();
  const now = virtualNow(ctx);
  const { offsetMs, frozen } = ctx.state.clock;
  return (
    <a class="clock-badge" href="#/time" aria-label="Virtual clock; open time controls">
      <span class="clock-now">{instant(new Date(now).toISOString())}</span>
      <span class="muted">
        {ctx.state.clock.realTime
          ? 'real time'
          : frozen
            ? 'frozen'
            : `${offsetMs > 0 ? '+' : ''}${duration(offsetMs)}`}
      </span>
    </a>
  );
}

export function PendingTable({
  pending,
  showConnection,
}: {
  pending: PendingTransition[];
  showConnection: boolean;
}) {
  const ctx = useConsole();
  useTick();
  const now = virtualNow(ctx);
  if (pending.length === 0) return <Empty>Nothing pending.</Empty>;
  return (
    <table class="grid compact">
      <caption class="sr-only">Pending transitions</caption>
      <thead>
        <tr>
          {showConnection ? <th scope="col">Connection</th> : null}
          <th scope="col">Transition</th>
          <th scope="col">Due (virtual time)</th>
          <th scope="col">
            <span class="sr-only">Action</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {pending.map((p) => (
          <tr key={`${p.peerConnId}-${p.name}-${p.dueAt ?? 'manual'}`}>
            {showConnection ? (
              <td data-label="Connection">
                <a href={`#/connections/${p.peerConnId}`}>{p.peerConnId}</a>
              </td>
            ) : null}
            <td data-label="Transition">{p.name}</td>
            <td data-label="Due">
              {p.manual ? (
                'when run (manual)'
              ) : (
                <>
                  {instant(p.dueAt)} <span class="muted">({relative(p.dueAt, now)})</span>
                </>
              )}
            </td>
            <td data-label="Action">
              {p.manual ? (
                <button
                  type="button"
                  onClick={() =>
                    ctx.perform(
                      `run ${p.name} of ${p.peerConnId}`,
                      () => api.runTransitions(p.peerConnId),
                      (r) => `Ran ${r.applied} transition(s) of ${p.peerConnId}`,
                    )
                  }
                >
                  Run now
                  <span class="sr-only">
                    {' '}
                    {p.name} of {p.peerConnId}
                  </span>
                </button>
              ) : (
                <button
                  type="button"
                  onClick={() => {
                    const advanceMs = Math.max(0, Math.ceil(Date.parse(p.dueAt ?? '') - virtualNow(ctx)));
                    return ctx.perform(
                      `advance the clock to ${p.name} of ${p.peerConnId}`,
                      () => api.clock({ advanceMs }),
                      () => `Clock advanced by ${duration(advanceMs)}`,
                    );
                  }}
                >
                  Advance clock to it
                  <span class="sr-only">
                    {' '}
                    ({p.name} of {p.peerConnId})
                  </span>
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ClockControls() {
  const ctx = useConsole();
  useTick();
  const [advance, setAdvance] = useState('');
  const [setTo, setSetTo] = useState('');
  const { clock } = ctx.state;
  const now = virtualNow(ctx);
  const moveBy = (label: string, ms: number) =>
    ctx.perform(
      `advance ${label}`,
      () => api.clock({ advanceMs: ms }),
      () => `Clock advanced by ${label}`,
    );
  return (
    <section class="card" aria-labelledby="clock-title">
      <h2 id="clock-title">Virtual clock</h2>
      <dl class="facts">
        <dt>Virtual time</dt>
        <dd class="big" data-field="virtual-now">
          {instant(new Date(now).toISOString())}
        </dd>
        <dt>Real time</dt>
        <dd>{instant(new Date(serverRealNow(ctx)).toISOString())}</dd>
        <dt>Offset</dt>
        <dd data-field="clock-offset">{clock.realTime ? 'none (real time)' : duration(clock.offsetMs)}</dd>
        <dt>State</dt>
        <dd data-field="clock-state">{clock.frozen ? 'frozen' : 'running'}</dd>
      </dl>
      <fieldset class="buttons">
        <legend class="sr-only">Advance the clock</legend>
        <button type="button" onClick={() => moveBy('1 hour', HOUR)}>
          Advance 1 hour
        </button>
        <button type="button" onClick={() => moveBy('1 day', DAY)}>
          Advance 1 day
        </button>
        <button type="button" onClick={() => moveBy('7 days', 7 * DAY)}>
          Advance 7 days
        </button>
      </fieldset>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const text = advance.trim();
          void ctx.perform(
            `advance ${text}`,
            () => api.clock({ advance: text }),
            () => `Clock advanced by ${text}`,
          );
        }}
      >
        <Field label="Advance by" hint="7d, 36h, 90m, 10s or 500ms">
          <input
            type="text"
            required
            pattern={DURATION_PATTERN.source.slice(1, -1)}
            value={advance}
            onInput={(e) => setAdvance(e.currentTarget.value)}
          />
        </Field>
        <button type="submit">Advance</button>
      </form>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const text = setTo.trim();
          void ctx.perform(
            `set the clock to ${text}`,
            () => api.clock({ set: text }),
            () => `Clock set to ${text}`,
          );
        }}
      >
        <Field label="Set to (ISO 8601)" hint="e.g. 2030-01-01T00:00:00Z">
          <input type="text" required value={setTo} onInput={(e) => setSetTo(e.currentTarget.value)} />
        </Field>
        <button type="submit">Set</button>
      </form>
      <div class="buttons">
        <button
          type="button"
          aria-pressed={clock.frozen}
          onClick={() =>
            ctx.perform(
              clock.frozen ? 'unfreeze the clock' : 'freeze the clock',
              () => api.clock({ freeze: !clock.frozen }),
              () => (clock.frozen ? 'Clock runs again' : 'Clock frozen'),
            )
          }
        >
          {clock.frozen ? 'Unfreeze' : 'Freeze'}
        </button>
        <button
          type="button"
          onClick={() =>
            ctx.perform(
              'go back to real time',
              () => api.clock({ realTime: true }),
              () => 'Clock back to real time',
            )
          }
        >
          Back to real time
        </button>
      </div>
    </section>
  );
}

const MODES = ['immediate', 'delay', 'manual'] as const;
const PRESETS = ['default', 'immediate', 'manual'] as const;

function TimingRow({ name, timing }: { name: keyof TimingTable; timing: TransitionTiming }) {
  const ctx = useConsole();
  const [mode, setMode] = useState(timing.mode);
  const [delay, setDelay] = useState(String(timing.delayMs ?? 1000));
  const changed = mode !== timing.mode || (mode === 'delay' && Number(delay) !== timing.delayMs);
  return (
    <tr>
      <th scope="row">{name}</th>
      <td data-label="Mode">
        <select
          aria-label={`Mode of ${name}`}
          value={mode}
          onChange={(e) => setMode(e.currentTarget.value as TransitionTiming['mode'])}
        >
          {MODES.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </td>
      <td data-label="Delay">
        <input
          type="number"
          min="0"
          step="1"
          aria-label={`Delay of ${name} in ms`}
          disabled={mode !== 'delay'}
          value={mode === 'delay' ? delay : ''}
          onInput={(e) => setDelay(e.currentTarget.value)}
        />
      </td>
      <td data-label="Action">
        <button
          type="button"
          disabled={!changed}
          onClick={() =>
            ctx.perform(
              `change the timing of ${name}`,
              () =>
                api.timing({
                  transitions: { [name]: mode === 'delay' ? { mode, delayMs: Number(delay) } : { mode } },
                }),
              () => `Timing of ${name} saved`,
            )
          }
        >
          Save<span class="sr-only"> {name}</span>
        </button>
      </td>
    </tr>
  );
}

function TimingControls() {
  const ctx = useConsole();
  const { timing } = ctx.state;
  // Rows are keyed by their saved rule, so a change saved elsewhere resets the row's unsaved edits.
  return (
    <section class="card" aria-labelledby="timing-title">
      <h2 id="timing-title">Timing of transitions</h2>
      <fieldset class="buttons">
        <legend class="sr-only">Timing presets</legend>
        {PRESETS.map((preset) => (
          <button
            key={preset}
            type="button"
            onClick={() =>
              ctx.perform(
                `apply the ${preset} timing`,
                () => api.timing({ preset }),
                () => `Timing preset ${preset}`,
              )
            }
          >
            Preset: {preset}
          </button>
        ))}
      </fieldset>
      <table class="grid compact">
        <caption class="sr-only">How long each transition takes</caption>
        <thead>
          <tr>
            <th scope="col">Transition</th>
            <th scope="col">Mode</th>
            <th scope="col">Delay (ms)</th>
            <th scope="col">
              <span class="sr-only">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(Object.keys(timing) as Array<keyof TimingTable>).map((name) => (
            <TimingRow key={`${name}:${JSON.stringify(timing[name])}`} name={name} timing={timing[name]} />
          ))}
        </tbody>
      </table>
      <p class="muted">The 7-day consult timeout and Prepaid expiry follow the virtual clock only.</p>
    </section>
  );
}

export function TimeView() {
  const ctx = useConsole();
  const manual = ctx.state.pending.filter((p) => p.manual).length;
  return (
    <div class="stack">
      <ClockControls />
      <section class="card" aria-labelledby="pending-title">
        <div class="section-head">
          <h2 id="pending-title">Pending transitions</h2>
          {manual > 0 ? (
            <button
              type="button"
              onClick={() =>
                ctx.perform(
                  'run all manual transitions',
                  () => api.runTransitions(),
                  (r) => `Ran ${r.applied} transition(s)`,
                )
              }
            >
              Run all manual ({manual})
            </button>
          ) : null}
        </div>
        <PendingTable pending={ctx.state.pending} showConnection={true} />
      </section>
      <TimingControls />
    </div>
  );
}
