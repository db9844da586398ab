// Dremio's first user, through its REST API: a fresh Dremio has no user and answers
// PUT /apiv2/bootstrap/firstuser until one exists. Idempotent: a user that can already log in
// is left as it is. Sources are registered afterwards by the seeding (config/seeds
// dremio_sources) with the same client the query service's users have.
import { setTimeout as sleep } from 'node:timers/promises';
import { DremioApiError, DremioClient } from '@platform/lake-query/client';

/** Dremio's own password rule (its UserServiceUtils): refused before Dremio refuses it. */
export function dremioPasswordProblem(password: string): string | undefined {
  if (password.length >= 8 && /[a-zA-Z]/.test(password) && /\d/.test(password)) return undefined;
  return 'Dremio accepts only passwords of at least 8 characters with a letter and a digit';
}

export interface DremioUser {
  userName: string;
  password: string;
}

export type BootstrapOutcome = 'created' | 'existed';

/** Waits until Dremio serves (GET /apiv2/server_status answers 200), up to `timeoutMs`. */
export async function waitForDremio(baseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const response = await fetch(`${baseUrl}/apiv2/server_status`);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`Dremio at ${baseUrl} did not become ready within ${timeoutMs / 1000} s (${last})`);
    await sleep(2_000);
  }
}

/** Creates the first user unless `user` can already log in; fails naming the fix otherwise. */
export async function bootstrapFirstUser(baseUrl: string, user: DremioUser): Promise<BootstrapOutcome> {
  const root = baseUrl.replace(/\/+$/, '');
  if (await canLogIn(root, user)) return 'existed';
  const problem = dremioPasswordProblem(user.password);
  if (problem) throw new Error(`${problem}: set DREMIO_PASSWORD (query.password in config/platform.yaml)`);
  const response = await fetch(`${root}/apiv2/bootstrap/firstuser`, {
    method: 'PUT',
    // No user exists yet, so there is no token: Dremio's own UI sends this placeholder.
    headers: { 'content-type': 'application/json', authorization: '_dremionull' },
    body: JSON.stringify({
      userName: user.userName,
      firstName: user.userName,
      lastName: 'Airlock',
      email: `${user.userName}@airlock.local`,
      createdAt: Date.now(),
      password: user.password,
    }),
  });
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { errorMessage?: string }).errorMessage ?? text;
    } catch {
      // not JSON: keep the text
    }
    if (/already registered/i.test(message)) {
      throw new Error(`Dremio already has a first user, and ${user.userName} cannot log in with the configured password: use that user's credentials in DREMIO_USER / DREMIO_PASSWORD, or remove the dremio-data volume (platform down --volumes)`);
    }
    throw new DremioApiError(response.status, 'bootstrap first user', message);
  }
  // The account must work as the seeding will use it.
  await DremioClient.login(root, user.userName, user.password);
  return 'created';
}

async function canLogIn(root: string, { userName, password }: DremioUser): Promise<boolean> {
  try {
    await DremioClient.login(root, userName, password);
    return true;
  } catch (error) {
    if (error instanceof DremioApiError && (error.status === 401 || error.status === 403)) return false;
    throw error;
  }
}
