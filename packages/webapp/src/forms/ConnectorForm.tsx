// Create/edit form of a source or destination, generated from its connector's spec by
// @rjsf/core. "Test connection" runs the connector's check; saving checks first and refuses
// a configuration whose check fails (as Airbyte's form does). The API's 422 field details
// show next to their fields.
import type Form from '@rjsf/core';
import type { ErrorSchema } from '@rjsf/utils';
import { useRef, useState } from 'react';
import { describeError, type FieldError } from '../api/client';
import { checkConfiguration, saveActor, type ActorKind, type ActorRead, type SpecRead } from '../api/queries';
import { apiErrorsToErrorSchema } from './spec-form';
import { SpecFormFields } from './SpecFormFields';

type CheckResult = { status: 'succeeded' | 'failed'; message?: string };

export interface ConnectorFormProps {
  kind: ActorKind;
  definitionId: string;
  spec: SpecRead;
  /** Editing a saved actor: its masked configuration, kept where the user does not type. */
  actor?: ActorRead;
  defaultName: string;
  onSaved: (actor: ActorRead) => void;
}

export function ConnectorForm({ kind, definitionId, spec, actor, defaultName, onSaved }: ConnectorFormProps) {
  const formRef = useRef<Form>(null);
  const [name, setName] = useState(actor?.name ?? defaultName);
  const [configuration, setConfiguration] = useState<Record<string, unknown>>(actor?.connectionConfiguration ?? {});
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>();
  const [failure, setFailure] = useState<{ message: string; details: FieldError[] } | undefined>();
  const [check, setCheck] = useState<CheckResult | undefined>();
  const [busy, setBusy] = useState<'testing' | 'saving' | undefined>();

  const showError = (error: unknown) => {
    const described = describeError(error);
    const { errorSchema, other } = apiErrorsToErrorSchema(described.details);
    setExtraErrors(errorSchema);
    setFailure({ message: described.message, details: other });
  };

  const run = async (action: 'testing' | 'saving') => {
    setFailure(undefined);
    setExtraErrors(undefined);
    setCheck(undefined);
    if (!formRef.current?.validateForm()) return;
    if (action === 'saving' && !name.trim()) {
      setFailure({ message: 'Name: give it a name', details: [] });
      return;
    }
    setBusy(action);
    try {
      const input = { definitionId, name: name.trim(), connectionConfiguration: configuration };
      const result = await checkConfiguration(kind, input, actor?.id);
      setCheck({ status: result.status, message: result.message });
      if (action === 'saving' && result.status === 'succeeded') onSaved(await saveActor(kind, input, actor?.id));
    } catch (error) {
      showError(error);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div className="connector-form">
      <label className="field">
        <span className="field-label">{kind === 'source' ? 'Source name' : 'Destination name'}</span>
        <input name="actor-name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <SpecFormFields formRef={formRef} spec={spec.connectionSpecification} value={configuration} onChange={setConfiguration} extraErrors={extraErrors} />
      {check && (
        <div className={`check check-${check.status}`} role="status" data-testid="check-result">
          {check.status === 'succeeded' ? 'All connection tests passed!' : `The connection test failed: ${check.message ?? 'no message'}`}
        </div>
      )}
      {failure && (
        <div className="state error" role="alert">
          <p>{failure.message}</p>
          {failure.details.map((d) => (
            <p key={d.path}>
              <code>{d.path}</code>: {d.message}
            </p>
          ))}
        </div>
      )}
      <div className="actions">
        <button type="button" className="secondary" disabled={busy !== undefined} onClick={() => void run('testing')}>
          {busy === 'testing' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" className="primary" disabled={busy !== undefined} onClick={() => void run('saving')}>
          {busy === 'saving' ? 'Testing and saving…' : actor ? 'Save changes' : `Set up ${kind}`}
        </button>
      </div>
    </div>
  );
}
