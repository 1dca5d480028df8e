// Change the bandwidth of a peering connection (initiator only; prepaid can only grow).
// Env: BCE_ENDPOINT, BCE_ACCESS_KEY_ID, BCE_SECRET_ACCESS_KEY; PEERCONN_ID; optional NEW_BANDWIDTH_MBPS (default 20).
import { client, optional, print, required, run } from './env.ts';

run(async () => {
  const peerConnId = required('PEERCONN_ID');
  const newBandwidthInMbps = Number(optional('NEW_BANDWIDTH_MBPS') ?? 20);
  const out = await client().resizePeerConn({ peerConnId, newBandwidthInMbps });
  print({ peerConnId, newBandwidthInMbps, requestId: out.$metadata.requestId });
});
