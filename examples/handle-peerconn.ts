// Accept or reject a cross-account peering request, as the acceptor account.
// Usage: node --import tsx examples/handle-peerconn.ts [accept|reject]   (or ACTION=accept|reject)
// Env: BCE_ENDPOINT, BCE_ACCESS_KEY_ID, BCE_SECRET_ACCESS_KEY (the acceptor's keys); PEERCONN_ID.
import { client, optional, print, required, run } from './env.ts';

run(async () => {
  const action = process.argv[2] ?? optional('ACTION') ?? 'accept';
  if (action !== 'accept' && action !== 'reject') {
    throw new Error(`Expected the action "accept" or "reject", got "${action}"`);
  }
  const peerConnId = required('PEERCONN_ID');
  const peerconn = client();
  const out =
    action === 'accept'
      ? await peerconn.acceptPeerConn({ peerConnId })
      : await peerconn.rejectPeerConn({ peerConnId });
  print({ peerConnId, action, requestId: out.$metadata.requestId });
});
