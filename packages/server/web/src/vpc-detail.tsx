// One VPC in full: its subnets and route table, each subnet's ACL, its security groups with their rules and the
// interfaces using them, and its network interfaces — listed the way a firewall listing reads.
import type {
  AclRuleView,
  EniView,
  RouteTableView,
  SecurityGroupView,
  StateView,
  SubnetView,
  VpcView,
} from '../../src/admin/views.ts';
import { accountName, useConsole } from './context.ts';
import { groupRulePeer, term } from './firewall-text.ts';
import { instant } from './format.ts';
import { Badge, Empty, IdWithCopy } from './ui.tsx';

/** An ACL in evaluation order: ingress by position, then egress by position (a lower position wins). */
export function aclInOrder(rules: readonly AclRuleView[]): AclRuleView[] {
  const rank = (r: AclRuleView) => (r.direction === 'ingress' ? 0 : 1);
  return [...rules].sort((a, b) => rank(a) - rank(b) || a.position - b.position);
}

function Subnets({ subnets, enis }: { subnets: SubnetView[]; enis: EniView[] }) {
  if (subnets.length === 0) return <Empty>No subnets.</Empty>;
  return (
    <table class="grid compact">
      <caption class="sr-only">Subnets</caption>
      <thead>
        <tr>
          <th scope="col">Subnet</th>
          <th scope="col">CIDR</th>
          <th scope="col">Zone</th>
          <th scope="col">Free addresses</th>
          <th scope="col">Interfaces</th>
        </tr>
      </thead>
      <tbody>
        {subnets.map((s) => (
          <tr key={s.subnetId} data-subnet={s.subnetId}>
            <td data-label="Subnet">
              {s.name} <code>{s.subnetId}</code>
            </td>
            <td data-label="CIDR">
              <code>{s.cidr}</code>
            </td>
            <td data-label="Zone">{s.zoneName}</td>
            <td data-label="Free addresses">{s.availableIp}</td>
            <td data-label="Interfaces">{enis.filter((e) => e.subnetId === s.subnetId).length}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Routes({ table }: { table: RouteTableView | undefined }) {
  if (!table) return <Empty>No route table.</Empty>;
  return (
    <table class="grid compact" data-route-table={table.routeTableId}>
      <caption class="sr-only">Route table {table.routeTableId}</caption>
      <thead>
        <tr>
          <th scope="col">Destination</th>
          <th scope="col">Source</th>
          <th scope="col">Next hop</th>
          <th scope="col">Leads to</th>
          <th scope="col">Rule</th>
        </tr>
      </thead>
      <tbody>
        {table.rules.map((r) => (
          <tr key={r.routeRuleId || `system-${r.destinationAddress}`} data-route-rule={r.routeRuleId}>
            <td data-label="Destination">
              <code>{r.destinationAddress}</code>
            </td>
            <td data-label="Source">
              <code>{r.sourceAddress}</code>
            </td>
            <td data-label="Next hop">
              {r.nexthopType} <code>{r.nexthopId}</code>
            </td>
            <td data-label="Leads to">
              {r.peerConnId ? (
                <>
                  {r.nexthopState} via <a href={`#/connections/${r.peerConnId}`}>{r.peerConnId}</a>
                </>
              ) : (
                r.nexthopState
              )}
            </td>
            <td data-label="Rule">
              {r.system ? 'system route' : <code>{r.routeRuleId}</code>}{' '}
              {r.description ? <div class="muted">{r.description}</div> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AclListing({ subnet, rules }: { subnet: SubnetView; rules: AclRuleView[] }) {
  return (
    <section class="card" data-acl-subnet={subnet.subnetId} aria-labelledby={`acl-${subnet.subnetId}`}>
      <h4 id={`acl-${subnet.subnetId}`}>
        ACL of subnet {subnet.name} <code>{subnet.cidr}</code>
      </h4>
      {rules.length === 0 ? (
        <Empty>No rules.</Empty>
      ) : (
        <table class="grid compact firewall">
          <caption class="sr-only">ACL rules of subnet {subnet.subnetId}, in evaluation order</caption>
          <thead>
            <tr>
              <th scope="col">Direction</th>
              <th scope="col">Position</th>
              <th scope="col">Action</th>
              <th scope="col">Protocol</th>
              <th scope="col">Source</th>
              <th scope="col">Destination</th>
              <th scope="col">Rule</th>
            </tr>
          </thead>
          <tbody>
            {aclInOrder(rules).map((r) => (
              <tr
                key={r.aclRuleId || `default-${r.direction}`}
                data-acl-rule={r.aclRuleId}
                class={`action-${r.action}`}
              >
                <td data-label="Direction">{r.direction}</td>
                <td data-label="Position">{r.position}</td>
                <td data-label="Action">
                  <Badge value={r.action} kind="action" />
                </td>
                <td data-label="Protocol">{term(r.protocol)}</td>
                <td data-label="Source">
                  <code>{term(r.sourceIpAddress)}</code> port {term(r.sourcePort)}
                </td>
                <td data-label="Destination">
                  <code>{term(r.destinationIpAddress)}</code> port {term(r.destinationPort)}
                </td>
                <td data-label="Rule">
                  {r.aclRuleId ? (
                    <>
                      <code>{r.aclRuleId}</code>{' '}
                      {r.description ? <div class="muted">{r.description}</div> : null}
                    </>
                  ) : (
                    'default rule'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function GroupCard({
  group,
  groups,
  enis,
}: {
  group: SecurityGroupView;
  groups: ReadonlyMap<string, SecurityGroupView>;
  enis: ReadonlyMap<string, EniView>;
}) {
  return (
    <section class="card" data-group={group.securityGroupId} aria-labelledby={`sg-${group.securityGroupId}`}>
      <h4 id={`sg-${group.securityGroupId}`}>
        Security group {group.name}
        {group.isDefault ? <span class="tag">default</span> : null}
      </h4>
      <dl class="facts">
        <dt>ID</dt>
        <dd>
          <IdWithCopy id={group.securityGroupId} what={`id of security group ${group.name}`} />
        </dd>
        <dt>Version</dt>
        <dd>{group.version}</dd>
        <dt>Used by</dt>
        <dd data-field="group-enis">
          {group.eniIds.length === 0
            ? 'no interface'
            : group.eniIds.map((id, i) => (
                <span key={id}>
                  {i > 0 ? ', ' : ''}
                  {enis.get(id)?.name ?? ''} <code>{id}</code>
                </span>
              ))}
        </dd>
        {group.desc ? (
          <>
            <dt>Description</dt>
            <dd>{group.desc}</dd>
          </>
        ) : null}
      </dl>
      {group.rules.length === 0 ? (
        <Empty>No rules.</Empty>
      ) : (
        <table class="grid compact firewall">
          <caption class="sr-only">Rules of security group {group.securityGroupId}</caption>
          <thead>
            <tr>
              <th scope="col">Direction</th>
              <th scope="col">Allows</th>
              <th scope="col">Ports</th>
              <th scope="col">From / to</th>
              <th scope="col">Ethertype</th>
              <th scope="col">Rule</th>
            </tr>
          </thead>
          <tbody>
            {group.rules.map((r) => (
              <tr key={r.securityGroupRuleId} data-group-rule={r.securityGroupRuleId}>
                <td data-label="Direction">{r.direction}</td>
                <td data-label="Allows">{term(r.protocol)}</td>
                <td data-label="Ports">{term(r.portRange)}</td>
                <td data-label="From / to">
                  {r.direction === 'ingress' ? 'from ' : 'to '}
                  {groupRulePeer(r, groups)}
                </td>
                <td data-label="Ethertype">{r.ethertype}</td>
                <td data-label="Rule">
                  <code>{r.securityGroupRuleId}</code> {r.remark ? <div class="muted">{r.remark}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Interfaces({
  enis,
  subnets,
  groups,
}: {
  enis: EniView[];
  subnets: ReadonlyMap<string, SubnetView>;
  groups: ReadonlyMap<string, SecurityGroupView>;
}) {
  if (enis.length === 0) return <Empty>No network interfaces.</Empty>;
  return (
    <table class="grid compact">
      <caption class="sr-only">Network interfaces</caption>
      <thead>
        <tr>
          <th scope="col">Interface</th>
          <th scope="col">Subnet</th>
          <th scope="col">Private addresses</th>
          <th scope="col">Security groups</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {enis.map((e) => (
          <tr key={e.eniId} data-eni={e.eniId}>
            <td data-label="Interface">
              {e.name} <code>{e.eniId}</code> <div class="muted">{e.macAddress}</div>
            </td>
            <td data-label="Subnet">
              {subnets.get(e.subnetId)?.name ?? ''} <code>{e.subnetId}</code>
            </td>
            <td data-label="Private addresses">
              {e.privateIps.map((ip) => (
                <div key={ip.address}>
                  <code>{ip.address}</code>
                  {ip.primary ? <span class="muted"> primary</span> : null}
                </div>
              ))}
            </td>
            <td data-label="Security groups" data-field="eni-groups">
              {e.securityGroupIds.map((id) => (
                <div key={id}>
                  {groups.get(id)?.name ?? ''} <code>{id}</code>
                </div>
              ))}
            </td>
            <td data-label="Status">
              <Badge value={e.status} kind="eni" />
              {e.instanceId ? <div class="muted">attached to {e.instanceId}</div> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What the page needs of the state, for one VPC. */
function vpcParts(state: StateView, vpcId: string) {
  const subnets = state.subnets.filter((s) => s.vpcId === vpcId);
  return {
    subnets,
    table: state.routeTables.find((t) => t.vpcId === vpcId),
    aclRules: state.aclRules.filter((r) => r.vpcId === vpcId),
    groups: state.securityGroups.filter((g) => g.vpcId === vpcId),
    enis: state.enis.filter((e) => e.vpcId === vpcId),
  };
}

export function VpcDetail({ vpcId }: { vpcId: string }) {
  const ctx = useConsole();
  const { state } = ctx;
  const vpc: VpcView | undefined = state.vpcs.find((v) => v.vpcId === vpcId);
  const parts = vpcParts(state, vpcId);
  // Group rules may name a group of a peered VPC, and interfaces their groups: every group, by id.
  const groups = new Map(state.securityGroups.map((g) => [g.securityGroupId, g]));
  const enis = new Map(state.enis.map((e) => [e.eniId, e]));
  const subnets = new Map(parts.subnets.map((s) => [s.subnetId, s]));
  return (
    <section aria-labelledby="vpc-title" class="detail">
      <p>
        <a href="#/vpcs">← All VPCs</a> · <a href="#/topology">Topology</a>
      </p>
      <h2 id="vpc-title">{vpc ? `VPC ${vpc.name}` : vpcId}</h2>
      {!vpc ? (
        <Empty>This VPC no longer exists, or never did.</Empty>
      ) : (
        <>
          <dl class="facts wide">
            <dt>ID</dt>
            <dd>
              <IdWithCopy id={vpc.vpcId} what={`id of VPC ${vpc.name}`} />
            </dd>
            <dt>CIDR</dt>
            <dd>
              <code>{vpc.cidr}</code>
            </dd>
            <dt>Account</dt>
            <dd>{accountName(ctx, vpc.accountId)}</dd>
            <dt>Region</dt>
            <dd>{vpc.region}</dd>
            <dt>Created</dt>
            <dd>{instant(vpc.createdTime)}</dd>
            <dt>Description</dt>
            <dd>{vpc.description || '—'}</dd>
          </dl>
          <section class="card" aria-labelledby="vpc-subnets-title">
            <h3 id="vpc-subnets-title">Subnets</h3>
            <Subnets subnets={parts.subnets} enis={parts.enis} />
          </section>
          <section class="card" aria-labelledby="vpc-routes-title">
            <h3 id="vpc-routes-title">Route table</h3>
            <Routes table={parts.table} />
          </section>
          <section class="card" aria-labelledby="vpc-acl-title">
            <h3 id="vpc-acl-title">Network ACL</h3>
            <p class="muted">
              Per subnet, stateless: a packet and its answer are each checked, in this order; the first rule
              that matches decides.
            </p>
            {parts.subnets.length === 0 ? (
              <Empty>No subnets, so no ACLs.</Empty>
            ) : (
              parts.subnets.map((s) => (
                <AclListing
                  key={s.subnetId}
                  subnet={s}
                  rules={parts.aclRules.filter((r) => r.subnetId === s.subnetId)}
                />
              ))
            )}
          </section>
          <section class="card" aria-labelledby="vpc-groups-title">
            <h3 id="vpc-groups-title">Security groups</h3>
            <p class="muted">
              Per interface, stateful: what a rule allows in may answer out, and the other way round.
            </p>
            {parts.groups.length === 0 ? (
              <Empty>No security groups.</Empty>
            ) : (
              parts.groups.map((g) => (
                <GroupCard key={g.securityGroupId} group={g} groups={groups} enis={enis} />
              ))
            )}
          </section>
          <section class="card" aria-labelledby="vpc-enis-title">
            <h3 id="vpc-enis-title">Network interfaces</h3>
            <Interfaces enis={parts.enis} subnets={subnets} groups={groups} />
          </section>
        </>
      )}
    </section>
  );
}
