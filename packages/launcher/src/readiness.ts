// When each platform process counts as up: one wait strategy per service, used by the
// supervisor to start it and by `platform status` to probe it.
import { wait, type WaitStrategy } from '@platform/services';

/** Up once it answers /health at all: 503 only says a dependency is down, which the server reports rather than depends on. */
export const serverReady = (apiUrl: string): WaitStrategy => wait.forHttp(`${apiUrl}/api/v1/health`, { status: [200, 503] });
/** SeaweedFS's own readiness (@platform/services' SeaweedService waits for it too). */
export const s3Ready = (url: string): WaitStrategy => wait.forHttp(`${url}/healthz`);
export const postgresReady = (port: number): WaitStrategy => wait.forListeningPorts('127.0.0.1', port);
export const queryReady = (url: string): WaitStrategy => wait.forHttp(`${url}/apiv2/server_status`);
export const webappReady = (url: string): WaitStrategy => wait.forHttp(`${url}/`);
/** The worker serves nothing: it says when its job loops run. */
export const workerReady = (): WaitStrategy => wait.forLogMessage(/"msg":"worker started"/);
