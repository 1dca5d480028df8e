// Raw query parsing: URLSearchParams would turn `+` into a space and hides nothing we need, but we also must
// detect duplicates and keep bare flag keys (`?resize`) distinguishable from absent ones.
import { serviceError } from '../errors.ts';

export type QueryEntries = ReadonlyArray<readonly [string, string]>;

function decodeComponent(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw serviceError(
      'InvalidURI',
      `Could not parse the specified URI: the ${what} has a bad percent-escape.`,
    );
  }
}

/** Splits `a&b=1&c=` into decoded entries; a bare key has the empty value. Duplicate keys are refused. */
export function parseQuery(rawQuery: string): Map<string, string> {
  const params = new Map<string, string>();
  if (rawQuery === '') return params;
  // Without a percent sign there is nothing to decode (ids, numbers and tokens rarely need escaping).
  const escaped = rawQuery.includes('%');
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    const key = escaped ? decodeComponent(rawKey, 'query string') : rawKey;
    if (key === '') continue;
    const value = escaped ? decodeComponent(rawValue, 'query string') : rawValue;
    if (params.has(key)) {
      throw serviceError(
        'InvalidParameter',
        `Query parameter "${key}" appears more than once; send it once.`,
      );
    }
    params.set(key, value);
  }
  return params;
}

/** Splits a request target into the raw path and raw query (without `?`). */
export function splitTarget(target: string): { rawPath: string; rawQuery: string } {
  const hash = target.indexOf('#');
  const withoutHash = hash === -1 ? target : target.slice(0, hash);
  const q = withoutHash.indexOf('?');
  return q === -1
    ? { rawPath: withoutHash, rawQuery: '' }
    : { rawPath: withoutHash.slice(0, q), rawQuery: withoutHash.slice(q + 1) };
}

/** Decoded path segments (so an escaped character inside an id never splits it). */
export function decodePath(rawPath: string): { path: string; segments: string[] } {
  if (!rawPath.startsWith('/')) {
    throw serviceError('InvalidURI', 'Could not parse the specified URI: the path must start with "/".');
  }
  const escaped = rawPath.includes('%');
  const segments = rawPath.slice(1).split('/');
  if (escaped)
    for (let i = 0; i < segments.length; i++) segments[i] = decodeComponent(segments[i] as string, 'path');
  // A single trailing slash is tolerated; SDKs never send one but hand-written curl calls do.
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  return { path: escaped ? decodeComponent(rawPath, 'path') : rawPath, segments };
}
