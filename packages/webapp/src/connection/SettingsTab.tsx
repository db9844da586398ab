// Settings: name, schedule, namespace and prefix; delete with a confirmation.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { keys, useUpdateConnection } from '../api/queries';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorBox } from '../components/states';
import { NamespaceFields, ScheduleFields, type NamespaceValue, type ScheduleValue } from './SettingsFields';

export function SettingsTab({ connection }: { connection: Schemas['ConnectionRead'] }) {
  const update = useUpdateConnection(connection.connectionId);
  const client = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState(connection.name);
  const [schedule, setSchedule] = useState<ScheduleValue>({ scheduleType: connection.scheduleType, scheduleData: connection.scheduleData });
  const [namespace, setNamespace] = useState<NamespaceValue>({
    namespaceDefinition: connection.namespaceDefinition,
    namespaceFormat: connection.namespaceFormat ?? '',
    prefix: connection.prefix ?? '',
  });
  const [saved, setSaved] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>();

  const save = () =>
    update.mutate(
      {
        name: name.trim(),
        scheduleType: schedule.scheduleType,
        ...(schedule.scheduleData ? { scheduleData: schedule.scheduleData } : {}),
        namespaceDefinition: namespace.namespaceDefinition,
        ...(namespace.namespaceDefinition === 'customformat' ? { namespaceFormat: namespace.namespaceFormat } : {}),
        prefix: namespace.prefix,
      },
      { onSuccess: () => setSaved(true) },
    );

  return (
    <div>
      <div className="card">
        <label className="field">
          <span className="field-label">Connection name</span>
          <input
            aria-label="Connection name"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setSaved(false);
            }}
          />
        </label>
        <ScheduleFields
          value={schedule}
          onChange={(v) => {
            setSchedule(v);
            setSaved(false);
          }}
        />
        <NamespaceFields
          value={namespace}
          onChange={(v) => {
            setNamespace(v);
            setSaved(false);
          }}
        />
        {update.error && <ErrorBox error={update.error} title="The API refused the settings" />}
        <div className="actions">
          <button type="button" className="primary" disabled={update.isPending} onClick={save}>
            {update.isPending ? 'Saving…' : 'Save changes'}
          </button>
          {saved && <span className="check check-succeeded">Saved.</span>}
        </div>
      </div>
      <div className="card danger-zone">
        <h2>Delete this connection</h2>
        <p>It stops syncing; data already in the destination stays.</p>
        <ConfirmButton
          label="Delete connection"
          danger
          confirmLabel="Delete"
          question={
            <p>
              Delete connection <strong>{connection.name}</strong>?
            </p>
          }
          onConfirm={() =>
            unwrap('connections/delete', api.POST('/v1/connections/delete', { body: { connectionId: connection.connectionId } })).then(() => {
              void client.invalidateQueries({ queryKey: keys.connections });
              navigate('/connections');
            }, setDeleteError)
          }
        />
        {deleteError !== undefined && <ErrorBox error={deleteError} title="Could not delete the connection" />}
      </div>
    </div>
  );
}
