// Every connector folder has the same files for the same things, so a newcomer who knows one
// connector knows where everything is in all of them.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONNECTOR_DEFINITIONS } from './registry';

const COMMON = ['index.ts', 'spec.ts', 'config.ts', 'check.ts', 'errors.ts', 'errors.test.ts', 'test/config.json', 'test/invalid_config.json', 'test/configured_catalog.json'];
const BY_KIND = { source: ['discover.ts', 'read.ts'], destination: ['write.ts'] };

// A definition that runs a program written elsewhere (the declarative source) has no folder of its own.
const withFolder = CONNECTOR_DEFINITIONS.filter((d) => !d.runsExternalProgram);

describe.each(withFolder.map((d) => [d.name, d] as const))('the folder of %s', (name, definition) => {
  const path = (file: string) => fileURLToPath(new URL(`./${name}/${file}`, import.meta.url));

  it('has the fixed connector files and its contract test', () => {
    const expected = [...COMMON, ...BY_KIND[definition.kind], `${name}.contract.test.ts`];
    expect(expected.filter((file) => !existsSync(path(file)))).toEqual([]);
  });

  it('runs the shared network-failure table against its error mapping', () => {
    expect(readFileSync(path('errors.test.ts'), 'utf8')).toContain('describeNetworkFailureClassification(');
  });
});

describe.each(CONNECTOR_DEFINITIONS.map((d) => [d.name, d] as const))('the registry entry of %s', (name, definition) => {
  it('loads the connector of that kind and name', async () => {
    const connector = await definition.load();
    expect(connector).toMatchObject({ kind: definition.kind, name });
  });
});
