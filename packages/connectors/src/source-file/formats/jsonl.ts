// JSON Lines: one JSON object per line, emitted as parsed (nested values kept).
import { contentError } from '../errors';
import { SchemaInference } from '../infer-schema';
import type { ReaderOptions } from '../reader-options';
import { classifyJson } from '../value-types';
import type { FormatReader } from './format';

/** Parses whole lines per text chunk (synchronously, no async step per line). */
async function* readJsonObjects(text: AsyncIterable<string>, maxRows: number | null): AsyncGenerator<Record<string, unknown>[]> {
  let carry = '';
  let lineNumber = 0;
  let count = 0;
  const parseLines = (lines: string[], out: Record<string, unknown>[]): boolean => {
    for (const raw of lines) {
      lineNumber++;
      const line = raw.trim();
      if (line === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        throw contentError(`line ${lineNumber} is not valid JSON (${(err as Error).message})`);
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw contentError(`line ${lineNumber} is ${Array.isArray(value) ? 'an array' : 'not an object'}; each line of a jsonl file must be one JSON object`);
      }
      out.push(value as Record<string, unknown>);
      if (maxRows !== null && ++count >= maxRows) return false;
    }
    return true;
  };
  for await (const chunk of text) {
    const lines = (carry + chunk).split('\n');
    carry = lines.pop()!;
    const objects: Record<string, unknown>[] = [];
    const more = parseLines(lines, objects);
    if (objects.length > 0) yield objects;
    if (!more) return;
  }
  const objects: Record<string, unknown>[] = [];
  parseLines([carry], objects);
  if (objects.length > 0) yield objects;
}

export function jsonlFormat(options: ReaderOptions): FormatReader {
  return {
    async inferSchema(text, sampleRows) {
      const inference = new SchemaInference(false);
      let sampled = 0;
      for await (const objects of readJsonObjects(text, options.maxRows)) {
        for (const object of objects) {
          for (const [key, value] of Object.entries(object)) {
            const kind = classifyJson(value);
            if (kind === null) inference.addColumn(key);
            else inference.observe(key, kind);
          }
          if (++sampled >= sampleRows) return inference.toJsonSchema();
        }
      }
      if (sampled === 0) throw contentError('the file has no JSON lines');
      return inference.toJsonSchema();
    },

    async *readBatches(text, _schema, batchSize) {
      let batch: Record<string, unknown>[] = [];
      for await (const objects of readJsonObjects(text, options.maxRows)) {
        for (const object of objects) {
          if (batch.push(object) === batchSize) {
            yield batch;
            batch = [];
          }
        }
      }
      if (batch.length > 0) yield batch;
    },
  };
}
