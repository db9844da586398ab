// Dremio's S3 source (`POST /api/v3/catalog`, entityType "source", type "S3"): its config as the
// guide fills it in (access key, secret, root path, fs.s3a.endpoint, fs.s3a.path.style.access,
// dremio.s3.compat), checked here and turned into what DuckDB and the S3 client need.

export interface S3SourceConfig {
  accessKey: string;
  accessSecret: string;
  rootPath: string;
  secure: boolean;
  compatibilityMode: boolean;
  whitelistedBuckets: string[];
  propertyList: { name: string; value: string }[];
  credentialType: 'ACCESS_KEY';
}

export interface S3Connection {
  /** host:port, without scheme (what DuckDB's ENDPOINT takes). */
  endpointHost: string;
  useSsl: boolean;
  pathStyle: boolean;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Only these buckets, when the source lists them (whitelistedBuckets). */
  buckets?: string[];
}

export class InvalidSourceError extends Error {
  override name = 'InvalidSourceError';
}

/** Dremio shows this instead of a stored secret; sending it back keeps the stored one. */
export const EXISTING_VALUE = '$DREMIO_EXISTING_VALUE$';

export function parseS3Config(raw: unknown, existingSecret?: string): S3SourceConfig {
  if (!raw || typeof raw !== 'object') throw new InvalidSourceError('config: an S3 source needs a config object');
  const config = raw as Record<string, unknown>;
  const text = (key: string): string => {
    const value = config[key];
    if (typeof value !== 'string' || value === '') throw new InvalidSourceError(`config.${key} is required (a non-empty string)`);
    return value;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const value = config[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') throw new InvalidSourceError(`config.${key} must be true or false`);
    return value;
  };
  if (config.credentialType !== undefined && config.credentialType !== 'ACCESS_KEY') {
    throw new InvalidSourceError(`config.credentialType "${String(config.credentialType)}" is not supported; use ACCESS_KEY`);
  }
  const propertyList = config.propertyList ?? [];
  if (!Array.isArray(propertyList) || !propertyList.every((p) => p && typeof p.name === 'string' && ['string', 'boolean', 'number'].includes(typeof p.value))) {
    throw new InvalidSourceError('config.propertyList must be a list of {name, value}');
  }
  const buckets = config.whitelistedBuckets ?? [];
  if (!Array.isArray(buckets) || !buckets.every((b) => typeof b === 'string' && b !== '')) throw new InvalidSourceError('config.whitelistedBuckets must be a list of bucket names');
  const accessSecret = config.accessSecret === EXISTING_VALUE && existingSecret !== undefined ? existingSecret : text('accessSecret');
  const rootPath = config.rootPath === undefined ? '/' : text('rootPath');
  if (!rootPath.startsWith('/')) throw new InvalidSourceError(`config.rootPath must start with "/" (got "${rootPath}")`);
  const parsed: S3SourceConfig = {
    accessKey: text('accessKey'),
    accessSecret,
    rootPath,
    secure: flag('secure', false),
    compatibilityMode: flag('compatibilityMode', false),
    whitelistedBuckets: buckets as string[],
    propertyList: (propertyList as { name: string; value: unknown }[]).map((p) => ({ name: p.name, value: String(p.value) })),
    credentialType: 'ACCESS_KEY',
  };
  s3Connection(parsed); // the endpoint must parse
  return parsed;
}

const property = (config: S3SourceConfig, name: string) => config.propertyList.find((p) => p.name === name)?.value;

export function s3Connection(config: S3SourceConfig): S3Connection {
  const endpoint = property(config, 'fs.s3a.endpoint');
  let endpointHost = 's3.amazonaws.com';
  let useSsl = config.secure;
  if (endpoint) {
    const match = /^(?:(https?):\/\/)?([^/\s:]+(?::\d{1,5})?)\/?$/.exec(endpoint.trim());
    if (!match) throw new InvalidSourceError(`config.propertyList fs.s3a.endpoint must be host:port (got "${endpoint}")`);
    endpointHost = match[2];
    if (match[1]) useSsl = match[1] === 'https';
  }
  const ssl = property(config, 'fs.s3a.connection.ssl.enabled');
  if (ssl !== undefined) useSsl = ssl === 'true';
  return {
    endpointHost,
    useSsl,
    pathStyle: property(config, 'fs.s3a.path.style.access') === 'true' || config.compatibilityMode || property(config, 'dremio.s3.compat') === 'true',
    region: property(config, 'fs.s3a.endpoint.region') ?? 'us-east-1',
    accessKeyId: config.accessKey,
    secretAccessKey: config.accessSecret,
    buckets: config.whitelistedBuckets.length ? config.whitelistedBuckets : undefined,
  };
}

/** Path parts of the source's root: `/` → [], `/datalake/raw` → ['datalake', 'raw']. */
export const rootSegments = (config: S3SourceConfig): string[] => config.rootPath.split('/').filter(Boolean);
