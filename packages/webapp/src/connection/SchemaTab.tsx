// Schema: the saved streams with their modes, cursor and key; "Refresh source schema" runs a
// discovery and shows the differences against the saved catalog before they are applied.
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { useActor, useSpec, useUpdateConnection } from '../api/queries';
import { ErrorBox, Loading } from '../components/states';
import { diffCatalogs, mergeRefreshed, streamProblems, type StreamDiff } from './catalog';
import { StreamsEditor } from './StreamsEditor';

/** The destination's supported sync modes, from its connector's spec. */
export function useDestinationModes(destinationId: string): Schemas['DestinationSyncMode'][] | undefined {
  const destination = useActor('destination', destinationId);
  const spec = useSpec('destination', destination.data?.definitionId);
  return spec.data ? (spec.data.supportedDestinationSyncModes ?? ['overwrite', 'append']) : undefined;
}

export function SchemaTab({ connection }: { connection: Schemas['ConnectionRead'] }) {
  const modes = useDestinationModes(connection.destinationId);
  const update = useUpdateConnection(connection.connectionId);
  const [catalog, setCatalog] = useState(connection.syncCatalog);
  const [catalogId, setCatalogId] = useState<string | undefined>();
  const [refresh, setRefresh] = useState<{ diffs: StreamDiff[]; catalog: Schemas['AirbyteCatalog']; catalogId?: string } | undefined>();
  const [refreshError, setRefreshError] = useState<unknown>();
  const [refreshing, setRefreshing] = useState(false);
  const [dirty, setDirty] = useState(false);
  const [saved, setSaved] = useState(false);
  if (!modes) return <Loading what="the destination's sync modes" />;

  const refreshSchema = async () => {
    setRefreshing(true);
    setRefreshError(undefined);
    try {
      const result = await unwrap('sources/discover_schema', api.POST('/v1/sources/discover_schema', { body: { sourceId: connection.sourceId, disable_cache: true } }));
      if (!result.catalog) throw new Error(`Discovery failed: ${result.jobInfo.failureReason?.externalMessage ?? 'the source gave no catalog'}`);
      setRefresh({ diffs: diffCatalogs(catalog, result.catalog), catalog: mergeRefreshed(catalog, result.catalog, modes), catalogId: result.catalogId });
    } catch (error) {
      setRefreshError(error);
    } finally {
      setRefreshing(false);
    }
  };

  const problems = catalog.streams.flatMap(streamProblems);
  return (
    <div>
      <div className="toolbar">
        <button type="button" className="secondary" disabled={refreshing} onClick={() => void refreshSchema()}>
          {refreshing ? 'Discovering…' : 'Refresh source schema'}
        </button>
        <button
          type="button"
          className="primary"
          disabled={!dirty || problems.length > 0 || update.isPending}
          onClick={() => update.mutate({ syncCatalog: catalog, ...(catalogId ? { sourceCatalogId: catalogId } : {}) }, { onSuccess: () => (setSaved(true), setDirty(false)) })}
        >
          {update.isPending ? 'Saving…' : 'Save changes'}
        </button>
        {saved && !dirty && <span className="check check-succeeded">Saved.</span>}
      </div>
      {refreshError !== undefined && <ErrorBox error={refreshError} title="Could not refresh the source schema" />}
      {update.error && <ErrorBox error={update.error} title="The API refused the streams" />}
      {refresh && (
        <div className="card diff" data-testid="schema-diff">
          <strong>Changes in the source schema</strong>
          {refresh.diffs.length === 0 ? (
            <p>No changes: the source's streams and fields are the ones saved.</p>
          ) : (
            <ul>
              {refresh.diffs.map((d) => (
                <li key={d.stream}>
                  {d.change === 'added' ? '+ new stream ' : d.change === 'removed' ? '− removed stream ' : '~ '}
                  <strong>{d.stream}</strong>
                  {d.fieldsAdded.length > 0 && <> fields added: {d.fieldsAdded.join(', ')}</>}
                  {d.fieldsRemoved.length > 0 && <> fields removed: {d.fieldsRemoved.join(', ')}</>}
                </li>
              ))}
            </ul>
          )}
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setRefresh(undefined)}>
              Dismiss
            </button>
            <button
              type="button"
              className="primary"
              disabled={refresh.diffs.length === 0}
              onClick={() => {
                setCatalog(refresh.catalog);
                setCatalogId(refresh.catalogId);
                setRefresh(undefined);
                setSaved(false);
                setDirty(true);
              }}
            >
              Apply changes (then save)
            </button>
          </div>
        </div>
      )}
      <StreamsEditor
        catalog={catalog}
        destinationModes={modes}
        onChange={(c) => {
          setCatalog(c);
          setSaved(false);
          setDirty(true);
        }}
      />
    </div>
  );
}
