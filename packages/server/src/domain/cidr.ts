// IPv4 addresses and CIDR blocks as numbers (0 … 2^32 − 1), for the subnet and route rules and the
// reachability check. Plain arithmetic rather than bit operators: JavaScript's bitwise operators are signed
// 32-bit, which turns every address above 127.255.255.255 negative.
import { ServiceError } from '../errors.ts';

export interface Cidr {
  /** The network address. */
  base: number;
  prefix: number;
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The address of `a.b.c.d`, or undefined when it is not one. */
export function parseIp(text: string): number | undefined {
  const match = DOTTED.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function ipText(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** Why `text` is not a canonical `a.b.c.d/n` block with a prefix in [min, max], or the block. */
export function readCidr(text: string, min = 0, max = 32): Cidr | { problem: string } {
  const slash = text.indexOf('/');
  if (slash === -1) return { problem: 'expected a.b.c.d/prefix' };
  const base = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (base === undefined) return { problem: 'the address must be four numbers 0-255 joined by dots' };
  if (!/^\d{1,2}$/.test(prefixText)) return { problem: 'the prefix must be a number' };
  const prefix = Number(prefixText);
  if (prefix < min || prefix > max) {
    return { problem: `the prefix length must be between ${min} and ${max}` };
  }
  if (base % blockSize(prefix) !== 0) {
    return {
      problem: `host bits must be zero for /${prefix} (the block is ${cidrText(contain(base, prefix))})`,
    };
  }
  return { base, prefix };
}

/** A CIDR field of a request: canonical, with its prefix in range, or InvalidCidr naming the field. */
export function cidrField(field: string, text: string, min = 0, max = 32): Cidr {
  const read = readCidr(text, min, max);
  if ('problem' in read) {
    throw new ServiceError(
      'InvalidCidr',
      `Field "${field}" (${JSON.stringify(text)}) is not a valid CIDR: ${read.problem}. Use a form like 10.1.1.0/24.`,
    );
  }
  return read;
}

/** A block read from storage, where it is canonical by construction. */
export function cidrOf(text: string): Cidr {
  const read = readCidr(text);
  if ('problem' in read) throw new Error(`stored CIDR ${text} is not canonical: ${read.problem}`);
  return read;
}

export function cidrText(cidr: Cidr): string {
  return `${ipText(cidr.base)}/${cidr.prefix}`;
}

/** The block of `prefix` that holds `address`. */
function contain(address: number, prefix: number): Cidr {
  return { base: address - (address % blockSize(prefix)), prefix };
}

export function containsIp(cidr: Cidr, address: number): boolean {
  return address >= cidr.base && address < cidr.base + blockSize(cidr.prefix);
}

/** Whether every address of `inner` is in `outer`. */
export function containsCidr(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && containsIp(outer, inner.base);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return containsCidr(a, b) || containsCidr(b, a);
}

export const ANYWHERE: Cidr = { base: 0, prefix: 0 };

export function isAnywhere(cidr: Cidr): boolean {
  return cidr.prefix === 0;
}
