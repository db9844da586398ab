// Basic normalization's table layout for one stream: the typed final table (declared object
// properties flattened into <field>_<key> columns) and a child table <stream>_<field> per array,
// keyed by the parent's _airbyte_<stream>_hashid. Every name goes through the identifier rules.
import type { JsonSchema } from '@platform/protocol';
import { fieldShape } from './column-types';
import { IdentifierNamer } from './identifiers';

export interface ValueColumn {
  name: string;
  /** Where the value is in the record (or in the array element, for a child table). */
  path: string[];
  /** 'jsonb', 'text', or a type the value is cast to (NULL plus a recorded change when it cannot be). */
  pgType: string;
}

export interface TablePlan {
  name: string;
  columns: ValueColumn[];
  /** This table's own `_airbyte_<table>_hashid` column. */
  hashidColumn: string;
}

export interface ChildPlan extends TablePlan {
  /** The array in the parent record. */
  path: string[];
  /** The column holding the parent's hashid. */
  parentHashidColumn: string;
}

export interface StreamPlan {
  final: TablePlan;
  children: ChildPlan[];
}

/** What sampling the loaded data found for free-form fields, by path (joined with \u0000). */
export type InferredSchemas = Map<string, JsonSchema>;
export const pathKey = (path: string[]) => path.join('\u0000');

interface Wanted {
  name: string;
  path: string[];
  pgType: string;
}

interface ArrayField {
  name: string;
  path: string[];
  items: JsonSchema | undefined;
}

function collect(properties: Record<string, JsonSchema>, path: string[], namePrefix: string, inferred: InferredSchemas, leafs: Wanted[], arrays?: ArrayField[]): void {
  for (const [key, declared] of Object.entries(properties)) {
    const at = [...path, key];
    const name = namePrefix ? `${namePrefix}_${key}` : key;
    const shape = fieldShape(inferred.get(pathKey(at)) ?? declared);
    if (shape.kind === 'scalar') {
      leafs.push({ name, path: at, pgType: shape.pgType });
      continue;
    }
    // Objects and arrays also keep their whole value, so nothing the flattening misses is lost.
    leafs.push({ name, path: at, pgType: 'jsonb' });
    if (shape.kind === 'object') collect(shape.properties, at, name, inferred, leafs, arrays);
    if (shape.kind === 'array') arrays?.push({ name, path: at, items: shape.items });
  }
}

/** The metadata columns Airbyte's normalization adds, named first so data fields yield to them. */
function metadataNames(table: string): { namer: IdentifierNamer; hashid: string } {
  const namer = new IdentifierNamer(['_airbyte_ab_id', '_airbyte_emitted_at', '_airbyte_normalized_at', '_airbyte_meta']);
  return { namer, hashid: namer.allocate(`_airbyte_${table}_hashid`) };
}

const allocateAll = (namer: IdentifierNamer, wanted: Wanted[]): ValueColumn[] => wanted.map((w) => ({ ...w, name: namer.allocate(w.name) }));

function childPlan(streamName: string, parentHashid: string, field: ArrayField, tables: IdentifierNamer, inferred: InferredSchemas): ChildPlan {
  const name = tables.allocate(`${streamName}_${field.name}`);
  const { namer, hashid } = metadataNames(name);
  const parentHashidColumn = namer.allocate(parentHashid);
  const itemSchema = inferred.get(pathKey([...field.path, '[]'])) ?? field.items;
  const shape = fieldShape(itemSchema);
  const leafs: Wanted[] = [];
  if (shape.kind === 'object') collect(shape.properties, [], '', new Map(), leafs);
  else leafs.push({ name: 'data', path: [], pgType: shape.kind === 'scalar' ? shape.pgType : 'jsonb' });
  return { name, columns: allocateAll(namer, leafs), hashidColumn: hashid, path: field.path, parentHashidColumn };
}

/**
 * The layout for a stream written to `finalName`; `tables` names the schema's tables (so a child
 * table never takes another stream's name).
 */
export function planStream(streamName: string, finalName: string, jsonSchema: JsonSchema, tables: IdentifierNamer, inferred: InferredSchemas): StreamPlan {
  const properties = ((jsonSchema as { properties?: Record<string, JsonSchema> }).properties ?? {}) as Record<string, JsonSchema>;
  const leafs: Wanted[] = [];
  const arrays: ArrayField[] = [];
  collect(properties, [], '', inferred, leafs, arrays);
  const { namer, hashid } = metadataNames(streamName);
  const final: TablePlan = { name: finalName, columns: allocateAll(namer, leafs), hashidColumn: hashid };
  return { final, children: arrays.map((a) => childPlan(streamName, hashid, a, tables, inferred)) };
}

/** Paths whose declared schema says nothing about their shape: the data decides whether they are arrays. */
export function freeFormPaths(jsonSchema: JsonSchema): Array<{ path: string[]; arrayItems: boolean }> {
  const out: Array<{ path: string[]; arrayItems: boolean }> = [];
  const walk = (properties: Record<string, JsonSchema>, path: string[]) => {
    for (const [key, declared] of Object.entries(properties)) {
      const at = [...path, key];
      const shape = fieldShape(declared);
      if (shape.kind === 'json') out.push({ path: at, arrayItems: false });
      if (shape.kind === 'object') walk(shape.properties, at);
      if (shape.kind === 'array' && fieldShape(shape.items).kind === 'json') out.push({ path: at, arrayItems: true });
    }
  };
  walk(((jsonSchema as { properties?: Record<string, JsonSchema> }).properties ?? {}) as Record<string, JsonSchema>, []);
  return out;
}
