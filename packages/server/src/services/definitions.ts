// The connector definitions the platform offers, from the connectors package's registry.
// Connector modules load lazily; a spec is loaded once per definition and cached.
import { CONNECTOR_DEFINITIONS, type Connector, type ConnectorDefinition } from '@platform/connectors';
import type { ConnectorSpecification, DestinationSyncMode } from '@platform/protocol';
import { NotFoundError } from '../shared/errors';
import type { ActorKind } from '../store/config-store';

export class ConnectorLoadError extends Error {
  override name = 'ConnectorLoadError';
}

export interface LoadedConnector {
  definition: ConnectorDefinition;
  connector: Connector;
  spec: ConnectorSpecification;
}

export class ConnectorDefinitions {
  private readonly loaded = new Map<string, Promise<LoadedConnector>>();

  constructor(private readonly definitions: readonly ConnectorDefinition[] = CONNECTOR_DEFINITIONS) {}

  list(kind: ActorKind): ConnectorDefinition[] {
    return this.definitions.filter((d) => d.kind === kind);
  }

  /** The definition with this id, or a 404 naming the kind ("source definition"). */
  get(kind: ActorKind, definitionId: string): ConnectorDefinition {
    const definition = this.definitions.find((d) => d.kind === kind && d.id === definitionId);
    if (!definition) throw new NotFoundError(`${kind} definition`, definitionId);
    return definition;
  }

  /** Loads the connector module and its spec. A module that fails to load is retried next time. */
  load(kind: ActorKind, definitionId: string): Promise<LoadedConnector> {
    const definition = this.get(kind, definitionId);
    let pending = this.loaded.get(definition.id);
    if (!pending) {
      pending = (async () => {
        try {
          const connector = await definition.load();
          return { definition, connector, spec: connector.spec() };
        } catch (err) {
          throw new ConnectorLoadError(`Connector ${definition.name} could not be loaded: ${(err as Error).message}`, { cause: err });
        }
      })();
      pending.catch(() => this.loaded.delete(definition.id));
      this.loaded.set(definition.id, pending);
    }
    return pending;
  }
}

/** A destination's supported sync modes; one that declares none gets the two every destination can do. */
export function destinationSyncModes(spec: ConnectorSpecification): DestinationSyncMode[] {
  return spec.supported_destination_sync_modes ?? ['overwrite', 'append'];
}
