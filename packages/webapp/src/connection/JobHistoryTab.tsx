// Job history: one row per job (status, started, duration, records, bytes, attempts); a row
// expands to its attempts with failure reasons, stats and their logs.
import { Fragment, useState } from 'react';
import type { Schemas } from '../api/client';
import { ACTIVE_JOB_STATUSES, useJobs } from '../api/queries';
import { formatBytes, formatDuration, formatNumber, formatTime } from '../components/format';
import { jobDisplayStatus, StatusBadge } from '../components/StatusBadge';
import { Empty, QueryView } from '../components/states';
import { LogViewer } from './LogViewer';
import { attemptProgress, jobDurationSeconds, jobRecords } from './progress';

const PAGE = 25;

export function JobHistoryTab({ connectionId }: { connectionId: string }) {
  const [pageSize, setPageSize] = useState(PAGE);
  const jobs = useJobs(connectionId, pageSize);
  const [expanded, setExpanded] = useState<number | undefined>();
  const [logs, setLogs] = useState<{ jobId: number; attemptNumber: number; running: boolean } | undefined>();
  return (
    <QueryView query={jobs} what="the job history">
      {(data) =>
        data.jobs.length === 0 ? (
          <Empty>No sync yet. Press “Sync now” on the Status tab to run the first one.</Empty>
        ) : (
          <>
            <table className="table jobs">
              <thead>
                <tr>
                  <th>Job</th>
                  <th>Status</th>
                  <th>Started</th>
                  <th>Duration</th>
                  <th>Records</th>
                  <th>Bytes</th>
                  <th>Attempts</th>
                </tr>
              </thead>
              <tbody>
                {data.jobs.map((j) => {
                  const { records, bytes } = jobRecords(j);
                  const open = expanded === j.job.id;
                  return (
                    <Fragment key={j.job.id}>
                      <tr className="clickable" data-job={j.job.id} onClick={() => setExpanded(open ? undefined : j.job.id)} aria-expanded={open}>
                        <td>
                          {open ? '▾' : '▸'} {j.job.configType === 'reset_connection' ? 'Reset' : 'Sync'} #{j.job.id}
                        </td>
                        <td>
                          <StatusBadge status={jobDisplayStatus(j.job.status)} />
                        </td>
                        <td>{formatTime(j.job.startedAt ?? j.job.createdAt)}</td>
                        <td>{formatDuration(jobDurationSeconds(j))}</td>
                        <td>{formatNumber(records)}</td>
                        <td>{formatBytes(bytes)}</td>
                        <td>{j.attempts.length}</td>
                      </tr>
                      {open && (
                        <tr className="attempts">
                          <td colSpan={7}>
                            <AttemptList job={j} onLogs={(attemptNumber, running) => setLogs({ jobId: j.job.id, attemptNumber, running })} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
            {data.totalJobCount > data.jobs.length && (
              <button type="button" className="secondary" onClick={() => setPageSize((n) => n + PAGE)}>
                Load older jobs ({data.totalJobCount - data.jobs.length} more)
              </button>
            )}
            {logs && <LogViewer {...logs} onClose={() => setLogs(undefined)} />}
          </>
        )
      }
    </QueryView>
  );
}

function AttemptList({ job, onLogs }: { job: Schemas['JobWithAttemptsRead']; onLogs: (attemptNumber: number, running: boolean) => void }) {
  if (job.attempts.length === 0) return <span className="muted">No attempt has started yet ({job.job.status}).</span>;
  return (
    <ul className="attempt-list">
      {job.attempts.map((a) => {
        const { records, bytes } = attemptProgress(a);
        const running = a.status === 'running' || ACTIVE_JOB_STATUSES.includes(job.job.status);
        return (
          <li key={a.id} data-attempt={a.id}>
            <div className="attempt-head">
              <strong>Attempt {a.id + 1}</strong> <StatusBadge status={jobDisplayStatus(a.status)} /> {formatNumber(records)} records, {formatBytes(bytes)},{' '}
              {formatDuration((a.endedAt ?? Date.now() / 1000) - a.createdAt)}
              <button type="button" className="link" onClick={() => onLogs(a.id, running)}>
                View logs
              </button>
            </div>
            {a.failureSummary?.failures.map((f, i) => (
              <div key={i} className="failure">
                <span className="muted">
                  {f.failureOrigin ?? 'unknown'} · {f.failureType ?? 'error'}
                </span>{' '}
                {f.externalMessage ?? f.internalMessage}
              </div>
            ))}
            {(a.streamStats?.length ?? 0) > 0 && (
              <div className="muted">
                {a.streamStats!.map((s) => `${s.streamName}: ${formatNumber(Math.max(s.stats.recordsCommitted ?? 0, s.stats.recordsEmitted ?? 0))}`).join(' · ')}
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
