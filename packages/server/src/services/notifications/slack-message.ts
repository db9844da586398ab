// Webhook bodies in the shape Airbyte's Slack notification client posts: a plain `text` for
// clients that read only that, Slack `blocks` (sections with mrkdwn fields), and `data`, the
// sync summary as JSON for programs (Airbyte's SyncSummary serialized).

export interface Named {
  id: string;
  name: string;
  url?: string;
}

export interface SyncSummary {
  workspace: Named;
  connection: Named;
  source: Named;
  destination: Named;
  jobId: number;
  isSuccess: boolean;
  startedAt: Date | null;
  finishedAt: Date | null;
  recordsEmitted: number;
  bytesEmitted: number;
  recordsCommitted: number;
  bytesCommitted: number;
  errorType?: string | null;
  errorMessage?: string | null;
}

export interface SlackMessage {
  text: string;
  blocks: Array<{ type: 'section'; text?: { type: 'mrkdwn'; text: string }; fields?: Array<{ type: 'mrkdwn'; text: string }> }>;
  data?: Record<string, unknown>;
}

/** The kinds of job messages Airbyte sends, with its titles and lead lines. */
export const JOB_MESSAGES = {
  success: { title: 'Sync completed', lead: undefined },
  failure: { title: 'Sync failure occurred', lead: undefined },
  disableWarning: {
    title: 'Warning - repeated connection failures',
    lead: 'Your connection has been repeatedly failing. Please address any issues to ensure your syncs continue to run.',
  },
  disabled: { title: 'Connection disabled', lead: 'Your connection has been repeatedly failing and has been automatically disabled.' },
} as const;

export type JobMessageKind = keyof typeof JOB_MESSAGES;

/** Slack's link syntax, with the characters Slack reserves escaped in the label. */
function link(name: string, url: string | undefined): string {
  const label = name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return url ? `<${url}|${label}>` : label;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} sec`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} sec`;
  if (s < 86400) return `${Math.floor(s / 3600)} hours ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} days ${Math.floor((s % 86400) / 3600)} hours`;
}

export function formatVolume(bytes: number): string {
  let value = Math.floor(bytes);
  for (const unit of ['B', 'kB', 'MB', 'GB']) {
    if (value < 1024) return `${value} ${unit}`;
    value = Math.floor(value / 1024);
  }
  return `${value} TB`;
}

function durationSeconds(summary: SyncSummary): number | null {
  if (!summary.startedAt || !summary.finishedAt) return null;
  return Math.round((summary.finishedAt.getTime() - summary.startedAt.getTime()) / 1000);
}

/**
 * A job message. `extra` lines go under the lead (the auto-disable messages say after how
 * many failures). `tag` prefixes the title, as Airbyte's test notifications do.
 */
export function jobMessage(kind: JobMessageKind, summary: SyncSummary, options: { extra?: string; tag?: string } = {}): SlackMessage {
  const { title, lead } = JOB_MESSAGES[kind];
  const tag = options.tag ? `[${options.tag}] ` : '';
  const seconds = durationSeconds(summary);
  const fields = [
    { type: 'mrkdwn' as const, text: '*Source:*' },
    { type: 'mrkdwn' as const, text: link(summary.source.name, summary.source.url) },
    { type: 'mrkdwn' as const, text: '*Destination:*' },
    { type: 'mrkdwn' as const, text: link(summary.destination.name, summary.destination.url) },
    ...(seconds === null
      ? []
      : [
          { type: 'mrkdwn' as const, text: '*Duration:*' },
          { type: 'mrkdwn' as const, text: formatDuration(seconds) },
        ]),
  ];
  const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });
  const blocks: SlackMessage['blocks'] = [section(`${tag}${title}: ${link(summary.connection.name, summary.connection.url)}`)];
  const top = [lead, options.extra].filter(Boolean).join('\n');
  if (top) blocks.push(section(top));
  blocks.push({ type: 'section', fields });
  if (!summary.isSuccess && summary.errorMessage) {
    blocks.push(section(`*Failure reason:*\n\n\`\`\`\n[${summary.errorType ?? 'system_error'}] ${summary.errorMessage}\n\`\`\`\n`));
  }
  blocks.push(
    section(
      `*Sync Summary:*\n${summary.recordsEmitted} record(s) extracted / ${summary.recordsCommitted} record(s) loaded\n` +
        `${formatVolume(summary.bytesEmitted)} extracted / ${formatVolume(summary.bytesCommitted)} loaded\n`,
    ),
  );
  const outcome = summary.isSuccess ? 'succeeded' : `failed${summary.errorMessage ? `: ${summary.errorMessage}` : ''}`;
  const text =
    `${tag}${title}: connection "${summary.connection.name}" (${summary.source.name} → ${summary.destination.name}), job ${summary.jobId} ${outcome}.` +
    (top ? ` ${top.replace(/\n/g, ' ')}` : '');
  return { text, blocks, data: summaryData(summary, seconds) };
}

/** Airbyte's SyncSummary as its JSON mapper writes it, so receivers written for Airbyte read it. */
function summaryData(summary: SyncSummary, seconds: number | null): Record<string, unknown> {
  return {
    workspace: summary.workspace,
    connection: summary.connection,
    source: summary.source,
    destination: summary.destination,
    jobId: summary.jobId,
    success: summary.isSuccess,
    startedAt: summary.startedAt?.toISOString() ?? null,
    finishedAt: summary.finishedAt?.toISOString() ?? null,
    bytesEmitted: summary.bytesEmitted,
    bytesCommitted: summary.bytesCommitted,
    recordsEmitted: summary.recordsEmitted,
    recordsCommitted: summary.recordsCommitted,
    recordsFilteredOut: 0,
    bytesFilteredOut: 0,
    errorMessage: summary.errorMessage ?? null,
    errorType: summary.errorType ?? null,
    durationInSeconds: seconds,
    durationFormatted: seconds === null ? null : formatDuration(seconds),
    bytesEmittedFormatted: formatVolume(summary.bytesEmitted),
    bytesCommittedFormatted: formatVolume(summary.bytesCommitted),
  };
}

/** A message with only `text`, as Airbyte's notifyTest sends. */
export const textMessage = (text: string): { text: string } => ({ text });
