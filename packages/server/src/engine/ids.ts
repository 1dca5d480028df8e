// Random identifiers in the formats Baidu uses (docs/wire.md, "Transport conventions").
import { randomBytes, randomFillSync } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Random bytes drawn from a pool refilled a few kilobytes at a time: one system call per many ids. */
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomByte(): number {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++] as number;
}

function randomString(length: number, alphabet: string): string {
  // Rejecting bytes at or above the largest multiple of the alphabet's size keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < limit) out += alphabet[byte % alphabet.length];
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
export const newSubnetId = (): string => `sbn-${randomString(12, ALPHABET)}`;
export const newRouteTableId = (): string => `rt-${randomString(12, ALPHABET)}`;
export const newRouteRuleId = (): string => `rr-${randomString(12, ALPHABET)}`;
export const newAclRuleId = (): string => `ar-${randomString(12, ALPHABET)}`;
export const newSecurityGroupId = (): string => `g-${randomString(12, ALPHABET)}`;
export const newSecurityGroupRuleId = (): string => `r-${randomString(12, ALPHABET)}`;
export const newEniId = (): string => `eni-${randomString(12, ALPHABET)}`;
/** A locally administered unicast MAC address (`fa:16:3e:…`, as OpenStack-style clouds hand out). */
export const newMacAddress = (): string =>
  `fa:16:3e:${[0, 0, 0].map(() => randomByte().toString(16).padStart(2, '0')).join(':')}`;
