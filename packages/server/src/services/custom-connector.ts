// A custom definition (platform database) as a connector definition: its program runs as an
// external connector, by the server (spec, check, discover) and by the worker (read, write).
// A declarative one (create_manifest) runs its active manifest with airbyte-cdk's runner.
import { externalDestination, externalSource, manifestSource, type ConnectorDefinition, type ExternalCommand } from '@platform/connectors';
import type { CustomDefinitionRecord } from '../store/custom-definition-store';
import { DOCKER_COMMAND } from './docker-connectors';

/** How the worker starts a custom definition's program. */
export function externalCommandOf(record: CustomDefinitionRecord): ExternalCommand {
  const name = record.dockerRepository.replace(/^.*\//, '');
  if (record.command === DOCKER_COMMAND) return { name, command: DOCKER_COMMAND, docker: { image: `${record.dockerRepository}:${record.dockerImageTag}` } };
  return { name, command: record.command, args: record.args };
}

export function customConnectorDefinition(record: CustomDefinitionRecord): ConnectorDefinition {
  const command = externalCommandOf(record);
  const manifest = record.declarativeManifest;
  return {
    id: record.definitionId,
    kind: record.kind,
    name: command.name,
    displayName: record.name,
    dockerRepository: record.dockerRepository,
    dockerImageTag: record.dockerImageTag,
    documentationUrl: record.documentationUrl,
    load: async () => {
      if (manifest) return manifestSource(manifest, record.spec);
      return record.kind === 'source' ? externalSource(command, record.spec) : externalDestination(command, record.spec);
    },
  };
}
