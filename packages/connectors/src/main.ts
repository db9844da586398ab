// `connector <name> <command> [flags]`: any registered connector as an Airbyte-style CLI.
import { runConnectorCli } from './framework/cli';
import { CONNECTOR_DEFINITIONS, findDefinition } from './registry';

const [name, ...args] = process.argv.slice(2);
const definition = name ? findDefinition(name) : undefined;
if (!definition) {
  process.stderr.write(`usage: connector <${CONNECTOR_DEFINITIONS.map((d) => d.name).join('|')}> <spec|check|discover|read|write> [--config F] [--catalog F] [--state F]\n`);
  process.exit(2);
}
const code = await runConnectorCli(await definition.load(), args, { stdin: process.stdin, stdout: process.stdout });
// Let stdout drain before exiting so the last protocol line is never cut.
process.stdout.write('', () => process.exit(code));
