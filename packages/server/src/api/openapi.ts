// openapi.yaml is the source of truth for the HTTP surface: which operations exist, their
// methods, and the schemas requests are validated against (compiled once with ajv).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { createAjv } from '@platform/connectors';

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

export function loadOpenApi(file = OPENAPI_PATH): OpenApiDocument {
  const text = readFileSync(file, 'utf8');
  const doc = parse(text) as { paths: Record<string, Record<string, any>> };
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
