#!/usr/bin/env node
// A small external connector of our own for the adapter's tests: speaks the Airbyte Protocol
// on stdout and misbehaves on purpose as `config.mode` says.
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const [verb, ...rest] = process.argv.slice(2);
const flag = (name) => {
  const i = rest.indexOf(`--${name}`);
  return i === -1 ? undefined : rest[i + 1];
};
const json = (name) => (flag(name) ? JSON.parse(readFileSync(flag(name), 'utf8')) : undefined);
const out = (m) => process.stdout.write(JSON.stringify(m) + '\n');
const config = json('config') ?? {};
const spec = {
  connectionSpecification: {
    type: 'object',
    required: ['api_key'],
    properties: { api_key: { type: 'string', airbyte_secret: true }, mode: { type: 'string' }, count: { type: 'integer' }, out: { type: 'string' }, pid_file: { type: 'string' }, progress: { type: 'string' } },
  },
};
const stream = { name: 'items', json_schema: { type: 'object', properties: { id: { type: 'integer' } } }, supported_sync_modes: ['full_refresh', 'incremental'] };
const forever = () => setInterval(() => {}, 1 << 30);

process.stderr.write(`starting ${verb} with key ${config.api_key}\n`);
if (config.mode === 'ignore-sigterm') process.on('SIGTERM', () => process.stderr.write('ignoring SIGTERM\n'));

switch (verb) {
  case 'spec':
    out({ type: 'SPEC', spec });
    break;
  case 'check':
    out({ type: 'LOG', log: { level: 'INFO', message: `checking with ${config.api_key}` } });
    out({ type: 'CONNECTION_STATUS', connectionStatus: config.api_key === 'good' ? { status: 'SUCCEEDED' } : { status: 'FAILED', message: 'bad key' } });
    break;
  case 'discover':
    out({ type: 'CATALOG', catalog: { streams: [stream] } });
    break;
  case 'read': {
    if (config.pid_file) writeFileSync(config.pid_file, String(process.pid));
    const file = flag('config');
    out({ type: 'LOG', log: { level: 'INFO', message: JSON.stringify({ argv: process.argv.slice(2), env: Object.keys(process.env), configMode: (statSync(file).mode & 0o777).toString(8), configFile: file }) } });
    if (config.mode === 'flood') {
      // As fast as the reader takes it, blocking (like Python's print) when it does not; progress every 100 records.
      let id = 0;
      const next = () => {
        while (id < config.count) {
          id++;
          if (id % 100 === 0) writeFileSync(config.progress, String(id));
          if (!process.stdout.write(JSON.stringify({ type: 'RECORD', record: { stream: 'items', data: { id, padding: 'x'.repeat(40) }, emitted_at: 1 } }) + '\n')) {
            process.stdout.once('drain', next);
            return;
          }
        }
      };
      next();
      break;
    }
    const state = json('state');
    const from = state ? state[0].stream.stream_state.cursor : 0;
    const count = config.count ?? 25;
    for (let id = from + 1; id <= count; id++) {
      out({ type: 'RECORD', record: { stream: config.mode === 'unselected' ? 'secret_table' : 'items', data: { id }, emitted_at: 1 } });
      if (id % 10 === 0) out({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'items' }, stream_state: { cursor: id } } } });
      if (config.mode === 'bad-json' && id === 3) process.stdout.write('{"type": "RECORD", oops\n');
    }
    if (config.mode === 'trace-error') {
      out({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: 1, error: { message: `the API refused key ${config.api_key}`, failure_type: 'config_error' } } });
      process.exitCode = 1;
      break;
    }
    if (config.mode === 'trickle') {
      // Alive (output every 200 ms, so the heartbeat never fires) but never done.
      setInterval(() => out({ type: 'LOG', log: { level: 'INFO', message: 'still working' } }), 200);
      break;
    }
    if (config.mode === 'hang' || config.mode === 'ignore-sigterm') {
      forever();
      break;
    }
    out({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'items' }, stream_state: { cursor: count } } } });
    if (config.mode === 'exit-2') process.exitCode = 2;
    break;
  }
  case 'write': {
    if (config.mode === 'exit-early') process.exit(0);
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      const m = JSON.parse(line);
      if (m.type === 'RECORD') appendFileSync(config.out, JSON.stringify(m.record.data) + '\n');
      if (m.type === 'STATE') out(m);
    });
    break;
  }
  default:
    process.stderr.write(`unknown command ${verb}\n`);
    process.exitCode = 2;
}
