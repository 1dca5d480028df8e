// The topology view's layout, a pure function: boxes nest (interfaces in subnets in VPCs) without overlapping,
// VPCs fill a grid, and each peering is a line between the edges of its two VPC boxes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Box, layoutTopology, type TopologyInput } from '../web/src/topology-layout.ts';

function inside(inner: Box, outer: Box): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function onEdge(box: Box, x: number, y: number): boolean {
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-6;
  const withinX = x >= box.x - 1e-6 && x <= box.x + box.width + 1e-6;
  const withinY = y >= box.y - 1e-6 && y <= box.y + box.height + 1e-6;
  return (
    (withinY && (near(x, box.x) || near(x, box.x + box.width))) ||
    (withinX && (near(y, box.y) || near(y, box.y + box.height)))
  );
}

/** Five VPCs with zero to three subnets of zero to five interfaces each. */
const WORLD: TopologyInput = {
  vpcs: Array.from({ length: 5 }, (_, v) => ({
    vpcId: `vpc-${v}`,
    subnets: Array.from({ length: v % 4 }, (_, s) => ({
      subnetId: `sbn-${v}-${s}`,
      eniIds: Array.from({ length: (v + s) % 6 }, (_, e) => `eni-${v}-${s}-${e}`),
    })),
  })),
  peerings: [
    { peerConnId: 'pc-01', fromVpcId: 'vpc-0', toVpcId: 'vpc-1' },
    { peerConnId: 'pc-10', fromVpcId: 'vpc-1', toVpcId: 'vpc-0' },
    { peerConnId: 'pc-24', fromVpcId: 'vpc-2', toVpcId: 'vpc-4' },
    { peerConnId: 'pc-3x', fromVpcId: 'vpc-3', toVpcId: 'vpc-gone' },
  ],
};

test('interfaces sit inside their subnet, subnets inside their VPC, and nothing of one level overlaps', () => {
  const layout = layoutTopology(WORLD);
  const vpcs = [...layout.vpcs.values()];
  for (const [i, a] of vpcs.entries()) {
    assert.ok(inside(a, { x: 0, y: 0, width: layout.width, height: layout.height }), 'inside the drawing');
    for (const b of vpcs.slice(i + 1)) assert.equal(overlap(a, b), false);
  }
  for (const vpc of WORLD.vpcs) {
    const box = layout.vpcs.get(vpc.vpcId) as Box;
    const subnets = vpc.subnets.map((s) => layout.subnets.get(s.subnetId) as Box);
    for (const [i, subnet] of subnets.entries()) {
      assert.ok(inside(subnet, box), `${vpc.subnets[i]?.subnetId} inside ${vpc.vpcId}`);
      for (const other of subnets.slice(i + 1)) assert.equal(overlap(subnet, other), false);
    }
    for (const [s, subnet] of vpc.subnets.entries()) {
      const enis = subnet.eniIds.map((id) => layout.enis.get(id) as Box);
      for (const [i, eni] of enis.entries()) {
        assert.ok(inside(eni, subnets[s] as Box), `${subnet.eniIds[i]} inside ${subnet.subnetId}`);
        for (const other of enis.slice(i + 1)) assert.equal(overlap(eni, other), false);
      }
    }
  }
  assert.equal(layout.enis.size, WORLD.vpcs.flatMap((v) => v.subnets.flatMap((s) => s.eniIds)).length);
});

test('VPCs fill a grid of ceil(sqrt(n)) columns, row by row, in the order given', () => {
  const layout = layoutTopology(WORLD);
  const at = (id: string) => layout.vpcs.get(id) as Box;
  // Five VPCs: three columns, two rows.
  assert.deepEqual(
    ['vpc-0', 'vpc-1', 'vpc-2'].map((id) => at(id).y),
    [at('vpc-0').y, at('vpc-0').y, at('vpc-0').y],
  );
  assert.ok(at('vpc-0').x < at('vpc-1').x && at('vpc-1').x < at('vpc-2').x);
  assert.equal(at('vpc-3').x, at('vpc-0').x);
  assert.ok(at('vpc-3').y > at('vpc-0').y + at('vpc-0').height);
  // The same input always gives the same picture.
  assert.deepEqual(layoutTopology(WORLD), layout);
});

test('a peering joins the edges of its VPC boxes; two of one pair are apart; a missing VPC draws none', () => {
  const layout = layoutTopology(WORLD);
  for (const { peerConnId, fromVpcId, toVpcId } of WORLD.peerings.slice(0, 3)) {
    const line = layout.peerings.get(peerConnId);
    assert.ok(line, peerConnId);
    const ends = [
      [line.x1, line.y1],
      [line.x2, line.y2],
    ] as const;
    const boxes = [layout.vpcs.get(fromVpcId) as Box, layout.vpcs.get(toVpcId) as Box];
    // Each end lies on the edge of one of the two boxes, one end per box.
    const owners = ends.map(([x, y]) => boxes.findIndex((b) => onEdge(b, x, y)));
    assert.deepEqual([...owners].sort(), [0, 1], `${peerConnId} ends on both boxes' edges`);
  }
  const a = layout.peerings.get('pc-01');
  const b = layout.peerings.get('pc-10');
  assert.ok(a && b);
  assert.notDeepEqual(a, b);
  // Parallel: same direction, different place.
  const slope = (l: typeof a) => Math.atan2(l.y2 - l.y1, l.x2 - l.x1);
  assert.ok(Math.abs(slope(a) - slope(b)) < 1e-9);
  assert.equal(layout.peerings.has('pc-3x'), false);
});

test('an empty world is an empty drawing', () => {
  const layout = layoutTopology({ vpcs: [], peerings: [] });
  assert.equal(layout.vpcs.size, 0);
  assert.ok(layout.width > 0 && layout.height > 0);
});
