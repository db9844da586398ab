// The Config API's job statuses (Airbyte's JobStatus): a job is active until it succeeded,
// failed or was cancelled. One list for the server's store (one active job per connection), its job
// service and the clients that follow a job (api-client, bench). The database's index of
// active jobs (migration 002) spells the same list.
import type { components } from './openapi-types';

export type JobStatus = components['schemas']['JobStatus'];

export const ACTIVE_JOB_STATUSES: readonly JobStatus[] = ['pending', 'running', 'incomplete'];

export const isActiveJobStatus = (status: JobStatus): boolean => ACTIVE_JOB_STATUSES.includes(status);
