// Reading the public API's bodies and query strings by hand (it has no openapi document
// here): each check names the field and what it must be, as a 422 (Config API style details).
import { invalidField } from '../../shared/errors';

type Body = Record<string, unknown>;

export function requiredString(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') throw invalidField(field, 'is required: a non-empty string');
  return value;
}

export function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidField(field, 'must be a string');
  return value;
}

export function optionalObject(body: Body, field: string): Body | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidField(field, 'must be a JSON object');
  return value as Body;
}

export function requiredObject(body: Body, field: string): Body {
  const value = optionalObject(body, field);
  if (!value) throw invalidField(field, 'is required: a JSON object');
  return value;
}

export function optionalEnum<T extends string>(body: Body, field: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(body, field);
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw invalidField(field, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value.slice(0, 50))})`);
  return value as T;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id in a path or query: a UUID, else a 422 naming the parameter (never a database error). */
export function uuidParam(value: string | undefined | null, name: string): string {
  if (!value || !UUID.test(value)) throw invalidField(name, `must be a UUID (got ${JSON.stringify(String(value ?? '').slice(0, 50))})`);
  return value;
}

/** A whole number of the query string within [min, max], or `fallback` when absent. */
export function integerParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw invalidField(name, `must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw.slice(0, 50))})`);
  return value;
}

/** Query lists come repeated (`?ids=a&ids=b`, the SDKs' form/explode style) or comma-separated. */
export function listParam(query: URLSearchParams, name: string): string[] {
  return query.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export function booleanParam(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  if (raw === null || raw === '') return false;
  if (raw !== 'true' && raw !== 'false') throw invalidField(name, `must be true or false (got ${JSON.stringify(raw.slice(0, 20))})`);
  return raw === 'true';
}
