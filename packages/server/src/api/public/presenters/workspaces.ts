// Workspace records → Airbyte's WorkspaceResponse.
import type { WorkspaceRecord } from '../../../store/config-store';

export function toWorkspaceResponse(w: WorkspaceRecord) {
  return { workspaceId: w.workspaceId, name: w.name, dataResidency: w.defaultGeography, notifications: {} };
}
