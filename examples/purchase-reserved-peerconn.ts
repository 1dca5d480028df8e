// Renew a prepaid peering connection (purchaseReserved).
// Env: BCE_ENDPOINT, BCE_ACCESS_KEY_ID, BCE_SECRET_ACCESS_KEY; PEERCONN_ID; optional RESERVATION_MONTHS (default 1).
import { client, optional, print, required, run } from './env.ts';

run(async () => {
  const peerConnId = required('PEERCONN_ID');
  const reservationLength = Number(optional('RESERVATION_MONTHS') ?? 1);
  const out = await client().renewPeerConn({
    peerConnId,
    billing: { reservation: { reservationLength, reservationTimeUnit: 'month' } },
  });
  print({ peerConnId, reservationLength, requestId: out.$metadata.requestId });
});
