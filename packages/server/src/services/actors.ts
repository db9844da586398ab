// Sources and destinations ("actors", as Airbyte calls both): configurations validated
// against the connector's spec, secrets kept across masked updates, and check/discover
// run in-process.
import {
  configProblems,
  mergeMaskedSecrets,
  scrubText,
  secretPaths,
  secretValues,
  validateConnectorConfig,
  type Connector,
  type Source,
} from '@platform/connectors';
import { summarizeDetails } from '@platform/json-schema';
import type { ConnectorSpecification, JsonSchema } from '@platform/protocol';
import type { ApiSchemas } from '../schemas/api-schemas';
import { InvalidInputError, NotFoundError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { secondsFromEnv } from '../shared/seconds-setting';
import type { ActorKind, ActorRecord, ConfigStore } from '../store/config-store';
import type { JsonObject } from '../store/sealed-config';
import { toApiCatalog } from './catalog';
import { runSynchronousJob } from './connector-jobs';
import type { ConnectorDefinitions } from './definitions';
import type { WorkspaceService } from './workspaces';

export interface ConnectorTimeouts {
  checkMs: number;
  discoverMs: number;
}

export const DEFAULT_CONNECTOR_TIMEOUTS: ConnectorTimeouts = { checkMs: 60_000, discoverMs: 300_000 };

/** PLATFORM_CONNECTOR_CHECK_TIMEOUT_SECONDS and PLATFORM_CONNECTOR_DISCOVER_TIMEOUT_SECONDS (defaults 60 and 300). */
export function connectorTimeoutsFromEnv(env: NodeJS.ProcessEnv): ConnectorTimeouts {
  return {
    checkMs: secondsFromEnv(env, 'PLATFORM_CONNECTOR_CHECK_TIMEOUT_SECONDS', DEFAULT_CONNECTOR_TIMEOUTS.checkMs / 1000) * 1000,
    discoverMs: secondsFromEnv(env, 'PLATFORM_CONNECTOR_DISCOVER_TIMEOUT_SECONDS', DEFAULT_CONNECTOR_TIMEOUTS.discoverMs / 1000) * 1000,
  };
}

export interface ActorInput {
  workspaceId?: string;
  definitionId: string;
  name: string;
  configuration: JsonObject;
}

/**
 * 422 naming each field of connectionConfiguration that does not match the spec or breaks the
 * connector's own rules (its `validate` hook). Defaults are applied to a copy: the stored
 * config is what the client sent.
 */
/** The schema whose airbyte_secret fields are secret in this config (a declarative manifest declares its own). */
function secretSchemaOf(connector: Connector, spec: ConnectorSpecification, configuration: JsonObject): JsonSchema {
  return connector.secretSchema?.(configuration) ?? spec.connectionSpecification;
}

function assertValidConfig(connector: Connector, configuration: JsonObject): void {
  const details = configProblems(connector, configuration, 'connectionConfiguration');
  if (details.length === 0) return;
  throw new InvalidInputError(`The configuration is not valid for the connector: ${summarizeDetails(details)}`, details);
}

export class ActorService {
  constructor(
    private readonly store: ConfigStore,
    private readonly definitions: ConnectorDefinitions,
    private readonly workspaces: WorkspaceService,
    private readonly log: Logger,
    private readonly timeouts: ConnectorTimeouts = DEFAULT_CONNECTOR_TIMEOUTS,
  ) {}

  async get(kind: ActorKind, actorId: string): Promise<ActorRecord> {
    const actor = await this.store.getActor(kind, actorId);
    if (!actor) throw new NotFoundError(kind, actorId);
    return actor;
  }

  async list(kind: ActorKind, workspaceId?: string): Promise<ActorRecord[]> {
    const workspace = await this.workspaces.resolve(workspaceId);
    return this.store.listActors(kind, workspace.workspaceId);
  }

  async create(kind: ActorKind, input: ActorInput): Promise<ActorRecord> {
    const workspace = await this.workspaces.resolve(input.workspaceId);
    const { connector, spec } = await this.definitions.load(kind, input.definitionId);
    assertValidConfig(connector, input.configuration);
    return this.store.createActor(kind, {
      workspaceId: workspace.workspaceId,
      definitionId: input.definitionId,
      name: input.name,
      configuration: input.configuration,
      secretPaths: secretPaths(secretSchemaOf(connector, spec, input.configuration)),
    });
  }

  /** A secret sent back as `**********` keeps its stored value. */
  async update(kind: ActorKind, actorId: string, changes: { name: string; configuration: JsonObject }): Promise<ActorRecord> {
    const current = await this.get(kind, actorId);
    const { connector, spec } = await this.definitions.load(kind, current.definitionId);
    const configuration = mergeMaskedSecrets(secretSchemaOf(connector, spec, changes.configuration), changes.configuration, current.configuration);
    assertValidConfig(connector, configuration);
    const updated = await this.store.updateActor(kind, actorId, {
      name: changes.name,
      configuration,
      secretPaths: secretPaths(secretSchemaOf(connector, spec, configuration)),
    });
    if (!updated) throw new NotFoundError(kind, actorId);
    return updated;
  }

  /** Airbyte's partial_update: a name or configuration left out is kept; a configuration given is merged into the stored one. */
  async partialUpdate(kind: ActorKind, actorId: string, changes: { name?: string; configuration?: JsonObject }): Promise<ActorRecord> {
    const current = await this.get(kind, actorId);
    return this.update(kind, actorId, {
      name: changes.name ?? current.name,
      configuration: changes.configuration ? mergeConfiguration(current.configuration, changes.configuration) : current.configuration,
    });
  }

  async delete(kind: ActorKind, actorId: string): Promise<void> {
    if (!(await this.store.deleteActor(kind, actorId))) throw new NotFoundError(kind, actorId);
  }

  /** Checks a saved source or destination. */
  async check(kind: ActorKind, actorId: string): Promise<ApiSchemas['CheckConnectionRead']> {
    const actor = await this.get(kind, actorId);
    return this.runCheck(kind, actor.definitionId, actor.configuration, actorId);
  }

  /**
   * Checks a configuration before it is saved. With `actorId`, masked secrets take that
   * saved actor's values (the UI re-checks an edited source without re-typing passwords).
   */
  async checkConfiguration(kind: ActorKind, definitionId: string, configuration: JsonObject, actorId?: string): Promise<ApiSchemas['CheckConnectionRead']> {
    const { connector, spec } = await this.definitions.load(kind, definitionId);
    let full = configuration;
    if (actorId) {
      const saved = await this.get(kind, actorId);
      full = mergeMaskedSecrets(secretSchemaOf(connector, spec, configuration), configuration, saved.configuration);
    }
    assertValidConfig(connector, full);
    return this.runCheck(kind, definitionId, full, actorId ?? definitionId);
  }

  private async runCheck(kind: ActorKind, definitionId: string, configuration: JsonObject, configId: string): Promise<ApiSchemas['CheckConnectionRead']> {
    const { connector, spec } = await this.definitions.load(kind, definitionId);
    const secrets = secretValues(secretSchemaOf(connector, spec, configuration), configuration);
    const result = await runSynchronousJob(
      {
        configType: kind === 'source' ? 'check_connection_source' : 'check_connection_destination',
        configId,
        failureOrigin: kind,
        timeoutMs: this.timeouts.checkMs,
        secrets,
        log: this.log.child('check', { kind, configId }),
      },
      // A saved config written before a rule existed fails the check naming the field.
      async (ctx) => connector.check(validateConnectorConfig(connector, configuration), ctx),
    );
    if (!result.ok) return { status: 'failed', message: result.message, jobInfo: result.jobInfo };
    const { status, message } = result.value;
    return {
      status: status === 'SUCCEEDED' ? 'succeeded' : 'failed',
      ...(message ? { message: scrubText(message, secrets) } : {}),
      jobInfo: result.jobInfo,
    };
  }

  /** Discovers a source's streams and stores the catalog; failures come back in jobInfo, not as errors. */
  async discover(sourceId: string): Promise<ApiSchemas['SourceDiscoverSchemaRead']> {
    const source = await this.get('source', sourceId);
    const { connector, spec } = await this.definitions.load('source', source.definitionId);
    const result = await runSynchronousJob(
      {
        configType: 'discover_schema',
        configId: sourceId,
        failureOrigin: 'source',
        timeoutMs: this.timeouts.discoverMs,
        secrets: secretValues(secretSchemaOf(connector, spec, source.configuration), source.configuration),
        log: this.log.child('discover', { sourceId }),
      },
      async (ctx) => (connector as Source).discover(validateConnectorConfig(connector, source.configuration), ctx),
    );
    if (!result.ok) return { jobInfo: result.jobInfo };
    const saved = await this.store.saveCatalog(sourceId, result.value);
    return { catalog: toApiCatalog(saved.catalog), jobInfo: result.jobInfo, catalogId: saved.catalogId };
  }
}

/** Objects merge key by key; any other value (arrays included) replaces the stored one. */
function mergeConfiguration(stored: JsonObject, patch: JsonObject): JsonObject {
  const merged: JsonObject = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    const before = merged[key];
    merged[key] = isPlainObject(before) && isPlainObject(value) ? mergeConfiguration(before, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
