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
    if (/^v\d+$/.test(version) && !SUPPORTED_VERSIONS.has(version)) {
      throw serviceError('InvalidVersion', `The API version "${version}" is not supported; use v1.`);
    }
    throw serviceError('NotFound', `No API at path "/${segments.join('/')}"; check the endpoint and path.`);
  }
  const candidates = byPath.filter((c) => c.route.spec.method === method);
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
  return { operation: chosen.route.spec, pathParams: chosen.params };
}
