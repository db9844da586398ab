// Posting to a webhook. The URL is a credential (a Slack incoming webhook lets anyone post to
// the channel), so errors and logs carry only its redacted form.

/** Delivery failures worth retrying and not: any non-2xx answer, a timeout, a refused connection. */
export class WebhookError extends Error {}

/** `https://hooks.slack.com/services/T000/B000/XXXX` → `https://hooks.slack.com/…` */
export function redactWebhook(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '(malformed webhook URL)';
  }
}

/** Checks a webhook a user gives: an absolute http(s) URL. Returns the problem, or null. */
export function webhookProblem(url: string | undefined): string | null {
  if (!url) return 'slackConfiguration.webhook is empty';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'slackConfiguration.webhook is not a URL';
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? null : 'slackConfiguration.webhook must be an http(s) URL';
}

/** POSTs `body` as JSON; `signal` (a stopping worker) aborts it like the timeout does. */
export async function postWebhook(url: string, body: unknown, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const where = redactWebhook(url);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]) : AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (err) {
    const cause = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : signal?.aborted ? 'the worker is stopping' : ((err as { cause?: Error }).cause?.message ?? (err as Error).message);
    // The cause may quote the URL (undici does for some errors): keep only the redacted form.
    throw new WebhookError(`could not reach the webhook at ${where}: ${cause.split(url).join(where)}`);
  }
  const text = await response.text().catch(() => '');
  if (response.status < 200 || response.status > 299) {
    throw new WebhookError(`the webhook at ${where} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
  }
}
