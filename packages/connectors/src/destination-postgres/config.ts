// The config as users write it (Airbyte's field names), validated against the spec with its
// defaults filled in.
import { validateConfig } from '../framework/config';
import type { SslModeConfig } from '../source-postgres/config';
import { spec, type NORMALIZATION_MODES } from './spec';

export type Normalization = (typeof NORMALIZATION_MODES)[number];

export interface PostgresDestinationConfig {
  host: string;
  port: number;
  database: string;
  schema: string;
  username: string;
  password?: string;
  ssl_mode?: SslModeConfig;
  normalization?: Normalization;
}

export type ResolvedConfig = Required<Pick<PostgresDestinationConfig, 'schema' | 'ssl_mode' | 'normalization'>> & PostgresDestinationConfig;

/** Throws a config_error naming each bad field. */
export function resolveConfig(raw: unknown): ResolvedConfig {
  const config = validateConfig<PostgresDestinationConfig>(spec, raw);
  return { ...config, schema: config.schema ?? 'public', ssl_mode: config.ssl_mode ?? { mode: 'prefer' }, normalization: config.normalization ?? 'none' };
}
