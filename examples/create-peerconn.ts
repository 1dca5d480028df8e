// Create a peering connection. Prints only {"peerConnId": "..."}.
// Env: BCE_ENDPOINT, BCE_ACCESS_KEY_ID, BCE_SECRET_ACCESS_KEY; LOCAL_VPC_ID, PEER_VPC_ID;
// optional PEER_REGION (default bj), PEER_ACCOUNT_ID (cross-account), BANDWIDTH_MBPS (default 10),
// PAYMENT_TIMING (Postpaid | Prepaid, default Postpaid).
import type { PaymentTiming } from '@peerconn/sdk';
import { client, optional, print, required, run } from './env.ts';

run(async () => {
  const paymentTiming = (optional('PAYMENT_TIMING') ?? 'Postpaid') as PaymentTiming;
  const peerAccountId = optional('PEER_ACCOUNT_ID');
  const out = await client().createPeerConn({
    bandwidthInMbps: Number(optional('BANDWIDTH_MBPS') ?? 10),
    localVpcId: required('LOCAL_VPC_ID'),
    peerVpcId: required('PEER_VPC_ID'),
    peerRegion: optional('PEER_REGION') ?? 'bj',
    ...(peerAccountId ? { peerAccountId } : {}),
    description: 'created by the peerconn example',
    billing:
      paymentTiming === 'Prepaid'
        ? { paymentTiming, reservation: { reservationLength: 1, reservationTimeUnit: 'month' } }
        : { paymentTiming },
  });
  print({ peerConnId: out.peerConnId });
});
