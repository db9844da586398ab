// New connection: pick or create a source and a destination, discover the source's streams,
// choose modes per stream (defaults as Airbyte suggests), schedule and namespace, create,
// then offer to sync now.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { keys, useActors, type ActorKind, type ActorRead } from '../api/queries';
import { streamProblems, withDefaults } from '../connection/catalog';
import { useDestinationModes } from '../connection/SchemaTab';
import { NamespaceFields, ScheduleFields, type NamespaceValue, type ScheduleValue } from '../connection/SettingsFields';
import { StreamsEditor } from '../connection/StreamsEditor';
import { ErrorBox, Loading, QueryView } from '../components/states';
import { NewActorForm } from './ActorPages';

const NEW = '__new__';

function ActorPicker({ kind, value, onChange }: { kind: ActorKind; value: string; onChange: (id: string) => void }) {
  const actors = useActors(kind);
  const client = useQueryClient();
  const [creating, setCreating] = useState(false);
  const label = kind === 'source' ? 'Source' : 'Destination';
  return (
    <fieldset className="fieldset">
      <legend>{label}</legend>
      <QueryView query={actors} what={`${kind}s`}>
        {(list) => (
          <>
            <select
              aria-label={label}
              value={creating ? NEW : value}
              onChange={(e) => {
                setCreating(e.target.value === NEW);
                onChange(e.target.value === NEW ? '' : e.target.value);
              }}
            >
              <option value="">Choose an existing {kind}…</option>
              {list.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.connectorName})
                </option>
              ))}
              <option value={NEW}>+ Set up a new {kind}</option>
            </select>
            {creating && (
              <NewActorForm
                kind={kind}
                onSaved={(actor: ActorRead) => {
                  client.setQueryData(keys.actors(kind), [...list, actor]);
                  setCreating(false);
                  onChange(actor.id);
                }}
              />
            )}
          </>
        )}
      </QueryView>
    </fieldset>
  );
}

function ConnectionSetup({ source, destination }: { source: ActorRead; destination: ActorRead }) {
  const modes = useDestinationModes(destination.id);
  const navigate = useNavigate();
  const client = useQueryClient();
  const discovery = useQuery({
    queryKey: ['discover', source.id],
    staleTime: 0,
    gcTime: 0,
    retry: false,
    queryFn: async () => {
      const result = await unwrap('sources/discover_schema', api.POST('/v1/sources/discover_schema', { body: { sourceId: source.id } }));
      if (!result.catalog) throw new Error(`Discovery failed: ${result.jobInfo.failureReason?.externalMessage ?? 'the source gave no catalog'}`);
      return { catalog: result.catalog, catalogId: result.catalogId };
    },
  });
  const [catalog, setCatalog] = useState<Schemas['AirbyteCatalog'] | undefined>();
  const [name, setName] = useState(`${source.name} → ${destination.name}`);
  const [schedule, setSchedule] = useState<ScheduleValue>({ scheduleType: 'basic', scheduleData: { basicSchedule: { units: 24, timeUnit: 'hours' } } });
  const [namespace, setNamespace] = useState<NamespaceValue>({ namespaceDefinition: 'source', namespaceFormat: '${SOURCE_NAMESPACE}', prefix: '' });
  const [created, setCreated] = useState<Schemas['ConnectionRead'] | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (discovery.data && modes) setCatalog(withDefaults(discovery.data.catalog, modes));
  }, [discovery.data, modes]);

  if (created) {
    return (
      <div className="card" data-testid="connection-created">
        <h2>Connection “{created.name}” created</h2>
        <p>Start its first sync now, or later from its Status tab.</p>
        {error !== undefined && <ErrorBox error={error} title="Could not start the sync" />}
        <div className="actions">
          <Link className="button secondary" to={`/connections/${created.connectionId}/status`}>
            Open connection
          </Link>
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              unwrap('connections/sync', api.POST('/v1/connections/sync', { body: { connectionId: created.connectionId } })).then(
                () => navigate(`/connections/${created.connectionId}/status`),
                (e) => (setError(e), setBusy(false)),
              );
            }}
          >
            Sync now
          </button>
        </div>
      </div>
    );
  }
  if (discovery.error) return <ErrorBox error={discovery.error} title={`Could not discover the streams of ${source.name}`} />;
  if (!catalog || !modes) return <Loading what={`the streams of ${source.name}`} />;

  const selected = catalog.streams.filter((s) => s.config.selected !== false);
  const problems = catalog.streams.flatMap(streamProblems);
  const create = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const connection = await unwrap(
        'connections/create',
        api.POST('/v1/connections/create', {
          body: {
            name: name.trim(),
            sourceId: source.id,
            destinationId: destination.id,
            syncCatalog: catalog,
            ...(discovery.data?.catalogId ? { sourceCatalogId: discovery.data.catalogId } : {}),
            scheduleType: schedule.scheduleType,
            ...(schedule.scheduleData ? { scheduleData: schedule.scheduleData } : {}),
            namespaceDefinition: namespace.namespaceDefinition,
            ...(namespace.namespaceDefinition === 'customformat' ? { namespaceFormat: namespace.namespaceFormat } : {}),
            prefix: namespace.prefix,
            status: 'active',
          },
        }),
      );
      void client.invalidateQueries({ queryKey: keys.connections });
      setCreated(connection);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card">
      <h2>Streams</h2>
      <StreamsEditor catalog={catalog} destinationModes={modes} onChange={setCatalog} />
      <label className="field">
        <span className="field-label">Connection name</span>
        <input aria-label="Connection name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <ScheduleFields value={schedule} onChange={setSchedule} />
      <NamespaceFields value={namespace} onChange={setNamespace} />
      {error !== undefined && <ErrorBox error={error} title="The API refused the connection" />}
      <div className="actions">
        <button type="button" className="primary" disabled={busy || selected.length === 0 || problems.length > 0 || !name.trim()} onClick={() => void create()}>
          {busy ? 'Creating…' : `Set up connection (${selected.length} stream${selected.length === 1 ? '' : 's'})`}
        </button>
      </div>
    </div>
  );
}

export function NewConnectionPage() {
  const [sourceId, setSourceId] = useState('');
  const [destinationId, setDestinationId] = useState('');
  const sources = useActors('source');
  const destinations = useActors('destination');
  const source = sources.data?.find((s) => s.id === sourceId);
  const destination = destinations.data?.find((d) => d.id === destinationId);
  return (
    <section>
      <header className="page-header">
        <h1>New connection</h1>
      </header>
      <div className="card">
        <ActorPicker kind="source" value={sourceId} onChange={setSourceId} />
        <ActorPicker kind="destination" value={destinationId} onChange={setDestinationId} />
      </div>
      {source && destination && <ConnectionSetup key={`${source.id}:${destination.id}`} source={source} destination={destination} />}
    </section>
  );
}
