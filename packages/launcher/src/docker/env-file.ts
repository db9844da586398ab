// compose/.env: the values compose substitutes for ${NAME} in docker-compose.yml, so that no
// secret is written into the compose file itself. Written with mode 0600.
import { chmodSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../config';

/**
 * Values are single-quoted, which both compose implementations read literally (no `$`
 * substitution, no `#` comments). A quote, a backslash or a line break cannot be carried the
 * same way by both (the Python docker-compose unescapes `\\` and `\'` there, compose v2 does
 * not), so such a value is refused, naming where it comes from.
 */
export function envFileText(values: Record<string, { value: string; from: string }>, header: string): string {
  const lines = header.split('\n').map((line) => `# ${line}`.trimEnd());
  for (const [name, { value, from }] of Object.entries(values)) {
    if (/['\\\r\n]/.test(value)) {
      throw new ConfigError(`${from} contains a quote ('), a backslash or a line break, which the docker runtime cannot pass through compose/.env: choose a value without them`);
    }
    lines.push(`${name}='${value}'`);
  }
  return `${lines.join('\n')}\n`;
}

export function writeEnvFile(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  // An existing file keeps its mode on write: tighten it too.
  chmodSync(file, 0o600);
}
