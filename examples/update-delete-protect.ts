// Switch release protection on or off.
// Env: BCE_ENDPOINT, BCE_ACCESS_KEY_ID, BCE_SECRET_ACCESS_KEY; PEERCONN_ID; optional DELETE_PROTECT (true | false, default true).
import { client, optional, print, required, run } from './env.ts';

run(async () => {
  const peerConnId = required('PEERCONN_ID');
  const deleteProtect = (optional('DELETE_PROTECT') ?? 'true') !== 'false';
  const out = await client().updatePeerConnDeleteProtect({ peerConnId, deleteProtect });
  print({ peerConnId, deleteProtect, requestId: out.$metadata.requestId });
});
