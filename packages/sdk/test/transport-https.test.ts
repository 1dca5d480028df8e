// The SDK over HTTPS, the way it reaches the real service: a loopback TLS server with a certificate made here
// by openssl, trusted by a client process through NODE_EXTRA_CA_CERTS (trust is fixed when a process starts).
// Checks the name the client asks for (SNI), the Host it signs and sends, and that one connection is reused.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { assertSignedByOracle } from './helpers/oracle.ts';
import {
  type RecordedRequest,
  readBody,
  recordRequest,
  TEST_CREDENTIALS,
} from './helpers/scripted-server.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
let work = '';
let server: Server;
let port = 0;
let connections = 0;
const requests: RecordedRequest[] = [];
const serverNames: string[] = [];

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'peerconn-https-'));
  if (!hasOpenssl()) return;
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', join(work, 'key.pem'), '-out', join(work, 'cert.pem'), '-days', '1'],
      ...['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'],
    ],
    { stdio: 'ignore' },
  );
  server = createServer(
    { key: readFileSync(join(work, 'key.pem')), cert: readFileSync(join(work, 'cert.pem')) },
    (req, res) =>
      readBody(req, (body) => {
        requests.push(recordRequest(req, body));
        serverNames.push(String((req.socket as TLSSocket).servername));
        res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'x-bce-request-id': 'r' });
        res.end(JSON.stringify({ peerConnId: 'peerconn-tls', status: 'active', bandwidthInMbps: 10 }));
      }),
  );
  server.on('secureConnection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

test('getPeerConn over https: SNI and Host name the endpoint, the signature covers them, one connection', {
  skip: hasOpenssl() ? false : 'openssl is not installed',
}, async () => {
  const script = `
    import { PeerConnClient } from '@peerconn/sdk';
    const client = new PeerConnClient({
      endpoint: 'https://localhost:${port}',
      credentials: ${JSON.stringify(TEST_CREDENTIALS)},
      maxRetries: 0,
    });
    const out = [];
    for (let i = 0; i < 3; i += 1) out.push((await client.getPeerConn({ peerConnId: 'peerconn-tls' })).status);
    console.log(JSON.stringify(out));
  `;
  // Asynchronous: the server answering it runs in this process.
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: root, env: { ...process.env, NODE_EXTRA_CA_CERTS: join(work, 'cert.pem') } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(status, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), ['active', 'active', 'active']);
  assert.equal(requests.length, 3);
  assert.equal(connections, 1, 'the keep-alive connection is reused');
  assert.deepEqual([...new Set(serverNames)], ['localhost']);
  for (const request of requests) {
    assert.equal(request.headers.host, `localhost:${port}`);
    assertSignedByOracle(request, TEST_CREDENTIALS.secretAccessKey);
  }
});
