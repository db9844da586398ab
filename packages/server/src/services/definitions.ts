// The connector definitions the platform offers: the connectors package's registry, and the
// custom ones of the platform database (create_custom), held in memory and refreshed on change.
// Connector modules load lazily; a spec is loaded once per definition and cached.
import { CONNECTOR_DEFINITIONS, type Connector, type ConnectorDefinition } from '@platform/connectors';
import type { ConnectorSpecification, DestinationSyncMode } from '@platform/protocol';
import { NotFoundError } from '../shared/errors';
import type { ActorKind } from '../store/config-store';
import type { CustomDefinitionStore } from '../store/custom-definition-store';
import { customConnectorDefinition } from './custom-connector';

export class ConnectorLoadError extends Error {
  override name = 'ConnectorLoadError';
}

/** A definition as the platform offers it: custom ones belong to a workspace. */
export interface PlatformDefinition extends ConnectorDefinition {
  custom?: { workspaceId: string };
}

export interface LoadedConnector {
  definition: PlatformDefinition;
  connector: Connector;
  spec: ConnectorSpecification;
}

export class ConnectorDefinitions {
  private readonly loaded = new Map<string, Promise<LoadedConnector>>();
  private custom: PlatformDefinition[] = [];

  constructor(
    private readonly definitions: readonly ConnectorDefinition[] = CONNECTOR_DEFINITIONS,
    private readonly customStore?: CustomDefinitionStore,
  ) {}

  /** Re-reads the custom definitions (after a change, or before answering a list). */
  async refresh(): Promise<void> {
    if (!this.customStore) return;
    this.custom = (await this.customStore.list()).map((r) => ({ ...customConnectorDefinition(r), custom: { workspaceId: r.workspaceId } }));
    // A new version of a custom definition runs another program: its connector is loaded again.
    for (const id of this.loaded.keys()) if (!this.definitions.some((d) => d.id === id)) this.loaded.delete(id);
  }

  /** Built-in and custom definitions of this kind; with a workspace, only its custom ones. */
  list(kind: ActorKind, workspaceId?: string): PlatformDefinition[] {
    const custom = this.custom.filter((d) => !workspaceId || d.custom?.workspaceId === workspaceId);
    return [...this.definitions, ...custom].filter((d) => d.kind === kind);
  }

  /** The definition with this id, or a 404 naming the kind ("source definition"). */
  get(kind: ActorKind, definitionId: string): PlatformDefinition {
    const definition = this.list(kind).find((d) => d.id === definitionId);
    if (!definition) throw new NotFoundError(`${kind} definition`, definitionId);
    return definition;
  }

  /** Loads the connector module and its spec. A module that fails to load is retried next time. */
  async load(kind: ActorKind, definitionId: string): Promise<LoadedConnector> {
    if (!this.list(kind).some((d) => d.id === definitionId)) await this.refresh();
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
    return await pending;
  }
}

/** A destination's supported sync modes; one that declares none gets the two every destination can do. */
export function destinationSyncModes(spec: ConnectorSpecification): DestinationSyncMode[] {
  return spec.supported_destination_sync_modes ?? ['overwrite', 'append'];
}
