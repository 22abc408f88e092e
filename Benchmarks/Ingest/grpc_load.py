"""Sends OTLP trace exports to telemetryd over gRPC from several concurrent clients for a fixed
time and reports what was acknowledged: the gRPC counterpart of load.py, on the same payloads.

  grpc_load.py HOST:PORT PAYLOAD_FILE CLIENTS SECONDS

Each client is a process with its own channel (one HTTP/2 connection), cycling through the
payloads (offset per client) as pre-encoded bytes with new trace ids on every send, as load.py
does, so the client spends no time encoding.
Prints one JSON line: calls by status code and the measured time.
"""
import time

import grpc

from load import NewTraceIDs, run

METHOD = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"


def client(index, target, path, seconds, results):
    payloads = NewTraceIDs(path, index)
    channel = grpc.insecure_channel(target)
    export = channel.unary_unary(METHOD, request_serializer=None, response_deserializer=None)
    statuses = {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = payloads.next()
        try:
            export(body, timeout=60)
            code = "OK"
        except grpc.RpcError as error:
            code = error.code().name
            if error.code() == grpc.StatusCode.UNAVAILABLE:
                time.sleep(0.1)
        statuses[code] = statuses.get(code, 0) + 1
    channel.close()
    results.put(statuses)


if __name__ == "__main__":
    run(client)
