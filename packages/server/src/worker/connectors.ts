// Connector lookup for the worker and its replication child: the registry's definitions,
// plus modules named in PLATFORM_EXTRA_CONNECTORS (comma-separated paths, each exporting
// `connectorDefinitions`). Tests use that to add a failure-injecting destination without
// putting it in the product's registry.
import { pathToFileURL } from 'node:url';
import { CONNECTOR_DEFINITIONS, type Connector, type ConnectorDefinition, type Destination, type Source } from '@platform/connectors';

let extra: Promise<ConnectorDefinition[]> | undefined;

async function loadExtraDefinitions(): Promise<ConnectorDefinition[]> {
  const paths = (process.env.PLATFORM_EXTRA_CONNECTORS ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const modules = await Promise.all(paths.map((p) => import(pathToFileURL(p).href) as Promise<{ connectorDefinitions: ConnectorDefinition[] }>));
  return modules.flatMap((m) => m.connectorDefinitions);
}

export async function findConnectorDefinition(idOrName: string): Promise<ConnectorDefinition | undefined> {
  extra ??= loadExtraDefinitions();
  return [...CONNECTOR_DEFINITIONS, ...(await extra)].find((d) => d.id === idOrName || d.name === idOrName);
}

async function load(idOrName: string, kind: Connector['kind']): Promise<Connector> {
  const definition = await findConnectorDefinition(idOrName);
  if (!definition || definition.kind !== kind) throw new Error(`no ${kind} connector "${idOrName}" is registered`);
  return definition.load();
}

export const loadSource = async (idOrName: string) => (await load(idOrName, 'source')) as Source;
export const loadDestination = async (idOrName: string) => (await load(idOrName, 'destination')) as Destination;
