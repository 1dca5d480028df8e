// Renders a result as json (the API response as is), table (aligned, header, fits 80 columns for the known
// resources; the columns and sections of each resource are in tables.ts) or text (tab-separated, no header, for
// cut/awk).
import type { OutputFormat } from './options.ts';
import { type Column, cell, type Item, isRecord, type Sections, SHAPES, VIEWS, type View } from './tables.ts';

interface Grid {
  title?: string;
  headers: string[];
  sections: Array<{ caption?: string; rows: string[][] }>;
}

interface ListLike {
  items: unknown[];
  /** The field the items came from; undefined for a bare array. */
  key?: string;
}

/** Items of a list-like result: a bare array, or the single array field of an object (peerConns, vpcs). */
function listItems(value: unknown): ListLike | undefined {
  if (Array.isArray(value)) return { items: value };
  if (!isRecord(value)) return undefined;
  const arrays = Object.entries(value).filter(([, v]) => Array.isArray(v));
  if (arrays.length !== 1) return undefined;
  const [key, items] = arrays[0] as [string, unknown[]];
  return { key, items };
}

function rowsOf(items: readonly Item[], columns: readonly Column[]): string[][] {
  return items.map((r) => columns.map((c) => (c.show ? c.show(r) : cell(r[c.key]))));
}

function gridOf(items: unknown[], format: 'table' | 'text', key?: string): Grid {
  if (items.length === 0) {
    const shape = SHAPES.find((s) => s.listKey === key);
    return { headers: shape ? shape[format].map((c) => c.header) : ['VALUE'], sections: [{ rows: [] }] };
  }
  const records = items.filter(isRecord);
  if (records.length !== items.length) {
    return { headers: ['VALUE'], sections: [{ rows: items.map((item) => [cell(item)]) }] };
  }
  const shape = SHAPES.find((s) => records.every(s.matches));
  const columns: Column[] =
    shape?.[format] ??
    [...new Set(records.flatMap((r) => Object.keys(r)))].map((key) => ({ header: key.toUpperCase(), key }));
  return { headers: columns.map((c) => c.header), sections: [{ rows: rowsOf(records, columns) }] };
}

function viewGrid(view: View, found: Sections, format: 'table' | 'text'): Grid {
  const columns = view.shape[format];
  const sections = found.sections.map((s) => ({
    ...(s.caption === undefined ? {} : { caption: s.caption }),
    rows: rowsOf(s.items, columns),
  }));
  return {
    ...(found.title === undefined ? {} : { title: found.title }),
    headers: columns.map((c) => c.header),
    sections: sections.length > 0 ? sections : [{ rows: [] }],
  };
}

function toGrid(value: unknown, format: 'table' | 'text'): Grid {
  // A result made of several lists (an ACL per subnet, groups with their rules) before anything else.
  for (const view of VIEWS) {
    const found = view.of(value);
    if (found) return viewGrid(view, found, format);
  }
  // A resource next: its own arrays (tags) must not be mistaken for a list result.
  if (isRecord(value) && SHAPES.some((s) => s.matches(value))) return gridOf([value], format);
  const list = listItems(value);
  if (list) return gridOf(list.items, format, list.key);
  if (isRecord(value)) {
    // getVpc wraps its resource: { vpc: {...} }.
    const inner = Object.values(value);
    if (inner.length === 1 && isRecord(inner[0])) return toGrid(inner[0], format);
    return {
      headers: ['KEY', 'VALUE'],
      sections: [{ rows: Object.entries(value).map(([k, v]) => [k, cell(v)]) }],
    };
  }
  return { headers: ['VALUE'], sections: [{ rows: [[cell(value)]] }] };
}

/**
 * Aligned columns under a header, one block per section (its caption above it) with the same widths in every
 * block, so sections read as one listing; a title and a blank line before the first, a blank line between.
 */
function renderTable(grid: Grid, color: boolean): string {
  const allRows = grid.sections.flatMap((s) => s.rows);
  const widths = grid.headers.map((h, i) => Math.max(h.length, ...allRows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const header = line(grid.headers);
  const blocks = grid.sections.map((section) => {
    const caption = section.caption === undefined ? '' : `${section.caption}\n`;
    // A header alone reads like a broken command; say that the list is empty.
    const body = section.rows.length === 0 ? '(none)\n' : section.rows.map((r) => `${line(r)}\n`).join('');
    return `${caption}${color ? `\u001b[1m${header}\u001b[0m` : header}\n${body}`;
  });
  const title = grid.title === undefined ? '' : `${grid.title}\n\n`;
  return `${title}${blocks.join('\n')}`;
}

/** The whole stdout of a command for its result; empty when there is nothing to print. */
export function render(value: unknown, format: OutputFormat, color = false): string {
  if (value === undefined) return '';
  if (format === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  if (value === null) return '';
  if (format === 'text' && !isRecord(value) && !Array.isArray(value)) return `${cell(value)}\n`;
  const grid = toGrid(value, format);
  if (format === 'text') {
    return grid.sections.flatMap((s) => s.rows.map((r) => `${r.join('\t')}\n`)).join('');
  }
  return renderTable(grid, color);
}

/** Drops the SDK's `$metadata`: json output is exactly the API response. */
export function stripMetadata(output: unknown): unknown {
  if (!isRecord(output)) return output;
  const { $metadata: _metadata, ...rest } = output;
  return rest;
}

export async function applyQuery(value: unknown, expression: string | undefined): Promise<unknown> {
  if (expression === undefined) return value;
  const { search } = await import('@jmespath-community/jmespath');
  return search(value as Parameters<typeof search>[0], expression);
}
