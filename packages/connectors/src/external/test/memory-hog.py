#!/usr/bin/env python3
# A small external connector of ours for the memory-limit tests: `read` emits one record,
# then allocates `allocate_mib` MiB (as a connector buffering a large response would), then
# emits a second record and its state. Under a memory limit smaller than that it dies with
# Python's MemoryError, as Airbyte's Python connectors do.
import json
import sys

verb, rest = sys.argv[1], sys.argv[2:]


def arg(name):
    return rest[rest.index(f"--{name}") + 1] if f"--{name}" in rest else None


def out(message):
    print(json.dumps(message), flush=True)


config = json.load(open(arg("config"))) if arg("config") else {}
stream = {"name": "items", "json_schema": {"type": "object", "properties": {"id": {"type": "integer"}}}, "supported_sync_modes": ["full_refresh", "incremental"]}

if verb == "spec":
    out({"type": "SPEC", "spec": {"connectionSpecification": {"type": "object", "properties": {"allocate_mib": {"type": "integer"}}}}})
elif verb == "check":
    out({"type": "CONNECTION_STATUS", "connectionStatus": {"status": "SUCCEEDED"}})
elif verb == "discover":
    out({"type": "CATALOG", "catalog": {"streams": [stream]}})
elif verb == "read":
    out({"type": "RECORD", "record": {"stream": "items", "data": {"id": 1}, "emitted_at": 1}})
    buffer = bytearray(config.get("allocate_mib", 0) * 2**20)
    out({"type": "RECORD", "record": {"stream": "items", "data": {"id": 2, "buffered": len(buffer)}, "emitted_at": 1}})
    out({"type": "STATE", "state": {"type": "STREAM", "stream": {"stream_descriptor": {"name": "items"}, "stream_state": {"cursor": 2}}}})
else:
    sys.exit(f"unknown command {verb}")
