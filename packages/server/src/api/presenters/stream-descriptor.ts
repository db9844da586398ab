// Stream descriptors as Airbyte's API has them: `namespace` is a string, left out when the
// stream has none (the protocol's null).
import type { ApiSchemas } from '../../schemas/api-schemas';

export function toApiStreamDescriptor(d: { name: string; namespace?: string | null }): ApiSchemas['StreamDescriptor'] {
  return d.namespace == null ? { name: d.name } : { name: d.name, namespace: d.namespace };
}

