// The small external connector of the adapter's tests (../external/test/protocol-fixture.mjs),
// for server tests that register it as a custom definition: a Node script speaking the
// Airbyte Protocol, misbehaving on purpose as its config's `mode` says.
import { fileURLToPath } from 'node:url';

export const PROTOCOL_FIXTURE_SCRIPT = fileURLToPath(new URL('../external/test/protocol-fixture.mjs', import.meta.url));

/** A Python connector whose `read` allocates `config.allocate_mib` MiB: the memory-limit tests' program. */
export const MEMORY_HOG_SCRIPT = fileURLToPath(new URL('../external/test/memory-hog.py', import.meta.url));
