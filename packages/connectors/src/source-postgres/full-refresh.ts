// Resumable full refresh: tables are read in ctid page ranges (TID Range Scans, PostgreSQL 14+),
// one COPY chunk per range, each followed by a STATE naming the next page. Views and
// partitioned parents have no usable ctid and are read in one chunk.
import { streamStateMessage } from '@platform/protocol';
import type { SourceOutput } from '../framework/batches';
import { isCtidScannable } from './catalog';
import { FULL_REFRESH_COMPLETE_STATE, ctidPage, ctidState, isCtidState } from './state';
import { copyChunk, type RelationStats, type StreamRun } from './stream-run';
import type { ReadTuning } from './config';

/** Pages per chunk so that a chunk stays under both the row and the byte budget. */
export function pagesPerChunk(stats: RelationStats, tuning: ReadTuning): number {
  const byBytes = Math.floor(tuning.chunkBytes / stats.blockSize);
  const rowsPerPage = stats.reltuples > 0 && stats.relpages > 0 ? stats.reltuples / stats.relpages : 0;
  const byRows = rowsPerPage > 0 ? Math.ceil(tuning.chunkRows / rowsPerPage) : Infinity;
  return Math.max(1, Math.min(byBytes, byRows));
}

/** The page to resume from, or 0 when the state is absent, finished or from an older table file. */
function resumePage(run: StreamRun): number {
  const state = run.priorState;
  if (!isCtidState(state)) return 0;
  if (state.relation_filenode !== run.stats.filenode) {
    run.ctx.log('WARN', `${run.table.namespace}.${run.table.name} was rewritten since the last checkpoint; reading it from the start.`);
    return 0;
  }
  return ctidPage(state) ?? 0;
}

export async function* readFullRefresh(run: StreamRun, tidRangeScans: boolean): AsyncGenerator<SourceOutput> {
  if (!isCtidScannable(run.table) || !tidRangeScans || run.stats.filenode === null) {
    const { batch, rowCount } = await copyChunk(run, '');
    if (batch) yield batch;
    yield streamStateMessage(run.descriptor, { ...FULL_REFRESH_COMPLETE_STATE }, rowCount);
    return;
  }
  const step = pagesPerChunk(run.stats, run.tuning);
  for (let page = resumePage(run); ; page += step) {
    const next = page + step;
    // The last range is open-ended so rows beyond the measured size are never missed.
    const isLast = next >= run.stats.blocks;
    const range = `WHERE ctid >= '(${page},0)'::tid` + (isLast ? '' : ` AND ctid < '(${next},0)'::tid`);
    const { batch, rowCount } = await copyChunk(run, range);
    if (batch) yield batch;
    const state = isLast ? { ...FULL_REFRESH_COMPLETE_STATE } : ctidState(next, run.stats.filenode);
    yield streamStateMessage(run.descriptor, state, rowCount);
    if (isLast) return;
  }
}
