import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../testing/api-harness';

describe('workspaces', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('has one default workspace after migration', async () => {
    const res = await api.post('workspaces/list');
    expect(res.status).toBe(200);
    expect(res.body.workspaces).toEqual([expect.objectContaining({ name: 'default', slug: 'default', initialSetupComplete: true, notifications: [] })]);
    const bySlug = await api.post('workspaces/get_by_slug', { slug: 'default' });
    expect(bySlug.body.workspaceId).toBe(res.body.workspaces[0].workspaceId);
  });

  it('creates, gets and updates a workspace with Slack notification settings', async () => {
    const created = await api.post('workspaces/create', { name: 'Data Team', email: 'data@example.com' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'Data Team', slug: 'data-team', email: 'data@example.com', initialSetupComplete: false, defaultGeography: 'auto' });
    const twin = await api.post('workspaces/create', { name: 'Data team' });
    expect(twin.body.slug).toMatch(/^data-team-[0-9a-f]{8}$/);

    const notificationSettings = { sendOnFailure: { notificationType: ['slack'], slackConfiguration: { webhook: 'https://hooks.slack.com/services/T/B/X' } } };
    const updated = await api.post('workspaces/update', { workspaceId: created.body.workspaceId, initialSetupComplete: true, notificationSettings });
    expect(updated.body).toMatchObject({ name: 'Data Team', initialSetupComplete: true, notificationSettings });
    expect((await api.post('workspaces/get', { workspaceId: created.body.workspaceId })).body).toEqual(updated.body);
  });

  it("puts every workspace in Airbyte OSS's default organization", async () => {
    const defaultOrganizationId = '00000000-0000-0000-0000-000000000000';
    const listed = await api.post('workspaces/list');
    expect(listed.body.workspaces.length).toBeGreaterThan(0);
    for (const workspace of listed.body.workspaces) expect(workspace.organizationId).toBe(defaultOrganizationId);
    const created = await api.post('workspaces/create', { name: 'Org Team', organizationId: defaultOrganizationId });
    expect(created.body.organizationId).toBe(defaultOrganizationId);
    const otherOrganization = '00000000-0000-4000-8000-00000000beef';
    const refused = await api.post('workspaces/create', { name: 'Elsewhere', organizationId: otherOrganization });
    expect(refused.status).toBe(404);
    expect(refused.body.message).toBe(`Could not find organization with id ${otherOrganization}`);
  });

  it('answers unknown workspaces with 404 and bad emails with 422', async () => {
    const id = '00000000-0000-4000-8000-000000000404';
    expect((await api.post('workspaces/get', { workspaceId: id })).body.message).toBe(`Could not find workspace with id ${id}`);
    expect((await api.post('workspaces/update', { workspaceId: id, name: 'x' })).status).toBe(404);
    expect((await api.post('workspaces/get_by_slug', { slug: 'nope' })).body.message).toBe('Could not find workspace with slug nope');
    const bad = await api.post('workspaces/create', { name: 'x', email: 'not-an-email' });
    expect(bad.status).toBe(422);
    expect(bad.body.details).toEqual([{ path: 'email', message: 'must match format "email"' }]);
  });
});
