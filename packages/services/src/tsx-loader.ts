// The platform's own processes (server, worker, supervisor, replication child) are TypeScript
// entries run as `node --import <TSX_LOADER> entry.ts`: Node itself is the process, with no
// tsx wrapper in between, so signals and pipes reach it directly.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
