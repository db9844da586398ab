// The platform's version (the server package's), reported where Airbyte reports its airbyteVersion.
import { createRequire } from 'node:module';

export const PLATFORM_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
