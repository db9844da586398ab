# The peers scenario's dlt run: one Postgres table to Parquet ZSTD in S3 with dlt's sql_table
# source on the ConnectorX backend (Arrow record batches streamed, no Python object per row) and
# the filesystem destination, full refresh (write_disposition "replace"). Run by dlt-pipeline.ts
# with the venv's python; the run spec comes on stdin (it holds passwords), one JSON line of
# figures goes to stdout. Imports happen before the clock starts, as for the other pipelines.
import json
import os
import resource
import sys
import time
from urllib.parse import quote

spec = json.load(sys.stdin)

# dlt reads its configuration from the environment; set before dlt is imported.
os.environ.update(
    {
        # No network here but loopback, and nothing to report to.
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        "RUNTIME__LOG_LEVEL": "WARNING",
        # Parquet as the other pipelines write it (dlt's default codec is snappy). Arrow tables are
        # written to Parquet at extract; the section-less key applies to every stage.
        "DATA_WRITER__COMPRESSION": "zstd",
    }
)

import dlt  # noqa: E402
from dlt.destinations import filesystem  # noqa: E402
from dlt.sources.sql_database import sql_table  # noqa: E402


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    pg = spec["postgres"]
    s3 = spec["s3"]
    # dlt reflects the table with SQLAlchemy, which needs the driver named; ConnectorX then reads it.
    url = f"postgresql+psycopg2://{quote(pg['user'], safe='')}:{quote(pg['password'], safe='')}@{pg['host']}:{pg['port']}/{pg['database']}"
    source = sql_table(
        credentials=url,
        table=spec["table"],
        schema="public",
        backend="connectorx",
        backend_kwargs={"return_type": "arrow_stream"},
    )
    destination = filesystem(
        bucket_url=f"s3://{s3['bucket']}/{spec['prefix']}",
        credentials={
            "aws_access_key_id": s3["accessKeyId"],
            "aws_secret_access_key": s3["secretAccessKey"],
            "endpoint_url": s3["endpoint"],
            "region_name": s3["region"],
        },
        # The local S3 server answers on one host name: bucket in the path, not in the host.
        config_kwargs={"s3": {"addressing_style": "path"}},
    )
    pipeline = dlt.pipeline(
        pipeline_name=spec["pipelineName"],
        pipelines_dir=spec["pipelinesDir"],
        destination=destination,
        dataset_name=spec["dataset"],
    )

    cpu_at_start = cpu_seconds()
    started = time.perf_counter()
    pipeline.run(source, loader_file_format="parquet", write_disposition="replace")
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_at_start

    rows = pipeline.last_trace.last_normalize_info.row_counts.get(spec["table"], 0)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpuSeconds": cpu,
                "rows": rows,
                # ru_maxrss is in kB on Linux: the Python process's own high-water mark.
                "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            }
        ),
        flush=True,
    )


main()
