// Turn on DNS synchronisation for one side (and, with WAIT=1, wait until it is open).
// Env: BCE_ENDPOINT, BCE_ACCESS_KEY_ID, BCE_SECRET_ACCESS_KEY; PEERCONN_ID; optional ROLE (default initiator), WAIT=1.
import { type PeerConnRole, waitUntilDnsSyncOpen } from '@peerconn/sdk';
import { client, optional, print, required, run } from './env.ts';

run(async () => {
  const peerconn = client();
  const peerConnId = required('PEERCONN_ID');
  const role = (optional('ROLE') ?? 'initiator') as PeerConnRole;
  const out = await peerconn.openPeerConnDnsSync({ peerConnId, role });
  if (optional('WAIT') === '1') {
    await waitUntilDnsSyncOpen({ client: peerconn, maxWaitTime: 300, minDelay: 1 }, { peerConnId, role });
  }
  print({ peerConnId, role, dnsSync: 'open', requestId: out.$metadata.requestId });
});
