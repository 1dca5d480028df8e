// VPCs and accounts of every region and account.
import { useState } from 'preact/hooks';
import { api } from './api.ts';
import { accountName, useConsole } from './context.ts';
import { FilterBar, type Filters, regionsOf } from './filters.tsx';
import { instant } from './format.ts';
import { ReachCheck } from './reach.tsx';
import { ConfirmButton, Empty, Field, IdWithCopy, ROW_LIMIT, Secret, Truncated } from './ui.tsx';

/** createVpc as the chosen account at the chosen region's endpoint. */
function CreateVpc() {
  const ctx = useConsole();
  const regions = regionsOf(ctx.state);
  const [accountId, setAccountId] = useState(ctx.state.accounts[0]?.id ?? '');
  const [region, setRegion] = useState(regions[0] ?? '');
  const [name, setName] = useState('');
  const [cidr, setCidr] = useState('');
  return (
    <details class="card create">
      <summary>Create a VPC</summary>
      <form
        class="form-grid"
        onSubmit={async (e) => {
          e.preventDefault();
          const who = accountName(ctx, accountId);
          const ok = await ctx.perform(
            `createVpc as ${who}`,
            () => api.act(accountId, region, 'createVpc', { name: name.trim(), cidr: cidr.trim() }),
            (result) => `createVpc as ${who}: OK · ${result.result.vpcId} · request ${result.requestId}`,
          );
          if (ok) {
            setName('');
            setCidr('');
          }
        }}
      >
        <Field label="Account">
          <select required value={accountId} onChange={(e) => setAccountId(e.currentTarget.value)}>
            {ctx.state.accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Region">
          <select required value={region} onChange={(e) => setRegion(e.currentTarget.value)}>
            {regions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name">
          <input type="text" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label="CIDR" hint="e.g. 10.1.0.0/16">
          <input type="text" required value={cidr} onInput={(e) => setCidr(e.currentTarget.value)} />
        </Field>
        <div class="buttons">
          <button type="submit">Create VPC</button>
        </div>
      </form>
    </details>
  );
}

export function VpcList({ filters, onFilters }: { filters: Filters; onFilters: (f: Filters) => void }) {
  const ctx = useConsole();
  const { state, names } = ctx;
  const text = filters.text.trim().toLowerCase();
  const shown = state.vpcs
    .filter(
      (v) =>
        (!filters.account || v.accountId === filters.account) &&
        (!filters.region || v.region === filters.region) &&
        (!text || `${v.vpcId} ${v.name} ${v.cidr} ${v.description}`.toLowerCase().includes(text)),
    )
    .reverse();
  const connections = new Map<string, number>();
  for (const pc of state.peerConns) {
    for (const side of [pc.initiator, pc.acceptor]) {
      if (!side.removed) connections.set(side.vpcId, (connections.get(side.vpcId) ?? 0) + 1);
    }
  }
  return (
    <section aria-labelledby="vpcs-title">
      <div class="section-head">
        <h2 id="vpcs-title">VPCs</h2>
        <span class="count">{shown.length}</span>
      </div>
      <CreateVpc />
      <ReachCheck />
      <FilterBar state={state} names={names} filters={filters} onChange={onFilters} />
      {shown.length === 0 ? (
        <Empty>{state.vpcs.length === 0 ? 'No VPCs yet.' : 'No VPC matches the filters.'}</Empty>
      ) : (
        <>
          <table class="grid">
            <caption class="sr-only">VPCs of every account and region</caption>
            <thead>
              <tr>
                <th scope="col">VPC</th>
                <th scope="col">CIDR</th>
                <th scope="col">Account</th>
                <th scope="col">Region</th>
                <th scope="col">Relay</th>
                <th scope="col">Connections</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="sr-only">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, ROW_LIMIT).map((v) => (
                <tr key={v.vpcId} data-vpc={v.vpcId}>
                  <td data-label="VPC">
                    <a href={`#/vpcs/${v.vpcId}`}>{v.name}</a>
                    <div>
                      <code>{v.vpcId}</code>
                    </div>
                  </td>
                  <td data-label="CIDR">
                    <code>{v.cidr}</code>
                  </td>
                  <td data-label="Account">{names.get(v.accountId) ?? v.accountId}</td>
                  <td data-label="Region">{v.region}</td>
                  <td data-label="Relay">{v.relay ? 'on' : 'off'}</td>
                  <td data-label="Connections">{connections.get(v.vpcId) ?? 0}</td>
                  <td data-label="Created">{instant(v.createdTime)}</td>
                  <td data-label="Action">
                    <ConfirmButton
                      label="Delete…"
                      confirmLabel={`Yes, delete ${v.vpcId}`}
                      onConfirm={() =>
                        void ctx.perform(
                          `deleteVpc as ${accountName(ctx, v.accountId)}`,
                          () => api.act(v.accountId, v.region, 'deleteVpc', { vpcId: v.vpcId }),
                          () => `VPC ${v.vpcId} deleted`,
                        )
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Truncated shown={Math.min(ROW_LIMIT, shown.length)} total={shown.length} />
        </>
      )}
    </section>
  );
}

export function AccountList({ filters }: { filters: Filters }) {
  const { state } = useConsole();
  const shown = state.accounts.filter((a) => !filters.account || a.id === filters.account);
  const owned = (id: string) => ({
    vpcs: state.vpcs.filter((v) => v.accountId === id).length,
    sides: state.peerConns.filter((pc) =>
      [pc.initiator, pc.acceptor].some((s) => s.accountId === id && !s.removed),
    ).length,
  });
  return (
    <section aria-labelledby="accounts-title">
      <div class="section-head">
        <h2 id="accounts-title">Accounts</h2>
        <span class="count">{shown.length}</span>
      </div>
      <p class="muted">
        Secret keys stay hidden until you reveal them; the copy buttons work either way. Point an SDK at this
        server with an account's access key and secret key.
      </p>
      {shown.length === 0 ? (
        <Empty>No accounts.</Empty>
      ) : (
        <div class="cards">
          {shown.map((account) => {
            const counts = owned(account.id);
            return (
              <section
                class="card"
                key={account.id}
                aria-labelledby={`acct-${account.id}`}
                data-account={account.id}
              >
                <h3 id={`acct-${account.id}`}>{account.name}</h3>
                <dl class="facts">
                  <dt>Account ID</dt>
                  <dd>
                    <IdWithCopy id={account.id} what={`account id of ${account.name}`} />
                  </dd>
                  <dt>Owns</dt>
                  <dd>
                    {counts.vpcs} VPC(s), {counts.sides} connection side(s)
                  </dd>
                </dl>
                <table class="grid compact keys">
                  <caption class="sr-only">Access keys of {account.name}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Access key</th>
                      <th scope="col">Secret key</th>
                    </tr>
                  </thead>
                  <tbody>
                    {account.credentials.map((c) => (
                      <tr key={c.accessKeyId}>
                        <td data-label="Access key">
                          <IdWithCopy id={c.accessKeyId} what={`access key of ${account.name}`} />
                          {c.sessionToken ? <div class="muted">with a session token</div> : null}
                        </td>
                        <td data-label="Secret key">
                          <Secret
                            value={c.secretAccessKey}
                            what={`secret key ${c.accessKeyId} of ${account.name}`}
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            );
          })}
        </div>
      )}
    </section>
  );
}
