// Release a peering connection (and, with WAIT=1, wait until it is gone).
// Env: BCE_ENDPOINT, BCE_ACCESS_KEY_ID, BCE_SECRET_ACCESS_KEY; PEERCONN_ID; optional WAIT=1.
import { waitUntilPeerConnDeleted } from '@peerconn/sdk';
import { client, optional, print, required, run } from './env.ts';

run(async () => {
  const peerconn = client();
  const peerConnId = required('PEERCONN_ID');
  const out = await peerconn.deletePeerConn({ peerConnId });
  if (optional('WAIT') === '1') {
    await waitUntilPeerConnDeleted({ client: peerconn, maxWaitTime: 300, minDelay: 1 }, { peerConnId });
  }
  print({ peerConnId, deleted: true, requestId: out.$metadata.requestId });
});
