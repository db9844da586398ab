// The one DuckDB instance of the service, locked down by DuckDB's own configuration before any
// user SQL runs: httpfs loaded from the wheel's file, then no file system access outside
// s3:// (local files, http(s):// URLs and other extensions are refused by DuckDB itself), no
// auto-install/auto-load, and the configuration locked so no query can change it back.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import type { S3Connection } from '../catalog/sources';

export interface EngineOptions {
  /** httpfs.duckdb_extension (findHttpfsExtension()). */
  httpfsExtension: string;
  /** DuckDB memory_limit in MiB; it spills to tempDir beyond it. */
  memoryLimitMiB: number;
  threads: number;
  tempDir: string;
}

export class LakeDuckDb {
  private constructor(private readonly instance: DuckDBInstance, private readonly admin: DuckDBConnection) {}

  static async open(options: EngineOptions): Promise<LakeDuckDb> {
    mkdirSync(options.tempDir, { recursive: true });
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: `${options.memoryLimitMiB}MiB`,
      threads: String(options.threads),
      temp_directory: options.tempDir,
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      allow_community_extensions: 'false',
      allow_persistent_secrets: 'false',
    });
    const admin = await instance.connect();
    try {
      await admin.run(`LOAD '${options.httpfsExtension.replaceAll("'", "''")}'`);
      await admin.run(`SET TimeZone = 'UTC'`);
      await admin.run('CREATE SCHEMA lq_results');
      await admin.run(`SET allowed_directories = ['s3://']`);
      await admin.run('SET enable_external_access = false');
      await admin.run('SET lock_configuration = true');
    } catch (error) {
      admin.closeSync();
      instance.closeSync();
      throw error;
    }
    return new LakeDuckDb(instance, admin);
  }

  /** The credentials DuckDB uses for a source's buckets (a temporary, in-memory secret). */
  async setSourceSecret(id: string, s3: S3Connection): Promise<void> {
    const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;
    const scope = s3.buckets?.length ? `[${s3.buckets.map((b) => literal(`s3://${b}/`)).join(', ')}]` : literal('s3://');
    await this.admin.run(
      `CREATE OR REPLACE TEMPORARY SECRET ${secretName(id)} (TYPE s3, KEY_ID ${literal(s3.accessKeyId)}, SECRET ${literal(s3.secretAccessKey)}, ` +
        `ENDPOINT ${literal(s3.endpointHost)}, URL_STYLE ${literal(s3.pathStyle ? 'path' : 'vhost')}, USE_SSL ${s3.useSsl}, ` +
        `REGION ${literal(s3.region)}, SCOPE ${scope})`,
    );
  }

  async dropSourceSecret(id: string): Promise<void> {
    await this.admin.run(`DROP TEMPORARY SECRET IF EXISTS ${secretName(id)}`);
  }

  /** Runs the service's own statements (result tables), never user SQL. */
  async runAdmin(sql: string): Promise<void> {
    await this.admin.run(sql);
  }

  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  close(): void {
    this.admin.closeSync();
    this.instance.closeSync();
  }
}

const secretName = (id: string) => `source_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
