// Backend messages of the Postgres wire protocol (v3) that the query service sends.

function frame(code: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(code, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const cstring = (s: string) => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

export interface Field {
  name: string;
  typeOid: number;
}

export const rowDescription = (fields: Field[]): Buffer =>
  frame('T', Buffer.concat([int16(fields.length), ...fields.flatMap((f) => [cstring(f.name), int32(0), int16(0), int32(f.typeOid), int16(-1), int32(-1), int16(0)])]));

export const dataRow = (values: (string | null)[]): Buffer =>
  frame(
    'D',
    Buffer.concat([
      int16(values.length),
      ...values.flatMap((v) => {
        if (v === null) return [int32(-1)];
        const bytes = Buffer.from(v, 'utf8');
        return [int32(bytes.length), bytes];
      }),
    ]),
  );

export const commandComplete = (tag: string): Buffer => frame('C', cstring(tag));
export const readyForQuery = (status: 'I' | 'E' = 'I'): Buffer => frame('Z', Buffer.from(status, 'latin1'));
export const emptyQueryResponse = (): Buffer => frame('I', Buffer.alloc(0));
export const parseComplete = (): Buffer => frame('1', Buffer.alloc(0));
export const bindComplete = (): Buffer => frame('2', Buffer.alloc(0));
export const closeComplete = (): Buffer => frame('3', Buffer.alloc(0));
export const noData = (): Buffer => frame('n', Buffer.alloc(0));
export const parameterDescription = (oids: number[]): Buffer => frame('t', Buffer.concat([int16(oids.length), ...oids.map(int32)]));
export const parameterStatus = (name: string, value: string): Buffer => frame('S', Buffer.concat([cstring(name), cstring(value)]));

export const errorResponse = (code: string, message: string): Buffer =>
  frame('E', Buffer.concat([Buffer.from('S'), cstring('ERROR'), Buffer.from('V'), cstring('ERROR'), Buffer.from('C'), cstring(code), Buffer.from('M'), cstring(message), Buffer.from([0])]));

/** Reads frontend message bodies: the message type byte and length are already consumed. */
export class Reader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}
  byte(): string {
    return String.fromCharCode(this.buffer[this.offset++]);
  }
  int16(): number {
    const v = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  int32(): number {
    const v = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  cstring(): string {
    const end = this.buffer.indexOf(0, this.offset);
    const s = this.buffer.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return s;
  }
  bytes(n: number): Buffer {
    const b = this.buffer.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }
}
