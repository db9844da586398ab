// Every stream of a catalog with a select toggle, its sync mode (the four modes, those the
// stream or destination lacks disabled), and cursor / primary key pickers where the mode needs them.
import type { Schemas } from '../api/client';
import { modeSupported, streamFields, streamKey, streamLabel, streamProblems, SYNC_MODE_OPTIONS } from './catalog';

type Catalog = Schemas['AirbyteCatalog'];
type Config = Schemas['AirbyteStreamConfiguration'];

export function StreamsEditor({ catalog, destinationModes, onChange }: { catalog: Catalog; destinationModes: Schemas['DestinationSyncMode'][]; onChange: (c: Catalog) => void }) {
  const update = (index: number, changes: Partial<Config>) =>
    onChange({ streams: catalog.streams.map((s, i) => (i === index ? { ...s, config: { ...s.config, ...changes } } : s)) });
  const allSelected = catalog.streams.every((s) => s.config.selected !== false);
  return (
    <table className="table streams">
      <thead>
        <tr>
          <th>
            <input type="checkbox" aria-label="Select all streams" checked={allSelected} onChange={() => onChange({ streams: catalog.streams.map((s) => ({ ...s, config: { ...s.config, selected: !allSelected } })) })} />
          </th>
          <th>Stream</th>
          <th>Sync mode</th>
          <th>Cursor field</th>
          <th>Primary key</th>
        </tr>
      </thead>
      <tbody>
        {catalog.streams.map((entry, i) => {
          const { stream, config } = entry;
          const fields = streamFields(stream);
          const mode = `${config.syncMode}.${config.destinationSyncMode}`;
          const selected = config.selected !== false;
          const problems = streamProblems(entry);
          const needsCursor = config.syncMode === 'incremental';
          const needsKey = config.destinationSyncMode === 'append_dedup';
          const key = (config.primaryKey?.length ? config.primaryKey : stream.sourceDefinedPrimaryKey ?? []).map((p) => p[0]);
          return (
            <tr key={streamKey(stream)} data-stream={stream.name} className={selected ? '' : 'unselected'}>
              <td>
                <input type="checkbox" aria-label={`Sync ${streamLabel(stream)}`} checked={selected} onChange={(e) => update(i, { selected: e.target.checked })} />
              </td>
              <td>
                {streamLabel(stream)}
                {problems.length > 0 && <div className="field-error">{problems.join('; ')}</div>}
              </td>
              <td>
                <select
                  aria-label={`Sync mode of ${stream.name}`}
                  value={mode}
                  disabled={!selected}
                  onChange={(e) => {
                    const option = SYNC_MODE_OPTIONS.find((o) => o.value === e.target.value)!;
                    update(i, { syncMode: option.syncMode, destinationSyncMode: option.destinationSyncMode });
                  }}
                >
                  {SYNC_MODE_OPTIONS.map((o) => (
                    <option key={o.value} value={o.value} disabled={!modeSupported(o, stream, destinationModes)}>
                      {o.label}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                {!needsCursor ? (
                  <span className="muted">–</span>
                ) : stream.sourceDefinedCursor ? (
                  <span className="muted">source-defined</span>
                ) : (
                  <select aria-label={`Cursor field of ${stream.name}`} value={config.cursorField?.[0] ?? ''} disabled={!selected} onChange={(e) => update(i, { cursorField: e.target.value ? [e.target.value] : [] })}>
                    <option value="">Choose…</option>
                    {fields.map((f) => (
                      <option key={f} value={f}>
                        {f}
                      </option>
                    ))}
                  </select>
                )}
              </td>
              <td>
                {!needsKey ? (
                  <span className="muted">{key.join(', ') || '–'}</span>
                ) : stream.sourceDefinedPrimaryKey?.length ? (
                  <span className="muted">{key.join(', ')} (source-defined)</span>
                ) : (
                  <select
                    multiple
                    aria-label={`Primary key of ${stream.name}`}
                    value={key}
                    disabled={!selected}
                    onChange={(e) => update(i, { primaryKey: [...e.target.selectedOptions].map((o) => [o.value]) })}
                  >
                    {fields.map((f) => (
                      <option key={f} value={f}>
                        {f}
                      </option>
                    ))}
                  </select>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
