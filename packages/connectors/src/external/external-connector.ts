// External connectors as framework connectors: a Source or Destination whose every call runs
// the executable (./external-process.ts). The worker, the server's check/discover and the
// replication child use them like built-in ones, so an external connector pairs with any other.
import type { AirbyteCatalog, AirbyteConnectionStatus, AirbyteErrorTraceMessage, AirbyteMessage, ConnectorSpecification } from '@platform/protocol';
import type { RecordBatch, SourceOutput } from '../framework/batches';
import type { ConnectorContext, Destination, Source } from '../framework/connector';
import { ConnectorError, systemError } from '../framework/errors';
import { toProtocolMessages } from '../framework/expand';
import { secretValues } from '../framework/secrets';
import { runExternal, runExternalBatches, type ExternalCommand, type ExternalRun, type ExternalRunResult } from './external-process';

/** Records of one stream travel on as one batch of at most this many (one async step per batch, not per row). */
const MAX_BATCH_RECORDS = 1000;

const failureOf = (name: string, error: AirbyteErrorTraceMessage) => new ConnectorError(error.message, error.failure_type ?? 'system_error', error.internal_message ?? `${name}: ${error.message}`);

/** Runs a command that answers with one message of `type`; an ERROR trace or no answer fails it. */
async function answerOf<T extends AirbyteMessage['type']>(command: ExternalCommand, run: ExternalRun, type: T): Promise<Extract<AirbyteMessage, { type: T }>> {
  const result: ExternalRunResult = { errors: [] };
  let answer: Extract<AirbyteMessage, { type: T }> | undefined;
  for await (const m of runExternal(command, run, result)) {
    if (m.type === type) answer ??= m as Extract<AirbyteMessage, { type: T }>;
    else if (m.type === 'LOG') run.ctx.log(m.log.level, m.log.message);
  }
  if (result.errors.length > 0) throw failureOf(command.name, result.errors[0]);
  if (!answer) throw systemError(`${command.name} ${run.verb} ended without a ${type} message`);
  return answer;
}

/** Asks the executable for its spec: how a registration proves the program is a connector. */
export async function fetchExternalSpec(command: ExternalCommand, ctx: ConnectorContext): Promise<ConnectorSpecification> {
  return (await answerOf(command, { verb: 'spec', secrets: [], ctx }, 'SPEC')).spec;
}

function checkWith(command: ExternalCommand, spec: ConnectorSpecification) {
  return async (config: Record<string, unknown>, ctx: ConnectorContext): Promise<AirbyteConnectionStatus> => {
    const secrets = secretValues(spec.connectionSpecification, config);
    return (await answerOf(command, { verb: 'check', files: [{ flag: 'config', content: config }], secrets, ctx }, 'CONNECTION_STATUS')).connectionStatus;
  };
}

export function externalSource(command: ExternalCommand, spec: ConnectorSpecification): Source {
  return {
    kind: 'source',
    name: command.name,
    spec: () => spec,
    check: checkWith(command, spec),
    async discover(config, ctx): Promise<AirbyteCatalog> {
      const secrets = secretValues(spec.connectionSpecification, config);
      return (await answerOf(command, { verb: 'discover', files: [{ flag: 'config', content: config }], secrets, ctx }, 'CATALOG')).catalog;
    },
    async *read(config, catalog, state, ctx): AsyncGenerator<SourceOutput> {
      const files: ExternalRun['files'] = [
        { flag: 'config', content: config },
        { flag: 'catalog', content: catalog },
      ];
      if (state && state.length > 0) files.push({ flag: 'state', content: state });
      const result: ExternalRunResult = { errors: [] };
      let batch: RecordBatch | undefined;
      for await (const messages of runExternalBatches(command, { verb: 'read', files, secrets: secretValues(spec.connectionSpecification, config), ctx }, result)) {
        for (const m of messages) {
          if (m.type === 'RECORD') {
            const { stream, namespace, data, emitted_at } = m.record;
            if (batch && (batch.stream !== stream || batch.namespace !== namespace || batch.records.length >= MAX_BATCH_RECORDS)) {
              yield batch;
              batch = undefined;
            }
            batch ??= { type: 'RECORD_BATCH', stream, namespace, emittedAt: emitted_at, records: [] };
            batch.records.push(data);
            continue;
          }
          // Records before a STATE (or any other message) go first: a state covers only what precedes it.
          if (batch) yield batch;
          batch = undefined;
          yield m;
        }
      }
      if (batch) yield batch;
      // ERROR traces naming a stream were yielded: the replication fails those streams alone.
      const whole = result.errors.find((e) => !e.stream_descriptor);
      if (whole) throw failureOf(command.name, whole);
    },
  };
}

export function externalDestination(command: ExternalCommand, spec: ConnectorSpecification): Destination {
  return {
    kind: 'destination',
    name: command.name,
    spec: () => spec,
    check: checkWith(command, spec),
    async *write(config, catalog, input, ctx): AsyncGenerator<AirbyteMessage> {
      const files: ExternalRun['files'] = [
        { flag: 'config', content: config },
        { flag: 'catalog', content: catalog },
      ];
      const result: ExternalRunResult = { errors: [] };
      yield* runExternal(command, { verb: 'write', files, stdin: toProtocolMessages(input), secrets: secretValues(spec.connectionSpecification, config), ctx }, result);
      if (result.errors.length > 0) throw failureOf(command.name, result.errors[0]);
    },
  };
}
