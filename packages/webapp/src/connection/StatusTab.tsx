// Status: Sync now / Cancel / Reset, live progress of a running job (records, bytes,
// throughput, refreshed every second), and each selected stream's last status, records and freshness.
import type { Schemas } from '../api/client';
import { ACTIVE_JOB_STATUSES, useJobAction, useJobs } from '../api/queries';
import { ConfirmButton } from '../components/ConfirmButton';
import { formatAgo, formatBytes, formatNumber, formatTime } from '../components/format';
import { jobDisplayStatus, StatusBadge } from '../components/StatusBadge';
import { ErrorBox, QueryView } from '../components/states';
import { streamLabel } from './catalog';
import { attemptProgress, jobDurationSeconds, streamStatuses } from './progress';

const RECENT_JOBS = 25;

export function StatusTab({ connection }: { connection: Schemas['ConnectionRead'] }) {
  const jobs = useJobs(connection.connectionId, RECENT_JOBS);
  const action = useJobAction(connection.connectionId);
  const active = jobs.data?.jobs.find((j) => ACTIVE_JOB_STATUSES.includes(j.job.status));
  const latest = jobs.data?.jobs[0];
  const selected = connection.syncCatalog.streams.filter((s) => s.config.selected !== false).map((s) => s.stream);
  const disabled = connection.status !== 'active';
  return (
    <div>
      <div className="card status-head">
        <div>
          <div className="muted">Last job</div>
          {latest ? (
            <span data-testid="latest-job-status">
              <StatusBadge status={jobDisplayStatus(latest.job.status)} /> {latest.job.configType === 'reset_connection' ? 'Reset' : 'Sync'} #{latest.job.id},{' '}
              {formatAgo(latest.job.createdAt)} — <span data-testid="latest-job-records">{formatNumber(attemptProgress(latest.attempts.at(-1)).records)} records</span>
            </span>
          ) : (
            <span>Never synced</span>
          )}
        </div>
        <div className="actions">
          {active ? (
            <button type="button" className="secondary" disabled={action.isPending} onClick={() => action.mutate({ kind: 'cancel', jobId: active.job.id })}>
              Cancel {active.job.configType === 'reset_connection' ? 'reset' : 'sync'}
            </button>
          ) : (
            <button type="button" className="primary" disabled={action.isPending || disabled} title={disabled ? 'The connection is disabled' : undefined} onClick={() => action.mutate({ kind: 'sync' })}>
              Sync now
            </button>
          )}
          <ConfirmButton
            label="Reset data"
            danger
            disabled={Boolean(active) || action.isPending}
            confirmLabel="Reset"
            question={<p>Reset clears the data of every stream in the destination and its state, so the next sync starts over. Continue?</p>}
            onConfirm={() => action.mutate({ kind: 'reset' })}
          />
        </div>
      </div>
      {action.error && <ErrorBox error={action.error} title="The request failed" />}
      {active && <LiveProgress job={active} />}
      <QueryView query={jobs} what="the job history">
        {(data) => (
          <table className="table">
            <thead>
              <tr>
                <th>Stream</th>
                <th>Last sync</th>
                <th>Records</th>
                <th>Data freshness</th>
              </tr>
            </thead>
            <tbody>
              {streamStatuses(selected, data.jobs).map((s) => (
                <tr key={streamLabel(s)} data-stream={s.name}>
                  <td>{streamLabel(s)}</td>
                  <td>{s.lastStatus ? <StatusBadge status={jobDisplayStatus(s.lastStatus)} /> : <span className="muted">never</span>}</td>
                  <td>{s.records === undefined ? '–' : formatNumber(s.records)}</td>
                  <td title={s.freshAt ? formatTime(s.freshAt) : undefined}>{s.freshAt ? formatAgo(s.freshAt) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </div>
  );
}

function LiveProgress({ job }: { job: Schemas['JobWithAttemptsRead'] }) {
  const attempt = job.attempts.at(-1);
  const { records, bytes } = attemptProgress(attempt);
  const seconds = Math.max(1, jobDurationSeconds(job));
  return (
    <div className="card progress" data-testid="live-progress">
      <strong>
        {job.job.configType === 'reset_connection' ? 'Reset' : 'Sync'} #{job.job.id} is {job.job.status}
        {attempt ? ` (attempt ${attempt.id + 1})` : ''}
      </strong>
      <div className="progress-figures">
        <span>{formatNumber(records)} records</span>
        <span>{formatBytes(bytes)}</span>
        <span>{formatNumber(Math.round(records / seconds))} records/s</span>
        <span>{formatBytes(bytes / seconds)}/s</span>
      </div>
      {(attempt?.streamStats?.length ?? 0) > 0 && (
        <ul className="stream-progress">
          {attempt!.streamStats!.map((s) => (
            <li key={`${s.streamNamespace}.${s.streamName}`}>
              {s.streamName}: {formatNumber(Math.max(s.stats.recordsEmitted ?? 0, s.stats.recordsCommitted ?? 0))} records
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
