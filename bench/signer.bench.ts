// Signing cost against its irreducible part: the two HMAC-SHA256 computations every bce-auth-v1 signature needs.
import { createHmac } from 'node:crypto';
import { sign } from '@peerconn/sdk/signer';
import { type BenchResult, measure } from './measure.ts';

export async function benchSigner(): Promise<BenchResult> {
  const headers = {
    host: 'bcc.bj.baidubce.com',
    'content-type': 'application/json;charset=utf-8',
    'content-length': '233',
    'x-bce-date': '2024-01-02T03:04:05Z',
  };
  const query = { clientToken: '0f7e8d0c-5b7a-4c55-9d8e-2b1f6f0a9c11', resize: '' };
  let sink = 0;
  const baseline = measure('two raw HMAC-SHA256', () => {
    const key = createHmac('sha256', 'sk-example')
      .update('bce-auth-v1/ak/2024-01-02T03:04:05Z/1800')
      .digest('hex');
    sink += createHmac('sha256', key)
      .update('PUT\n/v1/peerconn/peerconn-xyz\nclientToken=x&resize=\nhost:bcc.bj.baidubce.com')
      .digest('hex').length;
  });
  const subject = measure('sign() a resize request', () => {
    sink += sign({
      method: 'PUT',
      path: '/v1/peerconn/peerconn-xyz',
      query,
      headers,
      accessKeyId: 'ak-example',
      secretAccessKey: 'sk-example',
      timestamp: '2024-01-02T03:04:05Z',
    }).length;
  });
  if (sink === 0) throw new Error('unreachable: keeps the work observable');
  return { name: 'signer', baseline, subject };
}
