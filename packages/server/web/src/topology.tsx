// The network topology: every VPC as a box with its subnets and their interfaces, every peering as a line
// coloured by its state. Clicking one interface and then another asks the server whether a packet of the chosen
// protocol and port gets from the first to the second and back (POST /_admin/reachability), and the drawing
// lights up the path the answer followed and marks where it stops, with the deciding rule spelt out below.
import { useEffect, useState } from 'preact/hooks';
import type { AdminBody } from '../../src/admin/bodies.ts';
import type { EniView, PeerConnView, ReachReport, StateView } from '../../src/admin/views.ts';
import type { FilterCheck } from '../../src/domain/reachability.ts';
import { AdminError, api } from './api.ts';
import { accountName, useConsole } from './context.ts';
import { FilterLine, Hops, packetText } from './reach.tsx';
import { type Box, layoutTopology, SIZES } from './topology-layout.ts';
import { Empty, Field } from './ui.tsx';

type Protocol = NonNullable<AdminBody<'reachability'>['protocol']>;
const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'icmp', 'all'];
/** Ports belong to tcp and udp only; the server refuses one with icmp or all. */
const hasPorts = (protocol: Protocol) => protocol === 'tcp' || protocol === 'udp';

/** The colour group of a peering's state: carries traffic, on its way, failed, or gone. */
export function peeringTone(pc: PeerConnView): 'ok' | 'pending' | 'failed' | 'gone' {
  const status = pc.initiator.status;
  if (status === 'active') return 'ok';
  if (status === 'deleted') return 'gone';
  if (['consult_failed', 'expired', 'down', 'error'].includes(status)) return 'failed';
  return 'pending';
}

/** What the drawing lights up for an answer: the VPCs, subnets, interfaces and peerings it went through. */
export interface PathMarks {
  vpcs: Set<string>;
  subnets: Set<string>;
  enis: Set<string>;
  peerings: Set<string>;
  /** Where the packet is dropped or stops: every filter that denied it, else where the routing ended. */
  blocked: Array<{ kind: 'vpc' | 'subnet' | 'eni' | 'peering'; id: string }>;
}

/** The filters of an answer in the order the packet met them: there, then back. */
export function checksOf(report: ReachReport): FilterCheck[] {
  return [...report.forward, ...report.return].flatMap((hop) => [...hop.leaving, ...hop.arriving]);
}

/**
 * The elements an answer went through, read off its hops and filter checks (the check walks on past a drop, so
 * the whole path is lit and each drop marked), or where the routing ended when no filter is to blame.
 */
export function pathMarks(report: ReachReport): PathMarks {
  const marks: PathMarks = {
    vpcs: new Set(),
    subnets: new Set(),
    enis: new Set(),
    peerings: new Set(),
    blocked: [],
  };
  if (report.from.eniId) marks.enis.add(report.from.eniId);
  if (report.from.subnetId) marks.subnets.add(report.from.subnetId);
  const hops = [...report.forward, ...report.return];
  for (const hop of hops) {
    marks.vpcs.add(hop.vpcId);
    if (hop.next?.type === 'peerConn' && hop.next.peerConnId) marks.peerings.add(hop.next.peerConnId);
    if (hop.next?.type === 'local') marks.subnets.add(hop.next.subnetId);
  }
  for (const check of checksOf(report)) {
    if (check.verdict === 'skip') continue;
    const element =
      check.kind === 'acl'
        ? ({ kind: 'subnet', id: check.subnetId } as const)
        : check.eniId
          ? ({ kind: 'eni', id: check.eniId } as const)
          : undefined;
    if (!element) continue;
    (element.kind === 'subnet' ? marks.subnets : marks.enis).add(element.id);
    if (
      check.verdict === 'deny' &&
      !marks.blocked.some((b) => b.kind === element.kind && b.id === element.id)
    ) {
      marks.blocked.push(element);
    }
  }
  if (!report.reachable && marks.blocked.length === 0) {
    const last = hops.at(-1);
    if (last?.next?.type === 'peerConn' && last.next.peerConnId && !last.next.usable) {
      marks.blocked.push({ kind: 'peering', id: last.next.peerConnId });
    } else if (last) {
      marks.blocked.push({ kind: 'vpc', id: last.vpcId });
    }
  }
  return marks;
}

function primaryIp(eni: EniView): string {
  return eni.privateIps.find((ip) => ip.primary)?.address ?? eni.privateIps[0]?.address ?? '';
}

function fits(text: string, width: number, charWidth = 7): string {
  const room = Math.max(4, Math.floor(width / charWidth));
  return text.length <= room ? text : `${text.slice(0, room - 1)}…`;
}

interface Selection {
  from?: string;
  to?: string;
}

interface Answer {
  from: string;
  to: string;
  protocol: Protocol;
  port: string;
  report?: ReachReport;
  error?: AdminError;
}

function markClass(
  base: string,
  id: string,
  marks: PathMarks | undefined,
  kind: PathMarks['blocked'][number]['kind'],
) {
  if (!marks) return base;
  const set = { vpc: marks.vpcs, subnet: marks.subnets, eni: marks.enis, peering: marks.peerings }[kind];
  const blocked = marks.blocked.some((b) => b.kind === kind && b.id === id);
  return `${base}${set.has(id) ? ' on-path' : ''}${blocked ? ' blocked' : ''}`;
}

function EniChip({
  eni,
  box,
  selection,
  marks,
  onPick,
}: {
  eni: EniView;
  box: Box;
  selection: Selection;
  marks: PathMarks | undefined;
  onPick: (eniId: string) => void;
}) {
  const ip = primaryIp(eni);
  const role = selection.from === eni.eniId ? 'from' : selection.to === eni.eniId ? 'to' : undefined;
  const pick = () => onPick(eni.eniId);
  return (
    // biome-ignore lint/a11y/useSemanticElements: an SVG shape cannot be a <button>; role, name, focus and keys make it one.
    <g
      class={`${markClass('eni', eni.eniId, marks, 'eni')}${role ? ` picked-${role}` : ''}`}
      data-eni={eni.eniId}
      role="button"
      // Lower case: on an SVG element the attribute keeps the case it is given, and only `tabindex` is known.
      tabindex={0}
      aria-pressed={role !== undefined}
      aria-label={`Interface ${eni.name} ${ip} (${eni.eniId})${role ? `, chosen as ${role}` : ''}`}
      onClick={pick}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          pick();
        }
      }}
    >
      <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={6} />
      <text x={box.x + 8} y={box.y + 16} class="eni-name">
        {fits(eni.name, box.width - 16)}
      </text>
      <text x={box.x + 8} y={box.y + 32} class="eni-ip">
        {ip}
        {role ? ` · ${role}` : ''}
      </text>
    </g>
  );
}

function Drawing({
  state,
  selection,
  marks,
  onPick,
}: {
  state: StateView;
  selection: Selection;
  marks: PathMarks | undefined;
  onPick: (eniId: string) => void;
}) {
  const ctx = useConsole();
  const subnetsOf = (vpcId: string) => state.subnets.filter((s) => s.vpcId === vpcId);
  const enisOf = (subnetId: string) => state.enis.filter((e) => e.subnetId === subnetId);
  const peerings = state.peerConns.filter((pc) => pc.initiator.vpcId !== pc.acceptor.vpcId);
  const layout = layoutTopology({
    vpcs: state.vpcs.map((v) => ({
      vpcId: v.vpcId,
      subnets: subnetsOf(v.vpcId).map((s) => ({
        subnetId: s.subnetId,
        eniIds: enisOf(s.subnetId).map((e) => e.eniId),
      })),
    })),
    peerings: peerings.map((pc) => ({
      peerConnId: pc.peerConnId,
      fromVpcId: pc.initiator.vpcId,
      toVpcId: pc.acceptor.vpcId,
    })),
  });
  return (
    <figure class="topology-scroll">
      <figcaption class="sr-only">
        Network topology: VPCs with their subnets and interfaces, and the peerings between them
      </figcaption>
      <svg
        class="topology"
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
      >
        <title>Network topology</title>
        {state.vpcs.map((vpc) => {
          const box = layout.vpcs.get(vpc.vpcId) as Box;
          return (
            <g key={vpc.vpcId} class={markClass('vpc', vpc.vpcId, marks, 'vpc')} data-vpc={vpc.vpcId}>
              <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={10} />
              <text x={box.x + SIZES.padding} y={box.y + 20} class="vpc-name">
                <a href={`#/vpcs/${vpc.vpcId}`}>
                  {fits(`${vpc.name} · ${vpc.cidr}`, box.width - 2 * SIZES.padding, 8)}
                </a>
              </text>
              <text x={box.x + SIZES.padding} y={box.y + 37} class="vpc-owner">
                {fits(
                  `${accountName(ctx, vpc.accountId)} · ${vpc.region} · ${vpc.vpcId}`,
                  box.width - 2 * SIZES.padding,
                )}
              </text>
              {subnetsOf(vpc.vpcId).map((subnet) => {
                const sbox = layout.subnets.get(subnet.subnetId) as Box;
                const enis = enisOf(subnet.subnetId);
                return (
                  <g
                    key={subnet.subnetId}
                    class={markClass('subnet', subnet.subnetId, marks, 'subnet')}
                    data-subnet={subnet.subnetId}
                  >
                    <rect x={sbox.x} y={sbox.y} width={sbox.width} height={sbox.height} rx={8} />
                    <text x={sbox.x + SIZES.padding} y={sbox.y + 19} class="subnet-name">
                      {fits(
                        `${subnet.name} · ${subnet.cidr} · ${subnet.zoneName}`,
                        sbox.width - 2 * SIZES.padding,
                      )}
                    </text>
                    {enis.length === 0 ? (
                      <text
                        x={sbox.x + SIZES.padding}
                        y={sbox.y + SIZES.subnetHeader + 12}
                        class="muted-text"
                      >
                        no interfaces
                      </text>
                    ) : (
                      enis.map((eni) => (
                        <EniChip
                          key={eni.eniId}
                          eni={eni}
                          box={layout.enis.get(eni.eniId) as Box}
                          selection={selection}
                          marks={marks}
                          onPick={onPick}
                        />
                      ))
                    )}
                  </g>
                );
              })}
            </g>
          );
        })}
        {peerings.map((pc) => {
          const line = layout.peerings.get(pc.peerConnId);
          if (!line) return null;
          const tone = peeringTone(pc);
          const mx = (line.x1 + line.x2) / 2;
          const my = (line.y1 + line.y2) / 2;
          return (
            <g
              key={pc.peerConnId}
              class={markClass(`peering tone-${tone}`, pc.peerConnId, marks, 'peering')}
              data-peering={pc.peerConnId}
              data-tone={tone}
            >
              <title>{`${pc.peerConnId}: ${pc.initiator.status}, ${pc.bandwidthInMbps} Mbps`}</title>
              <line x1={line.x1} y1={line.y1} x2={line.x2} y2={line.y2} />
              <a href={`#/connections/${pc.peerConnId}`}>
                <rect x={mx - 46} y={my - 11} width={92} height={22} rx={11} class="peering-label" />
                <text x={mx} y={my + 4} text-anchor="middle" class="peering-status">
                  {pc.initiator.status}
                </text>
              </a>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

export function TopologyView() {
  const ctx = useConsole();
  const { state } = ctx;
  const [selection, setSelection] = useState<Selection>({});
  const [protocol, setProtocol] = useState<Protocol>('tcp');
  const [port, setPort] = useState('22');
  const [answer, setAnswer] = useState<Answer>();
  const [busy, setBusy] = useState(false);

  const check = async (from: string, to: string) => {
    setBusy(true);
    const asked: Answer = { from, to, protocol, port };
    try {
      const report = await api.reach({
        from: { eniId: from },
        to: { eniId: to },
        protocol,
        ...(hasPorts(protocol) ? { port: Number(port) } : {}),
      });
      setAnswer({ ...asked, report });
    } catch (error) {
      setAnswer({
        ...asked,
        error: error instanceof AdminError ? error : new AdminError(0, 'Error', String(error), undefined),
      });
    } finally {
      setBusy(false);
    }
  };

  const pick = (eniId: string) => {
    if (!selection.from || selection.to) {
      setSelection({ from: eniId });
      setAnswer(undefined);
    } else if (eniId !== selection.from) {
      setSelection({ from: selection.from, to: eniId });
      void check(selection.from, eniId);
    }
  };

  // Interfaces that were deleted meanwhile leave the selection.
  useEffect(() => {
    const exists = (id: string | undefined) => id === undefined || state.enis.some((e) => e.eniId === id);
    if (!exists(selection.from) || !exists(selection.to)) {
      setSelection({});
      setAnswer(undefined);
    }
  }, [state.enis, selection.from, selection.to]);

  const name = (id: string | undefined) => {
    const eni = state.enis.find((e) => e.eniId === id);
    return eni ? `${eni.name} (${primaryIp(eni)})` : '';
  };
  const marks = answer?.report ? pathMarks(answer.report) : undefined;

  return (
    <section aria-labelledby="topology-title" class="topology-view">
      <div class="section-head">
        <h2 id="topology-title">Topology</h2>
        <span class="count">
          {state.vpcs.length} VPC(s) · {state.enis.length} interface(s)
        </span>
      </div>
      <form
        class="card form-grid topology-controls"
        aria-label="Path check"
        onSubmit={(e) => {
          e.preventDefault();
          if (selection.from && selection.to) void check(selection.from, selection.to);
        }}
      >
        <p class="hint-line" data-field="pick-hint">
          {!selection.from
            ? 'Click an interface to check a path from it.'
            : !selection.to
              ? `From ${name(selection.from)}: click the interface to reach.`
              : `From ${name(selection.from)} to ${name(selection.to)}.`}
        </p>
        <Field label="Protocol">
          <select value={protocol} onChange={(e) => setProtocol(e.currentTarget.value as Protocol)}>
            {PROTOCOLS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Port">
          <input
            type="number"
            min="1"
            max="65535"
            step="1"
            required
            disabled={!hasPorts(protocol)}
            value={port}
            onInput={(e) => setPort(e.currentTarget.value)}
          />
        </Field>
        <div class="buttons">
          <button type="submit" disabled={busy || !selection.from || !selection.to}>
            Check again
          </button>
          <button
            type="button"
            disabled={!selection.from}
            onClick={() => {
              setSelection({});
              setAnswer(undefined);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      {state.vpcs.length === 0 ? (
        <Empty>No VPCs yet.</Empty>
      ) : (
        <Drawing state={state} selection={selection} marks={marks} onPick={pick} />
      )}
      <ul class="legend" aria-label="Legend">
        <li class="tone-ok">active peering</li>
        <li class="tone-pending">on its way</li>
        <li class="tone-failed">failed or expired</li>
        <li class="tone-gone">released</li>
        <li class="legend-path">on the checked path</li>
        <li class="legend-blocked">where it stops</li>
      </ul>
      {answer ? <PathAnswer answer={answer} name={name} /> : null}
    </section>
  );
}

function PathAnswer({ answer, name }: { answer: Answer; name: (id: string) => string }) {
  if (answer.error) {
    return (
      <p class="notice error" role="alert">
        <strong>{answer.error.code}</strong>: {answer.error.message}
      </p>
    );
  }
  const report = answer.report as ReachReport;
  const drops = checksOf(report).filter((check) => check.verdict === 'deny');
  const first = report.forward[0]?.leaving[0]?.packet;
  return (
    <section
      class="card reach-answer"
      aria-live="polite"
      aria-labelledby="path-title"
      data-answer={report.reachable ? 'reachable' : 'blocked'}
    >
      <h3 id="path-title">
        {name(answer.from)} → {name(answer.to)}
      </h3>
      <p class={report.reachable ? 'verdict ok' : 'verdict bad'}>
        {report.reachable ? 'Reachable' : 'Not reachable'}
      </p>
      {first ? <p class="muted">{packetText(first)}, and the answer back</p> : null}
      {drops.length > 0 ? (
        <div class="drops">
          <h4>Dropped by</h4>
          {drops.map((check) => (
            <FilterLine key={`${check.kind}-${check.direction}-${check.packet.source}`} check={check} />
          ))}
        </div>
      ) : null}
      {report.problems.length > 0 ? (
        <ul class="problems">
          {report.problems.map((p) => (
            <li key={`${p.code}-${p.message}`} data-problem={p.code}>
              <strong>{p.code}</strong>: {p.message}
            </li>
          ))}
        </ul>
      ) : null}
      <Hops title="Forward" hops={report.forward} />
      <Hops title="Return" hops={report.return} />
    </section>
  );
}
