// Fault injection: the rules in force (with what is left of them) and a form to add one.

import { OPERATION_LIST } from '@peerconn/sdk/operations';
import { useState } from 'preact/hooks';
import type { AdminBody } from '../../src/admin/bodies.ts';
import { api } from './api.ts';
import { useConsole } from './context.ts';
import { Empty, Field } from './ui.tsx';

interface Draft {
  operation: string;
  status: string;
  code: string;
  message: string;
  latencyMs: string;
  times: string;
  ratio: string;
  emptyBody: boolean;
  retryAfterSeconds: string;
  drop: '' | 'before' | 'after';
}

const BLANK: Draft = {
  operation: '*',
  status: '503',
  code: '',
  message: '',
  latencyMs: '',
  times: '',
  ratio: '',
  emptyBody: false,
  retryAfterSeconds: '',
  drop: '',
};

/** The rule as POST /_admin/faults takes it: empty fields are left out, numbers are numbers. */
function ruleOf(draft: Draft): AdminBody<'fault'> {
  const rule: AdminBody<'fault'> = { operation: draft.operation, status: Number(draft.status) };
  if (draft.code.trim()) rule.code = draft.code.trim();
  if (draft.message.trim()) rule.message = draft.message.trim();
  if (draft.latencyMs !== '') rule.latencyMs = Number(draft.latencyMs);
  if (draft.times !== '') rule.times = Number(draft.times);
  if (draft.ratio !== '') rule.ratio = Number(draft.ratio);
  if (draft.emptyBody) rule.emptyBody = true;
  if (draft.retryAfterSeconds !== '') rule.retryAfterSeconds = Number(draft.retryAfterSeconds);
  if (draft.drop) rule.drop = draft.drop;
  return rule;
}

function AddFault() {
  const ctx = useConsole();
  const [draft, setDraft] = useState<Draft>(BLANK);
  const text = (key: keyof Draft) => (e: Event) =>
    setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value });
  return (
    <form
      class="card form-grid"
      aria-labelledby="add-fault-title"
      onSubmit={async (e) => {
        e.preventDefault();
        const ok = await ctx.perform(
          'add a fault rule',
          () => api.addFault(ruleOf(draft)),
          (r) => `Fault rule ${r.id} added`,
        );
        if (ok) setDraft(BLANK);
      }}
    >
      <h3 id="add-fault-title">Add a rule</h3>
      <Field label="Operation">
        <select value={draft.operation} onChange={text('operation')}>
          <option value="*">* (every operation)</option>
          {OPERATION_LIST.map((op) => (
            <option key={op.name} value={op.name}>
              {op.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="HTTP status">
        <input type="number" min="100" max="599" required value={draft.status} onInput={text('status')} />
      </Field>
      <Field label="Error code" hint="default: chosen by the status">
        <input type="text" value={draft.code} onInput={text('code')} />
      </Field>
      <Field label="Message">
        <input type="text" value={draft.message} onInput={text('message')} />
      </Field>
      <Field label="Latency (ms)">
        <input type="number" min="0" step="1" value={draft.latencyMs} onInput={text('latencyMs')} />
      </Field>
      <Field label="Times" hint="empty: until removed">
        <input type="number" min="1" step="1" value={draft.times} onInput={text('times')} />
      </Field>
      <Field label="Ratio" hint="0–1, empty: every call">
        <input type="number" min="0" max="1" step="any" value={draft.ratio} onInput={text('ratio')} />
      </Field>
      <Field label="Retry-After (s)" hint="empty: no header">
        <input
          type="number"
          min="0"
          step="1"
          value={draft.retryAfterSeconds}
          onInput={text('retryAfterSeconds')}
        />
      </Field>
      <Field label="Drop the connection" hint="no answer at all">
        <select value={draft.drop} onChange={text('drop')}>
          <option value="">no: answer with the status</option>
          <option value="before">before the call runs</option>
          <option value="after">after the call ran</option>
        </select>
      </Field>
      <label class="check">
        <input
          type="checkbox"
          checked={draft.emptyBody}
          onChange={(e) => setDraft({ ...draft, emptyBody: e.currentTarget.checked })}
        />
        Empty body
      </label>
      <div class="buttons">
        <button type="submit">Add rule</button>
      </div>
    </form>
  );
}

export function FaultsView() {
  const ctx = useConsole();
  const { faults } = ctx.state;
  return (
    <div class="stack">
      <section aria-labelledby="faults-title">
        <div class="section-head">
          <h2 id="faults-title">Fault rules</h2>
          {faults.length > 0 ? (
            <button
              type="button"
              class="danger"
              onClick={() =>
                ctx.perform(
                  'clear the fault rules',
                  () => api.clearFaults(),
                  () => 'Fault rules cleared',
                )
              }
            >
              Remove all
            </button>
          ) : null}
        </div>
        <p class="muted">
          Rules hit BCE requests after authentication and validation, before anything changes; actions taken
          in this console are not affected.
        </p>
        {faults.length === 0 ? (
          <Empty>No fault rules: every request is served normally.</Empty>
        ) : (
          <table class="grid">
            <caption class="sr-only">Fault rules in force</caption>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Operation</th>
                <th scope="col">Answer</th>
                <th scope="col">Latency</th>
                <th scope="col">Left</th>
                <th scope="col">Ratio</th>
                <th scope="col">
                  <span class="sr-only">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {faults.map((f) => (
                <tr key={f.id} data-fault={f.id}>
                  <td data-label="Rule">
                    <code>{f.id}</code>
                  </td>
                  <td data-label="Operation">{f.operation ?? '*'}</td>
                  <td data-label="Answer">
                    {f.drop ? (
                      `connection dropped ${f.drop === 'before' ? 'before the call runs' : 'after the call ran'}`
                    ) : (
                      <>
                        {f.status}
                        {f.emptyBody ? ' with an empty body' : f.code ? ` ${f.code}` : ''}
                        {f.retryAfterSeconds !== undefined ? `, Retry-After ${f.retryAfterSeconds} s` : ''}
                      </>
                    )}
                    {f.message ? <div class="muted">{f.message}</div> : null}
                  </td>
                  <td data-label="Latency">{f.latencyMs ? `${f.latencyMs} ms` : '—'}</td>
                  <td data-label="Left">{f.remaining ?? '∞'}</td>
                  <td data-label="Ratio">{f.ratio ?? 1}</td>
                  <td data-label="Action">
                    <button
                      type="button"
                      onClick={() =>
                        ctx.perform(
                          `remove ${f.id}`,
                          () => api.removeFault(f.id),
                          () => `Fault rule ${f.id} removed`,
                        )
                      }
                    >
                      Remove<span class="sr-only"> {f.id}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <AddFault />
    </div>
  );
}
