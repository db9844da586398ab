// Declarative (low-code) sources: an Airbyte manifest run by airbyte-cdk's
// `source-declarative-manifest` as an external connector. The CDK takes the manifest inside
// its config, as `__injected_declarative_manifest`, next to the manifest's own config fields.
//  - sourceDeclarative: the built-in "REST API (declarative)"; its config holds the manifest
//    (YAML or JSON text, field `manifest`) plus the manifest's own fields.
//  - manifestSource: a manifest registered as a source definition of its own
//    (declarative_source_definitions/create_manifest); its config is the manifest's fields only.
import type { ConnectorSpecification, JsonSchema } from '@platform/protocol';
import { validatorFor } from '../framework/config';
import type { ConfigProblem, Source } from '../framework/connector';
import { configError } from '../framework/errors';
import { externalSource } from '../external/external-connector';
import { schemaErrorsToDetails } from '@platform/json-schema';
import { manifestConnectionSpecification, parseManifest, type DeclarativeManifest } from './manifest';
import { declarativeCommand } from './runtime';

export { manifestConnectionSpecification, manifestProblem, parseManifest, type DeclarativeManifest } from './manifest';
export { DECLARATIVE_CDK_VERSION, declarativeScriptPath } from './runtime';

const INJECTED = '__injected_declarative_manifest';

type Config = Record<string, unknown>;

/** The CDK run as a source for one manifest: its spec decides which fields are secret (scrubbed from its output). */
function cdkSource(connectionSpecification: JsonSchema): Source {
  return externalSource(declarativeCommand(), { connectionSpecification });
}

/** What the CDK reads: the manifest's own fields, with the manifest injected. */
const cdkConfig = (fields: Config, manifest: DeclarativeManifest): Config => ({ ...fields, [INJECTED]: manifest });

/** Problems of `fields` against the manifest's own connection spec, each naming its field. */
function fieldProblems(schema: JsonSchema, fields: Config): ConfigProblem[] {
  const validate = validatorFor(schema);
  if (validate(structuredClone(fields))) return [];
  return schemaErrorsToDetails(validate.errors).map((d) => ({ path: d.path, message: d.message }));
}

/** A source for a fixed manifest: config and secrets are the manifest's. */
export function manifestSource(manifest: DeclarativeManifest, spec: ConnectorSpecification): Source {
  const run = () => cdkSource(spec.connectionSpecification);
  return {
    kind: 'source',
    name: 'source-declarative-manifest',
    spec: () => spec,
    check: (config, ctx) => run().check(cdkConfig(config, manifest), ctx),
    discover: (config, ctx) => run().discover(cdkConfig(config, manifest), ctx),
    read: (config, catalog, state, ctx) => run().read(cdkConfig(config, manifest), catalog, state, ctx),
  };
}

const BUILT_IN_SPEC: ConnectorSpecification = {
  documentationUrl: 'https://docs.airbyte.com/connector-development/config-based/low-code-cdk-overview',
  connectionSpecification: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'REST API (declarative)',
    type: 'object',
    required: ['manifest'],
    // The manifest's own config fields sit next to it; the manifest's spec validates them.
    additionalProperties: true,
    properties: {
      manifest: {
        type: 'string',
        title: 'Manifest',
        description: "An Airbyte low-code manifest (YAML or JSON), as Airbyte's Connector Builder exports it. Its spec's fields go next to this one.",
        multiline: true,
        order: 0,
      },
    },
  },
};

/**
 * The built-in config split into the manifest and the manifest's fields (with its spec's
 * defaults applied); a config_error when the manifest does not parse.
 */
function splitConfig(config: Config): { manifest: DeclarativeManifest; fields: Config } {
  const { manifest: text, ...rest } = config;
  const parsed = parseManifest(String(text));
  if ('problem' in parsed) throw configError(`Config is not valid: ${parsed.problem.path} ${parsed.problem.message}`);
  const fields = structuredClone(rest);
  validatorFor(manifestConnectionSpecification(parsed.manifest))(fields);
  return { manifest: parsed.manifest, fields };
}

export const sourceDeclarative: Source = {
  kind: 'source',
  name: 'source-declarative-manifest',
  spec: () => BUILT_IN_SPEC,
  validate(config) {
    const { manifest: text, ...fields } = config;
    const parsed = parseManifest(String(text));
    if ('problem' in parsed) return [parsed.problem];
    return fieldProblems(manifestConnectionSpecification(parsed.manifest), fields);
  },
  secretSchema(config) {
    const parsed = parseManifest(String(config.manifest));
    return 'problem' in parsed ? BUILT_IN_SPEC.connectionSpecification : manifestConnectionSpecification(parsed.manifest);
  },
  async check(config, ctx) {
    const { manifest, fields } = splitConfig(config);
    return cdkSource(manifestConnectionSpecification(manifest)).check(cdkConfig(fields, manifest), ctx);
  },
  async discover(config, ctx) {
    const { manifest, fields } = splitConfig(config);
    return cdkSource(manifestConnectionSpecification(manifest)).discover(cdkConfig(fields, manifest), ctx);
  },
  read(config, catalog, state, ctx) {
    const { manifest, fields } = splitConfig(config);
    return cdkSource(manifestConnectionSpecification(manifest)).read(cdkConfig(fields, manifest), catalog, state, ctx);
  },
};
