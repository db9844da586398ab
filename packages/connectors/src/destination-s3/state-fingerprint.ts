// What a STATE says about one stream, as a string that compares equal however the state was
// stored on the way (Postgres jsonb reorders keys, a GLOBAL state is split into rows and put
// back together). The ledger records it at each checkpoint; the state a new attempt resumes
// from is matched against those records to know which files that state covers.
import { streamKey, type AirbyteStateMessage, type StreamDescriptor } from '@platform/protocol';

/** Where the source resumes a stream: unknown (the caller did not say), from the start, or from a state. */
export type ResumePoint = { known: false } | { known: true; fingerprint?: string };

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

const fingerprintOf = (value: unknown) => JSON.stringify(canonical(value ?? null));

/** The stream's part of `state`; undefined when the state does not speak for the stream. */
export function stateFingerprint(state: AirbyteStateMessage, stream: StreamDescriptor): string | undefined {
  const key = streamKey(stream);
  if (state.type === 'STREAM' || (!state.type && state.stream)) {
    return state.stream && streamKey(state.stream.stream_descriptor) === key ? fingerprintOf({ stream: state.stream.stream_state }) : undefined;
  }
  if (state.global) {
    const own = state.global.stream_states.find((s) => streamKey(s.stream_descriptor) === key);
    return fingerprintOf({ shared: state.global.shared_state, stream: own?.stream_state ?? null });
  }
  return fingerprintOf({ legacy: state.data });
}

export function resumePoint(resumeState: AirbyteStateMessage[] | undefined, stream: StreamDescriptor): ResumePoint {
  if (resumeState === undefined) return { known: false };
  for (const state of resumeState) {
    const fingerprint = stateFingerprint(state, stream);
    if (fingerprint !== undefined) return { known: true, fingerprint };
  }
  return { known: true };
}
