// What every rule of the reference model is built from: refusals and the value checks that collect them, the
// shapes of request bodies (docs/wire.md, Request bodies), and the address forms the rules read (CIDR blocks,
// IPv4 and IPv6 addresses). Written from the docs, like the rest of the model.

export interface Tag {
  tagKey: string;
  tagValue?: string;
}

export class Refusal {
  constructor(
    readonly code: string,
    readonly why: string,
    readonly anyOf?: string[],
  ) {}
}

export function refuse(code: string, why: string): never {
  throw new Refusal(code, why);
}

/** Value rules of one request: every broken one is collected, since which is reported first is unspecified. */
export class ValueChecks {
  private readonly broken: Array<[string, string]> = [];

  fail(code: string, why: string): void {
    this.broken.push([code, why]);
  }

  /** How many rules were broken so far. */
  get count(): number {
    return this.broken.length;
  }

  /** Throws when anything was broken. */
  done(): void {
    const first = this.broken[0];
    if (!first) return;
    throw new Refusal(first[0], this.broken.map(([, why]) => why).join('; '), [
      ...new Set(this.broken.map(([code]) => code)),
    ]);
  }
}

// ---- shapes (docs/wire.md, Request bodies): types and presence, checked before fault rules ----

export type Shape =
  | 'string'
  | 'integer'
  | 'boolean'
  | { object: Record<string, [Shape, boolean]> }
  | { array: Shape };

export const TAG: Shape = { object: { tagKey: ['string', true], tagValue: ['string', false] } };

function fitsShape(value: unknown, shape: Shape): boolean {
  if (shape === 'string') return typeof value === 'string';
  if (shape === 'integer') return typeof value === 'number' && Number.isInteger(value);
  if (shape === 'boolean') return typeof value === 'boolean';
  if ('array' in shape) return Array.isArray(value) && value.every((item) => fitsShape(item, shape.array));
  return fitsFields(value, shape.object);
}

export function fitsFields(value: unknown, fields: Record<string, [Shape, boolean]>): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  for (const [name, [shape, required]] of Object.entries(fields)) {
    const field = record[name];
    if (field === undefined || field === null) {
      if (required) return false;
      continue;
    }
    if (!fitsShape(field, shape)) return false;
  }
  return true;
}

/** Only the fields the operation takes, explicit nulls dropped: what "the same request" compares. */
export function validated(value: unknown, shape: Shape): unknown {
  if (shape === 'string' || shape === 'integer' || shape === 'boolean') return value;
  if ('array' in shape) return (value as unknown[]).map((item) => validated(item, shape.array));
  return validatedFields(value as Record<string, unknown>, shape.object);
}

export function validatedFields(
  record: Record<string, unknown>,
  fields: Record<string, [Shape, boolean]>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(fields).sort()) {
    const field = record[name];
    if (field === undefined || field === null) continue;
    out[name] = validated(field, (fields[name] as [Shape, boolean])[0]);
  }
  return out;
}

export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

// ---- values ----

export function checkTags(v: ValueChecks, tags: Tag[] | undefined): void {
  if (!tags) return;
  if (tags.length > 20) v.fail('InappropriateJSON', 'more than 20 tags');
  for (const tag of tags) {
    if (tag.tagKey === '' || tag.tagKey.length > 128) v.fail('InappropriateJSON', 'tagKey empty or > 128');
    if ((tag.tagValue ?? '').length > 256) v.fail('InappropriateJSON', 'tagValue > 256');
  }
}

export function checkLength(v: ValueChecks, value: string | undefined, max: number, what: string): void {
  if (value !== undefined && value.length > max) v.fail('InappropriateJSON', `${what} > ${max}`);
}

/** A required text: present and not empty (a missing one was a shape error already). */
export function checkRequired(v: ValueChecks, value: string | undefined, max: number, what: string): void {
  if (value === undefined || value === '') v.fail('InappropriateJSON', `${what} empty`);
  else checkLength(v, value, max, what);
}

/** `a.b.c.d/n`, octets ≤ 255, prefix /8–/30, host bits zero. */
export function validCidr(cidr: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return false;
  const prefix = Number(m[5]);
  if (prefix < 8 || prefix > 30) return false;
  const address =
    (((octets[0] as number) << 24) |
      ((octets[1] as number) << 16) |
      ((octets[2] as number) << 8) |
      (octets[3] as number)) >>>
    0;
  const hostBits = 2 ** (32 - prefix) - 1;
  return (address & hostBits) >>> 0 === 0;
}

export function wireTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19)}Z`;
}

// ---- addresses ----

/** A dotted quad, each octet 0–255 written without leading zeros; undefined when it is not one. */
export function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

/** Eight groups of 1–4 hex digits, one `::` standing for the zero groups left out; undefined otherwise. */
export function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let value = 0n;
  for (const group of [
    ...head,
    ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => '0'),
    ...tail,
  ]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(`0x${group}`);
  }
  return value;
}

export interface Block {
  version: 4 | 6;
  network: bigint;
  prefix: number;
}

/**
 * An address (a block of one) or a block `address/prefix` with its host bits zero, of the given IP version;
 * undefined when the text is neither.
 */
export function parseBlock(text: string, version: 4 | 6): Block | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const bits = version === 4 ? 32 : 128;
  const value = version === 4 ? parseIpv4(address) : parseIpv6(address);
  if (value === undefined) return undefined;
  if (slash < 0) return { version, network: value, prefix: bits };
  const prefixText = text.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((value & hostMask) !== 0n) return undefined;
  return { version, network: value, prefix };
}

/** Whether block `inner` lies inside block `outer` (both of one version). */
export function blockInside(inner: Block, outer: Block): boolean {
  if (inner.prefix < outer.prefix) return false;
  const bits = inner.version === 4 ? 32 : 128;
  const shift = BigInt(bits - outer.prefix);
  return inner.network >> shift === outer.network >> shift;
}

export function blocksOverlap(a: Block, b: Block): boolean {
  return blockInside(a, b) || blockInside(b, a);
}

// ---- ids the server invents ----

/**
 * In a view the model renders: an id the server made up that the model has not learnt yet (or has). The
 * comparison takes the server's value at the same place the first time (checked well-formed and not given to
 * anything else before), and holds the server to it from then on.
 */
export class LearnedId {
  constructor(
    readonly kind: string,
    readonly get: () => string | undefined,
    readonly set: (id: string) => void,
  ) {}
}
