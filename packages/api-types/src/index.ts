// The Config API's types, generated from packages/server/openapi.yaml (`pnpm --filter
// @platform/server generate`; the server's openapi.test.ts fails when they drift), and the
// job statuses both the server and its clients use. A leaf: it imports nothing, so the
// api-client gets the API's shape without the server.
export type { components, operations, paths } from './openapi-types';
export { ACTIVE_JOB_STATUSES, isActiveJobStatus, type JobStatus } from './job-statuses';
