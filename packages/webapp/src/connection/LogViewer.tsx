// An attempt's log in a modal: lines are fetched a page at a time (attempt/get_logs) as they
// scroll into view and rendered virtualized, so a 50 MB log stays responsive. The line count
// is refreshed while the attempt runs; "Download" saves the whole log as a text file.
import { useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { api, unwrap } from '../api/client';
import { ErrorBox } from '../components/states';

const PAGE_LINES = 1000;
const DOWNLOAD_PAGE_LINES = 10_000;
const LINE_HEIGHT = 18;

export function fetchLogPage(jobId: number, attemptNumber: number, offset: number, limit: number) {
  return unwrap('attempt/get_logs', api.POST('/v1/attempt/get_logs', { body: { jobId, attemptNumber, offset, limit } }));
}

/** Every line of the attempt, fetched in large pages, as one text. */
export async function wholeLog(jobId: number, attemptNumber: number): Promise<string> {
  const parts: string[] = [];
  for (let offset = 0; ; ) {
    const page = await fetchLogPage(jobId, attemptNumber, offset, DOWNLOAD_PAGE_LINES);
    if (page.logLines.length === 0) break;
    parts.push(page.logLines.join('\n'));
    offset += page.logLines.length;
    if (offset >= page.totalLines) break;
  }
  return parts.join('\n') + '\n';
}

export function LogViewer({ jobId, attemptNumber, running, onClose }: { jobId: number; attemptNumber: number; running: boolean; onClose: () => void }) {
  const [pages, setPages] = useState<Map<number, string[]>>(new Map());
  const loading = useRef(new Set<number>());
  const [downloadError, setDownloadError] = useState<unknown>();
  const [downloading, setDownloading] = useState(false);
  const head = useQuery({
    queryKey: ['logs', jobId, attemptNumber, 'head'],
    queryFn: () => fetchLogPage(jobId, attemptNumber, 0, PAGE_LINES),
    refetchInterval: running ? 2000 : false,
  });
  const total = head.data?.totalLines ?? 0;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => LINE_HEIGHT, overscan: 40 });
  const items = virtualizer.getVirtualItems();
  const firstPage = items.length ? Math.floor(items[0].index / PAGE_LINES) : 0;
  const lastPage = items.length ? Math.floor(items[items.length - 1].index / PAGE_LINES) : 0;

  useEffect(() => {
    if (head.data) setPages((p) => new Map(p).set(0, head.data.logLines));
  }, [head.data]);

  useEffect(() => {
    for (let page = firstPage; page <= lastPage; page++) {
      const have = pages.get(page);
      // A page is fetched once, and again while the attempt still writes into it.
      if ((have && (have.length === PAGE_LINES || !running)) || loading.current.has(page) || page === 0) continue;
      loading.current.add(page);
      fetchLogPage(jobId, attemptNumber, page * PAGE_LINES, PAGE_LINES)
        .then((r) => setPages((p) => new Map(p).set(page, r.logLines)))
        .catch(() => undefined)
        .finally(() => loading.current.delete(page));
    }
  }, [firstPage, lastPage, pages, jobId, attemptNumber, running, total]);

  const download = async () => {
    setDownloading(true);
    setDownloadError(undefined);
    try {
      const blob = new Blob([await wholeLog(jobId, attemptNumber)], { type: 'text/plain' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `job-${jobId}-attempt-${attemptNumber + 1}.log`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setDownloadError(error);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="modal logs" role="dialog" aria-modal="true" aria-label={`Logs of job ${jobId}, attempt ${attemptNumber + 1}`} onClick={(e) => e.stopPropagation()}>
        <header className="modal-header">
          <strong>
            Job {jobId}, attempt {attemptNumber + 1} — <span data-testid="log-line-count">{total.toLocaleString('en-US')} lines</span>
          </strong>
          <div className="actions">
            <button type="button" className="secondary" disabled={downloading || total === 0} onClick={() => void download()}>
              {downloading ? 'Preparing…' : 'Download'}
            </button>
            <button type="button" className="secondary" onClick={() => virtualizer.scrollToIndex(Math.max(0, total - 1), { align: 'end' })} disabled={total === 0}>
              Go to end
            </button>
            <button type="button" className="secondary" onClick={onClose}>
              Close
            </button>
          </div>
        </header>
        {head.error && <ErrorBox error={head.error} title="Could not load the log" />}
        {downloadError !== undefined && <ErrorBox error={downloadError} title="Could not download the log" />}
        {head.data && total === 0 && <div className="state empty">This attempt has not logged anything yet.</div>}
        <div ref={scrollRef} className="log-scroll" data-testid="log-scroll">
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((row) => {
              const line = pages.get(Math.floor(row.index / PAGE_LINES))?.[row.index % PAGE_LINES];
              return (
                <div key={row.index} className="log-line" style={{ position: 'absolute', top: 0, left: 0, right: 0, height: LINE_HEIGHT, transform: `translateY(${row.start}px)` }}>
                  <span className="log-no">{row.index + 1}</span>
                  <span className={line === undefined ? 'muted' : /\bERROR\b/.test(line) ? 'log-error' : /\bWARN\b/.test(line) ? 'log-warn' : ''}>{line ?? '…'}</span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
