// The reachability check on the VPCs page: from an address in a VPC to another address, the path there and
// back as the server finds it (POST /_admin/reachability), the same answer `peerconn reach` prints. Its hops,
// with the filters a packet meets on each, are shown the same way by the topology's path check.
import { useState } from 'preact/hooks';
import type { FilterCheck, HopNext, ReachHop, ReachReport } from '../../src/domain/reachability.ts';
import { AdminError, api } from './api.ts';
import { useConsole } from './context.ts';
import { term } from './firewall-text.ts';
import { Field } from './ui.tsx';

type PacketView = FilterCheck['packet'];

/** `tcp 10.1.1.10:32768 → 10.2.1.20:3306`, `any protocol 10.1.1.10 → 10.2.1.20`. */
export function packetText(packet: PacketView): string {
  const end = (ip: string, port: number | null) => (port === null ? ip : `${ip}:${port}`);
  const protocol = packet.protocol === 'all' ? 'any protocol' : packet.protocol;
  return `${protocol} ${end(packet.source, packet.sourcePort)} → ${end(packet.destination, packet.destinationPort)}`;
}

/**
 * One filter the packet met, and what decided it: the security group rule that allowed it (or that none did),
 * the ACL rule by id and position (or the subnet's default rule), or why the filter did not apply.
 */
export function FilterLine({ check }: { check: FilterCheck }) {
  const { state } = useConsole();
  const groupName = (id: string) => {
    const name = state.securityGroups.find((g) => g.securityGroupId === id)?.name;
    return name ? `${name} (${id})` : id;
  };
  const attributes = {
    class: `filter-check verdict-${check.verdict}`,
    'data-check': check.kind,
    'data-direction': check.direction,
    'data-verdict': check.verdict,
  };
  const decided = check.verdict === 'deny' ? <strong>denied</strong> : 'allowed';
  if (check.kind === 'securityGroup') {
    if (check.verdict === 'skip' || check.eniId === null) {
      const address = check.direction === 'egress' ? check.packet.source : check.packet.destination;
      return (
        <div {...attributes}>
          no security groups ({check.direction}): <code>{address}</code> is no interface's address
        </div>
      );
    }
    const rule = check.rule;
    return (
      <div {...attributes} data-eni={check.eniId}>
        security groups of <code>{check.eniId}</code> ({check.securityGroupIds.map(groupName).join(', ')}),{' '}
        {check.direction}: {decided}
        {check.verdict === 'deny' || rule === null ? (
          <>: no rule allows {packetText(check.packet)}</>
        ) : (
          <>
            {' '}
            by {groupName(rule.securityGroupId)} rule{' '}
            <code data-rule={rule.securityGroupRuleId}>{rule.securityGroupRuleId}</code> (
            {term(rule.protocol)} {term(rule.portRange)}, {check.direction === 'ingress' ? 'from' : 'to'}{' '}
            {rule.groupId ? `group ${groupName(rule.groupId)}` : term(rule.ip)})
            {rule.remark ? ` "${rule.remark}"` : ''}
          </>
        )}
      </div>
    );
  }
  const subnet = (
    <>
      ACL of subnet {check.subnetName} <code>{check.subnetCidr}</code>
    </>
  );
  if (check.verdict === 'skip') {
    return (
      <div {...attributes} data-subnet={check.subnetId}>
        {subnet} not applied ({check.direction}): the packet stays inside the subnet
      </div>
    );
  }
  const rule = check.rule;
  return (
    <div {...attributes} data-subnet={check.subnetId}>
      {subnet}, {check.direction}: {decided}{' '}
      {rule === null ? (
        <>: no rule matches {packetText(check.packet)}</>
      ) : rule.default ? (
        'by the default rule'
      ) : (
        <>
          by rule <code data-rule={rule.aclRuleId}>{rule.aclRuleId}</code> at position {rule.position} (
          {rule.action} {term(rule.protocol)} {term(rule.sourceIpAddress)}:{term(rule.sourcePort)} →{' '}
          {term(rule.destinationIpAddress)}:{term(rule.destinationPort)})
          {rule.description ? ` "${rule.description}"` : ''}
        </>
      )}
    </div>
  );
}

function NextHop({ next }: { next: HopNext | null }) {
  if (next === null) return null;
  if (next.type === 'local') {
    return (
      <div>
        delivered in subnet <code>{next.subnetId}</code> ({next.subnetName}, <code>{next.subnetCidr}</code>)
      </div>
    );
  }
  if (next.type === 'external') {
    return (
      <div>
        leaves to {next.nexthopType} <code>{next.nexthopId || '(no id)'}</code>, which the check does not
        follow
      </div>
    );
  }
  if (next.peerConnId === null) {
    return (
      <div>
        interface <code>{next.interfaceId}</code> belongs to no peering connection
      </div>
    );
  }
  return (
    <div>
      peering <code>{next.peerConnId}</code> ({next.usable ? 'usable' : 'not usable'}):{' '}
      {next.sides.map((s, i) => (
        <span key={s.role}>
          {i > 0 ? ', ' : ''}
          {s.role} <code>{s.vpcId}</code> {s.removed ? 'removed' : s.status}
        </span>
      ))}
      {next.toVpcId ? (
        <>
          {' '}
          → <code>{next.toVpcId}</code>
        </>
      ) : null}
    </div>
  );
}

export function Hops({ title, hops }: { title: string; hops: ReachHop[] }) {
  return (
    <div class="reach-leg">
      <h4>{title}</h4>
      {hops.length === 0 ? (
        <p class="muted">not looked up</p>
      ) : (
        <ol>
          {hops.map((hop) => (
            <li key={`${hop.vpcId}-${hop.destination}`} data-hop={hop.vpcId}>
              <div>
                <code>{hop.source}</code> → <code>{hop.destination}</code> in <code>{hop.vpcId}</code> (
                {hop.vpcName}, <code>{hop.vpcCidr}</code>), route table <code>{hop.routeTableId}</code>
              </div>
              {hop.leaving.map((check) => (
                <FilterLine key={`leaving-${check.kind}`} check={check} />
              ))}
              <div>
                {hop.rule === null ? (
                  'no rule matches'
                ) : hop.rule.system ? (
                  <>
                    system route <code>{hop.rule.destinationAddress}</code> (local)
                  </>
                ) : (
                  <>
                    rule <code>{hop.rule.routeRuleId}</code>: <code>{hop.rule.destinationAddress}</code> from{' '}
                    <code>{hop.rule.sourceAddress}</code> → {hop.rule.nexthopType}{' '}
                    <code>{hop.rule.nexthopId}</code>
                  </>
                )}
              </div>
              <NextHop next={hop.next} />
              {hop.arriving.map((check) => (
                <FilterLine key={`arriving-${check.kind}`} check={check} />
              ))}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

export function ReachCheck() {
  const ctx = useConsole();
  const [vpcId, setVpcId] = useState(ctx.state.vpcs[0]?.vpcId ?? '');
  const [fromIp, setFromIp] = useState('');
  const [toIp, setToIp] = useState('');
  const [answer, setAnswer] = useState<ReachReport | undefined>();
  const [error, setError] = useState<AdminError | undefined>();
  const [busy, setBusy] = useState(false);
  const chosen = vpcId || ctx.state.vpcs[0]?.vpcId || '';
  return (
    <details class="card create reach">
      <summary>Check reachability</summary>
      <form
        class="form-grid"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          try {
            setAnswer(
              await api.reach({ from: { vpcId: chosen, ip: fromIp.trim() }, to: { ip: toIp.trim() } }),
            );
            setError(undefined);
          } catch (failure) {
            setAnswer(undefined);
            setError(
              failure instanceof AdminError
                ? failure
                : new AdminError(0, 'Error', String(failure), undefined),
            );
          } finally {
            setBusy(false);
          }
        }}
      >
        <Field label="From VPC">
          <select required value={chosen} onChange={(e) => setVpcId(e.currentTarget.value)}>
            {ctx.state.vpcs.map((v) => (
              <option key={v.vpcId} value={v.vpcId}>
                {v.vpcId} ({v.name}, {v.cidr})
              </option>
            ))}
          </select>
        </Field>
        <Field label="From IP" hint="an address of one of its subnets">
          <input type="text" required value={fromIp} onInput={(e) => setFromIp(e.currentTarget.value)} />
        </Field>
        <Field label="To IP">
          <input type="text" required value={toIp} onInput={(e) => setToIp(e.currentTarget.value)} />
        </Field>
        <div class="buttons">
          <button type="submit" disabled={busy || chosen === ''}>
            Check
          </button>
        </div>
      </form>
      {error ? (
        <p class="notice error" role="alert">
          <strong>{error.code}</strong>: {error.message}
        </p>
      ) : null}
      {answer ? (
        <div class="reach-answer" aria-live="polite">
          <p class={answer.reachable ? 'verdict ok' : 'verdict bad'}>
            {answer.reachable ? 'Reachable' : 'Not reachable'}
          </p>
          <Hops title="Forward" hops={answer.forward} />
          <Hops title="Return" hops={answer.return} />
          {answer.problems.length > 0 ? (
            <ul class="problems">
              {answer.problems.map((p) => (
                <li key={`${p.code}-${p.message}`} data-problem={p.code}>
                  <strong>{p.code}</strong>: {p.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </details>
  );
}
