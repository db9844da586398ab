// Workspaces, with the default-workspace fallback for requests that name none.
import { NotFoundError } from '../shared/errors';
import type { ConfigStore, WorkspaceChanges, WorkspaceRecord } from '../store/config-store';

/** Airbyte OSS's one organization (its OrganizationPersistence.DEFAULT_ORGANIZATION_ID); every workspace is in it. */
export const DEFAULT_ORGANIZATION_ID = '00000000-0000-0000-0000-000000000000';

export class WorkspaceService {
  constructor(private readonly store: ConfigStore) {}

  list(): Promise<WorkspaceRecord[]> {
    return this.store.listWorkspaces();
  }

  async get(workspaceId: string): Promise<WorkspaceRecord> {
    const workspace = await this.store.getWorkspace(workspaceId);
    if (!workspace) throw new NotFoundError('workspace', workspaceId);
    return workspace;
  }

  async getBySlug(slug: string): Promise<WorkspaceRecord> {
    const workspace = await this.store.getWorkspaceBySlug(slug);
    if (!workspace) throw new NotFoundError('workspace', slug, `Could not find workspace with slug ${slug}`);
    return workspace;
  }

  /** The named workspace, or the default one when the request names none. */
  resolve(workspaceId: string | undefined): Promise<WorkspaceRecord> {
    return workspaceId ? this.get(workspaceId) : this.store.defaultWorkspace();
  }

  create({ organizationId, ...input }: Pick<WorkspaceRecord, 'name'> & WorkspaceChanges & { organizationId?: string }): Promise<WorkspaceRecord> {
    if (organizationId !== undefined && organizationId !== DEFAULT_ORGANIZATION_ID) {
      throw new NotFoundError('organization', organizationId);
    }
    return this.store.createWorkspace(input);
  }

  async update(workspaceId: string, changes: WorkspaceChanges): Promise<WorkspaceRecord> {
    const updated = await this.store.updateWorkspace(workspaceId, changes);
    if (!updated) throw new NotFoundError('workspace', workspaceId);
    return updated;
  }
}
