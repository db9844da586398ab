// Connector configurations are stored with each secret value (the spec's airbyte_secret
// fields) replaced by an envelope `{"_encrypted": "<token>"}`. The envelope records which
// fields are secret, so reading a row needs no connector spec: opening decrypts every
// envelope and reports where they were, which is what masking needs.
import type { SecretCipher } from '../crypto';

export type JsonObject = Record<string, unknown>;

const ENVELOPE_KEY = '_encrypted';

interface Envelope {
  [ENVELOPE_KEY]: string;
}

function isEnvelope(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && typeof (value as Envelope)[ENVELOPE_KEY] === 'string' && Object.keys(value).length === 1;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object holding the value at a dotted path, when that value is present and not null. */
function locate(root: JsonObject, path: string): { parent: JsonObject; key: string } | undefined {
  const keys = path.split('.');
  const key = keys.pop()!;
  let parent: unknown = root;
  for (const k of keys) parent = isObject(parent) ? parent[k] : undefined;
  if (!isObject(parent) || parent[key] === undefined || parent[key] === null) return undefined;
  return { parent, key };
}

/** A copy of `config` with the values at the dotted `paths` encrypted (absent or null values stay as they are). */
export function sealSecrets(config: JsonObject, paths: string[], cipher: SecretCipher): JsonObject {
  const copy = structuredClone(config);
  for (const path of paths) {
    const at = locate(copy, path);
    if (!at || isEnvelope(at.parent[at.key])) continue;
    at.parent[at.key] = { [ENVELOPE_KEY]: cipher.encrypt(JSON.stringify(at.parent[at.key])) } satisfies Envelope;
  }
  return copy;
}

export interface OpenedConfig {
  configuration: JsonObject;
  /** Dotted paths of the values that were stored encrypted. */
  secretPaths: string[];
}

/** Decrypts every envelope in a stored configuration. */
export function openSecrets(stored: JsonObject, cipher: SecretCipher): OpenedConfig {
  const secretPaths: string[] = [];
  const walk = (node: JsonObject, prefix: string): JsonObject => {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (isEnvelope(value)) {
        out[key] = JSON.parse(cipher.decrypt(value[ENVELOPE_KEY]));
        secretPaths.push(path);
      } else {
        out[key] = isObject(value) ? walk(value, path) : value;
      }
    }
    return out;
  };
  return { configuration: walk(stored, ''), secretPaths };
}

/** A copy with the values at `paths` replaced by `mask`. */
export function maskPaths(config: JsonObject, paths: string[], mask: string): JsonObject {
  const copy = structuredClone(config);
  for (const path of paths) {
    const at = locate(copy, path);
    if (at) at.parent[at.key] = mask;
  }
  return copy;
}
