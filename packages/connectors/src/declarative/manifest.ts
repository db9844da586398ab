// An Airbyte low-code manifest as the platform takes it: YAML or JSON text (JSON is YAML), parsed
// into the object airbyte-cdk expects, and the connection spec it declares for its own config.
import type { JsonSchema } from '@platform/protocol';
import { parse } from 'yaml';
import type { ConfigProblem } from '../framework/connector';

export type DeclarativeManifest = Record<string, unknown>;

/** The manifest, or the problem with it (named at `field`). */
export function parseManifest(text: string, field = 'manifest'): { manifest: DeclarativeManifest } | { problem: ConfigProblem } {
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    return { problem: { path: field, message: `is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}` } };
  }
  return manifestProblem(value, field) ?? { manifest: value as DeclarativeManifest };
}

/** A parsed manifest must be an object declaring streams; anything else is refused before the CDK sees it. */
export function manifestProblem(value: unknown, field: string): { problem: ConfigProblem } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { problem: { path: field, message: 'must be a low-code manifest (a YAML or JSON object)' } };
  const manifest = value as DeclarativeManifest;
  if (!Array.isArray(manifest.streams) && !Array.isArray(manifest.dynamic_streams)) {
    return { problem: { path: field, message: 'declares no streams: an Airbyte low-code manifest has a `streams` list' } };
  }
  return undefined;
}

/** The manifest's `spec.connection_specification`: the schema of the config it reads (its secrets included). */
export function manifestConnectionSpecification(manifest: DeclarativeManifest): JsonSchema {
  const spec = manifest.spec as { connection_specification?: JsonSchema } | undefined;
  return spec?.connection_specification ?? { type: 'object', additionalProperties: true };
}
