export { startWebappServer, type WebappServer, type WebappServerOptions } from './static-server';
export { buildWebapp, ensureWebappBuilt, webappBuilt, WEBAPP_DIST, WEBAPP_ROOT } from './build';
