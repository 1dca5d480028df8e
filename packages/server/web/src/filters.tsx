// The filter bar over the lists: by account, region, status and free text, across every account and region.
import type { PeerConnView, StateView } from '../../src/admin/views.ts';
import { Field } from './ui.tsx';

export interface Filters {
  account: string;
  region: string;
  status: string;
  text: string;
}

export const NO_FILTERS: Filters = { account: '', region: '', status: '', text: '' };

/** The server's own regions and every region a resource names. */
export function regionsOf(state: StateView): string[] {
  const regions = new Set<string>(state.regions);
  for (const vpc of state.vpcs) regions.add(vpc.region);
  for (const pc of state.peerConns) {
    regions.add(pc.initiator.region);
    regions.add(pc.acceptor.region);
  }
  return [...regions].sort();
}

export function connectionMatches(
  pc: PeerConnView,
  filters: Filters,
  names: ReadonlyMap<string, string>,
): boolean {
  const sides = [pc.initiator, pc.acceptor];
  if (filters.account && !sides.some((s) => s.accountId === filters.account)) return false;
  if (filters.region && !sides.some((s) => s.region === filters.region)) return false;
  if (filters.status && !sides.some((s) => s.status === filters.status || s.dnsStatus === filters.status)) {
    return false;
  }
  const text = filters.text.trim().toLowerCase();
  if (!text) return true;
  const haystack = [
    pc.peerConnId,
    ...sides.flatMap((s) => [
      s.vpcId,
      s.ifId,
      s.ifName,
      s.description,
      s.accountId,
      names.get(s.accountId) ?? '',
    ]),
  ]
    .join(' ')
    .toLowerCase();
  return haystack.includes(text);
}

export function FilterBar({
  state,
  names,
  filters,
  onChange,
  statuses,
}: {
  state: StateView;
  names: ReadonlyMap<string, string>;
  filters: Filters;
  onChange: (next: Filters) => void;
  /** Status choices; no status filter when absent. */
  statuses?: readonly string[];
}) {
  const set = (key: keyof Filters) => (event: Event) =>
    onChange({ ...filters, [key]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value });
  const active = Object.values(filters).some((v) => v !== '');
  return (
    <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <Field label="Account">
        <select value={filters.account} onChange={set('account')}>
          <option value="">All accounts</option>
          {state.accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {names.get(a.id)}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Region">
        <select value={filters.region} onChange={set('region')}>
          <option value="">All regions</option>
          {regionsOf(state).map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </Field>
      {statuses ? (
        <Field label="Status">
          <select value={filters.status} onChange={set('status')}>
            <option value="">Any status</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      <Field label="Search">
        <input type="search" value={filters.text} onInput={set('text')} placeholder="id, name, VPC…" />
      </Field>
      {active ? (
        <button type="button" class="link" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
