// The shared network rules every connector's error table ends with (after dlt's terminal and
// transient exceptions): what a failure between the connector and its server means is the
// same for a database, an S3 endpoint or an HTTP server, so it is decided here once. Only the
// words differ: each connector says which server it could not reach and which setting to fix.
//
// DNS: ENOTFOUND means the configured host name does not resolve; that is almost always a
// typo, so it is a config error naming the host. EAI_AGAIN is the resolver failing for now: a
// transient error, as a retry usually succeeds.
import type { FailureType } from '@platform/protocol';
import type { ErrorFacts, ErrorMatch, ErrorRule } from './error-rules';

const NETWORK_FAILURES = {
  host_not_found: { match: { code: ['ENOTFOUND'] }, failureType: 'config_error', phrase: 'host not found' },
  dns_unavailable: { match: { code: ['EAI_AGAIN'] }, failureType: 'transient_error', phrase: 'DNS temporarily unavailable' },
  connection_refused: { match: { code: ['ECONNREFUSED'] }, failureType: 'transient_error', phrase: 'connection refused' },
  timed_out: {
    match: { code: ['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT'], name: ['TimeoutError', 'RequestTimeout'] },
    failureType: 'transient_error',
    phrase: 'connection timed out',
  },
  host_unreachable: { match: { code: ['EHOSTUNREACH'] }, failureType: 'transient_error', phrase: 'host unreachable' },
  network_unreachable: { match: { code: ['ENETUNREACH'] }, failureType: 'transient_error', phrase: 'network unreachable' },
  connection_lost: { match: { code: ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'] }, failureType: 'transient_error', phrase: 'connection lost' },
  // A certificate the configured CA does not accept stays unaccepted until someone changes the settings.
  tls_certificate: {
    match: { code: /^(ERR_TLS_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|CERT_|ERR_SSL_)/ },
    failureType: 'config_error',
    phrase: 'TLS certificate not accepted',
  },
  // The job's AbortSignal fired: a cancel or a stopping worker, not the server's fault.
  cancelled: { match: { code: ['ABORT_ERR'], name: ['AbortError'] }, failureType: 'transient_error', phrase: 'cancelled' },
} satisfies Record<string, { match: ErrorMatch; failureType: FailureType; phrase: string }>;

export type NetworkFailureKind = keyof typeof NETWORK_FAILURES;

export interface NetworkFailure {
  kind: NetworkFailureKind;
  /** A few words for the kind, e.g. "connection refused". */
  phrase: string;
  /** The code that classified it (ECONNREFUSED, TimeoutError, ...). */
  code: string;
  /** The host name a DNS lookup failed for, when the error says. */
  host?: string;
}

/**
 * The shared network rules, worded by `describe`. `alsoMatch` adds what a driver reports by
 * other means (node-postgres says "Connection terminated" without a code); those rules come
 * after every code rule.
 */
export function networkRules<C>(
  describe: (ctx: C, failure: NetworkFailure, facts: ErrorFacts) => string,
  alsoMatch: Partial<Record<NetworkFailureKind, ErrorMatch>> = {},
): ErrorRule<C>[] {
  const kinds = Object.keys(NETWORK_FAILURES) as NetworkFailureKind[];
  const rule = (kind: NetworkFailureKind, match: ErrorMatch): ErrorRule<C> => ({
    ...match,
    failureType: NETWORK_FAILURES[kind].failureType,
    message: (ctx, facts) => describe(ctx, { kind, phrase: NETWORK_FAILURES[kind].phrase, code: facts.code ?? facts.name, host: facts.hostname }, facts),
  });
  return [
    ...kinds.map((kind) => rule(kind, NETWORK_FAILURES[kind].match)),
    ...kinds.flatMap((kind) => (alsoMatch[kind] ? [rule(kind, alsoMatch[kind])] : [])),
  ];
}
