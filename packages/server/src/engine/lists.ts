// List pages: resolving a marker to a position, and cutting a page from rows fetched with one extra.
import { ServiceError } from '../errors.ts';

export interface Page<T> {
  items: T[];
  marker?: string;
  isTruncated: boolean;
  nextMarker?: string;
  maxKeys: number;
}

/**
 * Cuts a page from rows fetched with one extra: that extra row only tells whether the list goes on, and its id
 * is the next page's marker. Field order is the wire's (marker, isTruncated, nextMarker, maxKeys).
 */
export function toPage<T>(rows: T[], limit: number, idOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const first = items[0];
  const next = rows[limit];
  return {
    items,
    ...(first !== undefined ? { marker: idOf(first) } : {}),
    isTruncated: next !== undefined,
    ...(next !== undefined ? { nextMarker: idOf(next) } : {}),
    maxKeys: limit,
  };
}

export function invalidMarker(marker: string): ServiceError {
  return new ServiceError(
    'InvalidParameter',
    `Parameter "marker" (${marker}) is not a position in this list; pass the nextMarker of the previous page, or omit it.`,
  );
}

/** The empty marker means "from the start", as the SDKs send it. */
export function markerOf(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
