"""Drives the platform's public API with Airbyte's own Python SDK (`airbyte-api` from PyPI),
as a user's script would: client-credentials auth, then a source (Postgres), a destination
(S3), a connection naming its streams, a sync, and the job read back until it ends.

Run by python-clients.test.ts with the venv of scripts/install-airbyte-clients.sh. Input from the
environment (AIRBYTE_API_URL, AIRBYTE_CLIENT_ID, AIRBYTE_CLIENT_SECRET as `platform credentials`
prints them; SOURCE_DB and S3 as JSON); prints one JSON object of what it saw."""
import json
import os
import sys
import time

import airbyte_api
from airbyte_api import api, models

url = os.environ["AIRBYTE_API_URL"]
db = json.loads(os.environ["SOURCE_DB"])
s3 = json.loads(os.environ["S3"])

client = airbyte_api.AirbyteAPI(
    server_url=url,
    security=models.Security(
        client_credentials=models.SchemeClientCredentials(
            client_id=os.environ["AIRBYTE_CLIENT_ID"],
            client_secret=os.environ["AIRBYTE_CLIENT_SECRET"],
            token_url=f"{url}/applications/token",
        )
    ),
)

workspaces = client.workspaces.list_workspaces(request=api.ListWorkspacesRequest())
workspace_id = workspaces.workspaces_response.data[0].workspace_id

source = client.sources.create_source(
    request=models.SourceCreateRequest(
        name="sdk postgres",
        workspace_id=workspace_id,
        configuration=models.SourcePostgres(
            host=db["host"],
            port=db["port"],
            database=db["database"],
            username=db["username"],
            password=db["password"],
            schemas=["public"],
            ssl_mode=models.SourcePostgresDisable(),
            replication_method=models.SourcePostgresScanChangesWithUserDefinedCursor(),
        ),
    )
).source_response

destination = client.destinations.create_destination(
    request=models.DestinationCreateRequest(
        name="sdk lake",
        workspace_id=workspace_id,
        configuration=models.DestinationS3(
            s3_bucket_name=s3["bucket"],
            s3_bucket_path=s3["path"],
            s3_bucket_region=models.DestinationS3S3BucketRegion.US_EAST_1,
            s3_endpoint=s3["endpoint"],
            access_key_id=s3["access_key_id"],
            secret_access_key=s3["secret_access_key"],
            format_=models.DestinationS3ParquetColumnarStorage(),
        ),
    )
).destination_response

streams = client.streams.get_stream_properties(
    request=api.GetStreamPropertiesRequest(source_id=source.source_id, destination_id=destination.destination_id)
).stream_properties_response

connection = client.connections.create_connection(
    request=models.ConnectionCreateRequest(
        source_id=source.source_id,
        destination_id=destination.destination_id,
        name="sdk connection",
        namespace_definition=models.NamespaceDefinitionEnum.SOURCE,
        configurations=models.StreamConfigurations(
            streams=[
                models.StreamConfiguration(
                    name="customers",
                    sync_mode=models.ConnectionSyncModeEnum.INCREMENTAL_APPEND,
                    cursor_field=["updated_at"],
                )
            ]
        ),
    )
).connection_response

job = client.jobs.create_job(
    request=models.JobCreateRequest(connection_id=connection.connection_id, job_type=models.JobTypeEnum.SYNC)
).job_response

deadline = time.time() + 120
while True:
    job = client.jobs.get_job(request=api.GetJobRequest(job_id=job.job_id)).job_response
    if job.status in (models.JobStatusEnum.SUCCEEDED, models.JobStatusEnum.FAILED, models.JobStatusEnum.CANCELLED) or time.time() > deadline:
        break
    time.sleep(0.5)

jobs = client.jobs.list_jobs(request=api.ListJobsRequest(connection_id=connection.connection_id)).jobs_response
fetched_source = client.sources.get_source(request=api.GetSourceRequest(source_id=source.source_id)).source_response

json.dump(
    {
        "workspaceId": workspace_id,
        "sourceId": source.source_id,
        "sourceType": source.source_type,
        "sourcePasswordSeen": db["password"] in fetched_source.model_dump_json(by_alias=True),
        "destinationId": destination.destination_id,
        "destinationType": destination.destination_type,
        "streams": sorted(s.stream_name for s in streams),
        "connectionId": connection.connection_id,
        "connectionStreams": [
            {"name": s.name, "syncMode": s.sync_mode.value if s.sync_mode else None} for s in connection.configurations.streams or []
        ],
        "job": {"jobId": job.job_id, "status": job.status.value, "jobType": job.job_type.value, "rowsSynced": job.rows_synced},
        "listedJobIds": [j.job_id for j in jobs.data],
    },
    sys.stdout,
)
