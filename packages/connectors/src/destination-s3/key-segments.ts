// Stream and namespace names become one S3 key segment each. Names S3 and its readers take
// as they are stay unchanged (`customers`, `order_items-2024`); any other name (`../../etc`,
// `a/b`, `k=v`, `my table`, `Zoë`, `*`) has every character outside [A-Za-z0-9_-] replaced
// by `_` and `_` + 8 hex digits of the name's SHA-256 appended, so the segment stays readable,
// is the same on every sync, never contains `/`, is never `.` or `..`, and two names that read
// alike (`a.b`, `a/b`) still get different segments.
import { createHash } from 'node:crypto';

/** Kept verbatim: no path separators, no leading dot (hidden to Hadoop-style readers), no `..`. */
const VERBATIM = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
/** Postgres caps identifiers at 63 bytes; longer names from other sources are shortened. */
const MAX_VERBATIM_LENGTH = 128;
const READABLE_PART_LENGTH = 64;

export function keySegment(name: string): string {
  if (VERBATIM.test(name) && !name.includes('..') && name.length <= MAX_VERBATIM_LENGTH) return name;
  const readable = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, READABLE_PART_LENGTH);
  return `${readable}_${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}
