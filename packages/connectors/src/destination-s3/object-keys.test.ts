import { describe, expect, it } from 'vitest';
import { parseKeyTemplate, StreamObjectKeys, templatePathProblems } from './object-keys';
import { DEFAULT_S3_PATH_FORMAT } from './spec';

const SYNC_TIME = new Date(Date.UTC(2025, 9, 16, 10, 5, 7, 42));
const EPOCH = SYNC_TIME.getTime();
const keysOf = (bucketPath: string, stream: { name: string; namespace?: string | null }, pathFormat = DEFAULT_S3_PATH_FORMAT, fileNamePattern?: string, extension = '.parquet') =>
  new StreamObjectKeys(parseKeyTemplate(bucketPath, pathFormat, fileNamePattern), stream, extension, SYNC_TIME, 7);

describe('object keys', () => {
  it('follows Airbyte default layout: <path>/<namespace>/<stream>/<date>_<epoch>_<part>.<ext>', () => {
    const keys = keysOf('airbyte-data', { name: 'customers', namespace: 'public' });
    expect(keys.keyFor(0)).toBe(`airbyte-data/public/customers/2025_10_16_${EPOCH}_0.parquet`);
    expect(keys.listPrefix).toBe('airbyte-data/public/customers/');
    expect(keys.thisSyncPrefix).toBe(`airbyte-data/public/customers/2025_10_16_${EPOCH}_`);
  });

  it('collapses the slashes an empty namespace leaves and substitutes variables in the bucket path too', () => {
    expect(keysOf('/lake//', { name: 'orders' }).keyFor(3)).toBe(`lake/orders/2025_10_16_${EPOCH}_3.parquet`);
    const guide = keysOf('airbyte-data/${NAMESPACE}/${STREAM_NAME}', { name: 'customers', namespace: 'production_public' }, '${YEAR}/${MONTH}/${DAY}/${HOUR}${MINUTE}${SECOND}${MILLISECOND}_');
    expect(guide.keyFor(0)).toBe('airbyte-data/production_public/customers/2025/10/16/100507042_0.parquet');
  });

  it("recognises the stream's objects from any sync and format, and nothing that only shares a prefix", () => {
    const keys = keysOf('lake', { name: 'customers', namespace: 'public' }, '${NAMESPACE}/${STREAM_NAME}_${EPOCH}_');
    expect(keys.listPrefix).toBe('lake/public/customers_');
    expect(keys.isStreamObject('lake/public/customers_1700000000000_12.parquet')).toBe(true);
    expect(keys.isStreamObject('lake/public/customers_1700000000000_0.jsonl.gz')).toBe(true);
    expect(keys.isStreamObject('lake/public/customers_addresses_1700000000000_0.parquet')).toBe(false);
    expect(keys.isStreamObject('lake/public/customers_1700000000000_0.parquet.tmp')).toBe(false);
  });

  it('reads part numbers only from keys this sync could have written', () => {
    const keys = keysOf('lake', { name: 's' });
    expect(keys.partNumberOf(`lake/s/2025_10_16_${EPOCH}_4.parquet`)).toBe(4);
    expect(keys.partNumberOf('lake/s/2025_10_16_1_4.parquet')).toBeUndefined();
  });

  it('uses file_name_pattern placeholders, adding the part number and extension when missing', () => {
    expect(keysOf('p', { name: 's' }, '${STREAM_NAME}/', '{date}_{sync_id}_{part_number}{format_extension}').keyFor(2)).toBe('p/s/2025_10_16_7_2.parquet');
    expect(keysOf('p', { name: 's' }, '${STREAM_NAME}/', '{timestamp}', '.csv.gz').keyFor(0)).toBe(`p/s/${EPOCH}_0.csv.gz`);
    const uuid = keysOf('p', { name: 's' }, '${STREAM_NAME}/${UUID}/');
    expect(uuid.keyFor(0)).toMatch(/^p\/s\/[0-9a-f-]{36}\/0\.parquet$/);
    expect(uuid.isStreamObject(uuid.keyFor(1))).toBe(true);
  });

  it('refuses unknown variables as a config error', () => {
    expect(() => parseKeyTemplate('p', '${NAMESPACE}/${TABLE}/')).toThrowError(expect.objectContaining({ failureType: 'config_error', message: expect.stringMatching(/s3_path_format uses unknown variable "\$\{TABLE\}"/) }));
    expect(() => parseKeyTemplate('p', DEFAULT_S3_PATH_FORMAT, '{hour}')).toThrowError(/file_name_pattern uses unknown variable "\{hour\}"/);
  });

  it('accepts templates that give each stream a path segment of its own', () => {
    for (const [bucketPath, pathFormat] of [
      ['airbyte-data', DEFAULT_S3_PATH_FORMAT],
      ['airbyte-data/${NAMESPACE}/${STREAM_NAME}', DEFAULT_S3_PATH_FORMAT.replace('${NAMESPACE}/${STREAM_NAME}/', '')],
      ['', '${YEAR}/${MONTH}/raw_${STREAM_NAME}/${UUID}/'],
      ['/lake//', '${STREAM_NAME}/'],
    ]) {
      expect(templatePathProblems(bucketPath, pathFormat), `${bucketPath} + ${pathFormat}`).toEqual([]);
    }
  });

  it('names the field whose template cannot keep streams apart or leaves the bucket path', () => {
    const problems = (bucketPath: string, pathFormat: string, fileNamePattern?: string) => [...new Set(templatePathProblems(bucketPath, pathFormat, fileNamePattern).map((p) => p.path))];
    expect(problems('p', '${STREAM_NAME}${EPOCH}_')).toEqual(['s3_path_format']);
    expect(problems('p', '${NAMESPACE}/${STREAM_NAME}')).toEqual(['s3_path_format']);
    expect(problems('p', '${NAMESPACE}${STREAM_NAME}/')).toEqual(['s3_path_format']);
    expect(problems('p', '${YEAR}${STREAM_NAME}/')).toEqual(['s3_path_format']);
    expect(problems('p/${STREAM_NAME}_x', '${EPOCH}_')).toEqual(['s3_bucket_path']);
    expect(problems('p', '${NAMESPACE}/data_')).toEqual(['s3_path_format']);
    expect(problems('..', '${STREAM_NAME}/')).toEqual(['s3_bucket_path']);
    expect(problems('p', '${STREAM_NAME}/', '{part_number}/../x')).toEqual(['file_name_pattern']);
    expect(problems('p/.${NAMESPACE}', '${STREAM_NAME}/')).toEqual(['s3_bucket_path']);
    expect(templatePathProblems('p', '${TABLE}/')).toEqual([{ path: 's3_path_format', message: expect.stringMatching(/^uses unknown variable "\$\{TABLE\}"/) }]);
  });

  it('encodes names into one key segment: a name that could leave the path or confuse a reader gets a readable, unique form', () => {
    const keys = keysOf('lake', { name: '../../etc', namespace: 'a/b' }, '${NAMESPACE}/${STREAM_NAME}/');
    expect(keys.keyFor(0)).toMatch(/^lake\/a_b_[0-9a-f]{8}\/______etc_[0-9a-f]{8}\/0\.parquet$/);
    expect(keysOf('lake', { name: 'a.b' }, '${STREAM_NAME}/').keyFor(0)).toBe('lake/a.b/0.parquet');
    expect(keysOf('lake', { name: 'a/b' }, '${STREAM_NAME}/').keyFor(0)).not.toBe(keysOf('lake', { name: 'a_b' }, '${STREAM_NAME}/').keyFor(0));
  });
});
