// What a route module is: handlers keyed by the document's path (without the /v1 prefix),
// e.g. `'connections/sync'`. The HTTP layer validates the body against openapi.yaml before
// calling a handler and serializes what it returns (undefined → 204 No Content).
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { PlatformServices } from '../services/platform-services';
import type { Logger } from '../shared/logger';

const gzipAsync = promisify(gzip);

export interface RouteContext {
  services: PlatformServices;
  /** Tagged with the request id. */
  log: Logger;
}

// The body has passed validation against the operation's request schema, so handlers may
// type it as the matching ApiSchemas entry.
export type RouteHandler = (body: any, ctx: RouteContext) => Promise<unknown>;

export type RouteModule = Readonly<Record<string, RouteHandler>>;

/** For the few handlers that answer with something other than 200 JSON. */
export class HttpResponse {
  constructor(
    readonly status: number,
    readonly body: unknown,
    /** Non-JSON bodies (strings) are sent as they are with this content type. */
    readonly contentType = 'application/json',
  ) {}
}

/** A 200 JSON body serialized ahead (a cached response): sent as these bytes, or gzip'd once for clients that accept it. */
export class JsonBytes {
  private compressed?: Promise<Buffer>;

  constructor(readonly bytes: Buffer) {}

  /** The bytes gzip'd, compressed on first use (off the event loop) and kept with them. */
  gzipped(): Promise<Buffer> {
    this.compressed ??= gzipAsync(this.bytes);
    return this.compressed;
  }
}
