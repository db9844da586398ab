// Every route module the API server mounts, one export per line. Handlers are keyed by the
// path in openapi.yaml without "/v1/"; a document path without a handler answers 501.
export { healthRoutes } from './health';
export { workspaceRoutes } from './workspaces';
export { notificationRoutes } from './notifications';
export { definitionRoutes } from './definitions';
export { declarativeDefinitionRoutes } from './declarative-definitions';
export { sourceRoutes } from './sources';
export { destinationRoutes } from './destinations';
export { connectionRoutes } from './connections';
export { operationRoutes } from './operations';
export { jobRoutes } from './jobs';
export { webBackendRoutes } from './web-backend';
