// Per-stream state shapes (as Airbyte's source-postgres writes them) and lookup in the input state.
import type { AirbyteStateMessage, StreamDescriptor } from '@platform/protocol';

/** Mid-way through a full refresh: every page before `ctid`'s page has been emitted. */
// Type aliases (not interfaces) so they are assignable to a protocol stream_state record.
export type CtidState = {
  state_type: 'ctid';
  version: 2;
  ctid: string;
  /** A rewrite (VACUUM FULL, CLUSTER, TRUNCATE) changes the filenode and invalidates ctids. */
  relation_filenode: number;
};

/** Rows up to `cursor` have been emitted, including `cursor_record_count` rows equal to it. */
export type CursorState = {
  state_type: 'cursor_based';
  version: 2;
  stream_name: string;
  stream_namespace: string;
  cursor_field: string[];
  /** Text form of the last cursor value; null while only NULL-cursor rows have been read. */
  cursor: string | null;
  cursor_record_count: number;
};

/** A full refresh that finished; the next read starts over. */
export const FULL_REFRESH_COMPLETE_STATE = { __ab_full_refresh_sync_complete: true } as const;

export function ctidState(page: number, filenode: number): CtidState {
  return { state_type: 'ctid', version: 2, ctid: `(${page},0)`, relation_filenode: filenode };
}

export function ctidPage(state: CtidState): number | undefined {
  const match = /^\((\d+),\d+\)$/.exec(state.ctid);
  return match ? Number(match[1]) : undefined;
}

/** The stream_state for one stream from STREAM or GLOBAL states; LEGACY blobs carry no per-stream shape. */
export function findStreamState(states: AirbyteStateMessage[] | undefined, descriptor: StreamDescriptor): Record<string, unknown> | undefined {
  const matches = (d: StreamDescriptor) => d.name === descriptor.name && (d.namespace ?? null) === (descriptor.namespace ?? null);
  for (const state of states ?? []) {
    if (state.stream && matches(state.stream.stream_descriptor)) return state.stream.stream_state ?? undefined;
    const global = state.global?.stream_states.find((s) => matches(s.stream_descriptor));
    if (global) return global.stream_state ?? undefined;
  }
  return undefined;
}

export function isCtidState(state: Record<string, unknown> | undefined): state is CtidState & Record<string, unknown> {
  return state?.state_type === 'ctid' && typeof state.ctid === 'string';
}

export function isCursorState(state: Record<string, unknown> | undefined): state is CursorState & Record<string, unknown> {
  return state?.state_type === 'cursor_based' && Array.isArray(state.cursor_field);
}
