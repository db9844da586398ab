// Connector configurations are stored with each secret value (the spec's airbyte_secret
// fields) replaced by an envelope `{"_encrypted": "<token>"}`. The envelope records which
// fields are secret, so reading a row needs no connector spec: opening decrypts every
// envelope and reports where they were, which is what masking needs.
import { isJsonObject, locatePath, type JsonObject } from '@platform/connectors';
import type { SecretCipher } from '../shared/crypto';

export type { JsonObject };

const ENVELOPE_KEY = '_encrypted';

interface Envelope {
  [ENVELOPE_KEY]: string;
}

function isEnvelope(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && typeof (value as Envelope)[ENVELOPE_KEY] === 'string' && Object.keys(value).length === 1;
}

/** A copy of `config` with the values at the dotted `paths` encrypted (absent or null values stay as they are). */
export function sealSecrets(config: JsonObject, paths: string[], cipher: SecretCipher): JsonObject {
  const copy = structuredClone(config);
  for (const path of paths) {
    const at = locatePath(copy, path);
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
        out[key] = isJsonObject(value) ? walk(value, path) : value;
      }
    }
    return out;
  };
  return { configuration: walk(stored, ''), secretPaths };
}
