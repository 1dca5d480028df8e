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

/** The path without its version segment, to tell an unsupported version from an unknown path. */
function unversioned(segments: readonly string[]): string {
  return segments.slice(1).join('/');
}

/** Another version under which a route serves this path (`/v2/peerconn` → v1), if any. */
function versionServing(segments: readonly string[]): string | undefined {
  const asked = segments[0];
  for (const version of SUPPORTED_VERSIONS) {
    if (version === asked) continue;
    const { found, allowed } = ROUTES.lookup('GET', [version, ...segments.slice(1)]);
    if (found.length > 0 || allowed.length > 0) return version;
  }
  return undefined;
}

/**
 * How the path's last segment is read when every route of the path takes it as the same parameter: a word of an
 * API this server does not have (the Go SDK's `POST …/privateIp/batchAddCrossSubnet`) then shows as the value it
 * was taken for, so the refusal says why the method does not fit.
 */
function lastSegmentReading(segments: readonly string[], methods: readonly string[]): string {
  const params = new Set<string>();
  for (const method of methods) {
    for (const { route } of ROUTES.lookup(method, segments).found) {
      const param = /^\{(\w+)\}$/.exec(route.path.slice(route.path.lastIndexOf('/') + 1))?.[1];
      if (param === undefined) return '';
      params.add(param);
    }
  }
  const [param] = params;
  if (params.size !== 1 || param === undefined) return '';
  return `, where ${JSON.stringify(segments[segments.length - 1])} is read as a ${param}`;
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
  const { found: candidates, allowed } = ROUTES.lookup(method, segments);
  if (candidates.length === 0 && allowed.length === 0) {
    const version = segments[0] ?? '';
    if (/^v\d+$/.test(version)) {
      // The same path under another version (`/v2/peerconn`, `/v1/securityGroup`): name the one that serves it.
      const served = versionServing(segments);
      if (served !== undefined || !SUPPORTED_VERSIONS.has(version)) {
        const use = served ?? 'v1';
        throw serviceError(
          'InvalidVersion',
          `The API version "${version}" is not supported for "/${unversioned(segments)}"; use ${use}.`,
        );
      }
    }
    throw serviceError('NotFound', `No API at path "/${segments.join('/')}"; check the endpoint and path.`);
  }
  if (candidates.length === 0) {
    throw serviceError(
      'MethodNotAllowed',
      `Method ${method} is not allowed on this path${lastSegmentReading(segments, allowed)}; allowed: ${allowed.join(', ')}.`,
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
    // A value-less key that is no flag here is an action this server does not know (`?bindEsg`): name it.
    const unknown = [...query].find(([key, value]) => value === '' && key !== 'clientToken')?.[0];
    throw serviceError(
      'InvalidParameter',
      unknown !== undefined
        ? `Unknown action "${unknown}" for ${method} "/${segments.join('/')}"; actions on this path: ${flagsHere.map((f) => `"${f}"`).join(', ')}.`
        : `This request needs one of the action flags ${flagsHere.map((f) => `"${f}"`).join(', ')} in the query string.`,
    );
  }
  // On a change, a value-less key the operation does not take is an action this server does not know
  // (`?bindEsg`, a misspelt flag): refused, never served as the flagless operation of the same path. Reads
  // keep ignoring what they do not take.
  const spec = chosen.route;
  for (const [key, value] of method === 'GET' ? [] : query) {
    if (value !== '' || key === 'clientToken' || key === spec.flag || spec.query.includes(key)) continue;
    const known =
      flagsHere.length > 0 ? `; actions on this path: ${flagsHere.map((f) => `"${f}"`).join(', ')}` : '';
    throw serviceError(
      'InvalidParameter',
      `Unknown action "${key}" for ${method} "/${segments.join('/')}"${known}.`,
    );
  }
  return { operation: spec, pathParams: chosen.params };
}
