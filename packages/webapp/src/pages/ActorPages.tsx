// Sources and Destinations: their lists, the new form (pick a connector, fill its generated
// form) and the edit form with delete.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { deleteActor, keys, useActor, useActors, useDefinitions, useSpec, type ActorKind, type ActorRead } from '../api/queries';
import { ConfirmButton } from '../components/ConfirmButton';
import { Empty, ErrorBox, QueryView } from '../components/states';
import { ConnectorForm } from '../forms/ConnectorForm';

const TITLES: Record<ActorKind, string> = { source: 'Sources', destination: 'Destinations' };
const path = (kind: ActorKind) => `/${kind}s`;

export function ActorListPage({ kind }: { kind: ActorKind }) {
  const actors = useActors(kind);
  return (
    <section>
      <header className="page-header">
        <h1>{TITLES[kind]}</h1>
        <Link className="button primary" to={`${path(kind)}/new`}>
          + New {kind}
        </Link>
      </header>
      <QueryView query={actors} what={TITLES[kind].toLowerCase()}>
        {(list) =>
          list.length === 0 ? (
            <Empty>
              No {kind}s yet. <Link to={`${path(kind)}/new`}>Set up your first {kind}</Link>.
            </Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Connector</th>
                </tr>
              </thead>
              <tbody>
                {list.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <Link to={`${path(kind)}/${a.id}`}>{a.name}</Link>
                    </td>
                    <td>{a.connectorName}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryView>
    </section>
  );
}

function FormForDefinition({ kind, definitionId, actor, defaultName, onSaved }: { kind: ActorKind; definitionId: string; actor?: ActorRead; defaultName: string; onSaved: (a: ActorRead) => void }) {
  const spec = useSpec(kind, definitionId);
  return (
    <QueryView query={spec} what="the connector's specification">
      {(s) => <ConnectorForm key={definitionId} kind={kind} definitionId={definitionId} spec={s} actor={actor} defaultName={defaultName} onSaved={onSaved} />}
    </QueryView>
  );
}

/** Picks a connector, then shows its form; `onSaved` gets the created actor. */
export function NewActorForm({ kind, onSaved }: { kind: ActorKind; onSaved: (a: ActorRead) => void }) {
  const definitions = useDefinitions(kind);
  const [definitionId, setDefinitionId] = useState<string>('');
  return (
    <QueryView query={definitions} what="connectors">
      {(list) => {
        const chosen = list.find((d) => d.definitionId === definitionId);
        return (
          <div className="card">
            <label className="field">
              <span className="field-label">{kind === 'source' ? 'Source type' : 'Destination type'}</span>
              <select name="definition" value={definitionId} onChange={(e) => setDefinitionId(e.target.value)}>
                <option value="">Choose a connector…</option>
                {list.map((d) => (
                  <option key={d.definitionId} value={d.definitionId}>
                    {d.name}
                  </option>
                ))}
              </select>
            </label>
            {chosen && <FormForDefinition kind={kind} definitionId={chosen.definitionId} defaultName={chosen.name} onSaved={onSaved} />}
          </div>
        );
      }}
    </QueryView>
  );
}

export function NewActorPage({ kind }: { kind: ActorKind }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  return (
    <section>
      <header className="page-header">
        <h1>New {kind}</h1>
      </header>
      <NewActorForm
        kind={kind}
        onSaved={(actor) => {
          void client.invalidateQueries({ queryKey: keys.actors(kind) });
          navigate(`${path(kind)}/${actor.id}`);
        }}
      />
    </section>
  );
}

export function EditActorPage({ kind }: { kind: ActorKind }) {
  const { id } = useParams();
  const actor = useActor(kind, id);
  const client = useQueryClient();
  const navigate = useNavigate();
  const [saved, setSaved] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>();
  return (
    <QueryView query={actor} what={`the ${kind}`}>
      {(a) => (
        <section>
          <header className="page-header">
            <h1>{a.name}</h1>
            <span className="muted">{a.connectorName}</span>
          </header>
          <div className="card">
            <FormForDefinition
              kind={kind}
              definitionId={a.definitionId}
              actor={a}
              defaultName={a.name}
              onSaved={(updated) => {
                client.setQueryData(keys.actor(kind, updated.id), updated);
                void client.invalidateQueries({ queryKey: keys.actors(kind) });
                void client.invalidateQueries({ queryKey: keys.connections });
                setSaved(true);
              }}
            />
            {saved && <p className="check check-succeeded">Saved.</p>}
          </div>
          <div className="card danger-zone">
            <h2>Delete this {kind}</h2>
            <p>Its connections are deleted with it; data already synced stays where it is.</p>
            <ConfirmButton
              label={`Delete ${kind}`}
              danger
              confirmLabel="Delete"
              question={
                <p>
                  Delete {kind} <strong>{a.name}</strong> and every connection using it?
                </p>
              }
              onConfirm={() =>
                deleteActor(kind, a.id).then(
                  () => {
                    void client.invalidateQueries({ queryKey: keys.actors(kind) });
                    void client.invalidateQueries({ queryKey: keys.connections });
                    navigate(path(kind));
                  },
                  setDeleteError,
                )
              }
            />
            {deleteError !== undefined && <ErrorBox error={deleteError} title={`Could not delete the ${kind}`} />}
          </div>
        </section>
      )}
    </QueryView>
  );
}
