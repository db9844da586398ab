// Postgres identifiers for stream and field names as they come: every name is quoted (quotes,
// spaces, dots, upper case, unicode and reserved words stay as they are) and cut to Postgres's
// 63 bytes. A name that is cut, or that another name already took, ends in a hash of the whole
// name, so two long names sharing a prefix still get two columns, the same ones every sync.
import { createHash } from 'node:crypto';

/** NAMEDATALEN - 1: Postgres silently truncates longer identifiers. */
export const MAX_IDENTIFIER_BYTES = 63;

/** Double quotes doubled, the whole wrapped in double quotes. */
export const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** `name` cut to at most `bytes` UTF-8 bytes without splitting a character. */
function cutToBytes(name: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of name) {
    const size = Buffer.byteLength(ch);
    if (used + size > bytes) break;
    out += ch;
    used += size;
  }
  return out;
}

const shortHash = (text: string) => createHash('md5').update(text).digest('hex').slice(0, 8);

/** The name with a hash suffix that keeps it within 63 bytes. */
function hashedName(name: string, salt: number): string {
  const suffix = `_${shortHash(salt === 0 ? name : `${name}\u0000${salt}`)}`;
  return cutToBytes(name, MAX_IDENTIFIER_BYTES - suffix.length) + suffix;
}

/**
 * Hands out distinct identifiers in one namespace (the columns of a table, the tables of a
 * schema). Postgres compares quoted identifiers exactly, so "Id" and "id" are two names.
 */
export class IdentifierNamer {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.taken.add(name);
  }

  /** A distinct identifier for `name`: the name itself when it fits and is free. */
  allocate(name: string): string {
    if (Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES && !this.taken.has(name)) {
      this.taken.add(name);
      return name;
    }
    for (let salt = 0; ; salt++) {
      const candidate = hashedName(name, salt);
      if (!this.taken.has(candidate)) {
        this.taken.add(candidate);
        return candidate;
      }
    }
  }
}
