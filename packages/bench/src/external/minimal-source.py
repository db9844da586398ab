#!/usr/bin/env python3
# The benchmark's minimal external source: speaks just enough of the Airbyte Protocol, and its
# `read` writes config.count RECORD lines of one stream ("events") as fast as Python can
# (json.dumps per record, written in blocks), then one STATE. What it costs alone is the
# /dev/null baseline; everything above that is the platform's protocol path.
import json
import sys

verb, rest = sys.argv[1], sys.argv[2:]
config = json.load(open(rest[rest.index("--config") + 1])) if "--config" in rest else {}
SCHEMA = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "amount": {"type": "number"}, "created_at": {"type": "string", "format": "date-time"}}}
STREAM = {"name": "events", "json_schema": SCHEMA, "supported_sync_modes": ["full_refresh"]}


def out(message):
    sys.stdout.write(json.dumps(message) + "\n")


if verb == "spec":
    out({"type": "SPEC", "spec": {"connectionSpecification": {"type": "object", "properties": {"count": {"type": "integer"}}}}})
elif verb == "check":
    out({"type": "CONNECTION_STATUS", "connectionStatus": {"status": "SUCCEEDED"}})
elif verb == "discover":
    out({"type": "CATALOG", "catalog": {"streams": [STREAM]}})
elif verb == "read":
    dumps, write, block = json.dumps, sys.stdout.write, []
    for i in range(1, config["count"] + 1):
        record = {"id": i, "name": f"name {i}", "amount": i % 10000 / 100, "created_at": f"2024-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z"}
        block.append(dumps({"type": "RECORD", "record": {"stream": "events", "data": record, "emitted_at": 1700000000000}}))
        if len(block) == 1000:
            write("\n".join(block) + "\n")
            block = []
    if block:
        write("\n".join(block) + "\n")
    out({"type": "STATE", "state": {"type": "STREAM", "stream": {"stream_descriptor": {"name": "events"}, "stream_state": {"done": True}}}})
else:
    sys.exit(f"unknown command {verb}")
