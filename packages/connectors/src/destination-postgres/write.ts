// The write loop. Records go into the raw table `_airbyte_raw_<stream>` by COPY, one COPY per
// batch (CSV chunks are copied as they are, csv-copy.ts), inside a transaction that commits when a STATE arrives; the STATE is yielded only
// after that commit. Overwrite loads into a staging table instead and swaps it (and the
// normalized tables built from it) in with one transaction at the end, so a failed sync leaves
// the previous tables as they were; its STATEs are yielded after that swap. Basic normalization
// runs once all input is committed (normalize.ts; append_dedup merges the changed keys, merge.ts); an overwrite's typed table is filled during the
// load instead when the stream allows (typed-staging.ts).
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { streamKey, type AirbyteMessage, type AirbyteStateMessage, type ConfiguredAirbyteCatalog, type ConfiguredAirbyteStream, type StreamDescriptor } from '@platform/protocol';
import type { SourceOutput } from '../framework/batches';
import type { DestinationContext } from '../framework/connector';
import { systemError } from '../framework/errors';
import type { ResolvedConfig } from './config';
import { errorContext, openConnection, WRITE_CONNECT_TIMEOUT_MS } from './connection';
import { copyCsvIntoRaw } from './csv-copy';
import { toConnectorError } from './errors';
import { IdentifierNamer, quoteIdentifier as q } from './identifiers';
import { ensureMergeIndexes, mergeDeduplicated } from './merge';
import { appendNormalized, ensureIndex, planDeduplicated, stageDeduplicated, stageOverwrite, type NormalizeTarget, type Swap } from './normalize';
import { copyIntoRaw, RAW_COLUMNS_SQL } from './raw-copy';
import { TypedStaging } from './typed-staging';

export interface PostgresWriteLimits {
  /** RECORD messages (the CLI path) buffered per stream before they are copied. */
  recordBufferRows: number;
}

export const DEFAULT_WRITE_LIMITS: PostgresWriteLimits = { recordBufferRows: 10_000 };

interface StreamTarget extends NormalizeTarget {
  rawName: string;
  /** Where this sync's records go: the raw table, or for overwrite its staging table. */
  loadName: string;
  buffered: Array<Record<string, unknown>>;
  bufferedEmittedAt: number;
  /** Overwrite with Basic normalization: the typed table filled during the load, when the stream allows. */
  typed?: TypedStaging;
}

const qualified = (schema: string, table: string) => `${q(schema)}.${q(table)}`;
const labelOf = (d: StreamDescriptor) => `${d.namespace ? `${d.namespace}.` : ''}${d.name}`;

function planTargets(config: ResolvedConfig, catalog: ConfiguredAirbyteCatalog, writerId: string): Map<string, StreamTarget> {
  const namers = new Map<string, IdentifierNamer>();
  const targets = new Map<string, StreamTarget>();
  // Schema names follow the identifier rules too: two long namespaces sharing 63 bytes stay apart.
  const schemaNames = new IdentifierNamer();
  const schemas = new Map<string, string>();
  for (const configured of catalog.streams) {
    const namespace = configured.stream.namespace || config.schema;
    const schema = schemas.get(namespace) ?? schemaNames.allocate(namespace);
    schemas.set(namespace, schema);
    const tables = namers.get(schema) ?? new IdentifierNamer();
    namers.set(schema, tables);
    const finalName = tables.allocate(configured.stream.name);
    const rawName = tables.allocate(`_airbyte_raw_${configured.stream.name}`);
    // Named after the writer and the table, so the next attempt finds (and drops) what a killed one left.
    const stagingName = (table: string) => `_airbyte_tmp_${createHash('md5').update(`${writerId}\u0000${schema}\u0000${table}`).digest('hex').slice(0, 20)}`;
    const loadName = configured.destination_sync_mode === 'overwrite' ? stagingName(rawName) : rawName;
    targets.set(streamKey(configured.stream), { schema, configured, finalName, tables, stagingName, rawName, loadName, buffered: [], bufferedEmittedAt: 0 });
  }
  return targets;
}

/** The streams a STATE speaks for: its own stream, or all of them for GLOBAL and LEGACY state. */
const coveredStreams = (state: AirbyteStateMessage): StreamDescriptor | 'all' => (state.type === 'STREAM' && state.stream ? state.stream.stream_descriptor : 'all');

const isOverwrite = (s: ConfiguredAirbyteStream) => s.destination_sync_mode === 'overwrite';

export async function* writeToPostgres(
  config: ResolvedConfig,
  catalog: ConfiguredAirbyteCatalog,
  input: AsyncIterable<SourceOutput>,
  ctx: DestinationContext,
  limits: PostgresWriteLimits = DEFAULT_WRITE_LIMITS,
): AsyncGenerator<AirbyteMessage> {
  const targets = planTargets(config, catalog, ctx.writerId ?? 'default');
  const client = await openConnection(config, WRITE_CONNECT_TIMEOUT_MS, ctx).catch((err: unknown) => {
    throw toConnectorError(err, errorContext(config));
  });
  /** The typed stagings' COPYs run beside the raw ones, on a connection of their own. */
  let typedClient: Promise<pg.Client> | undefined;
  const typedConnection = () => (typedClient ??= openConnection(config, WRITE_CONNECT_TIMEOUT_MS, ctx));
  /** Which table a failing statement concerned, for the error message. */
  let working: string | undefined;
  const run = async <T>(table: string, operation: () => Promise<T>): Promise<T> => {
    working = table;
    const result = await operation();
    working = undefined;
    return result;
  };
  let inTransaction = false;
  const failed = new Set<string>();
  /** STATEs of overwritten streams, yielded once the new tables are swapped in. */
  const held: AirbyteMessage[] = [];
  const staged = new Set<string>();
  let succeeded = false;

  const targetFor = (d: StreamDescriptor) => {
    const target = targets.get(streamKey(d));
    if (!target) throw systemError(`received data for stream ${labelOf(d)}, which is not in the configured catalog`);
    return target;
  };
  const begin = async () => {
    if (!inTransaction) {
      await client.query('BEGIN');
      inTransaction = true;
    }
  };
  let csvBatches = 0;
  const copy = async (target: StreamTarget, records: Iterable<Record<string, unknown>>, emittedAt: number) => {
    target.typed?.abandon();
    await begin();
    await run(`${target.schema}.${target.rawName}`, () => copyIntoRaw(client, qualified(target.schema, target.loadName), records, emittedAt));
  };
  const flushBuffer = async (target: StreamTarget) => {
    if (target.buffered.length === 0) return;
    const records = target.buffered.splice(0);
    await copy(target, records, target.bufferedEmittedAt);
  };
  const commit = async () => {
    for (const target of targets.values()) await flushBuffer(target);
    if (inTransaction) {
      await client.query('COMMIT');
      inTransaction = false;
    }
  };
  const swapIn = async (schema: string, swaps: Swap[]) => {
    await client.query('BEGIN');
    inTransaction = true;
    for (const { staged: from, target } of swaps) {
      await client.query(`DROP TABLE IF EXISTS ${qualified(schema, target)}`);
      await client.query(`ALTER TABLE ${qualified(schema, from)} RENAME TO ${q(target)}`);
    }
    await client.query('COMMIT');
    inTransaction = false;
    for (const { staged: from } of swaps) staged.delete(qualified(schema, from));
  };

  try {
    for (const schema of new Set([...targets.values()].map((t) => t.schema))) await run(schema, () => client.query(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`));
    for (const target of targets.values()) {
      const load = qualified(target.schema, target.loadName);
      await run(`${target.schema}.${target.rawName}`, async () => {
        if (target.loadName !== target.rawName) {
          await client.query(`DROP TABLE IF EXISTS ${load}`);
          staged.add(load);
        }
        await client.query(`CREATE TABLE IF NOT EXISTS ${load} (${RAW_COLUMNS_SQL})`);
        if (config.normalization === 'basic') target.typed = TypedStaging.forStream(target);
        if (target.typed) {
          staged.add(qualified(target.schema, target.typed.staged));
          await target.typed.create(client);
        }
        // Append normalization reads the rows emitted since its last run.
        if (target.loadName === target.rawName) await ensureIndex(client, target.schema, target.rawName, '_airbyte_emitted_at');
      });
    }

    for await (const item of input) {
      switch (item.type) {
        case 'RECORD_BATCH': {
          const target = targetFor({ name: item.stream, namespace: item.namespace });
          if (!failed.has(streamKey(target.configured.stream))) await copy(target, item.records, item.emittedAt);
          break;
        }
        case 'CSV_FILE_BATCH': {
          try {
            const target = targetFor({ name: item.stream, namespace: item.namespace });
            if (!failed.has(streamKey(target.configured.stream))) {
              await begin();
              const typed = target.typed && { staging: target.typed, connection: typedConnection };
              await run(`${target.schema}.${target.rawName}`, () => copyCsvIntoRaw(client, qualified(target.schema, target.loadName), item, csvBatches++, typed));
            }
          } finally {
            await item.release();
          }
          break;
        }
        case 'RECORD': {
          const target = targetFor({ name: item.record.stream, namespace: item.record.namespace });
          if (failed.has(streamKey(target.configured.stream))) break;
          if (target.buffered.length === 0) target.bufferedEmittedAt = item.record.emitted_at;
          target.buffered.push(item.record.data);
          if (target.buffered.length >= limits.recordBufferRows) await flushBuffer(target);
          break;
        }
        case 'STATE': {
          await commit();
          const covered = coveredStreams(item.state);
          // A state of a stream outside the catalog is treated as covering every stream rather than failing the sync.
          const only = covered === 'all' ? undefined : targets.get(streamKey(covered));
          const streams = only ? [only.configured] : [...targets.values()].map((t) => t.configured);
          // Acknowledging it would commit a failed stream's position past data that never landed.
          if (streams.some((s) => failed.has(streamKey(s.stream)))) break;
          if (streams.some(isOverwrite)) held.push(item);
          else yield item;
          break;
        }
        case 'TRACE': {
          // The source gave up on a stream: it is neither swapped in nor acknowledged.
          const status = item.trace.stream_status;
          if (item.trace.type === 'STREAM_STATUS' && status?.status === 'INCOMPLETE') failed.add(streamKey(status.stream_descriptor));
          break;
        }
        default:
          break;
      }
      ctx.signal?.throwIfAborted();
    }
    await commit();

    for (const target of targets.values()) {
      const { configured } = target;
      if (failed.has(streamKey(configured.stream))) continue;
      const raw = qualified(target.schema, target.rawName);
      const label = `${target.schema}.${target.finalName}`;
      const basic = config.normalization === 'basic';
      if (configured.destination_sync_mode === 'overwrite') {
        const load = qualified(target.schema, target.loadName);
        const swaps: Swap[] = [{ staged: target.loadName, target: target.rawName }];
        if (basic) swaps.push(...(await run(label, async () => (await target.typed?.finish(client, load)) ?? stageOverwrite(client, target, load))));
        for (const s of swaps) staged.add(qualified(target.schema, s.staged));
        await run(label, () => swapIn(target.schema, swaps));
      } else if (configured.destination_sync_mode === 'append_dedup' && basic) {
        const dedup = await run(label, () => planDeduplicated(client, target, raw));
        if (!(await run(label, () => mergeDeduplicated(client, target, target.rawName, dedup)))) {
          const swaps = await run(label, () => stageDeduplicated(client, target, raw, dedup));
          for (const s of swaps) staged.add(qualified(target.schema, s.staged));
          await run(label, () => swapIn(target.schema, swaps));
          await run(label, () => ensureMergeIndexes(client, target, target.rawName, dedup));
        }
      } else if (basic) {
        await run(label, () => appendNormalized(client, target, raw));
      }
      ctx.signal?.throwIfAborted();
    }
    yield* held;
    succeeded = true;
  } catch (err) {
    throw toConnectorError(err, errorContext(config, working));
  } finally {
    // Ended first: a typed COPY still running would hold its staging table against the DROP.
    if (typedClient) await typedClient.then((c) => c.end()).catch(() => undefined);
    if (!succeeded) await abandon(client, inTransaction, staged, ctx);
    await client.end().catch(() => undefined);
  }
}

/** After a failure: the open transaction rolled back and this sync's staging tables dropped; the previous tables stay. */
async function abandon(client: pg.Client, inTransaction: boolean, staged: Set<string>, ctx: DestinationContext): Promise<void> {
  try {
    if (inTransaction) await client.query('ROLLBACK');
    for (const table of staged) await client.query(`DROP TABLE IF EXISTS ${table}`);
  } catch (err) {
    ctx.log('WARN', `could not drop this sync's staging tables (${(err as Error).message}); the next sync drops them`);
  }
}
