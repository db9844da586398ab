// Runs a connector as an Airbyte-image-like CLI: protocol messages only on stdout.
//   spec | check --config F | discover --config F | read --config F --catalog F [--state F] | write --config F --catalog F
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import {
  errorTraceMessage,
  logMessage,
  readMessages,
  serializeMessage,
  type AirbyteMessage,
  type AirbyteStateMessage,
  type ConfiguredAirbyteCatalog,
} from '@platform/protocol';
import type { Connector, ConnectorContext } from './connector';
import { validateConnectorConfig } from './config';
import { asConnectorError, configError, StreamsFailedError } from './errors';
import { toProtocolMessages } from './expand';
import { scrubText, secretValues } from './secrets';
import { checkConnection } from './check';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
}

async function readJsonFile(path: string | undefined, flag: string): Promise<unknown> {
  if (!path) throw configError(`missing required flag ${flag}`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw configError(`cannot read ${flag} file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw configError(`${flag} file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Accepts the state file as Airbyte writes it: a list of STATE messages, one message, or a legacy blob. */
export function normalizeStateInput(raw: unknown): AirbyteStateMessage[] | undefined {
  if (raw == null) return undefined;
  if (Array.isArray(raw)) return raw as AirbyteStateMessage[];
  const o = raw as Record<string, unknown>;
  if (o.type === 'STATE' && o.state) return [o.state as AirbyteStateMessage];
  if (o.type === 'STREAM' || o.type === 'GLOBAL' || o.type === 'LEGACY') return [o as AirbyteStateMessage];
  return [{ type: 'LEGACY', data: o }];
}

/** Runs one CLI invocation; resolves to the process exit code. */
export async function runConnectorCli(connector: Connector, argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { config: { type: 'string' }, catalog: { type: 'string' }, state: { type: 'string' } }, strict: false });
  let secrets: string[] = [];
  const emit = (m: AirbyteMessage) => io.stdout.write(serializeMessage(m));
  const emitAsync = async (m: AirbyteMessage) => {
    if (!io.stdout.write(serializeMessage(m))) await new Promise<void>((r) => io.stdout.once('drain', r));
  };
  const ctx: ConnectorContext = { log: (level, message) => emit(logMessage(level, scrubText(message, secrets))) };
  const spec = connector.spec();
  const loadConfig = async () => {
    const raw = await readJsonFile(values.config as string | undefined, '--config');
    secrets = secretValues(spec.connectionSpecification, raw);
    return validateConnectorConfig<Record<string, unknown>>(connector, raw);
  };

  try {
    switch (command) {
      case 'spec':
        emit({ type: 'SPEC', spec });
        return 0;
      case 'check': {
        // A bad config is an answer to `check`, not a crash: FAILED status, exit 0.
        let status;
        try {
          status = await checkConnection(connector, await loadConfig(), ctx);
        } catch (err) {
          status = { status: 'FAILED' as const, message: asConnectorError(err).message };
        }
        emit({ type: 'CONNECTION_STATUS', connectionStatus: { ...status, message: status.message && scrubText(status.message, secrets) } });
        return 0;
      }
      case 'discover': {
        if (connector.kind !== 'source') throw configError(`${connector.name} is a destination and has no discover`);
        emit({ type: 'CATALOG', catalog: await connector.discover(await loadConfig(), ctx) });
        return 0;
      }
      case 'read': {
        if (connector.kind !== 'source') throw configError(`${connector.name} is a destination and cannot read`);
        const config = await loadConfig();
        const catalog = (await readJsonFile(values.catalog as string | undefined, '--catalog')) as ConfiguredAirbyteCatalog;
        const state = values.state ? normalizeStateInput(await readJsonFile(values.state as string, '--state')) : undefined;
        for await (const m of toProtocolMessages(connector.read(config, catalog, state, ctx))) await emitAsync(m);
        return 0;
      }
      case 'write': {
        if (connector.kind !== 'destination') throw configError(`${connector.name} is a source and cannot write`);
        const config = await loadConfig();
        const catalog = (await readJsonFile(values.catalog as string | undefined, '--catalog')) as ConfiguredAirbyteCatalog;
        for await (const m of connector.write(config, catalog, readMessages(io.stdin), ctx)) await emitAsync(m);
        return 0;
      }
      default:
        throw configError(`unknown command "${command ?? ''}"; expected spec, check, discover, read or write`);
    }
  } catch (err) {
    // Each failed stream was reported by its own ERROR trace already.
    if (err instanceof StreamsFailedError) return 1;
    const e = asConnectorError(err);
    emit(errorTraceMessage(scrubText(e.message, secrets), e.failureType, e.internalMessage && scrubText(e.internalMessage, secrets)));
    return 1;
  }
}
