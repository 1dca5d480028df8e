// Update the local interface name and description of the caller's side. The interface id is read from the
// connection when LOCAL_IF_ID is not set.
// Env: BCE_ENDPOINT, BCE_ACCESS_KEY_ID, BCE_SECRET_ACCESS_KEY; PEERCONN_ID; optional LOCAL_IF_ID, ROLE,
// LOCAL_IF_NAME (default "if-example"), DESCRIPTION (default "updated by the peerconn example").
import type { PeerConnRole } from '@peerconn/sdk';
import { client, optional, print, required, run } from './env.ts';

run(async () => {
  const peerconn = client();
  const peerConnId = required('PEERCONN_ID');
  const role = optional('ROLE') as PeerConnRole | undefined;
  const localIfId =
    optional('LOCAL_IF_ID') ??
    (await peerconn.getPeerConn({ peerConnId, ...(role ? { role } : {}) })).localIfId;
  const out = await peerconn.updatePeerConn({
    peerConnId,
    localIfId,
    localIfName: optional('LOCAL_IF_NAME') ?? 'if-example',
    description: optional('DESCRIPTION') ?? 'updated by the peerconn example',
  });
  print({ peerConnId, localIfId, requestId: out.$metadata.requestId });
});
