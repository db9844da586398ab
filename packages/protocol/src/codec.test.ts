import { Readable, PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProtocolParseError, parseMessage, readMessageBatches, readMessages, writeMessages } from './codec';
import { recordMessage, streamStateMessage } from './messages';
import type { AirbyteMessage } from './types';

async function collect(lines: string | Buffer[]): Promise<AirbyteMessage[]> {
  const out: AirbyteMessage[] = [];
  for await (const m of readMessages(Readable.from(typeof lines === 'string' ? [lines] : lines))) out.push(m);
  return out;
}

describe('protocol codec', () => {
  it('round-trips every message through JSON lines', async () => {
    const messages: AirbyteMessage[] = [
      recordMessage('users', { id: 1, name: 'Zoë' }, 'public', 1),
      streamStateMessage({ name: 'users', namespace: 'public' }, { cursor: 5 }),
      { type: 'LOG', log: { level: 'INFO', message: 'hi' } },
      { type: 'TRACE', trace: { type: 'ERROR', emitted_at: 1, error: { message: 'x', failure_type: 'config_error' } } },
      { type: 'CONTROL', control: { type: 'CONNECTOR_CONFIG', emitted_at: 1, connectorConfig: { config: {} } } },
    ];
    const pipe = new PassThrough();
    const chunks: Buffer[] = [];
    pipe.on('data', (c: Buffer) => chunks.push(c));
    await writeMessages(messages, pipe);
    pipe.end();
    expect(await collect(chunks)).toEqual(messages);
  });

  it('keeps a multi-byte character split across chunks', async () => {
    const bytes = Buffer.from(JSON.stringify(recordMessage('s', { t: 'привет 🦆' })) + '\n');
    const [m] = await collect([bytes.subarray(0, 40), bytes.subarray(40)]);
    expect(m).toMatchObject({ record: { data: { t: 'привет 🦆' } } });
  });

  it('rejects a malformed line with its line number', async () => {
    await expect(collect('{"type":"LOG","log":{"level":"INFO","message":"a"}}\n\n{not json\n')).rejects.toMatchObject({
      name: 'ProtocolParseError',
      lineNumber: 3,
    });
  });

  it('reads a chunk of lines at a time, a line split across chunks whole, and yields what precedes a bad line before failing on it', async () => {
    const line = (id: number) => JSON.stringify(recordMessage('s', { id }));
    const chunks = [`${line(1)}\n${line(2)}\n${line(3).slice(0, 10)}`, `${line(3).slice(10)}\n${line(4)}\n{oops\n${line(6)}\n`];
    const batches: number[][] = [];
    const err = await (async () => {
      for await (const batch of readMessageBatches(Readable.from(chunks))) batches.push(batch.map((m) => (m.type === 'RECORD' ? (m.record.data.id as number) : 0)));
    })().catch((e: unknown) => e);
    expect(batches).toEqual([[1, 2], [3, 4]]);
    expect(err).toMatchObject({ name: 'ProtocolParseError', lineNumber: 5 });
  });

  it('rejects an unknown type with its line number', () => {
    expect(() => parseMessage('{"type":"BOGUS","bogus":{}}', 7)).toThrowError(/line 7: unknown message type "BOGUS"/);
  });

  it('rejects a message missing its payload', () => {
    expect(() => parseMessage('{"type":"RECORD"}', 2)).toThrow(ProtocolParseError);
  });
});
