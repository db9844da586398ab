// Custom connector definitions (Airbyte's create_custom / update / delete): a PyPI connector
// installed in its own virtualenv (dockerRepository airbyte/<name>), or any other repository as
// a Docker image where an engine answers (./docker-connectors.ts); either runs as an external
// connector (./custom-connector.ts) by the server (spec, check, discover) and the worker (read, write).
import type { ConnectorSpecification } from '@platform/protocol';
import { InvalidInputError, NotFoundError } from '../shared/errors';
import type { ActorKind, ConfigStore } from '../store/config-store';
import type { Logger } from '../shared/logger';
import type { CustomDefinitionRecord } from '../store/custom-definition-store';
import { isPypiRepository, pypiConnector, type ConnectorInstaller } from './connector-packages';
import { dockerConnector } from './docker-connectors';
import type { ConnectorDefinitions } from './definitions';
import type { WorkspaceService } from './workspaces';

export interface CustomDefinitionCreate {
  workspaceId?: string;
  name: string;
  dockerRepository: string;
  dockerImageTag: string;
  documentationUrl?: string;
}

export class CustomDefinitionService {
  constructor(
    private readonly configStore: ConfigStore,
    private readonly definitions: ConnectorDefinitions,
    private readonly workspaces: WorkspaceService,
    /** Absent when the platform has no connectors directory: registering is then refused. */
    private readonly installer: ConnectorInstaller | undefined,
    private readonly log: Logger,
  ) {}

  async create(kind: ActorKind, input: CustomDefinitionCreate): Promise<CustomDefinitionRecord> {
    const field = `${kind}Definition`;
    const installed = await this.resolve(kind, input.dockerRepository, input.dockerImageTag, field);
    const workspace = await this.workspaces.resolve(input.workspaceId);
    const record = await this.configStore.customDefinitions.create({
      kind,
      workspaceId: workspace.workspaceId,
      name: input.name,
      dockerRepository: input.dockerRepository,
      dockerImageTag: input.dockerImageTag,
      documentationUrl: input.documentationUrl ?? installed.spec.documentationUrl ?? '',
      ...installed,
    });
    await this.definitions.refresh();
    return record;
  }

  /** A new version (Airbyte's update changes the image tag): installed and proven before it replaces the old one. */
  async update(kind: ActorKind, definitionId: string, dockerImageTag: string): Promise<CustomDefinitionRecord> {
    const current = await this.existing(kind, definitionId);
    if (current.declarativeManifest) {
      throw new InvalidInputError(`source definition ${definitionId} is declarative: publish a manifest version with declarative_source_definitions/create_manifest and activate it with update_active_manifest`, [
        { path: 'sourceDefinitionId', message: 'a declarative definition changes by manifest version' },
      ]);
    }
    const field = kind === 'source' ? 'sourceDefinition' : 'destinationDefinition';
    const installed = await this.resolve(kind, current.dockerRepository, dockerImageTag, field);
    const updated = await this.configStore.customDefinitions.update(definitionId, { dockerImageTag, ...installed });
    if (!updated) throw new NotFoundError(`${kind} definition`, definitionId);
    await this.definitions.refresh();
    return updated;
  }

  async delete(kind: ActorKind, definitionId: string): Promise<void> {
    await this.existing(kind, definitionId);
    await this.configStore.customDefinitions.delete(definitionId);
    await this.definitions.refresh();
  }

  private async existing(kind: ActorKind, definitionId: string): Promise<CustomDefinitionRecord> {
    const record = await this.configStore.customDefinitions.get(definitionId);
    if (record && !record.tombstone && record.kind === kind) return record;
    if (this.definitions.list(kind).some((d) => d.id === definitionId)) {
      throw new InvalidInputError(`${kind} definition ${definitionId} is built in; only custom definitions may be changed or deleted`, [{ path: `${kind}DefinitionId`, message: 'a built-in definition' }]);
    }
    throw new NotFoundError(`${kind} definition`, definitionId);
  }

  /** The program of `repository` at `tag`, proven to answer spec: a PyPI install, or a Docker image. */
  private async resolve(kind: ActorKind, repository: string, tag: string, field: string): Promise<{ command: string; args: string[]; spec: ConnectorSpecification }> {
    if (!isPypiRepository(repository)) return dockerConnector(kind, repository, tag, field, this.log);
    return this.install(kind, pypiConnector(repository, tag, field), field);
  }

  private async install(kind: ActorKind, pkg: ReturnType<typeof pypiConnector>, field: string): Promise<{ command: string; args: string[]; spec: ConnectorSpecification }> {
    if (!pkg.name.startsWith(`${kind}-`)) {
      throw new InvalidInputError(`${field}.dockerRepository names a ${kind === 'source' ? 'destination' : 'source'} (airbyte/${pkg.name}); register it as a ${kind === 'source' ? 'destination' : 'source'}`, [
        { path: `${field}.dockerRepository`, message: `expected airbyte/${kind}-<name>` },
      ]);
    }
    if (!this.installer) {
      throw new InvalidInputError('This platform has no connectors directory (PLATFORM_CONNECTORS_DIR or PLATFORM_STATE_DIR), so it cannot install custom connectors', [
        { path: `${field}.dockerRepository`, message: 'custom connectors are not enabled' },
      ]);
    }
    return this.installer.install(pkg);
  }
}
