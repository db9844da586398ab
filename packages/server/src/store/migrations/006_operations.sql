-- Airbyte's operations (operations/*): a named operator configuration (normalization, dbt or
-- webhook) of a workspace, run by the connections whose operation_ids name it. They are
-- recorded and returned as Airbyte's are; none is executed here (destination-postgres
-- normalizes on its own, dbt and webhook operations are stored only).
CREATE TABLE operations (
  operation_id           UUID PRIMARY KEY,
  workspace_id           UUID NOT NULL REFERENCES workspaces (workspace_id),
  name                   TEXT NOT NULL,
  -- Airbyte's OperatorConfiguration: { operatorType, normalization?, dbt?, webhook? }.
  operator_configuration JSONB NOT NULL,
  created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX operations_workspace ON operations (workspace_id);
-- operations/delete removes the id from every connection naming it: find them by the array.
CREATE INDEX connections_operation_ids ON connections USING GIN (operation_ids);
