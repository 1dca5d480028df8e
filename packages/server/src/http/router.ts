// Routing by the SDK's operation table: the server never keeps its own list of paths.
import { ALL_FLAGS, OPERATION_LIST, type OperationName, type OperationSpec } from '@peerconn/sdk/operations';
import { serviceError } from '../errors.ts';
import { PathRoutes } from './path-routes.ts';

type NamedOperation = OperationSpec & { name: OperationName };

export interface RouteMatch {
  operation: NamedOperation;
  pathParams: Record<string, string>;
}

const ROUTES = new PathRoutes(OPERATION_LIST as readonly NamedOperation[], (spec) => spec.path);

const SUPPORTED_VERSIONS = ROUTES.firstLiterals();

/**
 * Picks the operation for method + path + flags. Throws NotFound / InvalidVersion / MethodNotAllowed /
 * InvalidParameter as BCE errors.
 */
export function route(
  method: string,
  segments: readonly string[],
  query: ReadonlyMap<string, string>,
): RouteMatch {
  const { found: candidates, allowed } = ROUTES.lookup(method, segments);
  if (candidates.length === 0 && allowed.length === 0) {
    const version = segments[0] ?? '';
    if (/^v\d+$/.test(version) && !SUPPORTED_VERSIONS.has(version)) {
      throw serviceError('InvalidVersion', `The API version "${version}" is not supported; use v1.`);
    }
    throw serviceError('NotFound', `No API at path "/${segments.join('/')}"; check the endpoint and path.`);
  }
  if (candidates.length === 0) {
    throw serviceError(
      'MethodNotAllowed',
      `Method ${method} is not allowed on this path; allowed: ${allowed.join(', ')}.`,
    );
  }
  const flagsHere = candidates.flatMap((c) => (c.route.flag ? [c.route.flag] : []));
  const present = ALL_FLAGS.filter((f) => query.has(f) && flagsHere.includes(f));
  if (present.length > 1) {
    throw serviceError(
      'InvalidParameter',
      `Only one action flag may be given per request; got ${present.map((f) => `"${f}"`).join(' and ')}.`,
    );
  }
  const flag = present[0];
  const chosen = candidates.find((c) => c.route.flag === flag);
  if (!chosen) {
    throw serviceError(
      'InvalidParameter',
      `This request needs one of the action flags ${flagsHere.map((f) => `"${f}"`).join(', ')} in the query string.`,
    );
  }
  return { operation: chosen.route, pathParams: chosen.params };
}
