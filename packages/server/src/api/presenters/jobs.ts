// Jobs and attempts → the API's JobRead, AttemptRead, JobInfoRead and JobReadList.
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { JobDetails, JobView, JobWithAttempts } from '../../services/jobs';
import { epochSeconds } from '../../shared/epoch-seconds';
import { PLATFORM_VERSION } from '../../shared/platform-version';
import type { ConnectorDefinition } from '@platform/connectors';
import type { Attempt } from '../../store/job-store';
import { toDestinationDefinitionRead, toSourceDefinitionRead } from './definitions';
import { toApiStreamDescriptor } from './stream-descriptor';

export function toJobRead({ job, streamsToReset }: JobView): ApiSchemas['JobRead'] {
  return {
    id: job.id,
    configType: job.configType,
    configId: job.connectionId,
    createdAt: epochSeconds(job.createdAt),
    updatedAt: epochSeconds(job.updatedAt),
    ...(job.startedAt ? { startedAt: epochSeconds(job.startedAt) } : {}),
    status: job.status,
    ...(streamsToReset ? { resetConfig: { streamsToReset: streamsToReset.map(toApiStreamDescriptor) } } : {}),
  };
}

export function toAttemptRead(a: Attempt): ApiSchemas['AttemptRead'] {
  return {
    id: a.attemptNumber,
    status: a.status,
    createdAt: epochSeconds(a.createdAt),
    updatedAt: epochSeconds(a.updatedAt),
    ...(a.endedAt ? { endedAt: epochSeconds(a.endedAt) } : {}),
    bytesSynced: a.bytesSynced,
    recordsSynced: a.recordsSynced,
    totalStats: a.totalStats,
    streamStats: a.streamStats,
    ...(a.failureSummary ? { failureSummary: a.failureSummary } : {}),
  };
}

export function toAttemptInfoRead({ attempt, logLines }: { attempt: Attempt; logLines: string[] }): ApiSchemas['AttemptInfoRead'] {
  return { attempt: toAttemptRead(attempt), logs: { logLines } };
}

export function toJobInfoRead(details: JobDetails): ApiSchemas['JobInfoRead'] {
  return { job: toJobRead(details), attempts: details.attempts.map(toAttemptInfoRead) };
}

export function toJobDebugInfoRead(
  details: JobDetails,
  definitions: { source: ConnectorDefinition; destination: ConnectorDefinition },
): ApiSchemas['JobDebugInfoRead'] {
  const { job, attempts } = toJobInfoRead(details);
  return {
    job: {
      id: job.id,
      configType: job.configType,
      configId: job.configId,
      status: job.status,
      airbyteVersion: PLATFORM_VERSION,
      sourceDefinition: toSourceDefinitionRead(definitions.source),
      destinationDefinition: toDestinationDefinitionRead(definitions.destination),
    },
    attempts,
  };
}

export function toJobReadList({ jobs, total }: { jobs: JobWithAttempts[]; total: number }): ApiSchemas['JobReadList'] {
  return { jobs: jobs.map((j) => ({ job: toJobRead(j), attempts: j.attempts.map(toAttemptRead) })), totalJobCount: total };
}

export function toAttemptLogsRead(page: { lines: string[]; total: number }, offset: number): ApiSchemas['AttemptLogsRead'] {
  return { logLines: page.lines, offset, totalLines: page.total };
}
