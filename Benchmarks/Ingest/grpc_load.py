"""Sends OTLP trace exports to telemetryd over gRPC from several concurrent clients for a fixed
time and reports what was acknowledged: the gRPC counterpart of load.py, on the same payloads.

  grpc_load.py HOST:PORT PAYLOAD_FILE CLIENTS SECONDS

Each client is a process with its own channel (one HTTP/2 connection), cycling through the
payloads (offset per client) as pre-encoded bytes, so the client spends no time encoding.
Prints one JSON line: calls by status code and the measured time.
"""
import json
import multiprocessing
import sys
import time

import grpc

from load import read_payloads

METHOD = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"


def client(index, target, path, seconds, results):
    bodies = read_payloads(path)
    channel = grpc.insecure_channel(target)
    export = channel.unary_unary(METHOD, request_serializer=None, response_deserializer=None)
    statuses = {}
    deadline = time.monotonic() + seconds
    position = index * 7919
    while time.monotonic() < deadline:
        body = bodies[position % len(bodies)]
        position += 1
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


def main():
    target, path, clients, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    results = multiprocessing.Queue()
    started = time.monotonic()
    workers = [multiprocessing.Process(target=client, args=(i, target, path, seconds, results)) for i in range(clients)]
    for worker in workers:
        worker.start()
    totals = {}
    for _ in workers:
        for status, count in results.get().items():
            totals[status] = totals.get(status, 0) + count
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    print(json.dumps({"statuses": totals, "seconds": round(elapsed, 2), "clients": clients}))


if __name__ == "__main__":
    main()
