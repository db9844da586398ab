// A connection's stored state rows → the API's ConnectionState (stream, global or legacy).
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { StoredState } from '../../store/job-store';
import { toApiStreamDescriptor } from './stream-descriptor';

export function toConnectionState(connectionId: string, rows: StoredState[]): ApiSchemas['ConnectionState'] {
  const streamState = (r: StoredState): ApiSchemas['StreamState'] => ({
    streamDescriptor: toApiStreamDescriptor(r),
    ...(r.state ? { streamState: r.state } : {}),
  });
  switch (rows[0]?.stateType) {
    case undefined:
      return { stateType: 'not_set', connectionId };
    case 'STREAM':
      return { stateType: 'stream', connectionId, streamState: rows.map(streamState) };
    case 'GLOBAL': {
      const shared = rows.find((r) => r.name === '')?.state;
      return { stateType: 'global', connectionId, globalState: { ...(shared ? { shared_state: shared } : {}), streamStates: rows.filter((r) => r.name !== '').map(streamState) } };
    }
    case 'LEGACY':
      return { stateType: 'legacy', connectionId, state: rows[0].state ?? {} };
  }
}
