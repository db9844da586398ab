// The small external connector of the adapter's tests (../external/test/protocol-fixture.mjs),
// for server tests that register it as a custom definition: a Node script speaking the
// Airbyte Protocol, misbehaving on purpose as its config's `mode` says.
import { fileURLToPath } from 'node:url';

export const PROTOCOL_FIXTURE_SCRIPT = fileURLToPath(new URL('../external/test/protocol-fixture.mjs', import.meta.url));
