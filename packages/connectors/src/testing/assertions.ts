// Shared expectations of the contract suites.
import { Ajv } from 'ajv';
import { expect } from 'vitest';
import type { ConnectorSpecification } from '@platform/protocol';
import { secretPaths } from '../framework/secrets';
import type { ExpectedRecord } from './fixtures';

/** Property names that hold credentials in every connector we know; they must be marked secret. */
const SECRET_LOOKING = /(^|_)(password|secret|token|api_key|access_key|secret_key|private_key|client_key|credentials)(_|$)/i;

function propertyPaths(schema: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, child] of Object.entries((schema.properties as Record<string, Record<string, unknown>>) ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    out.push(path, ...propertyPaths(child, path));
  }
  for (const branch of [...((schema.oneOf as object[]) ?? []), ...((schema.anyOf as object[]) ?? [])]) {
    out.push(...propertyPaths(branch as Record<string, unknown>, prefix));
  }
  return out;
}

export function expectValidSpec(spec: ConnectorSpecification, expectedSecrets: string[] = []): void {
  expect(spec.connectionSpecification).toMatchObject({ type: 'object' });
  const ajv = new Ajv({ strict: false, allErrors: true });
  expect(() => ajv.compile(spec.connectionSpecification)).not.toThrow();
  const secrets = secretPaths(spec.connectionSpecification);
  for (const path of expectedSecrets) expect(secrets, `"${path}" must be airbyte_secret`).toContain(path);
  const unmarked = propertyPaths(spec.connectionSpecification).filter((p) => SECRET_LOOKING.test(p.split('.').at(-1)!) && !secrets.includes(p));
  expect(unmarked, 'credential-looking properties without airbyte_secret').toEqual([]);
}

/** A user-facing message: present, one paragraph, no stack frames. */
export function expectUserMessage(message: string | undefined): void {
  expect(message, 'a message naming the cause').toBeTruthy();
  expect(message).not.toMatch(/\n\s+at /);
}

const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
};

/** Records as sorted canonical JSON lines, so comparisons ignore order and key order. */
export function recordLines(records: Array<{ stream: string; namespace?: string | null; data: Record<string, unknown> }>): string[] {
  return records.map((r) => JSON.stringify([r.namespace ?? null, r.stream, canonical(r.data)])).sort();
}

export function expectSameRecords(actual: ExpectedRecord[], expected: ExpectedRecord[]): void {
  expect(recordLines(actual)).toEqual(recordLines(expected));
}
