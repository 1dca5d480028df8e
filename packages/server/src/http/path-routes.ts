// Routing by path templates (`/v1/peerconn/{peerConnId}`): each template is compiled once into literal and
// parameter segments and matched against a request's decoded segments. The BCE API (routes from the SDK's
// operation table) and the admin API (its own table of routes) both look requests up here, so a path means the
// same thing to both: a parameter is one non-empty segment, a literal must match exactly.

type Segment = { literal: string } | { param: string };

export interface PathTemplate {
  /** The template as written, e.g. `/_admin/accounts/{id}`. */
  text: string;
  segments: readonly Segment[];
}

export function compilePathTemplate(text: string): PathTemplate {
  if (!text.startsWith('/')) throw new Error(`path template "${text}" must start with "/"`);
  const segments = text
    .slice(1)
    .split('/')
    .map((s): Segment => {
      const m = /^\{(\w+)\}$/.exec(s);
      if (m) return { param: m[1] as string };
      if (/[{}]/.test(s)) throw new Error(`path template "${text}": a parameter must be a whole segment`);
      return { literal: s };
    });
  return { text, segments };
}

/** The template's parameters for these decoded segments, or undefined when the path is another one. */
export function matchPathTemplate(
  template: PathTemplate,
  segments: readonly string[],
): Record<string, string> | undefined {
  if (template.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const want = template.segments[i] as Segment;
    const got = segments[i] as string;
    if ('literal' in want) {
      if (want.literal !== got) return undefined;
    } else {
      if (got === '') return undefined;
      params[want.param] = got;
    }
  }
  return params;
}

function literalCount(template: PathTemplate): number {
  return template.segments.filter((segment) => 'literal' in segment).length;
}

/** What a lookup found: the routes for this path and method, or else the methods the path takes. */
export interface PathLookup<R> {
  /**
   * Routes with this path and this method, in table order, each with the path's parameters. Where templates
   * with fewer literals also match (`/v1/vpc/{vpcId}` and `/v1/vpc/relay`), only the most literal ones.
   */
  found: Array<{ route: R; params: Record<string, string> }>;
  /** When `found` is empty: the methods other routes of this path take (none: no route has this path). */
  allowed: string[];
}

interface Compiled<R> {
  route: R;
  template: PathTemplate;
  literals: number;
}

/** A node of the template tree: one per distinct prefix of literal and parameter segments. */
interface TreeNode<R> {
  literals: Map<string, TreeNode<R>>;
  param: TreeNode<R> | undefined;
  /** The routes whose templates end here, in table order. */
  ends: Array<Compiled<R>>;
}

const newNode = <R>(): TreeNode<R> => ({ literals: new Map(), param: undefined, ends: [] });

/**
 * A table of routes compiled for lookup; `pathOf` names the template of each. The templates are compiled once
 * into a tree of segments, so a request walks its own few segments instead of trying every route.
 */
export class PathRoutes<R extends { method: string }> {
  private readonly compiled: ReadonlyArray<Compiled<R>>;
  private readonly root: TreeNode<R> = newNode();

  constructor(routes: readonly R[], pathOf: (route: R) => string) {
    this.compiled = routes.map((route) => {
      const template = compilePathTemplate(pathOf(route));
      return { route, template, literals: literalCount(template) };
    });
    for (const entry of this.compiled) {
      let node = this.root;
      for (const segment of entry.template.segments) {
        if ('param' in segment) {
          node.param ??= newNode();
          node = node.param;
        } else {
          let next = node.literals.get(segment.literal);
          if (!next) {
            next = newNode();
            node.literals.set(segment.literal, next);
          }
          node = next;
        }
      }
      node.ends.push(entry);
    }
  }

  /** Every compiled route whose template the segments fit (a parameter takes any non-empty segment). */
  private collect(node: TreeNode<R>, segments: readonly string[], at: number, out: Array<Compiled<R>>): void {
    if (at === segments.length) {
      out.push(...node.ends);
      return;
    }
    const segment = segments[at] as string;
    const literal = node.literals.get(segment);
    if (literal) this.collect(literal, segments, at + 1, out);
    if (node.param && segment !== '') this.collect(node.param, segments, at + 1, out);
  }

  lookup(method: string, segments: readonly string[]): PathLookup<R> {
    const byPath: Array<Compiled<R>> = [];
    this.collect(this.root, segments, 0, byPath);
    if (byPath.length > 1) byPath.sort((a, b) => this.compiled.indexOf(a) - this.compiled.indexOf(b));
    const sameMethod = byPath.filter((c) => c.route.method === method);
    const mostLiteral = Math.max(0, ...sameMethod.map((c) => c.literals));
    const found = sameMethod
      .filter((c) => c.literals === mostLiteral)
      .map(({ route, template }) => ({
        route,
        params: matchPathTemplate(template, segments) as Record<string, string>,
      }));
    const allowed = found.length > 0 ? [] : [...new Set(byPath.map((c) => c.route.method))];
    return { found, allowed };
  }

  /** Every literal a template starts with (for the BCE API: the versions it serves). */
  firstLiterals(): Set<string> {
    return new Set(
      this.compiled.flatMap(({ template }) => {
        const first = template.segments[0];
        return first && 'literal' in first ? [first.literal] : [];
      }),
    );
  }
}
