// Declarative (low-code) source definitions, as Airbyte's Connector Builder publishes them
// (declarative_source_definitions/create_manifest, list_manifests, update_active_manifest):
// each is a custom source definition whose active manifest airbyte-cdk's
// source-declarative-manifest runs (./custom-connector.ts on the server; the worker runs it as
// the built-in declarative source with the manifest in its config, ../worker/job-context.ts).
import { DECLARATIVE_CDK_VERSION, manifestProblem } from '@platform/connectors';
import type { ConnectorSpecification } from '@platform/protocol';
import { ConflictError, InvalidInputError, NotFoundError } from '../shared/errors';
import type { ConfigStore } from '../store/config-store';
import type { CustomDefinitionRecord, DeclarativeManifestVersion } from '../store/custom-definition-store';
import type { ConnectorDefinitions } from './definitions';
import type { WorkspaceService } from './workspaces';

export interface DeclarativeManifestInput {
  manifest: Record<string, unknown>;
  spec: { connectionSpecification: Record<string, unknown>; documentationUrl?: string };
  version: number;
  description: string;
}

const field = (path: string, message: string) => new InvalidInputError(`${path} ${message}`, [{ path, message }]);

export class DeclarativeDefinitionService {
  constructor(
    private readonly configStore: ConfigStore,
    private readonly definitions: ConnectorDefinitions,
    private readonly workspaces: WorkspaceService,
  ) {}

  async createManifest(input: { workspaceId?: string; sourceDefinitionId: string; setAsActiveManifest: boolean; declarativeManifest: DeclarativeManifestInput }): Promise<void> {
    const { declarativeManifest: m, sourceDefinitionId } = input;
    const bad = manifestProblem(m.manifest, 'declarativeManifest.manifest');
    if (bad) throw field(bad.problem.path, bad.problem.message);
    const spec: ConnectorSpecification = { ...m.spec, connectionSpecification: m.spec.connectionSpecification };
    const workspace = await this.workspaces.resolve(input.workspaceId);
    const existing = await this.configStore.customDefinitions.get(sourceDefinitionId);
    if (!existing) {
      if (this.definitions.list('source').some((d) => d.id === sourceDefinitionId)) throw this.notDeclarative(sourceDefinitionId);
      if (!input.setAsActiveManifest) {
        throw field('setAsActiveManifest', 'must be true for the first manifest of a new declarative source definition (it is the one that runs)');
      }
      const title = (spec.connectionSpecification as { title?: unknown }).title;
      await this.configStore.customDefinitions.create(
        {
          kind: 'source',
          workspaceId: workspace.workspaceId,
          name: typeof title === 'string' && title.trim() ? title.trim() : `Declarative source ${sourceDefinitionId.slice(0, 8)}`,
          dockerRepository: 'airbyte/source-declarative-manifest',
          dockerImageTag: DECLARATIVE_CDK_VERSION,
          documentationUrl: spec.documentationUrl ?? '',
          command: 'source-declarative-manifest',
          args: [],
          spec,
        },
        sourceDefinitionId,
      );
    } else {
      this.assertDeclarative(existing, workspace.workspaceId, sourceDefinitionId);
    }
    const added = await this.configStore.customDefinitions.addManifestVersion(sourceDefinitionId, { version: m.version, description: m.description, manifest: m.manifest, spec });
    if (!added) throw new ConflictError(`Source definition ${sourceDefinitionId} already has manifest version ${m.version}; publish it as a new version`);
    if (input.setAsActiveManifest) await this.configStore.customDefinitions.activateManifestVersion(sourceDefinitionId, m.version);
    await this.definitions.refresh();
  }

  async listManifests(input: { workspaceId?: string; sourceDefinitionId: string }): Promise<DeclarativeManifestVersion[]> {
    await this.declarative(input.workspaceId, input.sourceDefinitionId);
    return this.configStore.customDefinitions.listManifestVersions(input.sourceDefinitionId);
  }

  async updateActiveManifest(input: { workspaceId?: string; sourceDefinitionId: string; version: number }): Promise<void> {
    await this.declarative(input.workspaceId, input.sourceDefinitionId);
    if (!(await this.configStore.customDefinitions.activateManifestVersion(input.sourceDefinitionId, input.version))) {
      throw new NotFoundError(`manifest version ${input.version} of source definition`, input.sourceDefinitionId);
    }
    await this.definitions.refresh();
  }

  private async declarative(workspaceId: string | undefined, definitionId: string): Promise<CustomDefinitionRecord> {
    const workspace = await this.workspaces.resolve(workspaceId);
    const record = await this.configStore.customDefinitions.get(definitionId);
    if (!record) {
      if (this.definitions.list('source').some((d) => d.id === definitionId)) throw this.notDeclarative(definitionId);
      throw new NotFoundError('declarative source definition', definitionId);
    }
    this.assertDeclarative(record, workspace.workspaceId, definitionId);
    return record;
  }

  private assertDeclarative(record: CustomDefinitionRecord, workspaceId: string, definitionId: string): void {
    if (record.tombstone || record.workspaceId !== workspaceId) throw new NotFoundError('declarative source definition', definitionId);
    if (record.kind !== 'source' || !record.declarativeManifest) throw this.notDeclarative(definitionId);
  }

  private notDeclarative(definitionId: string): InvalidInputError {
    return field('sourceDefinitionId', `names ${definitionId}, which is not a declarative source definition (only definitions created by create_manifest take manifests)`);
  }
}
