// JSON-lines codec for the Airbyte Protocol. The reader fails loudly, naming the line,
// on anything that is not one well-formed message per line.
import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { MESSAGE_PAYLOAD_FIELD, type AirbyteMessage, type AirbyteMessageType } from './types';

export class ProtocolParseError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly reason: string,
  ) {
    super(`protocol error on line ${lineNumber}: ${reason}`);
    this.name = 'ProtocolParseError';
  }
}

const KNOWN_TYPES = new Set(Object.keys(MESSAGE_PAYLOAD_FIELD));

/** Parses one line into a message; `lineNumber` is 1-based and only used in errors. */
export function parseMessage(line: string, lineNumber: number): AirbyteMessage {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new ProtocolParseError(lineNumber, `malformed JSON (${(err as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProtocolParseError(lineNumber, 'expected a JSON object');
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') throw new ProtocolParseError(lineNumber, 'missing "type"');
  if (!KNOWN_TYPES.has(type)) throw new ProtocolParseError(lineNumber, `unknown message type "${type}"`);
  const field = MESSAGE_PAYLOAD_FIELD[type as AirbyteMessageType];
  const payload = (value as Record<string, unknown>)[field];
  if (payload === null || typeof payload !== 'object') {
    throw new ProtocolParseError(lineNumber, `${type} message has no "${field}" object`);
  }
  return value as AirbyteMessage;
}

export function serializeMessage(message: AirbyteMessage): string {
  return JSON.stringify(message) + '\n';
}

/**
 * Splits a byte stream into lines, all the complete lines of a chunk at once (one async step
 * per chunk, not per line: at a million lines the steps cost as much as the parsing), without
 * holding more than one partial line in memory.
 */
export async function* readLineBatches(input: Readable | AsyncIterable<Buffer | string>): AsyncGenerator<string[]> {
  let carry = '';
  // StringDecoder keeps a multi-byte character split across chunks intact.
  const decoder = new StringDecoder('utf8');
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const lines = (carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk))).split('\n');
    carry = lines.pop()!;
    if (lines.length > 0) yield lines;
  }
  carry += decoder.end();
  if (carry.length > 0) yield [carry];
}

/** Splits a byte stream into lines without holding more than one partial line in memory. */
export async function* readLines(input: Readable | AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  for await (const lines of readLineBatches(input)) yield* lines;
}

/**
 * Reads protocol messages from JSON lines. Blank lines are skipped; when `onNonProtocolLine` is given,
 * lines that are not JSON objects are surfaced through `onNonProtocolLine` (connectors
 * sometimes print stray text) instead of failing.
 */
export async function* readMessages(
  input: Readable | AsyncIterable<Buffer | string>,
  options: { onNonProtocolLine?: (line: string, lineNumber: number) => void } = {},
): AsyncGenerator<AirbyteMessage> {
  for await (const messages of readMessageBatches(input, options)) yield* messages;
}

/**
 * readMessages a chunk's messages at a time, for readers that go through millions. On a bad
 * line the messages before it are yielded first, then the error is thrown, as readMessages does.
 */
export async function* readMessageBatches(
  input: Readable | AsyncIterable<Buffer | string>,
  options: { onNonProtocolLine?: (line: string, lineNumber: number) => void } = {},
): AsyncGenerator<AirbyteMessage[]> {
  let lineNumber = 0;
  for await (const lines of readLineBatches(input)) {
    const messages: AirbyteMessage[] = [];
    for (const raw of lines) {
      lineNumber++;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') continue;
      if (options.onNonProtocolLine && !line.trimStart().startsWith('{')) {
        options.onNonProtocolLine(line, lineNumber);
        continue;
      }
      try {
        messages.push(parseMessage(line, lineNumber));
      } catch (err) {
        if (messages.length > 0) yield messages;
        throw err;
      }
    }
    if (messages.length > 0) yield messages;
  }
}

/** Writes messages as JSON lines, honouring back-pressure. */
export async function writeMessages(messages: AsyncIterable<AirbyteMessage> | Iterable<AirbyteMessage>, output: Writable): Promise<void> {
  for await (const message of messages) {
    if (!output.write(serializeMessage(message))) {
      await new Promise<void>((resolve) => output.once('drain', resolve));
    }
  }
}
