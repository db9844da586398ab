// Schedule (manual / every N units / cron with time zone and its next runs, computed by the
// API as the scheduler computes them) and namespace / prefix fields, shared by the new
// connection flow and the Settings tab.
import { useQuery } from '@tanstack/react-query';
import { useDeferredValue } from 'react';
import { api, describeError, unwrap, type Schemas } from '../api/client';

export interface ScheduleValue {
  scheduleType: Schemas['ConnectionScheduleType'];
  scheduleData?: Schemas['ConnectionScheduleData'];
}

export interface NamespaceValue {
  namespaceDefinition: Schemas['NamespaceDefinitionType'];
  namespaceFormat: string;
  prefix: string;
}

const TIME_UNITS: Schemas['TimeUnit'][] = ['minutes', 'hours', 'days', 'weeks', 'months'];
const DEFAULT_BASIC = { units: 24, timeUnit: 'hours' as const };
const DEFAULT_CRON = { cronExpression: '0 0 12 * * ?', cronTimeZone: 'UTC' };
const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function CronNextRuns({ cronExpression, cronTimeZone }: { cronExpression: string; cronTimeZone: string }) {
  const expression = useDeferredValue(cronExpression);
  const zone = useDeferredValue(cronTimeZone);
  const runs = useQuery({
    queryKey: ['cron', expression, zone],
    enabled: expression.trim().length > 0,
    retry: false,
    queryFn: () => unwrap('web_backend/describe_cron_expression', api.POST('/v1/web_backend/describe_cron_expression', { body: { cronExpression: expression, cronTimeZone: zone } })),
  });
  if (runs.error) {
    const { message, details } = describeError(runs.error);
    return <div className="field-error" role="alert">{details[0]?.message ?? message}</div>;
  }
  if (!runs.data) return <div className="muted">Checking the expression…</div>;
  const format = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: runs.data.cronTimeZone });
  return (
    <div className="next-runs" data-testid="cron-next-runs">
      <span className="muted">Next runs ({runs.data.cronTimeZone}):</span>
      <ol>
        {runs.data.nextExecutions.map((at) => (
          <li key={at}>{format.format(new Date(at * 1000))}</li>
        ))}
      </ol>
    </div>
  );
}

export function ScheduleFields({ value, onChange }: { value: ScheduleValue; onChange: (v: ScheduleValue) => void }) {
  const basic = value.scheduleData?.basicSchedule ?? DEFAULT_BASIC;
  const cron = value.scheduleData?.cron ?? { ...DEFAULT_CRON, cronTimeZone: browserTimeZone() };
  return (
    <fieldset className="fieldset">
      <legend>Schedule</legend>
      <label className="field">
        <span className="field-label">Schedule type</span>
        <select
          aria-label="Schedule type"
          value={value.scheduleType}
          onChange={(e) => {
            const scheduleType = e.target.value as ScheduleValue['scheduleType'];
            onChange(scheduleType === 'manual' ? { scheduleType } : scheduleType === 'basic' ? { scheduleType, scheduleData: { basicSchedule: basic } } : { scheduleType, scheduleData: { cron } });
          }}
        >
          <option value="manual">Manual</option>
          <option value="basic">Scheduled (every N units)</option>
          <option value="cron">Cron</option>
        </select>
      </label>
      {value.scheduleType === 'basic' && (
        <div className="row">
          <label className="field">
            <span className="field-label">Every</span>
            <input type="number" min={1} aria-label="Units" value={basic.units} onChange={(e) => onChange({ scheduleType: 'basic', scheduleData: { basicSchedule: { ...basic, units: Math.max(1, Number(e.target.value) || 1) } } })} />
          </label>
          <label className="field">
            <span className="field-label">Unit</span>
            <select aria-label="Time unit" value={basic.timeUnit} onChange={(e) => onChange({ scheduleType: 'basic', scheduleData: { basicSchedule: { ...basic, timeUnit: e.target.value as Schemas['TimeUnit'] } } })}>
              {TIME_UNITS.map((u) => (
                <option key={u} value={u}>
                  {u}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {value.scheduleType === 'cron' && (
        <>
          <div className="row">
            <label className="field">
              <span className="field-label">Cron expression (Quartz, or Unix 5 fields)</span>
              <input aria-label="Cron expression" value={cron.cronExpression} onChange={(e) => onChange({ scheduleType: 'cron', scheduleData: { cron: { ...cron, cronExpression: e.target.value } } })} />
            </label>
            <label className="field">
              <span className="field-label">Time zone</span>
              <input aria-label="Cron time zone" value={cron.cronTimeZone} onChange={(e) => onChange({ scheduleType: 'cron', scheduleData: { cron: { ...cron, cronTimeZone: e.target.value } } })} />
            </label>
          </div>
          <CronNextRuns cronExpression={cron.cronExpression} cronTimeZone={cron.cronTimeZone} />
        </>
      )}
    </fieldset>
  );
}

export function NamespaceFields({ value, onChange }: { value: NamespaceValue; onChange: (v: NamespaceValue) => void }) {
  return (
    <fieldset className="fieldset">
      <legend>Destination namespace</legend>
      <label className="field">
        <span className="field-label">Namespace definition</span>
        <select aria-label="Namespace definition" value={value.namespaceDefinition} onChange={(e) => onChange({ ...value, namespaceDefinition: e.target.value as NamespaceValue['namespaceDefinition'] })}>
          <option value="source">Source namespace (mirror the source)</option>
          <option value="destination">Destination default</option>
          <option value="customformat">Custom format</option>
        </select>
      </label>
      {value.namespaceDefinition === 'customformat' && (
        <label className="field">
          <span className="field-label">Namespace format (${'{SOURCE_NAMESPACE}'} is replaced)</span>
          <input aria-label="Namespace format" value={value.namespaceFormat} placeholder="production_${SOURCE_NAMESPACE}" onChange={(e) => onChange({ ...value, namespaceFormat: e.target.value })} />
        </label>
      )}
      <label className="field">
        <span className="field-label">Stream prefix</span>
        <input aria-label="Stream prefix" value={value.prefix} placeholder="e.g. raw_" onChange={(e) => onChange({ ...value, prefix: e.target.value })} />
      </label>
    </fieldset>
  );
}
