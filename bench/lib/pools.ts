// The read requests the load runs send, pre-signed: every request in a pool is its own signed request, as if
// clients signed each on the spot over the last seconds. (Creates are distinct by their clientToken and body:
// createVpcRequest and createPeerConnRequest in seed.ts.)
import type { Account, ServerProcess } from './procs.ts';
import { signedRequest, type WireRequest } from './wire.ts';

/** Signing seconds a GET pool spreads over: with 120 connections, 1200 distinct requests. */
export const GET_SIGNING_SECONDS = 10;
/** Signing seconds a LIST pool spreads over: one page, 100 distinct signatures. */
export const LIST_SIGNING_SECONDS = 100;

const secondsBefore = (now: number, n: number) => new Date(now - n * 1000);

/** `GET /v1/peerconn/{id}?role=initiator` for every id, signed at each of the last GET_SIGNING_SECONDS seconds. */
export function getRequests(
  server: ServerProcess,
  account: Account,
  ids: readonly string[],
  now = Date.now(),
): WireRequest[] {
  return Array.from({ length: GET_SIGNING_SECONDS }, (_, s) =>
    ids.map((id) =>
      signedRequest(
        account,
        server.host,
        'GET',
        `/v1/peerconn/${id}`,
        { role: 'initiator' },
        undefined,
        secondsBefore(now, s),
      ),
    ),
  ).flat();
}

/** The first page of 100 (`GET /v1/peerconn?maxKeys=100`), signed at each of the last LIST_SIGNING_SECONDS seconds. */
export function listRequests(server: ServerProcess, account: Account, now = Date.now()): WireRequest[] {
  return Array.from({ length: LIST_SIGNING_SECONDS }, (_, s) =>
    signedRequest(
      account,
      server.host,
      'GET',
      '/v1/peerconn',
      { maxKeys: '100' },
      undefined,
      secondsBefore(now, s),
    ),
  );
}

/** `count` requests, 9 in 10 taken in turn from `reads`, every tenth a fresh one from `write`. */
export function mixedRequests(
  reads: readonly WireRequest[],
  write: () => WireRequest,
  count: number,
): WireRequest[] {
  return Array.from({ length: count }, (_, k) => (k % 10 === 9 ? write() : reads[k % reads.length]!));
}
