// Routing by the SDK's operation table: the server never keeps its own list of paths. The table is compiled
// once into a tree of path segments whose ends hold, per method, the operations and action flags there, so a
// request walks its own few segments instead of trying every route.
import { ALL_FLAGS, OPERATION_LIST, type OperationName, type OperationSpec } from '@peerconn/sdk/operations';
import { serviceError } from '../errors.ts';

type Operation = OperationSpec & { name: OperationName };

export interface RouteMatch {
  operation: Operation;
  pathParams: Record<string, string>;
}

interface CompiledRoute {
  spec: Operation;
  /** Position in the operation table: matches are reported in table order. */
  index: number;
  /** Parameter names by segment position (undefined where the segment is a literal). */
  params: Array<string | undefined>;
}

/** The operations one method has at one path, and how a request picks among them by its action flag. */
interface MethodChoice {
  candidates: CompiledRoute[];
  /** The candidates' flags, in candidate order. */
  flagsHere: string[];
  /** The same flags in ALL_FLAGS order, the order a "two flags" refusal names them. */
  flagsInTableOrder: string[];
  /** The candidate without a flag, when there is one. */
  unflagged: CompiledRoute | undefined;
}

/** The routes that end at one node of the tree, prepared for every method. */
interface Terminal {
  routes: CompiledRoute[];
  byMethod: Map<string, MethodChoice>;
  /** The methods allowed here, in table order, as a MethodNotAllowed message lists them. */
  allowed: string;
}

interface PathNode {
  literals: Map<string, PathNode>;
  param: PathNode | undefined;
  terminal: Terminal | undefined;
}

const newNode = (): PathNode => ({ literals: new Map(), param: undefined, terminal: undefined });

function prepare(routes: CompiledRoute[]): Terminal {
  const byMethod = new Map<string, MethodChoice>();
  for (const route of routes) {
    const choice = byMethod.get(route.spec.method) ?? {
      candidates: [],
      flagsHere: [],
      flagsInTableOrder: [],
      unflagged: undefined,
    };
    choice.candidates.push(route);
    if (route.spec.flag) choice.flagsHere.push(route.spec.flag);
    else choice.unflagged ??= route;
    byMethod.set(route.spec.method, choice);
  }
  for (const choice of byMethod.values())
    choice.flagsInTableOrder = ALL_FLAGS.filter((f) => choice.flagsHere.includes(f));
  return { routes, byMethod, allowed: [...new Set(routes.map((r) => r.spec.method))].join(', ') };
}

function compile(): PathNode {
  const root = newNode();
  const ends = new Map<PathNode, CompiledRoute[]>();
  OPERATION_LIST.forEach((spec, index) => {
    let node = root;
    const params: Array<string | undefined> = [];
    for (const segment of spec.path.slice(1).split('/')) {
      const param = /^\{(\w+)\}$/.exec(segment)?.[1];
      params.push(param);
      if (param !== undefined) {
        node.param ??= newNode();
        node = node.param;
      } else {
        let next = node.literals.get(segment);
        if (!next) {
          next = newNode();
          node.literals.set(segment, next);
        }
        node = next;
      }
    }
    const list = ends.get(node) ?? [];
    list.push({ spec: spec as Operation, index, params });
    ends.set(node, list);
  });
  for (const [node, routes] of ends) node.terminal = prepare(routes);
  return root;
}

const ROOT = compile();

const SUPPORTED_VERSIONS = new Set(ROOT.literals.keys());

/** Every terminal whose path pattern the segments fit (a parameter takes any non-empty segment). */
function collect(node: PathNode, segments: readonly string[], at: number, found: Terminal[]): void {
  if (at === segments.length) {
    if (node.terminal) found.push(node.terminal);
    return;
  }
  const segment = segments[at] as string;
  const literal = node.literals.get(segment);
  if (literal) collect(literal, segments, at + 1, found);
  if (node.param && segment !== '') collect(node.param, segments, at + 1, found);
}

/** Where patterns overlap (a literal segment that a parameter also fits), the routes of each, in table order. */
function merged(terminals: readonly Terminal[]): Terminal {
  if (terminals.length === 1) return terminals[0] as Terminal;
  return prepare(terminals.flatMap((t) => t.routes).sort((a, b) => a.index - b.index));
}

function paramsOf(route: CompiledRoute, segments: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (let i = 0; i < route.params.length; i++) {
    const name = route.params[i];
    if (name !== undefined) params[name] = segments[i] as string;
  }
  return params;
}

/**
 * Picks the operation for method + path + flags. Throws NotFound / InvalidVersion / MethodNotAllowed /
 * InvalidParameter as BCE errors.
 */
export function route(
  method: string,
  segments: readonly string[],
  query: ReadonlyMap<string, string>,
): RouteMatch {
  const found: Terminal[] = [];
  collect(ROOT, segments, 0, found);
  if (found.length === 0) {
    const version = segments[0] ?? '';
    if (/^v\d+$/.test(version) && !SUPPORTED_VERSIONS.has(version)) {
      throw serviceError('InvalidVersion', `The API version "${version}" is not supported; use v1.`);
    }
    throw serviceError('NotFound', `No API at path "/${segments.join('/')}"; check the endpoint and path.`);
  }
  const here = merged(found);
  const choice = here.byMethod.get(method);
  if (!choice) {
    throw serviceError(
      'MethodNotAllowed',
      `Method ${method} is not allowed on this path; allowed: ${here.allowed}.`,
    );
  }
  let flag: string | undefined;
  if (choice.flagsHere.length > 0) {
    const present = choice.flagsInTableOrder.filter((f) => query.has(f));
    if (present.length > 1) {
      throw serviceError(
        'InvalidParameter',
        `Only one action flag may be given per request; got ${present.map((f) => `"${f}"`).join(' and ')}.`,
      );
    }
    flag = present[0];
  }
  const chosen = flag === undefined ? choice.unflagged : choice.candidates.find((c) => c.spec.flag === flag);
  if (!chosen) {
    throw serviceError(
      'InvalidParameter',
      `This request needs one of the action flags ${choice.flagsHere.map((f) => `"${f}"`).join(', ')} in the query string.`,
    );
  }
  return { operation: chosen.spec, pathParams: paramsOf(chosen, segments) };
}
