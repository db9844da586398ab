// The typed config and the read tuning knobs.
import { validateConfig } from '../framework/config';
import { spec, type SSL_MODES } from './spec';

export type SslModeName = (typeof SSL_MODES)[number];

export interface SslModeConfig {
  mode: SslModeName;
  ca_certificate?: string;
  client_certificate?: string;
  client_key?: string;
  client_key_password?: string;
}

export interface PostgresSourceConfig {
  host: string;
  port: number;
  database: string;
  schemas?: string[];
  username: string;
  password?: string;
  jdbc_url_params?: string;
  ssl_mode?: SslModeConfig;
  replication_method?: { method: 'Standard' } | CdcReplicationMethod;
}

export interface CdcReplicationMethod {
  method: 'CDC';
  plugin?: 'pgoutput';
  replication_slot: string;
  publication: string;
  initial_waiting_seconds?: number;
  lsn_commit_behaviour?: 'After loading Data in the destination';
}

/** The CDC settings with their defaults, or undefined for Standard replication. */
export function cdcMethod(config: PostgresSourceConfig): Required<CdcReplicationMethod> | undefined {
  const method = config.replication_method;
  if (method?.method !== 'CDC') return undefined;
  return { plugin: 'pgoutput', initial_waiting_seconds: 1200, lsn_commit_behaviour: 'After loading Data in the destination', ...method };
}

/** Validates against the spec and applies its defaults; throws a config_error naming each bad field. */
export function resolveConfig(raw: unknown): Required<Pick<PostgresSourceConfig, 'schemas' | 'ssl_mode'>> & PostgresSourceConfig {
  const config = validateConfig<PostgresSourceConfig>(spec, raw);
  return { ...config, schemas: config.schemas ?? ['public'], ssl_mode: config.ssl_mode ?? { mode: 'prefer' } };
}

export interface ReadTuning {
  /** Upper bound of rows per chunk, and so per STATE checkpoint. */
  chunkRows: number;
  /** Upper bound of table bytes per chunk (ctid ranges are sized from this). */
  chunkBytes: number;
}

function positiveIntFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Defaults keep one chunk file near 128 MB; the env overrides exist for tests and tuning. */
export function readTuningFromEnv(): ReadTuning {
  return {
    chunkRows: positiveIntFromEnv('SOURCE_POSTGRES_CHUNK_ROWS', 1_000_000),
    chunkBytes: positiveIntFromEnv('SOURCE_POSTGRES_CHUNK_MB', 128) * 1024 * 1024,
  };
}
