// Async iteration over list pages: follow nextMarker while isTruncated. Page fetches are serialised through
// one promise chain, so concurrent next() calls each get their own item and no page is fetched twice.
import { BceClientError } from './errors.ts';
import type {
  ListPeerConnsInput,
  ListPeerConnsOutput,
  ListRouteRulesInput,
  ListRouteRulesOutput,
  ListSubnetsInput,
  ListSubnetsOutput,
  ListVpcsInput,
  ListVpcsOutput,
} from './models.ts';

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

export interface ListPeerConnsClient {
  listPeerConns(input: ListPeerConnsInput): Promise<ListPeerConnsOutput>;
}
export interface ListVpcsClient {
  listVpcs(input: ListVpcsInput): Promise<ListVpcsOutput>;
}
export interface ListSubnetsClient {
  listSubnets(input: ListSubnetsInput): Promise<ListSubnetsOutput>;
}
export interface ListRouteRulesClient {
  listRouteRules(input: ListRouteRulesInput): Promise<ListRouteRulesOutput>;
}

function withMarker<T extends { marker?: unknown }>(input: T, marker: string | undefined): T {
  const next: { marker?: unknown } = { ...input };
  if (marker === undefined) delete next.marker;
  else next.marker = marker;
  return next as T;
}

/** A typed paginator function for one list operation: how to fetch a page, and where its items are. */
function listPaginator<Client, Input extends { marker?: string }, Page extends PageShape, Item>(
  list: (client: Client, input: Input) => Promise<Page>,
  itemsOf: (page: Page) => Item[],
): (client: Client, input?: Input) => Paginator<Item, Page> {
  return (client, input) => {
    const first = input ?? ({} as Input);
    return makePaginator((marker) => list(client, withMarker(first, marker)), itemsOf, first.marker);
  };
}

/** Every peering connection visible to the caller (optionally of one VPC), page by page as needed. */
export const paginatePeerConns = listPaginator(
  (client: ListPeerConnsClient, input: ListPeerConnsInput) => client.listPeerConns(input),
  (page) => page.peerConns,
);

/** Every VPC of the caller, page by page as needed. */
export const paginateVpcs = listPaginator(
  (client: ListVpcsClient, input: ListVpcsInput) => client.listVpcs(input),
  (page) => page.vpcs,
);

/** Every subnet of the caller (optionally of one VPC, zone or type), page by page as needed. */
export const paginateSubnets = listPaginator(
  (client: ListSubnetsClient, input: ListSubnetsInput) => client.listSubnets(input),
  (page) => page.subnets,
);

/**
 * Every custom rule of one route table (name it by routeTableId or vpcId), page by page as needed. System
 * routes are not in this list; getRouteTable shows them.
 */
export function paginateRouteRules(
  client: ListRouteRulesClient,
  input: ListRouteRulesInput,
): Paginator<ListRouteRulesOutput['routeRules'][number], ListRouteRulesOutput> {
  return routeRulePages(client, input);
}

const routeRulePages = listPaginator(
  (client: ListRouteRulesClient, input: ListRouteRulesInput) => client.listRouteRules(input),
  (page) => page.routeRules,
);

/** A list operation chosen by name, for tools that work from the operation table (the CLI's `--all`). */
export function paginateOperation(
  client: { call(operation: string, input: Record<string, unknown>): Promise<unknown> },
  operation: string,
  input: Record<string, unknown>,
  itemsKey: string,
): Paginator<unknown, Record<string, unknown> & PageShape> {
  type Page = Record<string, unknown> & PageShape;
  return makePaginator(
    async (marker) => (await client.call(operation, withMarker(input, marker))) as Page,
    (page) => {
      const items = page[itemsKey];
      return Array.isArray(items) ? items : [];
    },
    typeof input.marker === 'string' ? input.marker : undefined,
  );
}
