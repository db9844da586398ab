// The DuckDB relation for a dataset: all its files read as one table, columns matched by name
// (a sync that added a column still reads), one reader per format, formats unioned by name.
// Files below the dataset's folder get Dremio's dir0, dir1, … columns.
import type { DataFile, DataFormat } from './lake';

const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

const READERS: Record<DataFormat, (list: string, file: string) => string> = {
  parquet: (list, file) => `read_parquet(${list}, union_by_name = true${file})`,
  csv: (list, file) => `read_csv(${list}, union_by_name = true, header = true${file})`,
  json: (list, file) => `read_json(${list}, format = 'newline_delimited', union_by_name = true${file})`,
};

const FILE_COLUMN = '__lake_query_file';

export function datasetSql(files: DataFile[]): string {
  const depth = Math.max(0, ...files.map((f) => f.dirs.length));
  const formats = [...new Set(files.map((f) => f.format))].sort();
  const parts = formats.map((format) => {
    const urls = files.filter((f) => f.format === format).map((f) => literal(f.url));
    return `SELECT * FROM ${READERS[format](`[${urls.join(', ')}]`, depth ? `, filename = ${literal(FILE_COLUMN)}` : '')}`;
  });
  const union = parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' UNION ALL BY NAME ');
  if (!depth) return `(${union})`;
  // dirN from each file's own path: the folders between the dataset and the file, NULL past its depth.
  const byUrl = new Map(files.map((f) => [f.url, f.dirs]));
  const dirsOf = (i: number) =>
    `CASE ${FILE_COLUMN} ${[...byUrl].filter(([, dirs]) => dirs[i] !== undefined).map(([url, dirs]) => `WHEN ${literal(url)} THEN ${literal(dirs[i])}`).join(' ')} END AS dir${i}`;
  const dirColumns = Array.from({ length: depth }, (_, i) => dirsOf(i));
  return `(SELECT * EXCLUDE (${FILE_COLUMN}), ${dirColumns.join(', ')} FROM (${union}))`;
}
