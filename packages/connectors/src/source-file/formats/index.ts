import type { FileFormat } from '../config';
import type { ReaderOptions } from '../reader-options';
import { csvFormat } from './csv';
import type { FormatReader } from './format';
import { jsonlFormat } from './jsonl';

export type { FormatReader } from './format';

export function formatReader(format: FileFormat, options: ReaderOptions): FormatReader {
  return format === 'csv' ? csvFormat(options) : jsonlFormat(options);
}
