// The vocabulary of the verb tables (verbs.ts, network-verbs.ts): what a verb, a flag and a composed field are,
// and the flags several verbs share. No verb is defined here.
import type { OperationName } from '@peerconn/sdk/operations';
import { UsageError } from './exit.ts';

export type ValueKind = 'string' | 'int' | 'bool' | 'list' | 'json';

/** One flag that fills one input field. */
export interface FieldFlag {
  kind: 'field';
  field: string;
  /** Flag name without dashes. */
  flag: string;
  value: ValueKind;
  description: string;
  required?: boolean;
  choices?: readonly string[];
  /** Placeholder shown in help, e.g. `<mbps>`. */
  placeholder?: string;
}

/** One flag of a composed field. */
export interface ComposedFlag {
  flag: string;
  value: ValueKind | 'repeat';
  description: string;
  required?: boolean;
  choices?: readonly string[];
  placeholder?: string;
  defaultValue?: string;
}

/**
 * Several flags composed into input fields: billing from its two flags, one ACL rule from ten, the next hop of a
 * route (one next hop, or a primary/standby `nextHopList`).
 */
export interface ComposedField {
  kind: 'composed';
  /** The input fields it fills; when --cli-input-json gives any of them and no flag of it is typed, the file's stay. */
  fields: readonly string[];
  flags: readonly ComposedFlag[];
  /**
   * Builds the fields from the parsed flag values (keyed by camelCase flag name); a field absent or undefined in
   * the answer is not sent. May throw a UsageError for a combination of flags that means nothing.
   */
  build: (values: Readonly<Record<string, unknown>>) => Readonly<Record<string, unknown>>;
}

export type FieldSpec = FieldFlag | ComposedField;

/** The input fields a flag definition fills. */
export function filledBy(spec: FieldSpec): readonly string[] {
  return spec.kind === 'field' ? [spec.field] : spec.fields;
}

export interface Lookup {
  field: string;
  flag: string;
  operation: OperationName;
  /** Where the value sits in the lookup's output; a dotted path for wrapped outputs (`subnet.name`). */
  from: string;
  /**
   * An input field (with its flag) the lookup is asked with besides the path parameters: `route add --vpc-id`
   * finds the VPC's route table. Without it, or when it is not given either, the verb's own flag is required.
   */
  using?: { field: string; flag: string };
  /** The usage error when the lookup finds nothing (default: `<operation> shows no <from>; pass --<flag>`). */
  missing?: string;
}

export interface Verb {
  /** Command words, e.g. ['dns', 'open']. */
  words: readonly string[];
  operation: OperationName;
  /** Shown under the help; the one-line description is the row's `summary`. */
  example: string;
  /** Fields (query or body) the user controls; fields of the row not named here get generic flags. */
  fields: readonly FieldSpec[];
  /**
   * Input fields taken as arguments after the path parameters: the rule id of `sg rule update`, which the
   * service reads from the body.
   */
  positional?: readonly string[];
  /** Fields fixed by the verb itself (`delete-protect on` → deleteProtect: true). */
  fixed?: Readonly<Record<string, unknown>>;
  /** Other command words that run the same verb (`subnet get` for `subnet show`). */
  aliases?: readonly string[];
  /** A field the CLI reads from the resource (as the caller) when its flag is left out. */
  lookup?: Lookup;
}

/** A plain flag for one field; most flags are this. */
export function flag(
  field: string,
  name: string,
  description: string,
  more: Partial<Omit<FieldFlag, 'kind' | 'field' | 'flag' | 'description'>> = {},
): FieldFlag {
  return { kind: 'field', field, flag: name, value: 'string', description, ...more };
}

/** A flag of comma-separated values (`--vpc-ids vpc-1,vpc-2`); its placeholder shows two of them. */
export function listFlag(
  field: string,
  name: string,
  description: string,
  { placeholder = '<id,id>', required }: { placeholder?: string; required?: boolean } = {},
): FieldFlag {
  return flag(field, name, description, {
    value: 'list',
    placeholder,
    ...(required === undefined ? {} : { required }),
  });
}

/** `<noun> show <id>`, also run as `<noun> get`: one resource as the service answers it, no flags of its own. */
export function showVerb(noun: string, operation: OperationName, example: string): Verb {
  return { words: [noun, 'show'], aliases: ['get'], operation, example, fields: [] };
}

/** The values of a composed field's flags without the ones left undefined. */
export function defined(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

export function usage(message: string): never {
  throw new UsageError(message);
}

function parseTags(values: unknown): Array<{ tagKey: string; tagValue?: string }> | undefined {
  if (!Array.isArray(values) || values.length === 0) return undefined;
  return values.map((raw) => {
    const text = String(raw);
    const eq = text.indexOf('=');
    return eq < 0 ? { tagKey: text } : { tagKey: text.slice(0, eq), tagValue: text.slice(eq + 1) };
  });
}

export const tagsField: ComposedField = {
  kind: 'composed',
  fields: ['tags'],
  flags: [
    { flag: 'tag', value: 'repeat', description: 'tag as key=value (repeatable)', placeholder: '<k=v>' },
  ],
  build: (v) => ({ tags: parseTags(v.tag) }),
};

export const maxKeysField: FieldFlag = flag('maxKeys', 'max-keys', 'same as --page-size (the wire name)', {
  value: 'int',
  placeholder: '<n>',
});

export const markerField: FieldFlag = flag('marker', 'marker', 'same as --starting-token (the wire name)');
