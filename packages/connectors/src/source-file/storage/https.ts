// HTTPS: Public Web provider. The body is streamed through node's fetch, never buffered whole.
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { configError } from '../../framework/errors';
import { HttpStatusError } from '../errors';
import type { FileLocation } from './location';

export interface HttpsProvider {
  storage: 'HTTPS';
  user_agent?: boolean;
}

/** Airbyte prefixes scheme-less URLs with https://; an explicit http:// is kept (local servers). */
function toUrl(raw: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw configError(`url "${raw}" is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw configError(`url must be an http(s) URL for the HTTPS provider, got ${url.protocol}//`);
  return url;
}

function withoutCredentials(url: URL): string {
  const safe = new URL(url);
  safe.username = '';
  safe.password = '';
  return safe.href;
}

export function httpsFile(rawUrl: string, provider: HttpsProvider): FileLocation {
  const url = toUrl(rawUrl);
  // Like Airbyte: with user_agent on, identify as Airbyte (some hosts reject anonymous clients).
  const headers: Record<string, string> = provider.user_agent ? { 'User-Agent': `Airbyte/${process.env.AIRBYTE_VERSION ?? '0.0'}` } : {};
  return {
    describe: withoutCredentials(url),
    async open(signal) {
      const response = await fetch(url, { headers, signal, redirect: 'follow' });
      if (!response.ok) {
        await response.body?.cancel();
        throw new HttpStatusError(response.status, response.statusText);
      }
      if (!response.body) return Readable.from([]);
      return Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
    },
  };
}
