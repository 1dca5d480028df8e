// Get one side of a peering connection.
// Env: BCE_ENDPOINT, BCE_ACCESS_KEY_ID, BCE_SECRET_ACCESS_KEY; PEERCONN_ID; optional ROLE (initiator | acceptor).
import type { PeerConnRole } from '@peerconn/sdk';
import { client, optional, print, required, run } from './env.ts';

run(async () => {
  const role = optional('ROLE') as PeerConnRole | undefined;
  const { $metadata, ...peerConn } = await client().getPeerConn({
    peerConnId: required('PEERCONN_ID'),
    ...(role ? { role } : {}),
  });
  print(peerConn);
});
