// Value rules for input fields: ranges, lengths and formats. Types and shapes were checked where the request
// was parsed (the HTTP edge); these rules receive typed values and decide whether they are allowed.
import {
  type Billing,
  type PaymentTiming,
  RESERVATION_LENGTHS,
  type Reservation,
  type TagModel,
} from '@peerconn/sdk';
import { ServiceError } from '../errors.ts';

export const BANDWIDTH_MIN_MBPS = 1;
export const BANDWIDTH_MAX_MBPS = 10_000;
export const NAME_MAX_LENGTH = 65;
export const DESCRIPTION_MAX_LENGTH = 200;
export const MAX_TAGS = 20;
export const MAX_KEYS_LIMIT = 1000;

function inappropriate(field: string, expected: string): ServiceError {
  return new ServiceError('InappropriateJSON', `Field "${field}" is invalid: ${expected}.`);
}

/** An optional text field: at most `maxLength` characters. */
export function limited(field: string, value: string | undefined, maxLength: number): string | undefined {
  if (value !== undefined && value.length > maxLength)
    throw inappropriate(field, `at most ${maxLength} characters`);
  return value;
}

/** A required text field: present, not empty, at most `maxLength` characters. */
export function required(field: string, value: string | undefined, maxLength = 256): string {
  if (value === undefined || value === '') throw inappropriate(field, 'required and must not be empty');
  return limited(field, value, maxLength) as string;
}

export function bandwidth(field: string, value: number): number {
  if (!Number.isInteger(value)) {
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

/** Months of a reservation; only months exist, compared case-insensitively as the SDKs send both spellings. */
export function reservationMonths(field: string, reservation: Reservation): number {
  const length = reservation.reservationLength;
  if (!(RESERVATION_LENGTHS as readonly number[]).includes(length)) {
    throw inappropriate(`${field}.reservationLength`, `one of ${RESERVATION_LENGTHS.join(', ')} (months)`);
  }
  const unit = reservation.reservationTimeUnit;
  if (unit !== undefined && unit.toLowerCase() !== 'month') {
    throw inappropriate(`${field}.reservationTimeUnit`, 'only "month" is supported');
  }
  return length;
}

export interface BillingChoice {
  paymentTiming: PaymentTiming;
  months: number | null;
}

export function billing(field: string, value: Billing): BillingChoice {
  if ((value.paymentTiming ?? 'Postpaid') === 'Postpaid') return { paymentTiming: 'Postpaid', months: null };
  if (value.reservation === undefined) {
    throw inappropriate(`${field}.reservation`, 'required for Prepaid (reservationLength in months)');
  }
  return { paymentTiming: 'Prepaid', months: reservationMonths(`${field}.reservation`, value.reservation) };
}

export function tags(field: string, value: TagModel[] | undefined): TagModel[] {
  if (value === undefined) return [];
  if (value.length > MAX_TAGS) throw inappropriate(field, `at most ${MAX_TAGS} tags`);
  return value.map((tag, index) => {
    const key = required(`${field}[${index}].tagKey`, tag.tagKey, 128);
    const tagValue = limited(`${field}[${index}].tagValue`, tag.tagValue, 256);
    return tagValue === undefined ? { tagKey: key } : { tagKey: key, tagValue };
  });
}

export function maxKeys(value: number | undefined): number {
  if (value === undefined) return MAX_KEYS_LIMIT;
  if (!Number.isInteger(value) || value < 1 || value > MAX_KEYS_LIMIT) {
    throw new ServiceError(
      'InvalidParameter',
      `Parameter "maxKeys" must be a whole number from 1 to ${MAX_KEYS_LIMIT}; omit it for ${MAX_KEYS_LIMIT}.`,
    );
  }
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
