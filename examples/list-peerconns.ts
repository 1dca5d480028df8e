// List peering connections (every page), optionally of one VPC.
// Env: BCE_ENDPOINT, BCE_ACCESS_KEY_ID, BCE_SECRET_ACCESS_KEY; optional LOCAL_VPC_ID, MAX_KEYS.
import { paginatePeerConns } from '@peerconn/sdk';
import { client, optional, print, run } from './env.ts';

run(async () => {
  const vpcId = optional('LOCAL_VPC_ID');
  const maxKeys = optional('MAX_KEYS');
  const peerConns = await paginatePeerConns(client(), {
    ...(vpcId ? { vpcId } : {}),
    ...(maxKeys ? { maxKeys: Number(maxKeys) } : {}),
  }).toArray();
  print({ peerConns });
});
