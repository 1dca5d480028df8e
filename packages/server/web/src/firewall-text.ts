// How the console writes firewall terms, the same way in the VPC page's listings and the topology's answers:
// an empty or `all` term reads "any", a group reference reads by the group's name.
import type { SecurityGroupRuleView, SecurityGroupView } from '../../src/admin/views.ts';

/** `any` for a term that matches everything (`""`, `all`, `0.0.0.0/0`, `1-65535`), else the term. */
export function term(value: string): string {
  return value === '' || value === 'all' || value === '0.0.0.0/0' || value === '1-65535' ? 'any' : value;
}

/** Who a group rule lets in (ingress) or out to (egress): an address block, or a group by its name. */
export function groupRulePeer(
  rule: Pick<SecurityGroupRuleView, 'direction' | 'sourceIp' | 'sourceGroupId' | 'destIp' | 'destGroupId'>,
  groups: ReadonlyMap<string, Pick<SecurityGroupView, 'name'>>,
): string {
  const [ip, groupId] =
    rule.direction === 'ingress' ? [rule.sourceIp, rule.sourceGroupId] : [rule.destIp, rule.destGroupId];
  if (groupId) {
    const name = groups.get(groupId)?.name;
    return name ? `group ${name} (${groupId})` : `group ${groupId}`;
  }
  return term(ip);
}
