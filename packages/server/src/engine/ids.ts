// Random identifiers in the formats Baidu uses (docs/wire.md, "Transport conventions").
import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomString(length: number, alphabet: string): string {
  // 252 is the largest multiple of 36 below 256: rejecting above it keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

export const newVpcId = (): string => `vpc-${randomString(12, ALPHABET)}`;
export const newPeerConnId = (): string => `peerconn-${randomString(12, ALPHABET)}`;
export const newInterfaceId = (): string => `qpif-${randomString(12, ALPHABET)}`;
export const newAccountId = (): string => randomBytes(16).toString('hex');
export const newAccessKeyId = (): string => randomBytes(16).toString('hex');
export const newSecretAccessKey = (): string =>
  randomString(32, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
