// One table of network failures, shaped as Node, undici (fetch) and the drivers raise them, run
// against each connector's error mapping: every connector must classify them alike. The table
// is written out here, not derived from framework/network-errors.ts, so that it can catch a
// connector (or the shared rules) classifying one differently.
import type { FailureType } from '@platform/protocol';
import { describe, expect, it } from 'vitest';
import type { ConnectorError } from '../framework/errors';

/** The host every case fails on: configure it in the connector's context so messages can name it. */
export const FAILING_HOST = 'warehouse.example.invalid';

interface NetworkFailureCase {
  failure: string;
  error: () => Error;
  failureType: FailureType;
  /** Text the user-facing message must contain. */
  names?: string;
  /** Socket-level errors also arrive as fetch's cause or inside an AggregateError (one per address tried). */
  nested: boolean;
}

const socketError = (code: string, syscall: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${syscall} ${code} ${FAILING_HOST}`), { code, errno: -1, syscall, ...extra });
const undiciError = (name: string, code: string, message: string) => Object.assign(new Error(message), { name, code });

const CASES: NetworkFailureCase[] = [
  { failure: 'ENOTFOUND (the configured host does not resolve)', error: () => socketError('ENOTFOUND', 'getaddrinfo', { hostname: FAILING_HOST }), failureType: 'config_error', names: FAILING_HOST, nested: true },
  { failure: 'EAI_AGAIN (the resolver fails for now)', error: () => socketError('EAI_AGAIN', 'getaddrinfo', { hostname: FAILING_HOST }), failureType: 'transient_error', nested: true },
  { failure: 'ECONNREFUSED', error: () => socketError('ECONNREFUSED', 'connect'), failureType: 'transient_error', nested: true },
  { failure: 'ETIMEDOUT', error: () => socketError('ETIMEDOUT', 'connect'), failureType: 'transient_error', nested: true },
  { failure: 'UND_ERR_CONNECT_TIMEOUT', error: () => undiciError('ConnectTimeoutError', 'UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error'), failureType: 'transient_error', nested: true },
  { failure: 'EHOSTUNREACH', error: () => socketError('EHOSTUNREACH', 'connect'), failureType: 'transient_error', nested: true },
  { failure: 'ENETUNREACH', error: () => socketError('ENETUNREACH', 'connect'), failureType: 'transient_error', nested: true },
  { failure: 'ECONNRESET', error: () => socketError('ECONNRESET', 'read'), failureType: 'transient_error', nested: true },
  { failure: 'EPIPE', error: () => socketError('EPIPE', 'write'), failureType: 'transient_error', nested: true },
  { failure: 'UND_ERR_SOCKET', error: () => undiciError('SocketError', 'UND_ERR_SOCKET', 'other side closed'), failureType: 'transient_error', nested: true },
  { failure: 'a self-signed TLS certificate', error: () => socketError('DEPTH_ZERO_SELF_SIGNED_CERT', 'connect'), failureType: 'config_error', nested: true },
  { failure: 'an expired TLS certificate', error: () => socketError('CERT_HAS_EXPIRED', 'connect'), failureType: 'config_error', nested: true },
  { failure: 'a TLS certificate of an unknown CA', error: () => socketError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'connect'), failureType: 'config_error', nested: true },
  { failure: 'a timeout signal (AbortSignal.timeout)', error: () => new DOMException('The operation was aborted due to timeout', 'TimeoutError'), failureType: 'transient_error', nested: false },
  { failure: 'a cancel (the job AbortSignal)', error: () => new DOMException('This operation was aborted', 'AbortError'), failureType: 'transient_error', nested: false },
  { failure: "a cancel (Node's ABORT_ERR)", error: () => undiciError('AbortError', 'ABORT_ERR', 'The operation was aborted'), failureType: 'transient_error', nested: false },
];

const SHAPES: Array<[string, (error: Error) => Error]> = [
  ['as thrown', (error) => error],
  ['as the cause of a failed fetch', (error) => new TypeError('fetch failed', { cause: error })],
  ['inside an AggregateError', (error) => new AggregateError([error, error])],
];

/** Runs the table against `toConnectorError`, a connector's error mapping with its context bound (host = FAILING_HOST). */
export function describeNetworkFailureClassification(connector: string, toConnectorError: (error: unknown) => ConnectorError): void {
  describe(`${connector} classifies the shared network failures alike`, () => {
    const rows = SHAPES.flatMap(([shape, wrap]) => CASES.filter((c) => c.nested || shape === 'as thrown').map((c) => ({ ...c, shape, wrap })));
    it.each(rows)('$failure, $shape: $failureType', ({ error, wrap, failureType, names }) => {
      const mapped = toConnectorError(wrap(error()));
      expect(mapped.failureType).toBe(failureType);
      if (names) expect(mapped.message).toContain(names);
    });
  });
}
