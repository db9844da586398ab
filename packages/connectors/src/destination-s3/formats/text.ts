// JSON Lines and CSV rows as Airbyte's S3 destination writes them:
//   no flattening:  _airbyte_ab_id, _airbyte_emitted_at (epoch ms), _airbyte_data (the record as JSON)
//   root level:     _airbyte_ab_id, _airbyte_emitted_at, then one field per root-level property
// (a root-level property named like a metadata field keeps its name; the metadata field takes a suffix).
import { randomUUID } from 'node:crypto';
import { RawJson } from '../../framework/expand';
import { ColumnNames } from '../column-names';
import type { TextSettings } from '../config';

export interface TextLayout {
  /** Written once at the top of every file (CSV header). */
  header: string;
  /** Lines (each ending in \n) for a run of records that share one emitted_at. */
  lines(records: Record<string, unknown>[], emittedAt: number): string;
}

/** A value as JSON text; RawJson (JSON columns of a CSV chunk) spliced in exactly as it came. */
const jsonOf = (value: unknown): string | undefined => (value instanceof RawJson ? value.text : JSON.stringify(value));

/** A record's members as JSON (`"a":1,"b":2`), undefined values left out as JSON.stringify does. */
function jsonMembers(data: Record<string, unknown>): string {
  let out = '';
  for (const key of Object.keys(data)) {
    const json = jsonOf(data[key]);
    if (json !== undefined) out += `${out ? ',' : ''}${JSON.stringify(key)}:${json}`;
  }
  return out;
}

/** The names of the two metadata fields, which yield to root-level properties of the same name. */
function metadataNames(properties: string[]): { abId: string; emittedAt: string } {
  const names = new ColumnNames();
  names.takeOwn(properties);
  return { abId: names.take('_airbyte_ab_id'), emittedAt: names.take('_airbyte_emitted_at') };
}

function jsonlLayout(flatten: boolean, properties: string[]): TextLayout {
  const { abId, emittedAt: emittedAtName } = flatten ? metadataNames(properties) : { abId: '_airbyte_ab_id', emittedAt: '_airbyte_emitted_at' };
  const abIdKey = JSON.stringify(abId);
  const emittedAtKey = JSON.stringify(emittedAtName);
  return {
    header: '',
    lines(records, emittedAt) {
      let out = '';
      for (const data of records) {
        const head = `{${abIdKey}:"${randomUUID()}",${emittedAtKey}:${emittedAt}`;
        const members = jsonMembers(data);
        if (!flatten) out += `${head},"_airbyte_data":{${members}}}\n`;
        // Splice the record's own properties after the two metadata fields.
        else out += members === '' ? `${head}}\n` : `${head},${members}}\n`;
      }
      return out;
    },
  };
}

/** RFC 4180 field; '' is quoted so it stays apart from NULL (an empty unquoted field). */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? (jsonOf(value) ?? '') : String(value);
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLayout(flatten: boolean, properties: string[]): TextLayout {
  const columns = flatten ? properties : ['_airbyte_data'];
  const { abId, emittedAt: emittedAtName } = metadataNames(columns);
  return {
    header: [abId, emittedAtName, ...columns].map(csvField).join(',') + '\n',
    lines(records, emittedAt) {
      let out = '';
      for (const data of records) {
        const values = flatten ? properties.map((p) => data[p]) : [`{${jsonMembers(data)}}`];
        out += `${randomUUID()},${emittedAt},${values.map(csvField).join(',')}\n`;
      }
      return out;
    },
  };
}

/** `properties` are the stream's root-level fields, the CSV columns under root-level flattening. */
export function textLayout(settings: TextSettings, properties: string[]): TextLayout {
  return settings.type === 'jsonl' ? jsonlLayout(settings.flatten, properties) : csvLayout(settings.flatten, properties);
}

export function textExtension(settings: TextSettings): string {
  return `.${settings.type}${settings.gzip ? '.gz' : ''}`;
}

export function textContentType(settings: TextSettings): string {
  if (settings.gzip) return 'application/gzip';
  return settings.type === 'jsonl' ? 'application/jsonl' : 'text/csv';
}
