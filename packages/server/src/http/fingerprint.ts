// The idempotency fingerprint: equal for the same logical request however an SDK serialised it (Python's
// `", "` separators, Go's compact JSON, key order, `?flag` vs `?flag=`), different for any change that matters.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level and no insignificant whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestFingerprint(
  operation: string,
  path: string,
  query: ReadonlyMap<string, string>,
  body: Record<string, unknown>,
): string {
  const sortedQuery = [...query.entries()]
    .filter(([key]) => key !== 'clientToken')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(canonicalJson([operation, path, sortedQuery, body]))
    .digest('hex');
}
