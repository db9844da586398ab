// One DuckDB per sync, bounded so memory stays flat however large the stream: a fixed memory
// limit (spilling to the sync's temp dir beyond it), a fixed thread count, and no insertion
// order to preserve (files are unordered sets of rows; this also lets DuckDB stream row
// groups out instead of buffering).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ConnectorLimits } from '../framework/connector';

const DEFAULT_DUCKDB_MEMORY_LIMIT = '256MB';
const MIN_DUCKDB_MEMORY_MIB = 64;

/**
 * DuckDB's memory is native, outside the V8 heap, and spills past its limit: it gets half of
 * the connector's memory when the platform gives one; else DESTINATION_S3_DUCKDB_MEMORY_LIMIT
 * (a CLI run's setting) or 256MB.
 */
export function duckDbMemoryLimit(limits: ConnectorLimits | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (limits) return `${Math.max(MIN_DUCKDB_MEMORY_MIB, Math.floor(limits.memoryMiB / 2))}MiB`;
  return env.DESTINATION_S3_DUCKDB_MEMORY_LIMIT || DEFAULT_DUCKDB_MEMORY_LIMIT;
}

export interface DuckDb {
  connection: DuckDBConnection;
  close(): void;
}

export async function openDuckDb(tempDir: string, limits?: ConnectorLimits): Promise<DuckDb> {
  // Loaded here, not at module load: the native library takes ~0.25 CPU s, which a sync spends
  // while its source runs the first COPY instead of before the process can start (write.ts).
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: duckDbMemoryLimit(limits),
    threads: process.env.DESTINATION_S3_DUCKDB_THREADS || String(availableParallelism()),
    preserve_insertion_order: 'false',
    temp_directory: join(tempDir, 'duckdb-spill'),
    // json and parquet are built in; nothing may be fetched from the network.
    autoinstall_known_extensions: 'false',
  });
  const connection = await instance.connect();
  // Timestamps are written in UTC whatever the host's zone (ICU loads only after startup).
  await connection.run(`SET TimeZone = 'UTC'`);
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
