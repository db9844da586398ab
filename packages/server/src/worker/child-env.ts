// The replication child's environment: an allow-list, never the worker's whole environment.
// The worker holds PLATFORM_SECRET_KEY (it decrypts every stored secret) and the superuser
// PLATFORM_DATABASE_URL; a connector gets its own decrypted config over stdin and needs
// neither, nor anything else the worker was started with (PGPASSWORD, AWS_* keys, ...).
import { CONNECTOR_DEFINITIONS } from '@platform/connectors';

/** Variables a Node process and its network and TLS stack need to run as the worker does. */
const PASSED_NAMES = new Set([
  'PATH',
  'HOME',
  'TZ',
  'LANG',
  'LANGUAGE',
  // Node flags the operator chose; the child's own heap limit is a command-line flag, which wins.
  'NODE_OPTIONS',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  // Extra connector modules (tests register theirs this way); the child loads them too.
  'PLATFORM_EXTRA_CONNECTORS',
]);

/** Locale (LC_ALL, LC_CTYPE, ...) and each connector's own settings, named after it (SOURCE_POSTGRES_CHUNK_ROWS). */
const PASSED_PREFIXES = ['LC_', ...CONNECTOR_DEFINITIONS.map((d) => `${d.name.toUpperCase().replace(/-/g, '_')}_`)];

export function isPassedToChild(name: string): boolean {
  return PASSED_NAMES.has(name) || PASSED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** The allow-listed part of `parent`, plus what the worker sets for this child (limits, TMPDIR). */
export function childEnvironment(parent: NodeJS.ProcessEnv, set: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) if (value !== undefined && isPassedToChild(name)) env[name] = value;
  return { ...env, ...set };
}
