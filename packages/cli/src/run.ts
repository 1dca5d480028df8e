// Executes a verb: flags → operation input → SDK call (or every page, or a waiter) → rendered stdout.
// Every failure ends here too, as one stderr line and the documented exit code.
import { readFileSync } from 'node:fs';
import type { BceClient, OperationName, PeerConnClient, WaiterConfig, WaiterInput } from '@peerconn/sdk';
import { OPERATIONS, type OperationSpec, pathParams } from '@peerconn/sdk/operations';
import { CommandTimeout, EXIT, NetworkFailure, UsageError, WaitFailed } from './exit.ts';
import { commandDeadline, type Deadline, type GlobalOptions, makeClient } from './options.ts';
import { applyQuery, render, stripMetadata } from './output.ts';
import { type ComposedField, type FieldFlag, type Verb, verbArguments } from './verbs.ts';

type Options = Readonly<Record<string, unknown>>;

/** commander stores `--local-vpc-id` as `localVpcId`. */
function optionKey(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function readCliInputJson(source: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch (error) {
    throw new UsageError(`--cli-input-json: cannot read ${source}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--cli-input-json: ${source} is not JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError('--cli-input-json: expected a JSON object of input fields');
  }
  return parsed as Record<string, unknown>;
}

/** The operation input: --cli-input-json, then flags, then the verb's fixed fields and its arguments. */
export function buildInput(
  verb: Verb,
  fields: ReadonlyArray<FieldFlag | ComposedField>,
  positionals: readonly string[],
  options: Options,
): Record<string, unknown> {
  const spec: OperationSpec = OPERATIONS[verb.operation];
  const fromFile = typeof options.cliInputJson === 'string' ? readCliInputJson(options.cliInputJson) : {};
  const input: Record<string, unknown> = { ...fromFile };
  for (const field of fields) {
    if (field.kind === 'field') {
      const value = options[optionKey(field.flag)];
      if (value !== undefined) input[field.field] = value;
      else if (field.required && input[field.field] === undefined) {
        throw new UsageError(`required option '--${field.flag}' not specified`);
      }
      continue;
    }
    const values: Record<string, unknown> = {};
    let given = false;
    const fromFile = field.fields.some((name) => input[name] !== undefined);
    for (const f of field.flags) {
      const value = options[optionKey(f.flag)];
      values[optionKey(f.flag)] = value;
      if (value !== undefined && value !== f.defaultValue) given = true;
      if (f.required && value === undefined && !fromFile) {
        throw new UsageError(`required option '--${f.flag}' not specified`);
      }
    }
    // Fields from --cli-input-json are kept unless a flag of theirs was typed; then the flags make them anew.
    if (given || !fromFile) {
      for (const name of field.fields) delete input[name];
      for (const [name, value] of Object.entries(field.build(values))) {
        if (value !== undefined) input[name] = value;
      }
    }
  }
  Object.assign(input, verb.fixed ?? {});
  verbArguments(verb, spec).forEach((param, i) => {
    input[param] = positionals[i];
  });
  return input;
}

/** The pagination flags of a list verb, after reconciling them with the wire-named --max-keys/--marker. */
interface Paging {
  paginate: boolean;
  maxItems?: number;
  pageSize?: number;
  startingToken?: string;
}

function pagingOf(options: Options, input: Record<string, unknown>): Paging {
  const pick = (flag: string, value: unknown, wireFlag: string, wire: unknown) => {
    if (value !== undefined && wire !== undefined && value !== wire) {
      throw new UsageError(`${flag} and ${wireFlag} name the same thing; give one of them`);
    }
    return value ?? wire;
  };
  const paging: Paging = { paginate: options.paginate !== false };
  const pageSize = pick('--page-size', options.pageSize, '--max-keys', input.maxKeys);
  const startingToken = pick('--starting-token', options.startingToken, '--marker', input.marker);
  if (typeof pageSize === 'number') paging.pageSize = pageSize;
  if (typeof startingToken === 'string') paging.startingToken = startingToken;
  if (typeof options.maxItems === 'number') paging.maxItems = options.maxItems;
  if (!paging.paginate && options.all === true) {
    throw new UsageError('--all and --no-paginate contradict each other; give one of them');
  }
  if (!paging.paginate && paging.maxItems !== undefined) {
    throw new UsageError('--max-items counts across pages; with --no-paginate, use --page-size');
  }
  return paging;
}

const MAX_KEYS_LIMIT = 1000;

/** Where a listing stopped while more exist; json output carries the marker itself. */
function noteMore(marker: unknown, globals: GlobalOptions): void {
  if (globals.output === 'json' || typeof marker !== 'string') return;
  process.stderr.write(`more results: continue with --starting-token ${marker}\n`);
}

/**
 * A list verb: every page by default (aws-cli's auto-pagination), or one (--no-paginate). With --max-items,
 * the last request asks for exactly the items still wanted, so the listing stops on a page boundary and the
 * page's nextMarker is an exact place to continue from.
 */
async function list(
  client: BceClient,
  operation: OperationName,
  itemsKey: string,
  input: Record<string, unknown>,
  paging: Paging,
  globals: GlobalOptions,
): Promise<unknown> {
  // The table's list outputs all have the shape paginateOperation reads; one cast, here.
  const call = async (name: string, pageInput: Record<string, unknown>) =>
    (await client.call(name as never, pageInput as never)) as unknown as Record<string, unknown>;
  const base = { ...input };
  delete base.maxKeys;
  delete base.marker;
  if (paging.startingToken !== undefined) base.marker = paging.startingToken;
  if (!paging.paginate) {
    const page = await call(operation, {
      ...base,
      ...(paging.pageSize !== undefined ? { maxKeys: paging.pageSize } : {}),
    });
    if (page.isTruncated === true) noteMore(page.nextMarker, globals);
    return page;
  }
  const items: unknown[] = [];
  const { maxItems, pageSize } = paging;
  const sizeOfNextPage = (): number | undefined => {
    if (maxItems === undefined) return pageSize;
    return Math.min(pageSize ?? MAX_KEYS_LIMIT, maxItems - items.length);
  };
  const sized = {
    call: (name: string, pageInput: Record<string, unknown>) => {
      const size = sizeOfNextPage();
      return call(name, size === undefined ? pageInput : { ...pageInput, maxKeys: size });
    },
  };
  // The SDK's paginator, so a repeated or missing nextMarker stops the listing instead of looping forever.
  const { paginateOperation } = await import('@peerconn/sdk');
  let nextMarker: string | undefined;
  for await (const page of paginateOperation(sized, operation, base).pages()) {
    const pageItems = page[itemsKey];
    if (Array.isArray(pageItems)) items.push(...pageItems);
    if (maxItems !== undefined && items.length >= maxItems) {
      if (page.isTruncated) nextMarker = page.nextMarker;
      break;
    }
  }
  if (nextMarker === undefined) return { [itemsKey]: items };
  noteMore(nextMarker, globals);
  return { [itemsKey]: items.slice(0, maxItems), nextMarker };
}

/** Writes the result to stdout after --query, in the --output format. */
export async function print(
  result: unknown,
  globals: GlobalOptions,
  color = globals.color && process.stdout.isTTY === true && !process.env.NO_COLOR,
): Promise<void> {
  let value: unknown;
  try {
    value = await applyQuery(result, globals.query);
  } catch (error) {
    throw new UsageError(`--query: ${(error as Error).message}`);
  }
  process.stdout.write(render(value, globals.output, color));
}

/** A value at a dotted path of an output (`subnet.name` in `{ subnet: { name } }`). */
function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Fills the field a verb can look up (update's localIfId, route add's routeTableId) by reading as the caller. */
async function lookUp(client: BceClient, verb: Verb, input: Record<string, unknown>): Promise<void> {
  const lookup = verb.lookup;
  if (!lookup || input[lookup.field] !== undefined) return;
  const read: Record<string, unknown> = { abortSignal: input.abortSignal };
  for (const param of pathParams(OPERATIONS[lookup.operation])) read[param] = input[param];
  if (lookup.using) {
    const given = input[lookup.using.field];
    if (given === undefined) {
      throw new UsageError(`give --${lookup.flag} or --${lookup.using.flag}`);
    }
    read[lookup.using.field] = given;
  }
  const found = at(await client.call(lookup.operation, read as never), lookup.from);
  if (typeof found !== 'string' || found === '') {
    throw new UsageError(
      lookup.missing ?? `${lookup.operation} shows no ${lookup.from}; pass --${lookup.flag}`,
    );
  }
  input[lookup.field] = found;
}

export async function runVerb(
  verb: Verb,
  fields: ReadonlyArray<FieldFlag | ComposedField>,
  positionals: readonly string[],
  options: Options,
  globals: GlobalOptions,
): Promise<number> {
  const deadline = commandDeadline(globals);
  let endpoint: string | undefined;
  try {
    const spec: OperationSpec = OPERATIONS[verb.operation];
    const input = buildInput(verb, fields, positionals, options);
    if (spec.mutating && globals.clientToken !== undefined) input.clientToken = globals.clientToken;
    if (deadline.signal) input.abortSignal = deadline.signal;
    const paging = spec.listItems !== undefined ? pagingOf(options, input) : undefined;
    const client = await makeClient(spec.service, globals);
    endpoint = client.endpoint;
    await lookUp(client, verb, input);
    const output =
      spec.listItems !== undefined && paging
        ? await list(client, verb.operation, spec.listItems, input, paging, globals)
        : await client.call(verb.operation, input as never);
    // Operations without data print nothing (exit code 0 is the answer), even as json.
    if (spec.returnsData) await print(stripMetadata(output), globals);
    return EXIT.ok;
  } catch (error) {
    return report(explainFailure(error, { command: verb.words.join(' '), deadline, endpoint }), globals);
  }
}

export type WaitCondition = 'active' | 'deleted' | 'dns-open' | 'dns-closed' | 'consulting';

export async function runWait(
  condition: WaitCondition,
  peerConnId: string,
  options: Options,
  globals: GlobalOptions,
): Promise<number> {
  let endpoint: string | undefined;
  try {
    const sdk = await import('@peerconn/sdk');
    const waiters = {
      active: sdk.waitUntilPeerConnActive,
      deleted: sdk.waitUntilPeerConnDeleted,
      'dns-open': sdk.waitUntilDnsSyncOpen,
      'dns-closed': sdk.waitUntilDnsSyncClosed,
      consulting: sdk.waitUntilPeerConnConsulting,
    } as const;
    // For wait, --timeout is how long to wait; each poll keeps the SDK's default request timeout.
    const maxWaitTime = globals.timeout ?? 600;
    const client = (await makeClient('peerconn', globals)) as PeerConnClient;
    endpoint = client.endpoint;
    const interval = typeof options.interval === 'number' ? options.interval : undefined;
    const waiterConfig: WaiterConfig = { client, maxWaitTime };
    if (interval !== undefined) {
      waiterConfig.minDelay = interval;
      waiterConfig.maxDelay = Math.max(interval, Math.min(maxWaitTime, 120));
    }
    const target: WaiterInput = { peerConnId };
    if (options.role === 'initiator' || options.role === 'acceptor') target.role = options.role;
    try {
      const outcome = await waiters[condition](waiterConfig, target);
      if (outcome.result) await print(stripMetadata(outcome.result), globals);
      return EXIT.ok;
    } catch (error) {
      if (error instanceof sdk.WaiterError && error.state !== 'ABORTED') {
        // A refused or broken request (AccessDenied, no network) is not a state the connection reached.
        const cause = error.lastError;
        if (error.state === 'FAILURE' && cause !== undefined && !sdk.isNotFoundError(cause)) throw cause;
        const last = error.lastResult;
        const seen = last ? ` (last status ${last.status}, dnsStatus ${last.dnsStatus})` : '';
        const why =
          error.state === 'TIMEOUT' ? `timed out after ${maxWaitTime}s` : 'ended in a failure state';
        throw new WaitFailed(`wait ${condition} ${peerConnId} ${why}${seen}`);
      }
      throw error;
    }
  } catch (error) {
    return report(explainFailure(error, { command: `wait ${condition}`, endpoint }), globals);
  }
}

function causes(error: unknown): Array<{ code?: unknown; message?: unknown }> {
  const chain: Array<{ code?: unknown; message?: unknown; cause?: unknown }> = [];
  let current: unknown = error;
  while (current !== null && typeof current === 'object' && chain.length < 8) {
    const link = current as { code?: unknown; message?: unknown; cause?: unknown };
    chain.push(link);
    current = link.cause;
  }
  return chain;
}

function isAbort(error: unknown): boolean {
  const e = error as { name?: unknown; kind?: unknown } | undefined;
  return (
    (e?.name === 'BceClientError' && e.kind === 'abort') ||
    e?.name === 'AbortError' ||
    e?.name === 'TimeoutError'
  );
}

/**
 * Turns failures whose SDK or transport text does not tell a CLI user what happened into one that does: the
 * --timeout deadline, and https spoken to a plain-HTTP server (OpenSSL's own text is no help there).
 */
export function explainFailure(
  error: unknown,
  context: { command: string; deadline?: Deadline; endpoint?: string | undefined },
): unknown {
  const { deadline, endpoint } = context;
  if (deadline?.signal?.aborted && isAbort(error)) {
    return new CommandTimeout(
      `${context.command} did not finish within ${deadline.seconds} s (--timeout covers the whole command, retries included)`,
    );
  }
  const e = error as { name?: unknown; kind?: unknown } | undefined;
  if (e?.name === 'BceClientError' && e.kind === 'network' && endpoint?.startsWith('https://')) {
    const tls = causes(error).some(
      (c) =>
        (typeof c.code === 'string' && /^(ERR_SSL_|EPROTO$)/.test(c.code)) ||
        /SSL routines/.test(String(c.message)),
    );
    if (tls) {
      const host = new URL(endpoint).host;
      return new NetworkFailure(
        `could not speak TLS to ${host}; if the server is plain HTTP, use --endpoint http://${host} (or put that in the profile)`,
      );
    }
  }
  return error;
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  requestId?: unknown;
  kind?: unknown;
}

type ExitCode = (typeof EXIT)[keyof typeof EXIT];

// The CLI's own failures: the word their line starts with, and their exit code.
const CLI_FAILURES: Readonly<Record<string, readonly [string, ExitCode]>> = {
  UsageError: ['error', EXIT.usage],
  WaitFailed: ['WaitFailed', EXIT.wait],
  CommandTimeout: ['Timeout', EXIT.network],
  NetworkFailure: ['NetworkError', EXIT.network],
};

// The SDK's client-side failures by kind, the same way; any other kind is a network failure.
const CLIENT_FAILURES: Readonly<Record<string, readonly [string, ExitCode]>> = {
  config: ['error', EXIT.usage],
  parse: ['ParseError', EXIT.service],
  timeout: ['Timeout', EXIT.network],
};

/** One stderr line per failure, and the exit code of its class. */
export function report(error: unknown, globals: Pick<GlobalOptions, 'debug'>): number {
  const e = (error ?? {}) as ErrorLike;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const write = (line: string) => process.stderr.write(`${line}\n`);
  if (e.name === 'BceServiceError') {
    const requestId = typeof e.requestId === 'string' ? ` (requestId ${e.requestId})` : '';
    write(`${String(e.code)}: ${message}${requestId}`);
    return EXIT.service;
  }
  const known =
    typeof e.name === 'string' && Object.hasOwn(CLI_FAILURES, e.name)
      ? CLI_FAILURES[e.name]
      : e.name === 'BceClientError'
        ? (CLIENT_FAILURES[String(e.kind)] ?? ['NetworkError', EXIT.network])
        : undefined;
  if (known) {
    write(`${known[0]}: ${message}`);
    return known[1];
  }
  write(`error: ${message}`);
  if (globals.debug && error instanceof Error && error.stack) write(error.stack);
  return EXIT.usage;
}
