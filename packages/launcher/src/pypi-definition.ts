// `platform connectors add <pypi-package>`: an Airbyte connector published on PyPI
// (`airbyte-source-faker==7.2.1`) as the Config API's create_custom takes it, in Airbyte's shape
// (dockerRepository airbyte/source-faker, dockerImageTag 7.2.1); the server installs it.
import { ConfigError } from './config';

export interface PypiDefinition {
  kind: 'source' | 'destination';
  dockerRepository: string;
  dockerImageTag: string;
}

/** `airbyte-source-faker==7.2.1` → a source definition airbyte/source-faker at 7.2.1. */
export function pypiDefinition(requirement: string): PypiDefinition {
  const m = /^airbyte-((source|destination)-[a-z0-9]+(?:-[a-z0-9]+)*)==([0-9][0-9A-Za-z.]*)$/.exec(requirement.trim());
  if (!m) {
    throw new ConfigError(`connectors add: "${requirement}" is not an Airbyte connector package pinned to a version; expected airbyte-source-<name>==<version> or airbyte-destination-<name>==<version>, e.g. airbyte-source-faker==7.2.1`);
  }
  return { kind: m[2] as PypiDefinition['kind'], dockerRepository: `airbyte/${m[1]}`, dockerImageTag: m[3] };
}
