// Value rules for input fields: ranges, enums, lengths and formats. The HTTP layer already checked shapes;
// these checks repeat the type test only so the core never trusts an adapter blindly.
import {
  PAYMENT_TIMINGS,
  type PaymentTiming,
  RESERVATION_LENGTHS,
  type TagModel,
} from '@peerconn/sdk/models';
import { ServiceError } from '../errors.ts';

export const BANDWIDTH_MIN_MBPS = 1;
export const BANDWIDTH_MAX_MBPS = 10_000;
export const NAME_MAX_LENGTH = 65;
export const DESCRIPTION_MAX_LENGTH = 200;
export const MAX_TAGS = 20;
export const MAX_KEYS_LIMIT = 1000;

export type Input = Record<string, unknown>;

function inappropriate(field: string, expected: string): ServiceError {
  return new ServiceError('InappropriateJSON', `Field "${field}" is invalid: ${expected}.`);
}

export function optionalString(input: Input, field: string, maxLength: number): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw inappropriate(field, 'expected a string');
  if (value.length > maxLength) throw inappropriate(field, `at most ${maxLength} characters`);
  return value;
}

export function requiredString(input: Input, field: string, maxLength = 256): string {
  const value = optionalString(input, field, maxLength);
  if (value === undefined || value === '') throw inappropriate(field, 'required and must not be empty');
  return value;
}

export function optionalBoolean(input: Input, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw inappropriate(field, 'expected true or false');
  return value;
}

export function requiredBoolean(input: Input, field: string): boolean {
  const value = optionalBoolean(input, field);
  if (value === undefined) throw inappropriate(field, 'required, true or false');
  return value;
}

export function bandwidth(input: Input, field: string): number {
  const value = input[field];
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ServiceError(
      'InvalidBandwidth',
      `Field "${field}" must be a whole number of Mbps between ${BANDWIDTH_MIN_MBPS} and ${BANDWIDTH_MAX_MBPS}.`,
    );
  }
  if (value < BANDWIDTH_MIN_MBPS || value > BANDWIDTH_MAX_MBPS) {
    throw new ServiceError(
      'InvalidBandwidth',
      `Bandwidth ${value} Mbps is out of range: "${field}" must be between ${BANDWIDTH_MIN_MBPS} and ${BANDWIDTH_MAX_MBPS} Mbps.`,
    );
  }
  return value;
}

function asObject(value: unknown, field: string): Input {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw inappropriate(field, 'expected an object');
  }
  return value as Input;
}

/** Months of a reservation; only months exist, compared case-insensitively as the SDKs send both spellings. */
export function reservationMonths(value: unknown, field: string): number {
  const reservation = asObject(value, field);
  const length = reservation.reservationLength;
  if (
    typeof length !== 'number' ||
    !(RESERVATION_LENGTHS as readonly number[]).includes(length) ||
    !Number.isInteger(length)
  ) {
    throw inappropriate(`${field}.reservationLength`, `one of ${RESERVATION_LENGTHS.join(', ')} (months)`);
  }
  const unit = reservation.reservationTimeUnit;
  if (unit !== undefined && unit !== null && (typeof unit !== 'string' || unit.toLowerCase() !== 'month')) {
    throw inappropriate(`${field}.reservationTimeUnit`, 'only "month" is supported');
  }
  return length;
}

export interface BillingChoice {
  paymentTiming: PaymentTiming;
  months: number | null;
}

export function billing(input: Input, field: string): BillingChoice {
  const value = asObject(input[field], field);
  const timing = value.paymentTiming ?? 'Postpaid';
  if (typeof timing !== 'string' || !(PAYMENT_TIMINGS as readonly string[]).includes(timing)) {
    throw inappropriate(`${field}.paymentTiming`, `one of ${PAYMENT_TIMINGS.join(', ')}`);
  }
  if (timing === 'Postpaid') return { paymentTiming: 'Postpaid', months: null };
  if (value.reservation === undefined || value.reservation === null) {
    throw inappropriate(`${field}.reservation`, 'required for Prepaid (reservationLength in months)');
  }
  return { paymentTiming: 'Prepaid', months: reservationMonths(value.reservation, `${field}.reservation`) };
}

export function tags(input: Input, field: string): TagModel[] {
  const value = input[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw inappropriate(field, 'expected a list of {tagKey, tagValue}');
  if (value.length > MAX_TAGS) throw inappropriate(field, `at most ${MAX_TAGS} tags`);
  return value.map((item, index) => {
    const tag = asObject(item, `${field}[${index}]`);
    const key = requiredString(tag, 'tagKey', 128);
    const tagValue = optionalString(tag, 'tagValue', 256);
    return tagValue === undefined ? { tagKey: key } : { tagKey: key, tagValue };
  });
}

export function maxKeys(value: unknown): number {
  if (value === undefined || value === null) return MAX_KEYS_LIMIT;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_KEYS_LIMIT) {
    throw new ServiceError(
      'InvalidParameter',
      `Parameter "maxKeys" must be a whole number from 1 to ${MAX_KEYS_LIMIT}; omit it for ${MAX_KEYS_LIMIT}.`,
    );
  }
  return value;
}

export function optionalMarker(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string')
    throw new ServiceError('InvalidParameter', 'Parameter "marker" must be a string.');
  return value;
}

/** Baidu account ids: 32 lowercase hex characters. The admin API, accounts file and snapshots check the same. */
export const ACCOUNT_ID_PATTERN = /^[0-9a-f]{32}$/;

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID_PATTERN.test(value);
}

/**
 * Parses an IPv4 CIDR. Prefixes /8–/30 match what a VPC can reasonably hold; host bits must be zero so the
 * stored value is canonical.
 */
export function ipv4Cidr(value: string): string {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  const fail = (why: string) =>
    new ServiceError('InvalidCidr', `CIDR "${value}" is invalid: ${why}. Use a form like 192.168.0.0/16.`);
  if (!match) throw fail('expected a.b.c.d/prefix');
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) throw fail('each octet must be 0-255');
  const prefix = Number(match[5]);
  if (prefix < 8 || prefix > 30) throw fail('the prefix length must be between 8 and 30');
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const hostBits = 2 ** (32 - prefix);
  if (address % hostBits !== 0) throw fail('host bits must be zero for this prefix');
  return `${octets.join('.')}/${prefix}`;
}
