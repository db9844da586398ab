// The Postgres wire protocol in front of the same query service: psql, dbt-postgres and BI tools
// run the same SQL, with the same user, catalog and read-only rules. pg-gateway handles startup,
// SSL negotiation and password authentication; the query messages (simple and extended
// protocol) are handled here, streaming rows as DuckDB produces them.
import net from 'node:net';
import { hashMd5Password, PostgresConnection } from 'pg-gateway';
import type { DuckDBType } from '@duckdb/node-api';
import { QueryRefusedError } from '../engine/guard';
import { QueryCanceledError, type QueryService } from '../engine/query-service';
import { pgTypeOid } from '../engine/types';
import { errorMessage } from '../rest/jobs';
import type { Credentials } from '../rest/auth';
import { classifyStatement } from '../sql/dremio-statements';
import { isKeyword, isTrivia, splitStatements, tokenize } from '../sql/tokens';
import * as msg from './messages';

const SERVER_VERSION = '16.0 (lake-query on DuckDB)';
/** Session statements clients send on connect; there is no session state to change, so they succeed as no-ops. */
const SESSION_STATEMENTS: Record<string, string> = { SET: 'SET', RESET: 'RESET', BEGIN: 'BEGIN', START: 'START TRANSACTION', COMMIT: 'COMMIT', END: 'COMMIT', ROLLBACK: 'ROLLBACK', DISCARD: 'DISCARD ALL', DEALLOCATE: 'DEALLOCATE' };

interface Portal {
  sql: string;
  params: (string | null)[];
}

export function createWireServer(service: QueryService, credentials: Credentials, log: (line: string) => void): net.Server {
  return net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    const statements = new Map<string, string>();
    const portals = new Map<string, Portal>();
    let failedUntilSync = false;
    const abort = new AbortController();
    socket.on('close', () => abort.abort(new Error('the client disconnected')));
    const write = (chunk: Buffer) => (socket.write(chunk) ? Promise.resolve() : new Promise<void>((resolve) => socket.once('drain', resolve)));
    const fail = (error: unknown) => {
      const [code, text] = describe(error);
      socket.write(msg.errorResponse(code, text));
    };

    const run = async (sql: string, params: (string | null)[], sendDescription: boolean): Promise<void> => {
      const session = sessionCommand(sql);
      if (session) {
        await write(msg.commandComplete(session));
        return;
      }
      await service.run(sql, { signal: abort.signal }, async ({ statement }) => {
        params.forEach((value, i) => (value === null ? statement.bindNull(i + 1) : statement.bindVarchar(i + 1, value)));
        const result = await statement.stream();
        const types = result.columnTypes();
        if (sendDescription) await write(msg.rowDescription(fields(result.columnNames(), types)));
        const toText = types.map(textWriter);
        let count = 0;
        for await (const rows of result.yieldRowsJson()) {
          for (const row of rows) await write(msg.dataRow(row.map((v, i) => toText[i](v))));
          count += rows.length;
        }
        await write(msg.commandComplete(`SELECT ${count}`));
      });
    };

    const describePortal = async (portal: Portal): Promise<void> => {
      if (sessionCommand(portal.sql)) return void socket.write(msg.noData());
      // Describing a view statement must not carry it out (Execute does): its result is one summary row.
      if (classifyStatement(portal.sql).kind !== 'query') {
        return void socket.write(msg.rowDescription([{ name: 'ok', typeOid: 16 }, { name: 'summary', typeOid: 25 }]));
      }
      await service.run(portal.sql, { signal: abort.signal }, async ({ statement }) => {
        const names = Array.from({ length: statement.columnCount }, (_, i) => statement.columnName(i));
        const types = Array.from({ length: statement.columnCount }, (_, i) => statement.columnType(i));
        socket.write(msg.rowDescription(fields(names, types)));
      });
    };

    const handle = async (data: Buffer): Promise<void> => {
      const type = String.fromCharCode(data[0]);
      const body = new msg.Reader(data.subarray(5));
      try {
        if (type === 'X') {
          socket.end();
        } else if (type === 'Q') {
          const sql = body.cstring();
          const parts = splitStatements(sql);
          if (parts.length === 0) socket.write(msg.emptyQueryResponse());
          for (const part of parts) {
            try {
              await run(part, [], true);
            } catch (error) {
              fail(error);
              break;
            }
          }
          socket.write(msg.readyForQuery());
        } else if (type === 'S') {
          failedUntilSync = false;
          socket.write(msg.readyForQuery());
        } else if (type === 'H') {
          // Flush: every reply is already written.
        } else if (failedUntilSync) {
          // After an error the extended protocol skips messages until Sync.
        } else if (type === 'P') {
          const name = body.cstring();
          statements.set(name, body.cstring());
          socket.write(msg.parseComplete());
        } else if (type === 'B') {
          const portal = body.cstring();
          const statement = body.cstring();
          const formats = Array.from({ length: body.int16() }, () => body.int16());
          if (formats.some((f) => f !== 0)) throw new Error('binary parameters are not supported; send parameters as text');
          const params = Array.from({ length: body.int16() }, () => {
            const length = body.int32();
            return length < 0 ? null : body.bytes(length).toString('utf8');
          });
          const sql = statements.get(statement);
          if (sql === undefined) throw new Error(`prepared statement "${statement}" does not exist`);
          portals.set(portal, { sql, params });
          socket.write(msg.bindComplete());
        } else if (type === 'D') {
          const kind = body.byte();
          const name = body.cstring();
          if (kind === 'S') {
            const sql = statements.get(name);
            if (sql === undefined) throw new Error(`prepared statement "${name}" does not exist`);
            const count = (sql.match(/\$\d+/g) ?? []).reduce((max, p) => Math.max(max, Number(p.slice(1))), 0);
            socket.write(msg.parameterDescription(Array(count).fill(25)));
            await describePortal({ sql, params: [] });
          } else {
            const portal = portals.get(name);
            if (!portal) throw new Error(`portal "${name}" does not exist`);
            await describePortal(portal);
          }
        } else if (type === 'E') {
          const portal = portals.get(body.cstring());
          if (!portal) throw new Error('portal does not exist');
          await run(portal.sql, portal.params, false);
        } else if (type === 'C') {
          const kind = body.byte();
          (kind === 'S' ? statements : portals).delete(body.cstring());
          socket.write(msg.closeComplete());
        } else {
          throw new Error(`message type "${type}" is not supported`);
        }
      } catch (error) {
        failedUntilSync = type !== 'Q';
        fail(error);
      }
    };

    const connection = new PostgresConnection(socket, {
      serverVersion: SERVER_VERSION,
      authMode: 'md5Password',
      async validateCredentials(c) {
        if (c.authMode !== 'md5Password' || c.user !== credentials.user) return false;
        return c.hash === (await hashMd5Password(credentials.user, credentials.password, c.salt));
      },
      onAuthenticated() {
        // From here on messages are framed and handled here, strictly one after another
        // (pg-gateway 0.2.4 loses pipelined messages when a handler awaits).
        connection.detach().on('data', frames((message) => handle(message)));
        for (const [name, value] of Object.entries({ client_encoding: 'UTF8', server_encoding: 'UTF8', DateStyle: 'ISO, MDY', integer_datetimes: 'on', standard_conforming_strings: 'on', TimeZone: 'UTC' })) {
          socket.write(msg.parameterStatus(name, value));
        }
      },
    });
  }).on('error', (error) => log(`postgres wire server: ${error.message}`));
}

function sessionCommand(sql: string): string | undefined {
  const first = tokenize(sql).find((t) => !isTrivia(t));
  if (!first || first.kind !== 'word') return undefined;
  const word = first.text.toUpperCase();
  return isKeyword(first, ...Object.keys(SESSION_STATEMENTS)) ? SESSION_STATEMENTS[word] : undefined;
}

const fields = (names: string[], types: DuckDBType[]): msg.Field[] => names.map((name, i) => ({ name, typeOid: pgTypeOid(types[i].toString()) }));

function textWriter(type: DuckDBType): (value: unknown) => string | null {
  const oid = pgTypeOid(type.toString());
  return (value) => {
    if (value === null || value === undefined) return null;
    if (oid === 16) return value ? 't' : 'f';
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  };
}

function describe(error: unknown): [code: string, message: string] {
  if (error instanceof QueryCanceledError) return ['57014', error.message];
  if (error instanceof QueryRefusedError) return ['42501', error.message];
  return ['42000', errorMessage(error)];
}

/** Splits the byte stream into whole messages (type byte + int32 length) and handles them in order. */
function frames(handle: (message: Buffer) => Promise<void>): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  let chain = Promise.resolve();
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 5) {
      const length = pending.readInt32BE(1) + 1;
      if (pending.length < length) break;
      const message = Buffer.from(pending.subarray(0, length));
      pending = pending.subarray(length);
      chain = chain.then(() => handle(message)).catch(() => undefined);
    }
  };
}
