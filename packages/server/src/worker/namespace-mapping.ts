// Where each source stream lands in the destination: Airbyte's namespaceDefinition
// (source | destination | customformat with `${SOURCE_NAMESPACE}`), the stream prefix, and
// a per-stream aliasName. The replication child rewrites records, batches, STATE and the
// destination's catalog with these descriptors, and maps acknowledged STATE back, because
// state is stored under the source's names.
import { configError, systemError } from '@platform/connectors';
import { streamKey, type AirbyteStateMessage, type ConfiguredAirbyteCatalog, type StreamDescriptor } from '@platform/protocol';

export type NamespaceDefinition = 'source' | 'destination' | 'customformat';

export interface NamespaceSettings {
  namespaceDefinition?: NamespaceDefinition | null;
  namespaceFormat?: string | null;
  prefix?: string | null;
}

export interface StreamMapping {
  source: StreamDescriptor;
  destination: StreamDescriptor;
}

const SOURCE_NAMESPACE = '${SOURCE_NAMESPACE}';

/** The destination's namespace; null means "the destination's default". */
export function destinationNamespace(sourceNamespace: string | null | undefined, settings: NamespaceSettings): string | null {
  switch (settings.namespaceDefinition ?? 'source') {
    case 'source':
      return sourceNamespace ?? null;
    case 'destination':
      return null;
    case 'customformat': {
      const formatted = (settings.namespaceFormat ?? SOURCE_NAMESPACE).split(SOURCE_NAMESPACE).join(sourceNamespace ?? '').trim();
      return formatted === '' ? null : formatted;
    }
  }
}

export function mapStream(source: StreamDescriptor, settings: NamespaceSettings, aliasName?: string | null): StreamMapping {
  const name = `${settings.prefix ?? ''}${aliasName || source.name}`;
  return { source: { name: source.name, namespace: source.namespace ?? null }, destination: { name, namespace: destinationNamespace(source.namespace, settings) } };
}

/** Both directions of the mapping, looked up per record batch, so kept in maps. */
export class StreamMapper {
  private readonly forward = new Map<string, StreamDescriptor>();
  private readonly backward = new Map<string, StreamDescriptor>();

  constructor(mappings: StreamMapping[]) {
    for (const m of mappings) {
      const destKey = streamKey(m.destination);
      const clash = this.backward.get(destKey);
      if (clash) {
        throw configError(
          `streams ${describe(clash)} and ${describe(m.source)} would both be written to ${describe(m.destination)}; ` +
            'change the connection\'s namespace setting, prefix or a stream alias',
        );
      }
      this.forward.set(streamKey(m.source), m.destination);
      this.backward.set(destKey, m.source);
    }
  }

  toDestination(source: StreamDescriptor): StreamDescriptor {
    const d = this.forward.get(streamKey(source));
    if (!d) throw systemError(`the source emitted stream ${describe(source)}, which is not in the connection's catalog`);
    return d;
  }

  toSource(destination: StreamDescriptor): StreamDescriptor {
    return this.backward.get(streamKey(destination)) ?? destination;
  }

  destinationCatalog(catalog: ConfiguredAirbyteCatalog): ConfiguredAirbyteCatalog {
    return {
      streams: catalog.streams.map((s) => {
        const d = this.toDestination(s.stream);
        return { ...s, stream: { ...s.stream, name: d.name, namespace: d.namespace } };
      }),
    };
  }

  stateToDestination(state: AirbyteStateMessage): AirbyteStateMessage {
    // A global state may name streams outside the catalog; those pass unchanged.
    return mapStateDescriptors(state, (d) => this.forward.get(streamKey(d)) ?? d);
  }

  stateToSource(state: AirbyteStateMessage): AirbyteStateMessage {
    return mapStateDescriptors(state, (d) => this.toSource(d));
  }
}

function mapStateDescriptors(state: AirbyteStateMessage, map: (d: StreamDescriptor) => StreamDescriptor): AirbyteStateMessage {
  if (state.stream) return { ...state, stream: { ...state.stream, stream_descriptor: map(state.stream.stream_descriptor) } };
  if (state.global) {
    return { ...state, global: { ...state.global, stream_states: state.global.stream_states.map((s) => ({ ...s, stream_descriptor: map(s.stream_descriptor) })) } };
  }
  return state;
}

function describe(d: StreamDescriptor): string {
  return d.namespace ? `${d.namespace}.${d.name}` : d.name;
}
