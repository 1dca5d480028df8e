// Routing by the SDK's operation table: the server never keeps its own list of paths.
import { ALL_FLAGS, OPERATION_LIST, type OperationName, type OperationSpec } from '@peerconn/sdk/operations';
import { serviceError } from '../errors.ts';

export interface RouteMatch {
  operation: OperationSpec & { name: OperationName };
  pathParams: Record<string, string>;
}

interface CompiledRoute {
  spec: OperationSpec & { name: OperationName };
  segments: Array<{ literal: string } | { param: string }>;
}

const ROUTES: CompiledRoute[] = OPERATION_LIST.map((spec) => ({
  spec: spec as OperationSpec & { name: OperationName },
  segments: spec.path
    .slice(1)
    .split('/')
    .map((s) => {
      const m = /^\{(\w+)\}$/.exec(s);
      return m ? { param: m[1] as string } : { literal: s };
    }),
}));

const SUPPORTED_VERSIONS = new Set(ROUTES.map((r) => (r.segments[0] as { literal: string }).literal));

/** How many of a route's segments are literals: where two templates match a path, the more literal wins. */
function literalCount(route: CompiledRoute): number {
  return route.segments.filter((segment) => 'literal' in segment).length;
}

/** The path without its version segment, to tell an unsupported version from an unknown path. */
function unversioned(segments: readonly string[]): string {
  return segments.slice(1).join('/');
}

function matchSegments(
  route: CompiledRoute,
  segments: readonly string[],
): Record<string, string> | undefined {
  if (route.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const want = route.segments[i];
    const got = segments[i] as string;
    if (want === undefined) return undefined;
    if ('literal' in want) {
      if (want.literal !== got) return undefined;
    } else {
      if (got === '') return undefined;
      params[want.param] = got;
    }
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
  const byPath = ROUTES.flatMap((r) => {
    const params = matchSegments(r, segments);
    return params ? [{ route: r, params }] : [];
  });
  if (byPath.length === 0) {
    const version = segments[0] ?? '';
    if (/^v\d+$/.test(version)) {
      // The same path under another version (`/v2/peerconn`, `/v1/securityGroup`): name the one that serves it.
      const served = ROUTES.find(
        (r) =>
          (r.segments[0] as { literal: string }).literal !== version &&
          matchSegments(r, [(r.segments[0] as { literal: string }).literal, ...segments.slice(1)]) !==
            undefined,
      );
      if (served || !SUPPORTED_VERSIONS.has(version)) {
        const use = served ? (served.segments[0] as { literal: string }).literal : 'v1';
        throw serviceError(
          'InvalidVersion',
          `The API version "${version}" is not supported for "/${unversioned(segments)}"; use ${use}.`,
        );
      }
    }
    throw serviceError('NotFound', `No API at path "/${segments.join('/')}"; check the endpoint and path.`);
  }
  const sameMethod = byPath.filter((c) => c.route.spec.method === method);
  const mostLiteral = Math.max(0, ...sameMethod.map((c) => literalCount(c.route)));
  const candidates = sameMethod.filter((c) => literalCount(c.route) === mostLiteral);
  if (candidates.length === 0) {
    const allowed = [...new Set(byPath.map((c) => c.route.spec.method))].join(', ');
    throw serviceError(
      'MethodNotAllowed',
      `Method ${method} is not allowed on this path; allowed: ${allowed}.`,
    );
  }
  const flagsHere = candidates.flatMap((c) => (c.route.spec.flag ? [c.route.spec.flag] : []));
  const present = ALL_FLAGS.filter((f) => query.has(f) && flagsHere.includes(f));
  if (present.length > 1) {
    throw serviceError(
      'InvalidParameter',
      `Only one action flag may be given per request; got ${present.map((f) => `"${f}"`).join(' and ')}.`,
    );
  }
  const flag = present[0];
  const chosen = candidates.find((c) => c.route.spec.flag === flag);
  if (!chosen) {
    throw serviceError(
      'InvalidParameter',
      `This request needs one of the action flags ${flagsHere.map((f) => `"${f}"`).join(', ')} in the query string.`,
    );
  }
  // On a change, a value-less key the operation does not take is an action this server does not know
  // (`?bindEsg`, a misspelt flag): refused, never served as the flagless operation of the same path. Reads
  // keep ignoring what they do not take.
  const spec = chosen.route.spec;
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
