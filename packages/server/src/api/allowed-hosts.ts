// The DNS-rebinding guard: a page on evil.example whose name is re-pointed at 127.0.0.1 reaches
// this server with `Host: evil.example`. Only the names this server is meant to be called by
// are answered: the loopback names, the bind address and the configured extra names.
import { HostNotAllowedError } from './http-errors';
import { hostForUrl, isWildcardHost, LOOPBACK_HOST_NAMES } from './host-names';

export interface HostCheckOptions {
  /** The address the server binds; accepted as a name unless it is a wildcard (0.0.0.0, ::). */
  bindHost: string;
  /** Further names (`name` on the API's port, or `name:port`); `*` accepts any Host. */
  extraHosts?: readonly string[];
}

/** `[::1]:8001` → { name: '[::1]', port: 8001 }; no port means HTTP's default, 80. */
function parseHostHeader(host: string): { name: string; port: number } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(host);
  if (!match) return undefined;
  return { name: match[1].toLowerCase(), port: match[2] === undefined ? 80 : Number(match[2]) };
}

/** Returns a check that throws HostNotAllowedError unless `host` names this server on `localPort`. */
export function createHostCheck(options: HostCheckOptions): (host: string | undefined, localPort: number) => void {
  const extra = options.extraHosts ?? [];
  if (extra.includes('*')) return () => {};
  const names = new Set([...LOOPBACK_HOST_NAMES, ...(isWildcardHost(options.bindHost) ? [] : [hostForUrl(options.bindHost)]), ...extra].map((n) => n.toLowerCase()));
  return (host, localPort) => {
    const parsed = host === undefined ? undefined : parseHostHeader(host);
    if (parsed && (names.has(`${parsed.name}:${parsed.port}`) || (parsed.port === localPort && names.has(parsed.name)))) return;
    const shown = host === undefined ? 'missing' : JSON.stringify(host.slice(0, 100));
    throw new HostNotAllowedError(
      `Host header ${shown} is not allowed: this server answers to ${[...names].join(', ')} on port ${localPort}; ` +
        'to call it by another name, add that name to PLATFORM_API_ALLOWED_HOSTS (api.allowed_hosts in config/platform.yaml)',
    );
  };
}
