// openapi.yaml is the source of truth for the HTTP surface: which operations exist, their
// methods, and the schemas requests are validated against (compiled once with ajv).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { createAjv } from '@platform/json-schema';

export const OPENAPI_PATH = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));
const DOCUMENT_ID = 'openapi.yaml';

export interface Operation {
  method: 'get' | 'post';
  /** As in the document: `/v1/sources/create`. */
  path: string;
  operationId: string;
  /** Validates the JSON body; undefined when the operation takes none. */
  bodyValidator(): ValidateFunction | undefined;
  bodyRequired: boolean;
  /** Validates a 200 response body (tests turn response validation on). */
  responseValidator(): ValidateFunction | undefined;
}

export interface OpenApiDocument {
  text: string;
  /** Keyed by path. */
  operations: Map<string, Operation>;
}

/** A JSON pointer into the document, escaped per RFC 6901. */
function pointer(...segments: string[]): string {
  return `${DOCUMENT_ID}#/${segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

/**
 * Bounds every `type: integer` schema to the safe integers (|n| ≤ 2^53 − 1). Beyond them a
 * JSON number no longer holds an exact integer in JavaScript (2^53 + 1 reads as 2^53), and
 * `1e308` would pass as an "integer" and reach Postgres's bigint: refused as 422 instead.
 */
function boundIntegersToSafe(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(boundIntegersToSafe);
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  if (schema.type === 'integer') {
    schema.maximum = Math.min(Number(schema.maximum ?? Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
    schema.minimum = Math.max(Number(schema.minimum ?? Number.MIN_SAFE_INTEGER), Number.MIN_SAFE_INTEGER);
  }
  Object.values(schema).forEach(boundIntegersToSafe);
}

export function loadOpenApi(file = OPENAPI_PATH): OpenApiDocument {
  const text = readFileSync(file, 'utf8');
  const doc = parse(text) as { paths: Record<string, Record<string, any>> };
  boundIntegersToSafe(doc);
  // `nullable` and `example` are OpenAPI keywords ajv understands or may ignore (strict: false).
  const ajv = createAjv();
  ajv.addSchema(doc, DOCUMENT_ID);

  const operations = new Map<string, Operation>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post'] as const) {
      const op = item[method];
      if (!op) continue;
      const hasBody = Boolean(op.requestBody?.content?.['application/json']);
      const hasJsonResponse = Boolean(op.responses?.['200']?.content?.['application/json']);
      // Compiled on first use: compiling all of them costs over a second of startup.
      let bodyValidator: ValidateFunction | undefined;
      let responseValidator: ValidateFunction | undefined;
      operations.set(path, {
        method,
        path,
        operationId: op.operationId,
        bodyRequired: Boolean(op.requestBody?.required),
        bodyValidator: () =>
          hasBody ? (bodyValidator ??= ajv.compile({ $ref: pointer('paths', path, method, 'requestBody', 'content', 'application/json', 'schema') })) : undefined,
        responseValidator: () =>
          hasJsonResponse ? (responseValidator ??= ajv.compile({ $ref: pointer('paths', path, method, 'responses', '200', 'content', 'application/json', 'schema') })) : undefined,
      });
    }
  }
  return { text, operations };
}
