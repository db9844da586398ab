// `platform status` of a running platform: each service's state as the supervisor sees it,
// checked against the process (a killed one shows as down before the supervisor notices),
// its probe, and the server's view of its dependencies.
import { isPidAlive, processTreeMemoryMiB } from '@platform/services';
import { apiHealth, checkHealth, type ApiHealth } from './health';
import type { RunFile, ServiceRecord } from './run-file';
import { describeState } from './supervision';
import { formatTable } from './table';

/** "up", "restarting (2)", "down", "failed: …". */
export function serviceState(service: ServiceRecord): string {
  // Run files of older supervisors carry no state: the process is all there is to go on.
  if (service.state === undefined) return isPidAlive(service.pid) ? 'up' : 'down';
  if (service.state === 'up' && !isPidAlive(service.pid)) return 'down';
  return describeState(service);
}

/** Prints the services and the dependencies' health; true when everything is up and healthy. */
export async function printServicesStatus(run: RunFile): Promise<boolean> {
  const [health, api] = await Promise.all([Promise.all(run.services.map(checkHealth)), apiHealth(run.apiUrl).catch((error: Error) => error)]);
  const memory = (pid: number) => {
    const mib = processTreeMemoryMiB(pid);
    return mib === undefined ? '-' : `${Math.round(mib)} MiB`;
  };
  const states = run.services.map(serviceState);
  const rows = run.services.map((s, i) => [
    s.name,
    states[i],
    health[i].detail,
    String(s.restarts ?? 0),
    s.port === null ? '-' : String(s.port),
    String(s.pid),
    isPidAlive(s.pid) ? memory(s.pid) : '-',
    s.url ?? '-',
  ]);
  console.log(formatTable(['SERVICE', 'STATE', 'HEALTH', 'RESTARTS', 'PORT', 'PID', 'MEMORY', 'URL'], rows));
  console.log(`\ndependencies (server /api/v1/health): ${describeDependencies(api)}`);
  for (const s of run.services) {
    if (s.lastExit) console.log(`${s.name}: last exit ${s.lastExit.cause} at ${s.lastExit.at}; restarted ${s.restarts} time${s.restarts === 1 ? '' : 's'}`);
  }
  console.log(`\ntotal memory ${memory(run.supervisorPid)} with the supervisor (PSS of each service's processes)`);
  const dependenciesOk = !(api instanceof Error) && api.available;
  return dependenciesOk && states.every((state) => state === 'up') && health.every((h) => h.ok);
}

function describeDependencies(api: ApiHealth | Error): string {
  if (api instanceof Error) return `unknown, the server does not answer (${api.message})`;
  const entries = Object.entries(api.dependencies ?? {});
  if (entries.length === 0) return api.available ? 'available' : 'unavailable';
  return entries.map(([name, d]) => (d.available ? `${name} available` : `${name} UNAVAILABLE (${d.error ?? 'no detail'})`)).join(', ');
}
