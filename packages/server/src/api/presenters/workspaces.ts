// Workspace records → the API's WorkspaceRead.
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { WorkspaceRecord } from '../../store/config-store';
import { DEFAULT_ORGANIZATION_ID } from '../../services/workspaces';

export function toWorkspaceRead(w: WorkspaceRecord): ApiSchemas['WorkspaceRead'] {
  return {
    workspaceId: w.workspaceId,
    customerId: w.customerId,
    organizationId: DEFAULT_ORGANIZATION_ID,
    // Airbyte's WorkspaceRead has email as a string (format email): left out when none was set.
    ...(w.email ? { email: w.email } : {}),
    name: w.name,
    slug: w.slug,
    initialSetupComplete: w.initialSetupComplete,
    displaySetupWizard: w.displaySetupWizard,
    anonymousDataCollection: w.anonymousDataCollection,
    news: w.news,
    securityUpdates: w.securityUpdates,
    notifications: [],
    notificationSettings: w.notificationSettings,
    defaultGeography: w.defaultGeography,
  };
}
