// Where the topology view draws each thing: a deterministic layout, no graph library. VPCs sit in a grid in
// the order given, each a box sized by its content; its subnets are stacked inside it, and each subnet holds
// its interfaces, two to a row. A peering is a straight line between the edges of its two VPC boxes (parallel
// peerings of one pair are spread apart). Pure arithmetic, so it is tested without a browser.

export interface TopologyInput {
  vpcs: Array<{ vpcId: string; subnets: Array<{ subnetId: string; eniIds: string[] }> }>;
  peerings: Array<{ peerConnId: string; fromVpcId: string; toVpcId: string }>;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Line {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface TopologyLayout {
  width: number;
  height: number;
  vpcs: Map<string, Box>;
  subnets: Map<string, Box>;
  enis: Map<string, Box>;
  /** Only peerings whose two VPCs are both drawn. */
  peerings: Map<string, Line>;
}

export const SIZES = {
  vpcWidth: 360,
  vpcHeader: 46,
  padding: 12,
  subnetHeader: 30,
  /** The height of a subnet row that says it has no interfaces. */
  emptyRow: 22,
  eniHeight: 40,
  gap: 8,
  /** Between VPC boxes: room for the peering lines and their labels. */
  columnGap: 150,
  rowGap: 90,
  margin: 16,
  /** Between parallel peering lines of one pair of VPCs. */
  parallel: 16,
} as const;

const ENIS_PER_ROW = 2;

function subnetHeight(eniCount: number): number {
  const rows = Math.ceil(eniCount / ENIS_PER_ROW);
  const body = rows === 0 ? SIZES.emptyRow : rows * SIZES.eniHeight + (rows - 1) * SIZES.gap;
  return SIZES.subnetHeader + body + SIZES.padding;
}

function vpcHeight(subnets: TopologyInput['vpcs'][number]['subnets']): number {
  const inner = subnets.reduce((sum, s) => sum + subnetHeight(s.eniIds.length) + SIZES.gap, 0);
  return SIZES.vpcHeader + Math.max(inner, SIZES.emptyRow + SIZES.gap) + SIZES.padding;
}

/** Where the ray from (px, py), a point inside the box, in direction (dx, dy) leaves the box. */
function exitPoint(box: Box, px: number, py: number, dx: number, dy: number): { x: number; y: number } {
  const along = (p: number, d: number, low: number, high: number) =>
    d > 0 ? (high - p) / d : d < 0 ? (low - p) / d : Number.POSITIVE_INFINITY;
  const t = Math.min(along(px, dx, box.x, box.x + box.width), along(py, dy, box.y, box.y + box.height));
  return Number.isFinite(t) ? { x: px + dx * t, y: py + dy * t } : { x: px, y: py };
}

export function layoutTopology(input: TopologyInput): TopologyLayout {
  const columns = Math.max(1, Math.ceil(Math.sqrt(input.vpcs.length)));
  const innerWidth = SIZES.vpcWidth - 2 * SIZES.padding;
  const eniWidth = (innerWidth - 2 * SIZES.padding - (ENIS_PER_ROW - 1) * SIZES.gap) / ENIS_PER_ROW;
  const vpcs = new Map<string, Box>();
  const subnets = new Map<string, Box>();
  const enis = new Map<string, Box>();

  let y = SIZES.margin;
  let width = 0;
  for (let row = 0; row * columns < input.vpcs.length; row++) {
    const members = input.vpcs.slice(row * columns, (row + 1) * columns);
    const rowHeight = Math.max(...members.map((v) => vpcHeight(v.subnets)));
    members.forEach((vpc, column) => {
      const x = SIZES.margin + column * (SIZES.vpcWidth + SIZES.columnGap);
      vpcs.set(vpc.vpcId, { x, y, width: SIZES.vpcWidth, height: rowHeight });
      width = Math.max(width, x + SIZES.vpcWidth + SIZES.margin);
      let sy = y + SIZES.vpcHeader;
      for (const subnet of vpc.subnets) {
        const sx = x + SIZES.padding;
        const height = subnetHeight(subnet.eniIds.length);
        subnets.set(subnet.subnetId, { x: sx, y: sy, width: innerWidth, height });
        subnet.eniIds.forEach((eniId, i) => {
          const r = Math.floor(i / ENIS_PER_ROW);
          const c = i % ENIS_PER_ROW;
          enis.set(eniId, {
            x: sx + SIZES.padding + c * (eniWidth + SIZES.gap),
            y: sy + SIZES.subnetHeader + r * (SIZES.eniHeight + SIZES.gap),
            width: eniWidth,
            height: SIZES.eniHeight,
          });
        });
        sy += height + SIZES.gap;
      }
    });
    y += rowHeight + SIZES.rowGap;
  }
  const height = input.vpcs.length === 0 ? 2 * SIZES.margin : y - SIZES.rowGap + SIZES.margin;

  // Parallel peerings of one pair are numbered so each gets its own offset from the centre line.
  const seen = new Map<string, number>();
  const pairCount = new Map<string, number>();
  const pairOf = (a: string, b: string) => (a < b ? `${a} ${b}` : `${b} ${a}`);
  const drawn = input.peerings.filter((p) => vpcs.has(p.fromVpcId) && vpcs.has(p.toVpcId));
  for (const p of drawn) {
    const key = pairOf(p.fromVpcId, p.toVpcId);
    pairCount.set(key, (pairCount.get(key) ?? 0) + 1);
  }
  const peerings = new Map<string, Line>();
  for (const p of drawn) {
    // Always from the lower id to the higher, so the offsets of one pair agree whichever side initiated.
    const [first, second] = p.fromVpcId < p.toVpcId ? [p.fromVpcId, p.toVpcId] : [p.toVpcId, p.fromVpcId];
    const a = vpcs.get(first) as Box;
    const b = vpcs.get(second) as Box;
    const key = pairOf(first, second);
    const index = seen.get(key) ?? 0;
    seen.set(key, index + 1);
    const offset = (index - ((pairCount.get(key) ?? 1) - 1) / 2) * SIZES.parallel;
    const acx = a.x + a.width / 2;
    const acy = a.y + a.height / 2;
    const bcx = b.x + b.width / 2;
    const bcy = b.y + b.height / 2;
    const length = Math.hypot(bcx - acx, bcy - acy) || 1;
    // The unit normal of the centre line moves the parallel lines apart.
    const nx = (-(bcy - acy) / length) * offset;
    const ny = ((bcx - acx) / length) * offset;
    const dx = bcx - acx;
    const dy = bcy - acy;
    const from = exitPoint(a, acx + nx, acy + ny, dx, dy);
    const to = exitPoint(b, bcx + nx, bcy + ny, -dx, -dy);
    peerings.set(p.peerConnId, { x1: from.x, y1: from.y, x2: to.x, y2: to.y });
  }
  return { width: Math.max(width, 2 * SIZES.margin), height, vpcs, subnets, enis, peerings };
}
