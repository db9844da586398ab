// A connector's spec (`connectionSpecification`, JSON Schema with Airbyte's keywords) turned
// into what @rjsf/core renders: the schema, with each `oneOf` discriminated by the property
// every option fixes with `const` (as Airbyte's form does), and a uiSchema for `order`,
// `airbyte_secret` (password inputs), `airbyte_hidden`, `multiline` and `examples`.
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';

type JsonSchema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema | JsonSchema[];
  oneOf?: JsonSchema[];
  order?: number;
  const?: unknown;
  examples?: unknown[];
  airbyte_secret?: boolean;
  airbyte_hidden?: boolean;
  multiline?: boolean;
};

export const SECRET_MASK = '**********';

export interface SpecForm {
  schema: RJSFSchema;
  uiSchema: UiSchema;
}

export function specForm(spec: Record<string, unknown>): SpecForm {
  const schema = structuredClone(spec) as JsonSchema;
  // Keywords the draft-07 validator should not try to resolve.
  delete schema.$schema;
  delete schema.groups;
  const uiSchema = { ...uiFor(schema), 'ui:submitButtonOptions': { norender: true } };
  return { schema: schema as RJSFSchema, uiSchema };
}

/** Whether a property fixes one value: `const`, or an `enum` of one value (Airbyte's S3 `format_type`). */
const fixesValue = (p: JsonSchema | undefined) => p !== undefined && (p.const !== undefined || (Array.isArray(p.enum) && p.enum.length === 1));

/** The property every option of a oneOf fixes to one value (e.g. `mode`, `tunnel_method`, `format_type`). */
export function discriminatorOf(options: JsonSchema[]): string | undefined {
  const [first, ...rest] = options;
  const candidates = Object.entries(first?.properties ?? {}).filter(([, p]) => fixesValue(p)).map(([name]) => name);
  return candidates.find((name) => rest.every((o) => fixesValue(o.properties?.[name])));
}

/** Properties by their `order`; those without one keep their place after the ordered ones. */
export function propertyOrder(properties: Record<string, JsonSchema>): string[] {
  const names = Object.keys(properties);
  const ordered = names.filter((n) => typeof properties[n].order === 'number').sort((a, b) => (properties[a].order as number) - (properties[b].order as number));
  return [...ordered, ...names.filter((n) => typeof properties[n].order !== 'number')];
}

function uiFor(schema: JsonSchema): UiSchema {
  const ui: UiSchema = {};
  if (schema.airbyte_hidden || (schema.const !== undefined && !schema.oneOf)) ui['ui:widget'] = 'hidden';
  else if (schema.airbyte_secret) ui['ui:widget'] = schema.multiline ? 'textarea' : 'password';
  else if (schema.multiline) ui['ui:widget'] = 'textarea';
  if (Array.isArray(schema.examples) && schema.examples.length > 0 && typeof schema.examples[0] !== 'object') ui['ui:placeholder'] = String(schema.examples[0]);

  if (schema.properties) {
    ui['ui:order'] = [...propertyOrder(schema.properties), '*'];
    // `additionalProperties: true` lets a config carry keys the spec does not name; the form
    // offers only the spec's fields, as Airbyte's does.
    ui['ui:expandable'] = false;
    for (const [name, property] of Object.entries(schema.properties)) {
      const child = uiFor(property);
      if (Object.keys(child).length > 0) ui[name] = child;
    }
  }
  if (schema.oneOf) {
    const property = discriminatorOf(schema.oneOf);
    if (property) schema.discriminator = { propertyName: property };
    // An option without a type is an object when its parent is (Airbyte's specs leave it out).
    for (const option of schema.oneOf) if (!option.type && option.properties) option.type = 'object';
    // The option's own title would repeat the choice, and its discriminator is what the choice
    // sets: the selector shows both (OneOfTemplate).
    ui.oneOf = schema.oneOf.map((option) => {
      const optionUi: UiSchema = { ...uiFor(option), 'ui:label': false };
      if (property) optionUi[property] = { ...(optionUi[property] as UiSchema | undefined), 'ui:widget': 'hidden' };
      return optionUi;
    });
  }
  if (schema.items && !Array.isArray(schema.items)) {
    const items = uiFor(schema.items);
    if (Object.keys(items).length > 0) ui.items = items;
  }
  return ui;
}

/**
 * The API's 422 details (`connectionConfiguration.ssl_mode.mode`, `...schemas[1]`) as rjsf's
 * extraErrors, so each message shows next to its field. Paths outside the configuration are
 * returned apart.
 */
export function apiErrorsToErrorSchema(details: { path: string; message: string }[], prefix = 'connectionConfiguration'): { errorSchema: ErrorSchema; other: { path: string; message: string }[] } {
  const errorSchema: Record<string, unknown> = {};
  const other: { path: string; message: string }[] = [];
  for (const detail of details) {
    if (detail.path !== prefix && !detail.path.startsWith(`${prefix}.`) && !detail.path.startsWith(`${prefix}[`)) {
      other.push(detail);
      continue;
    }
    const segments = detail.path
      .slice(prefix.length)
      .split(/\.|\[(\d+)\]/)
      .filter((s) => s !== undefined && s !== '');
    let node = errorSchema as Record<string, any>;
    for (const segment of segments) node = node[segment] ??= {};
    (node.__errors ??= []).push(detail.message);
  }
  return { errorSchema: errorSchema as ErrorSchema, other };
}
