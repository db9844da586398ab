"""Drives the platform's public API with PyAirbyte's `airbyte.cloud.CloudWorkspace` (`airbyte`
from PyPI), as its docs show for a self-managed Airbyte: `api_root` pointed at the local
/api/public/v1, then deploy_source (a Postgres `Source` object), deploy_destination (an S3
configuration dict), deploy_connection, run_sync and the sync's job read back.

Run by python-clients.test.ts with the venv of scripts/install-airbyte-clients.sh. Input from
the environment as for airbyte_api_sdk_client.py; prints one JSON object of what it saw."""
import json
import os
import sys

import airbyte as ab
from airbyte.cloud import CloudWorkspace

db = json.loads(os.environ["SOURCE_DB"])
s3 = json.loads(os.environ["S3"])

workspace = CloudWorkspace(
    workspace_id=os.environ["AIRBYTE_WORKSPACE_ID"],
    client_id=os.environ["AIRBYTE_CLIENT_ID"],
    client_secret=os.environ["AIRBYTE_CLIENT_SECRET"],
    api_root=os.environ["AIRBYTE_API_URL"],
)

# Deploying sends the configuration only: the connector never runs on this machine (no
# install, no spec check), so any executable stands in for it.
source = ab.get_source("source-postgres", local_executable=sys.executable, install_if_missing=False)
source.set_config(
    {
        "host": db["host"],
        "port": db["port"],
        "database": db["database"],
        "username": db["username"],
        "password": db["password"],
        "schemas": ["public"],
        "ssl_mode": {"mode": "disable"},
        "replication_method": {"method": "Standard"},
    },
    validate=False,
)
cloud_source = workspace.deploy_source(name="pyairbyte postgres", source=source)

cloud_destination = workspace.deploy_destination(
    name="pyairbyte lake",
    destination={
        "destinationType": "s3",
        "s3_bucket_name": s3["bucket"],
        "s3_bucket_path": s3["path"],
        "s3_bucket_region": "us-east-1",
        "s3_endpoint": s3["endpoint"],
        "access_key_id": s3["access_key_id"],
        "secret_access_key": s3["secret_access_key"],
        "format": {"format_type": "Parquet"},
    },
)

connection = workspace.deploy_connection(
    connection_name="pyairbyte connection",
    source=cloud_source,
    destination=cloud_destination,
    selected_streams=["customers"],
)

result = connection.run_sync(wait=True, wait_timeout=180)

json.dump(
    {
        "sourceId": cloud_source.connector_id,
        "destinationId": cloud_destination.connector_id,
        "connectionId": connection.connection_id,
        "streams": connection.stream_names,
        "jobId": result.job_id,
        "status": str(result.get_job_status().value),
        "recordsSynced": result.records_synced,
        "sourcesNamed": [s.name for s in workspace.list_sources(name="pyairbyte postgres")],
    },
    sys.stdout,
)
