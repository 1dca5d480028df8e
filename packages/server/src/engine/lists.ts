// List pages: resolving a marker to a position, cutting a page from rows fetched with one extra, and keeping the
// wire page built from rows the read cache hands out.
import { type ResourceKind, type ResourceRecords, resourceKeys } from '../domain/resources.ts';
import type { CallerScope } from '../domain/types.ts';
import { maxKeys } from '../domain/values.ts';
import { fixedBody } from '../domain/view.ts';
import { ServiceError } from '../errors.ts';
import type { StoreReader } from '../store/api.ts';

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
export function toPage<T>(rows: readonly T[], limit: number, idOf: (row: T) => string): Page<T> {
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

/**
 * The wire pages of one list operation, each kept with the rows it was built from. The read cache hands out the
 * same frozen rows array for the same query until the next commit (store/read-cache.ts), so a page — a function
 * of its rows and of the query that fetched them — is built once per commit, and its bytes are made once
 * (domain/view.ts, fixedBody). Rows that are not frozen (no cache, or a read a commit overtook) build a page
 * every time. One memo per operation: rows of one query never build another operation's page.
 */
export class PageMemo<R, P extends object> {
  private readonly pages = new WeakMap<readonly R[], { limit: number; page: P }>();

  constructor(private readonly build: (rows: readonly R[], limit: number) => P) {}

  /** The page of `limit` items cut from `rows` (fetched with one extra). */
  pageOf(rows: readonly R[], limit: number): P {
    if (!Object.isFrozen(rows)) return this.build(rows, limit);
    const kept = this.pages.get(rows);
    if (kept?.limit === limit) return kept.page;
    const page = fixedBody(this.build(rows, limit));
    this.pages.set(rows, { limit, page });
    return page;
  }
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

/**
 * One page of a network resource kind (domain/resources.ts) for the caller: the caller's own in its region,
 * or those under one parent the caller has already been found to own. A marker is the id of the page's first
 * item, and must be a place in the same list.
 */
export async function resourcePage<K extends ResourceKind>(
  reader: StoreReader,
  kind: K,
  caller: CallerScope,
  query: { marker?: string | undefined; maxKeys?: number | undefined; parentId?: string },
): Promise<Page<ResourceRecords[K]>> {
  const limit = maxKeys(query.maxKeys);
  const marker = markerOf(query.marker);
  let fromSeq = 0;
  if (marker !== undefined) {
    const at = await reader.resourcePlace(kind, marker);
    const sameList =
      at !== undefined &&
      at.accountId === caller.accountId &&
      at.region === caller.region &&
      (query.parentId === undefined || at.parentId === query.parentId);
    if (!sameList) throw invalidMarker(marker);
    fromSeq = at.seq;
  }
  const rows = await reader.listResourcePage(kind, {
    accountId: caller.accountId,
    region: caller.region,
    fromSeq,
    limit: limit + 1,
    ...(query.parentId !== undefined ? { parentId: query.parentId } : {}),
  });
  const records = rows.map((row) => row.record);
  return toPage(records, limit, (record) => resourceKeys(kind, record).id);
}

/**
 * A page cut from a list already filtered in memory (filters the store cannot index), by the same marker rules:
 * the marker is the id of the page's first item.
 */
export function pageOf<T>(
  all: readonly T[],
  query: { marker?: string | undefined; maxKeys?: number | undefined },
  idOf: (item: T) => string,
): Page<T> {
  const limit = maxKeys(query.maxKeys);
  const marker = markerOf(query.marker);
  let start = 0;
  if (marker !== undefined) {
    start = all.findIndex((item) => idOf(item) === marker);
    if (start < 0) throw invalidMarker(marker);
  }
  return toPage(all.slice(start, start + limit + 1), limit, idOf);
}
