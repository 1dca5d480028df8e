// Async iteration over list pages: follow nextMarker while isTruncated. Page fetches are serialised through
// one promise chain, so concurrent next() calls each get their own item and no page is fetched twice.
import { BceClientError } from './errors.ts';
import type {
  ListPeerConnsInput,
  ListRouteRulesInput,
  ListSubnetsInput,
  ListVpcsInput,
  OperationShapes,
} from './models.ts';
import { OPERATIONS, type OperationName, type OperationSpec } from './operations.ts';

export interface Paginator<Item, Page> extends AsyncIterable<Item> {
  /** Iterates whole pages (each a list output with `$metadata`). */
  pages(): AsyncIterable<Page>;
  /** Collects items, stopping after `limit` when given. */
  toArray(limit?: number): Promise<Item[]>;
}

interface PageShape {
  isTruncated: boolean;
  nextMarker?: string;
}

type FetchPage<Page> = (marker: string | undefined) => Promise<Page>;

/** An iterator whose `next()` calls run one after another, each on the state the previous one left. */
function serialised<T>(step: () => Promise<IteratorResult<T>>): AsyncIterator<T> {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    next(): Promise<IteratorResult<T>> {
      const result = chain.then(step);
      chain = result.catch(() => undefined);
      return result;
    },
  };
}

function pageIterator<Page extends PageShape>(
  fetchPage: FetchPage<Page>,
  firstMarker?: string,
): AsyncIterator<Page> {
  let marker = firstMarker;
  let done = false;
  const seen = new Set<string>();
  const step = async (): Promise<IteratorResult<Page>> => {
    if (done) return { done: true, value: undefined };
    const page = await fetchPage(marker);
    if (!page.isTruncated) {
      done = true;
    } else {
      const next = page.nextMarker;
      if (next === undefined || next === '' || seen.has(next)) {
        done = true;
        throw new BceClientError(
          'parse',
          `Expected a new nextMarker on a truncated page, got ${next === undefined ? 'none' : JSON.stringify(next)}; stopping to avoid an endless loop`,
        );
      }
      seen.add(next);
      marker = next;
    }
    return { done: false, value: page };
  };
  return serialised(step);
}

function makePaginator<Item, Page extends PageShape>(
  fetchPage: FetchPage<Page>,
  itemsOf: (page: Page) => Item[],
  firstMarker?: string,
): Paginator<Item, Page> {
  const items = (): AsyncIterator<Item> => {
    const pages = pageIterator(fetchPage, firstMarker);
    const buffer: Item[] = [];
    let finished = false;
    const step = async (): Promise<IteratorResult<Item>> => {
      while (buffer.length === 0 && !finished) {
        const page = await pages.next();
        if (page.done) finished = true;
        else buffer.push(...itemsOf(page.value));
      }
      if (buffer.length === 0) return { done: true, value: undefined };
      return { done: false, value: buffer.shift() as Item };
    };
    return serialised(step);
  };
  return {
    [Symbol.asyncIterator]: items,
    pages: () => ({ [Symbol.asyncIterator]: () => pageIterator(fetchPage, firstMarker) }),
    async toArray(limit?: number): Promise<Item[]> {
      const out: Item[] = [];
      if (limit !== undefined && limit <= 0) return out;
      for await (const item of { [Symbol.asyncIterator]: items }) {
        out.push(item);
        if (limit !== undefined && out.length >= limit) break;
      }
      return out;
    },
  };
}

/** The list operations of the table: the rows with a `listItems` key. */
export type ListOperationName = {
  [N in OperationName]: (typeof OPERATIONS)[N] extends { listItems: string } ? N : never;
}[OperationName];
type ListInput<N extends ListOperationName> = OperationShapes[N]['input'];
type ListOutput<N extends ListOperationName> = OperationShapes[N]['output'];
/** The type of one item of a list operation's answer, found under its row's `listItems` key. */
export type ListItem<N extends ListOperationName> =
  ListOutput<N>[(typeof OPERATIONS)[N]['listItems'] & keyof ListOutput<N>] extends ReadonlyArray<infer I>
    ? I
    : never;
/** Anything with the list operation's method: a client of its service, or a stand-in. */
export type ListClient<N extends ListOperationName> = {
  [K in N]: (input: ListInput<K>) => Promise<ListOutput<K>>;
};

function withMarker<T extends { marker?: unknown }>(input: T, marker: string | undefined): T {
  const next: { marker?: unknown } = { ...input };
  if (marker === undefined) delete next.marker;
  else next.marker = marker;
  return next as T;
}

function itemsUnder(page: unknown, key: string): unknown[] {
  const items = (page as Record<string, unknown>)[key];
  return Array.isArray(items) ? items : [];
}

/**
 * Every item of a list operation, page by page as needed: `paginate(client, 'listSubnets', { vpcId })`. The
 * items are read under the row's `listItems` key, so a new list operation needs no paginator of its own.
 */
export function paginate<N extends ListOperationName>(
  client: ListClient<N>,
  operation: N,
  input?: ListInput<N>,
): Paginator<ListItem<N>, ListOutput<N>> {
  const first = (input ?? {}) as ListInput<N> & { marker?: string };
  const key = OPERATIONS[operation].listItems;
  const list = client[operation] as (input: ListInput<N>) => Promise<ListOutput<N>>;
  return makePaginator(
    (marker) => list.call(client, withMarker(first, marker)),
    (page) => itemsUnder(page, key) as ListItem<N>[],
    first.marker,
  );
}

/** Every peering connection visible to the caller (optionally of one VPC), page by page as needed. */
export function paginatePeerConns(client: ListClient<'listPeerConns'>, input?: ListPeerConnsInput) {
  return paginate(client, 'listPeerConns', input);
}

/** Every VPC of the caller, page by page as needed. */
export function paginateVpcs(client: ListClient<'listVpcs'>, input?: ListVpcsInput) {
  return paginate(client, 'listVpcs', input);
}

/** Every subnet of the caller (optionally of one VPC, zone or type), page by page as needed. */
export function paginateSubnets(client: ListClient<'listSubnets'>, input?: ListSubnetsInput) {
  return paginate(client, 'listSubnets', input);
}

/**
 * Every custom rule of one route table (name it by routeTableId or vpcId), page by page as needed. System
 * routes are not in this list; getRouteTable shows them.
 */
export function paginateRouteRules(client: ListClient<'listRouteRules'>, input: ListRouteRulesInput) {
  return paginate(client, 'listRouteRules', input);
}

/** A list operation chosen by name at run time, for tools that work from the operation table (the CLI). */
export function paginateOperation(
  client: { call(operation: string, input: Record<string, unknown>): Promise<unknown> },
  operation: string,
  input: Record<string, unknown>,
): Paginator<unknown, Record<string, unknown> & PageShape> {
  type Page = Record<string, unknown> & PageShape;
  const spec: OperationSpec | undefined = Object.hasOwn(OPERATIONS, operation)
    ? OPERATIONS[operation as OperationName]
    : undefined;
  const key = spec?.listItems;
  if (key === undefined) {
    throw new BceClientError('config', `Expected a list operation, got ${JSON.stringify(operation)}`);
  }
  return makePaginator(
    async (marker) => (await client.call(operation, withMarker(input, marker))) as Page,
    (page) => itemsUnder(page, key),
    typeof input.marker === 'string' ? input.marker : undefined,
  );
}
