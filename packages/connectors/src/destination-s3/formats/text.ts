// JSON Lines and CSV rows as Airbyte's S3 destination writes them:
//   no flattening:  _airbyte_ab_id, _airbyte_emitted_at (epoch ms), _airbyte_data (the record as JSON)
//   root level:     _airbyte_ab_id, _airbyte_emitted_at, then one field per root-level property
import { randomUUID } from 'node:crypto';
import type { TextSettings } from '../config';

export interface TextLayout {
  /** Written once at the top of every file (CSV header). */
  header: string;
  /** Lines (each ending in \n) for a run of records that share one emitted_at. */
  lines(records: Record<string, unknown>[], emittedAt: number): string;
}

function jsonlLayout(flatten: boolean): TextLayout {
  return {
    header: '',
    lines(records, emittedAt) {
      let out = '';
      for (const data of records) {
        const head = `{"_airbyte_ab_id":"${randomUUID()}","_airbyte_emitted_at":${emittedAt}`;
        if (!flatten) out += `${head},"_airbyte_data":${JSON.stringify(data)}}\n`;
        else {
          // Splice the record's own properties after the two metadata fields.
          const body = JSON.stringify(data);
          out += body === '{}' ? `${head}}\n` : `${head},${body.slice(1)}\n`;
        }
      }
      return out;
    },
  };
}

/** RFC 4180 field; '' is quoted so it stays apart from NULL (an empty unquoted field). */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLayout(flatten: boolean, properties: string[]): TextLayout {
  const columns = flatten ? properties : ['_airbyte_data'];
  return {
    header: ['_airbyte_ab_id', '_airbyte_emitted_at', ...columns].map(csvField).join(',') + '\n',
    lines(records, emittedAt) {
      let out = '';
      for (const data of records) {
        const values = flatten ? properties.map((p) => data[p]) : [data];
        out += `${randomUUID()},${emittedAt},${values.map(csvField).join(',')}\n`;
      }
      return out;
    },
  };
}

/** `properties` are the stream's root-level fields, the CSV columns under root-level flattening. */
export function textLayout(settings: TextSettings, properties: string[]): TextLayout {
  return settings.type === 'jsonl' ? jsonlLayout(settings.flatten) : csvLayout(settings.flatten, properties);
}

export function textExtension(settings: TextSettings): string {
  return `.${settings.type}${settings.gzip ? '.gz' : ''}`;
}

export function textContentType(settings: TextSettings): string {
  if (settings.gzip) return 'application/gzip';
  return settings.type === 'jsonl' ? 'application/jsonl' : 'text/csv';
}
