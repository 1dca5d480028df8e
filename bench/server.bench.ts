// Server throughput for a signed GET of one peering connection (signature check, routing, SQLite read, JSON
// rendering) against a bare node:http server answering a JSON body of the same size, driven by the same
// keep-alive load loop on loopback in this run.

import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PeerConnClient, VpcClient } from '@peerconn/sdk';
import { formatBceTimestamp, sign } from '@peerconn/sdk/signer';
import { startServer } from '@peerconn/server';
import { type BenchResult, measureAsync } from './measure.ts';

const CONCURRENCY = 16;
const REQUESTS = 4000;

async function load(port: number, path: string, headers: Record<string, string>): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let sent = 0;
  const worker = async () => {
    while (sent < REQUESTS) {
      sent++;
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end();
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  return REQUESTS;
}

export async function benchServer(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-bench-'));
  const server = await startServer({
    port: 0,
    dataPath: join(dir, 'bench.db'),
    logLevel: 'silent',
    timing: { create: { mode: 'immediate' } },
  });
  try {
    const credential = server.accounts[0]?.credentials[0];
    if (!credential) throw new Error('the server started without accounts');
    const config = { endpoint: server.url, credentials: credential };
    const vpcs = new VpcClient(config);
    const a = await vpcs.createVpc({ name: 'a', cidr: '10.1.0.0/16' });
    const b = await vpcs.createVpc({ name: 'b', cidr: '10.2.0.0/16' });
    const client = new PeerConnClient(config);
    const { peerConnId } = await client.createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: a.vpcId,
      peerVpcId: b.vpcId,
      peerRegion: server.region,
      billing: { paymentTiming: 'Postpaid' },
    });
    const { $metadata: _, ...view } = await client.getPeerConn({ peerConnId, role: 'initiator' });
    const body = JSON.stringify(view);

    const port = Number(new URL(server.url).port);
    const path = `/v1/peerconn/${peerConnId}?role=initiator`;
    const headers: Record<string, string> = {
      host: `127.0.0.1:${port}`,
      'x-bce-date': formatBceTimestamp(new Date()),
    };
    // One signature replayed for every request: the bench measures the server, not the client's signing.
    headers.authorization = sign({
      method: 'GET',
      path: `/v1/peerconn/${peerConnId}`,
      query: { role: 'initiator' },
      headers,
      accessKeyId: credential.accessKeyId,
      secretAccessKey: credential.secretAccessKey,
    });

    const bare = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'x-bce-request-id': 'x' });
      res.end(body);
    });
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    const barePort = (bare.address() as AddressInfo).port;
    try {
      await load(barePort, path, headers); // warm-up of both loops
      await load(port, path, headers);
      const baseline = await measureAsync('bare node:http, same JSON', () => load(barePort, path, headers));
      const subject = await measureAsync('peerconn GET (auth + route + SQLite + render)', () =>
        load(port, path, headers),
      );
      return { name: `server (${CONCURRENCY} keep-alive connections)`, baseline, subject };
    } finally {
      bare.close();
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
