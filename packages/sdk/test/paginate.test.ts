// Paginators over several pages (following nextMarker), pages(), parallel next() without double fetches.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  PeerConnClient,
  paginateOperation,
  paginatePeerConns,
  paginateRouteRules,
  paginateSubnets,
  paginateVpcs,
  RouteClient,
  SubnetClient,
  VpcClient,
} from '../src/index.ts';
import { type RecordedRequest, startScriptedServer, TEST_CREDENTIALS } from './helpers/scripted-server.ts';

const IDS = Array.from({ length: 7 }, (_, i) => `peerconn-${String(i).padStart(12, '0')}`);

// A list endpoint over IDS: marker = first id of the page, nextMarker = first id of the next page.
function listResponder(pageSize: number, delayMs = 0) {
  return (request: RecordedRequest) => {
    const params = new URLSearchParams(request.rawQuery);
    const marker = params.get('marker');
    const size = Number(params.get('maxKeys') ?? pageSize);
    const start = marker ? IDS.indexOf(marker) : 0;
    const page = IDS.slice(start, start + size);
    const next = IDS[start + size];
    return {
      delayMs,
      body: {
        peerConns: page.map((id) => ({ peerConnId: id, status: 'active', bandwidthInMbps: 1 })),
        marker: page[0],
        isTruncated: next !== undefined,
        ...(next ? { nextMarker: next } : {}),
        maxKeys: size,
      },
    };
  };
}

describe('paginatePeerConns', () => {
  test('iterates items across several pages, passing filters through', async () => {
    const s = await startScriptedServer(listResponder(3));
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      const seen: string[] = [];
      for await (const pc of paginatePeerConns(client, { vpcId: 'vpc-a', maxKeys: 3 }))
        seen.push(pc.peerConnId);
      assert.deepEqual(seen, IDS);
      assert.deepEqual(
        s.requests.map((r) => r.rawQuery),
        [
          'vpcId=vpc-a&maxKeys=3',
          `vpcId=vpc-a&marker=${IDS[3]}&maxKeys=3`,
          `vpcId=vpc-a&marker=${IDS[6]}&maxKeys=3`,
        ],
      );
    } finally {
      await s.close();
    }
  });

  test('pages() yields whole outputs with $metadata; toArray(limit) stops early', async () => {
    const s = await startScriptedServer(listResponder(2));
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      const sizes: number[] = [];
      for await (const page of paginatePeerConns(client, { maxKeys: 2 }).pages()) {
        sizes.push(page.peerConns.length);
        assert.equal(page.$metadata.httpStatusCode, 200);
      }
      assert.deepEqual(sizes, [2, 2, 2, 1]);
      const before = s.requests.length;
      const firstThree = await paginatePeerConns(client, { maxKeys: 2 }).toArray(3);
      assert.deepEqual(
        firstThree.map((p) => p.peerConnId),
        IDS.slice(0, 3),
      );
      assert.equal(s.requests.length - before, 2, 'only the pages needed were fetched');
    } finally {
      await s.close();
    }
  });

  test('parallel next() calls get distinct items and never fetch a page twice', async () => {
    const s = await startScriptedServer(listResponder(3, 20));
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      const iterator = paginatePeerConns(client, { maxKeys: 3 })[Symbol.asyncIterator]();
      const results = await Promise.all(Array.from({ length: 9 }, () => iterator.next()));
      const values = results.filter((r) => !r.done).map((r) => r.value.peerConnId);
      assert.deepEqual(values, IDS);
      assert.equal(results.filter((r) => r.done).length, 2);
      assert.equal(s.requests.length, 3);
      const markers = s.requests.map((r) => new URLSearchParams(r.rawQuery).get('marker'));
      assert.equal(new Set(markers).size, 3);
    } finally {
      await s.close();
    }
  });

  test('a truncated page without a new nextMarker stops with an error instead of looping', async () => {
    const s = await startScriptedServer([{ body: { peerConns: [], isTruncated: true, maxKeys: 1 } }]);
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      await assert.rejects(paginatePeerConns(client).toArray(), /Expected a new nextMarker/);
    } finally {
      await s.close();
    }
  });

  test('errors from a page propagate', async () => {
    const s = await startScriptedServer([
      { status: 403, body: { code: 'AccessDenied', message: 'no', requestId: 'r' } },
    ]);
    try {
      const client = new PeerConnClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      await assert.rejects(paginatePeerConns(client).toArray(), { code: 'AccessDenied' });
    } finally {
      await s.close();
    }
  });
});

describe('paginateSubnets and paginateRouteRules', () => {
  test('follow nextMarker, keeping the filters and the route table on every page', async () => {
    const s = await startScriptedServer([
      {
        body: {
          subnets: [{ subnetId: 's1', availableIp: '5' }],
          isTruncated: true,
          nextMarker: 's2',
          maxKeys: 1,
        },
      },
      { body: { subnets: [{ subnetId: 's2' }], isTruncated: false, maxKeys: 1 } },
      { body: { routeRules: [{ routeRuleId: 'r1' }], isTruncated: true, nextMarker: 'r2', maxKeys: 1 } },
      { body: { routeRules: [{ routeRuleId: 'r2' }], isTruncated: false, maxKeys: 1 } },
    ]);
    try {
      const config = { endpoint: s.url, credentials: TEST_CREDENTIALS };
      const subnets = await paginateSubnets(new SubnetClient(config), {
        vpcId: 'vpc-a',
        maxKeys: 1,
      }).toArray();
      assert.deepEqual(subnets, [{ subnetId: 's1', availableIp: 5 }, { subnetId: 's2' }]);
      const rules = await paginateRouteRules(new RouteClient(config), {
        routeTableId: 'rt-1',
        maxKeys: 1,
      }).toArray();
      assert.deepEqual(
        rules.map((r) => r.routeRuleId),
        ['r1', 'r2'],
      );
      assert.deepEqual(
        s.requests.map((r) => `${r.path}?${r.rawQuery}`),
        [
          '/v1/subnet?maxKeys=1&vpcId=vpc-a',
          '/v1/subnet?marker=s2&maxKeys=1&vpcId=vpc-a',
          '/v1/route/rule?routeTableId=rt-1&maxKeys=1',
          '/v1/route/rule?routeTableId=rt-1&marker=r2&maxKeys=1',
        ],
      );
    } finally {
      await s.close();
    }
  });
});

describe('paginateVpcs', () => {
  test('follows nextMarker over vpcs', async () => {
    const s = await startScriptedServer([
      { body: { vpcs: [{ vpcId: 'v1' }, { vpcId: 'v2' }], isTruncated: true, nextMarker: 'v3', maxKeys: 2 } },
      { body: { vpcs: [{ vpcId: 'v3' }], isTruncated: false, maxKeys: 2 } },
    ]);
    try {
      const client = new VpcClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      const all = await paginateVpcs(client, { maxKeys: 2 }).toArray();
      assert.deepEqual(
        all.map((v) => v.vpcId),
        ['v1', 'v2', 'v3'],
      );
      assert.equal(s.requests[1]?.rawQuery, 'marker=v3&maxKeys=2');
    } finally {
      await s.close();
    }
  });
});

describe('paginateOperation', () => {
  test('pages any list operation by name and stops on a repeated nextMarker', async () => {
    const s = await startScriptedServer([
      { body: { vpcs: [{ vpcId: 'v1' }], isTruncated: true, nextMarker: 'v2', maxKeys: 1 } },
      { body: { vpcs: [{ vpcId: 'v2' }], isTruncated: true, nextMarker: 'v3', maxKeys: 1 } },
      { body: { vpcs: [{ vpcId: 'v3' }], isTruncated: false, maxKeys: 1 } },
      { body: { vpcs: [{ vpcId: 'x1' }], isTruncated: true, nextMarker: 'x2', maxKeys: 1 } },
      { body: { vpcs: [{ vpcId: 'x2' }], isTruncated: true, nextMarker: 'x2', maxKeys: 1 } },
    ]);
    try {
      const client = new VpcClient({ endpoint: s.url, credentials: TEST_CREDENTIALS });
      const all = await paginateOperation(client, 'listVpcs', { maxKeys: 1 }).toArray();
      assert.deepEqual(
        all.map((v) => (v as { vpcId: string }).vpcId),
        ['v1', 'v2', 'v3'],
      );
      assert.equal(s.requests[2]?.rawQuery, 'marker=v3&maxKeys=1');
      await assert.rejects(
        paginateOperation(client, 'listVpcs', { maxKeys: 1 }).toArray(),
        /Expected a new nextMarker on a truncated page, got "x2"/,
      );
      assert.equal(s.requests.length, 5, 'no page fetched after the repeat');
    } finally {
      await s.close();
    }
  });
});
