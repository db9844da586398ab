// The one filter every failure message and attempt log line passes before it is stored: no
// row contents (database and file-reader errors quote the data they failed on, see
// withoutRowContent) and a bounded length (a crash may print a whole record, and the
// message is stored and served for every attempt).
import { withoutRowContent } from '@platform/connectors';

export const TEXT_LIMITS = {
  /** A failure's externalMessage, shown to users. */
  message: 2_000,
  /** internalMessage and stacktrace. */
  detail: 8_000,
  logLine: 8_000,
} as const;

export function safeText(text: string, maxChars: number): string {
  const clean = withoutRowContent(text);
  return clean.length <= maxChars ? clean : `${clean.slice(0, maxChars)}… [${clean.length - maxChars} characters cut]`;
}
