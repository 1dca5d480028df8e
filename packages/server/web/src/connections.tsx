// Peering connections: the list with both sides next to each other, and one connection in detail with the
// actions each side's account may try, its pending transitions and its timeline.
import { useEffect, useState } from 'preact/hooks';
import type { PeerConnView, RequestFields, SideOperation, SideView, VpcView } from '../../src/admin/views.ts';
import type { PeerConnEvent } from '../../src/engine/api.ts';
import { AdminError, api } from './api.ts';
import { accountName, useConsole, useTick, virtualNow } from './context.ts';
import { connectionMatches, FilterBar, type Filters } from './filters.tsx';
import { change, instant, relative } from './format.ts';
import { PendingTable } from './time.tsx';
import { Badge, ConfirmButton, Empty, Field, IdWithCopy, ROW_LIMIT, Truncated } from './ui.tsx';

const STATUSES = [
  'creating',
  'consulting',
  'consult_failed',
  'starting',
  'active',
  'updating',
  'deleting',
  'deleted',
  'expired',
  'wait',
  'syncing',
  'open',
  'closing',
];

function vpcName(vpcs: ReadonlyMap<string, string>, vpcId: string): string {
  const name = vpcs.get(vpcId);
  return name ? `${vpcId} (${name})` : vpcId;
}

function SideCell({ side, vpcs }: { side: SideView; vpcs: ReadonlyMap<string, string> }) {
  const ctx = useConsole();
  const name = vpcs.get(side.vpcId);
  return (
    <div class={`side${side.removed ? ' removed' : ''}`} data-side={side.role}>
      <div class="side-status">
        <span data-field="status">
          <Badge value={side.status} />
        </span>
        <span class="dns">
          <span class="muted">DNS</span>{' '}
          <span data-field="dnsStatus">
            <Badge value={side.dnsStatus} kind="dns" />
          </span>
        </span>
        {side.removed ? <span class="tag">removed</span> : null}
      </div>
      <div class="muted">
        {accountName(ctx, side.accountId)} · {side.region} ·{' '}
        <span data-field="vpc">
          {name ? <>{name} </> : null}
          <code>{side.vpcId}</code>
        </span>
      </div>
    </div>
  );
}

function billing(pc: PeerConnView): string {
  if (pc.paymentTiming === 'Postpaid') return 'Postpaid';
  return `Prepaid${pc.reservationLength ? ` ${pc.reservationLength} mo` : ''}`;
}

/** The VPC as a choice: id, name, owner and region, which decide who asks and where. */
function vpcChoice(vpc: VpcView, names: ReadonlyMap<string, string>): string {
  return `${vpc.vpcId} (${vpc.name}) · ${names.get(vpc.accountId) ?? vpc.accountId} · ${vpc.region}`;
}

/** createPeerConn as the owner of the local VPC, at its region; the peer's account and region follow its VPC. */
function RequestPeering() {
  const ctx = useConsole();
  const { vpcs } = ctx.state;
  const [local, setLocal] = useState('');
  const [peer, setPeer] = useState('');
  const [bandwidth, setBandwidth] = useState('10');
  const [billing, setBilling] = useState<'Postpaid' | 'Prepaid'>('Postpaid');
  const [description, setDescription] = useState('');
  if (vpcs.length < 2) {
    return (
      <p class="muted">
        A peering connection joins two VPCs: create them under <a href="#/vpcs">VPCs</a> (or with any client),
        then request one here.
      </p>
    );
  }
  const from = vpcs.find((v) => v.vpcId === local);
  const to = vpcs.find((v) => v.vpcId === peer);
  return (
    <details class="card create">
      <summary>Request a peering connection</summary>
      <form
        class="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          if (!from || !to) return;
          const who = accountName(ctx, from.accountId);
          const input: RequestFields<'createPeerConn'> = {
            localVpcId: from.vpcId,
            peerVpcId: to.vpcId,
            peerRegion: to.region,
            bandwidthInMbps: Number(bandwidth),
            billing:
              billing === 'Postpaid'
                ? { paymentTiming: 'Postpaid' }
                : {
                    paymentTiming: 'Prepaid',
                    reservation: { reservationLength: 1, reservationTimeUnit: 'month' },
                  },
          };
          if (to.accountId !== from.accountId) input.peerAccountId = to.accountId;
          if (description.trim()) input.description = description.trim();
          void ctx.perform(
            `createPeerConn as ${who}`,
            () => api.act(from.accountId, from.region, 'createPeerConn', input),
            (result) => {
              const id = result.result.peerConnId;
              location.hash = `#/connections/${id}`;
              return `createPeerConn as ${who}: OK · ${id} · request ${result.requestId}`;
            },
          );
        }}
      >
        <Field label="From VPC (the initiator)">
          <select required value={local} onChange={(e) => setLocal(e.currentTarget.value)}>
            <option value="">Choose…</option>
            {vpcs.map((v) => (
              <option key={v.vpcId} value={v.vpcId}>
                {vpcChoice(v, ctx.names)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="To VPC (the acceptor)">
          <select required value={peer} onChange={(e) => setPeer(e.currentTarget.value)}>
            <option value="">Choose…</option>
            {vpcs
              .filter((v) => v.vpcId !== local)
              .map((v) => (
                <option key={v.vpcId} value={v.vpcId}>
                  {vpcChoice(v, ctx.names)}
                </option>
              ))}
          </select>
        </Field>
        <Field label="Bandwidth (Mbps)">
          <input
            type="number"
            min="1"
            step="1"
            required
            value={bandwidth}
            onInput={(e) => setBandwidth(e.currentTarget.value)}
          />
        </Field>
        <Field label="Billing">
          <select
            value={billing}
            onChange={(e) => setBilling(e.currentTarget.value as 'Postpaid' | 'Prepaid')}
          >
            <option value="Postpaid">Postpaid</option>
            <option value="Prepaid">Prepaid, 1 month</option>
          </select>
        </Field>
        <Field label="Description">
          <input type="text" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </Field>
        <div class="buttons">
          <button type="submit">Request{from ? ` as ${accountName(ctx, from.accountId)}` : ''}</button>
        </div>
      </form>
    </details>
  );
}

export function ConnectionList({
  filters,
  onFilters,
}: {
  filters: Filters;
  onFilters: (f: Filters) => void;
}) {
  const ctx = useConsole();
  const { state, names } = ctx;
  const vpcs = new Map(state.vpcs.map((v) => [v.vpcId, v.name]));
  // Newest first: what just happened is at the top, and the row limit cuts the oldest.
  const shown = state.peerConns.filter((pc) => connectionMatches(pc, filters, names)).reverse();
  return (
    <section aria-labelledby="conns-title">
      <div class="section-head">
        <h2 id="conns-title">Peering connections</h2>
        <span class="count">
          {shown.length === state.peerConns.length
            ? `${shown.length}`
            : `${shown.length} of ${state.peerConns.length}`}
        </span>
      </div>
      <RequestPeering />
      <FilterBar state={state} names={names} filters={filters} onChange={onFilters} statuses={STATUSES} />
      {shown.length === 0 ? (
        <Empty>
          {state.peerConns.length === 0
            ? 'No peering connections yet. Request one above, or with the SDK, the CLI or any BCE client: it appears here at once.'
            : 'No connection matches the filters.'}
        </Empty>
      ) : (
        <>
          <table class="grid">
            <caption class="sr-only">Peering connections with both sides</caption>
            <thead>
              <tr>
                <th scope="col">Connection</th>
                <th scope="col">Initiator</th>
                <th scope="col">Acceptor</th>
                <th scope="col">Bandwidth</th>
                <th scope="col">Billing</th>
                <th scope="col">Expires</th>
                <th scope="col">Delete protection</th>
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, ROW_LIMIT).map((pc) => (
                <tr key={pc.peerConnId} data-pc={pc.peerConnId}>
                  <td data-label="Connection">
                    <a href={`#/connections/${pc.peerConnId}`}>{pc.peerConnId}</a>
                    <div class="muted">{pc.crossAccount ? 'cross-account' : 'same account'}</div>
                  </td>
                  <td data-label="Initiator">
                    <SideCell side={pc.initiator} vpcs={vpcs} />
                  </td>
                  <td data-label="Acceptor">
                    <SideCell side={pc.acceptor} vpcs={vpcs} />
                  </td>
                  <td data-label="Bandwidth">{pc.bandwidthInMbps} Mbps</td>
                  <td data-label="Billing">{billing(pc)}</td>
                  <td data-label="Expires">{pc.expiredTime ? instant(pc.expiredTime) : '—'}</td>
                  <td data-label="Delete protection">{pc.deleteProtect ? 'on' : 'off'}</td>
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

/** How the console names each operation it offers a side. */
function actionLabel(operation: SideOperation, pc: PeerConnView): string {
  const labels: Record<SideOperation, string> = {
    acceptPeerConn: 'Accept',
    rejectPeerConn: 'Reject',
    openPeerConnDnsSync: 'Open DNS sync',
    closePeerConnDnsSync: 'Close DNS sync',
    updatePeerConnDeleteProtect: pc.deleteProtect
      ? 'Turn delete protection off'
      : 'Turn delete protection on',
    resizePeerConn: 'Resize',
    renewPeerConn: 'Renew 1 month',
    refundPeerConn: 'Refund',
    deletePeerConn: 'Release',
  };
  return labels[operation];
}

/**
 * The operations one side's account may send now, as the server's rules answer them (`side.actions`, which the
 * admin API computes with the rules that decide the requests): only those are offered, and the others are
 * listed with the code and message a request would get. An allowed operation that would change nothing
 * (opening DNS sync that is open) is not offered either.
 */
function SideActions({ pc, side }: { pc: PeerConnView; side: SideView }) {
  const ctx = useConsole();
  const [bandwidth, setBandwidth] = useState(String(pc.bandwidthInMbps));
  const who = accountName(ctx, side.accountId);
  const act = <N extends SideOperation>(operation: N, input: RequestFields<N>) =>
    ctx.perform(
      `${operation} as ${who}`,
      () => api.act(side.accountId, side.region, operation, input),
      (result) => `${operation} as ${who}: OK · request ${result.requestId}`,
    );
  const id = { peerConnId: pc.peerConnId };
  const offered = (operation: SideOperation): boolean => {
    const verdict = side.actions[operation];
    return verdict.allowed && verdict.changes;
  };
  const button = (operation: SideOperation, run: () => unknown) =>
    offered(operation) ? (
      <button type="button" data-action={operation} onClick={run}>
        {actionLabel(operation, pc)}
      </button>
    ) : null;
  // The server's order of the operations (the page holds no list of its own).
  const operations = Object.keys(side.actions) as SideOperation[];
  const withheld = operations.filter((operation) => !offered(operation));
  const answer = [
    button('acceptPeerConn', () => act('acceptPeerConn', id)),
    button('rejectPeerConn', () => act('rejectPeerConn', id)),
  ];
  const dns = [
    button('openPeerConnDnsSync', () => act('openPeerConnDnsSync', { ...id, role: side.role })),
    button('closePeerConnDnsSync', () => act('closePeerConnDnsSync', { ...id, role: side.role })),
  ];
  const settings = [
    button('updatePeerConnDeleteProtect', () =>
      act('updatePeerConnDeleteProtect', { ...id, deleteProtect: !pc.deleteProtect }),
    ),
    button('renewPeerConn', () =>
      act('renewPeerConn', {
        ...id,
        billing: { reservation: { reservationLength: 1, reservationTimeUnit: 'month' } },
      }),
    ),
    button('refundPeerConn', () => act('refundPeerConn', id)),
  ];
  const any = (group: unknown[]) => group.some((item) => item !== null);
  return (
    <fieldset class="actions">
      <legend>
        Act as {who} ({side.region})
      </legend>
      {withheld.length === operations.length ? (
        <p class="muted" data-field="no-actions">
          The rules allow {who} nothing on this connection now.
        </p>
      ) : null}
      {any(answer) ? (
        <fieldset class="buttons">
          <legend class="sr-only">{`Answer the request as ${who}`}</legend>
          {answer}
        </fieldset>
      ) : null}
      {any(dns) ? (
        <fieldset class="buttons">
          <legend class="sr-only">{`DNS sync of the ${side.role} side`}</legend>
          {dns}
        </fieldset>
      ) : null}
      {any(settings) ? (
        <fieldset class="buttons">
          <legend class="sr-only">{`Connection settings as ${who}`}</legend>
          {settings}
        </fieldset>
      ) : null}
      {offered('resizePeerConn') ? (
        <form
          class="inline"
          data-action="resizePeerConn"
          onSubmit={(e) => {
            e.preventDefault();
            void act('resizePeerConn', { ...id, newBandwidthInMbps: Number(bandwidth) });
          }}
        >
          <Field label="New bandwidth (Mbps)">
            <input
              type="number"
              min="1"
              step="1"
              required
              value={bandwidth}
              onInput={(e) => setBandwidth(e.currentTarget.value)}
            />
          </Field>
          <button type="submit">Resize</button>
        </form>
      ) : null}
      {offered('deletePeerConn') ? (
        <div class="buttons" data-action="deletePeerConn">
          <ConfirmButton
            label="Release…"
            confirmLabel={`Yes, release ${pc.peerConnId}`}
            onConfirm={() => void act('deletePeerConn', id)}
          />
        </div>
      ) : null}
      {withheld.length > 0 ? (
        <details class="withheld">
          <summary>Not offered now ({withheld.length})</summary>
          <ul>
            {withheld.map((operation) => {
              const verdict = side.actions[operation];
              return (
                <li key={operation} data-withheld={operation}>
                  <strong>{actionLabel(operation, pc)}</strong>:{' '}
                  {verdict.allowed ? (
                    'already so; it would change nothing'
                  ) : (
                    <>
                      <code>{verdict.code}</code> {verdict.message}
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        </details>
      ) : null}
    </fieldset>
  );
}

function SideDetail({
  pc,
  side,
  vpcs,
}: {
  pc: PeerConnView;
  side: SideView;
  vpcs: ReadonlyMap<string, string>;
}) {
  const ctx = useConsole();
  const title = side.role === 'initiator' ? 'Initiator' : 'Acceptor';
  return (
    <section class="card side-detail" data-side={side.role} aria-labelledby={`side-${side.role}`}>
      <h3 id={`side-${side.role}`}>
        {title} · {accountName(ctx, side.accountId)}
        {side.removed ? <span class="tag">removed</span> : null}
      </h3>
      <dl class="facts">
        <dt>Status</dt>
        <dd data-field="status">
          <Badge value={side.status} />
        </dd>
        <dt>DNS sync</dt>
        <dd data-field="dnsStatus">
          <Badge value={side.dnsStatus} kind="dns" />
        </dd>
        <dt>Account</dt>
        <dd>
          <IdWithCopy id={side.accountId} what={`${title.toLowerCase()} account id`} />
        </dd>
        <dt>Region</dt>
        <dd>{side.region}</dd>
        <dt>VPC</dt>
        <dd>{vpcName(vpcs, side.vpcId)}</dd>
        <dt>Interface</dt>
        <dd>
          <code>{side.ifId}</code> {side.ifName ? `(${side.ifName})` : ''}
        </dd>
        <dt>Description</dt>
        <dd>{side.description || '—'}</dd>
      </dl>
      {side.removed ? (
        <p class="muted">
          This side was removed (rejected or timed out): its account no longer sees the connection.
        </p>
      ) : (
        <SideActions pc={pc} side={side} />
      )}
    </section>
  );
}

function cause(event: PeerConnEvent, names: ReadonlyMap<string, string>) {
  const c = event.cause;
  if (c.type === 'request') {
    return (
      <>
        <strong>{c.operation}</strong> by {names.get(c.accountId) ?? c.accountId}
        <div class="muted">
          request <code>{c.requestId}</code>
        </div>
      </>
    );
  }
  const why: Record<string, string> = {
    timer: 'due time reached',
    clock: 'clock moved past it',
    run: 'run from the console or admin API',
    request: 'caught up before a request',
    inline: 'immediate, with its request',
  };
  return (
    <>
      <strong>{c.transition}</strong> transition
      <div class="muted">{why[c.trigger] ?? c.trigger}</div>
    </>
  );
}

function Timeline({ peerConnId }: { peerConnId: string }) {
  const ctx = useConsole();
  const [events, setEvents] = useState<PeerConnEvent[] | undefined>();
  const [error, setError] = useState<AdminError | undefined>();
  useEffect(() => {
    let current = true;
    api.events(peerConnId).then(
      (answer) => {
        if (!current) return;
        setEvents(answer.events);
        setError(undefined);
      },
      (e: unknown) => {
        if (current && e instanceof AdminError) setError(e);
      },
    );
    return () => {
      current = false;
    };
  }, [peerConnId, ctx.timelineVersion]);
  return (
    <section class="card" aria-labelledby="timeline-title">
      <h3 id="timeline-title">Timeline</h3>
      {error ? (
        <p class="error">
          {error.code}: {error.message}
        </p>
      ) : !events ? (
        <p class="muted">Loading…</p>
      ) : events.length === 0 ? (
        <Empty>No recorded changes.</Empty>
      ) : (
        <ol class="timeline">
          {events.map((event) => (
            <li key={event.seq} data-seq={event.seq}>
              <time dateTime={event.at}>{instant(event.at)}</time>
              <div class="cause">{cause(event, ctx.names)}</div>
              <ul class="changes">
                {event.changes.map((c) => (
                  <li key={`${c.side}.${c.field}`}>{change(c)}</li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function ConnectionDetail({ peerConnId }: { peerConnId: string }) {
  const ctx = useConsole();
  useTick();
  const pc = ctx.state.peerConns.find((p) => p.peerConnId === peerConnId);
  const vpcs = new Map(ctx.state.vpcs.map((v) => [v.vpcId, v.name]));
  const pending = ctx.state.pending.filter((p) => p.peerConnId === peerConnId);
  return (
    <section aria-labelledby="pc-title" class="detail">
      <p>
        <a href="#/connections">← All connections</a>
      </p>
      <h2 id="pc-title">{peerConnId}</h2>
      {!pc ? (
        <Empty>
          This connection no longer exists (released), or never did. Its timeline, if any, is below.
        </Empty>
      ) : (
        <>
          <dl class="facts wide">
            <dt>Bandwidth</dt>
            <dd data-field="bandwidth">{pc.bandwidthInMbps} Mbps</dd>
            <dt>Billing</dt>
            <dd>{billing(pc)}</dd>
            <dt>Expires</dt>
            <dd>
              {pc.expiredTime
                ? `${instant(pc.expiredTime)} (${relative(pc.expiredTime, virtualNow(ctx))})`
                : 'never (Postpaid)'}
            </dd>
            <dt>Delete protection</dt>
            <dd data-field="deleteProtect">{pc.deleteProtect ? 'on' : 'off'}</dd>
            <dt>Created</dt>
            <dd>{instant(pc.createdTime)}</dd>
            <dt>Accounts</dt>
            <dd>{pc.crossAccount ? 'cross-account' : 'same account'}</dd>
          </dl>
          <div class="sides">
            <SideDetail pc={pc} side={pc.initiator} vpcs={vpcs} />
            <SideDetail pc={pc} side={pc.acceptor} vpcs={vpcs} />
          </div>
        </>
      )}
      <section class="card" aria-labelledby="pc-pending-title">
        <h3 id="pc-pending-title">Pending transitions</h3>
        <PendingTable pending={pending} showConnection={false} />
      </section>
      <Timeline peerConnId={peerConnId} />
    </section>
  );
}
