"""Posts OTLP payloads to telemetryd from several concurrent clients for a fixed time and
reports what was acknowledged.

  load.py URL PAYLOAD_FILE CLIENTS SECONDS

Each client is a process with its own keep-alive connection, cycling through the payloads
(offset per client). Prints one JSON line: requests by status, spans acknowledged (200) and
the rate over the measured time.
"""
import http.client
import json
import multiprocessing
import resource
import struct
import sys
import time
from urllib.parse import urlparse


def read_payloads(path):
    bodies = []
    with open(path, "rb") as file:
        while header := file.read(4):
            (length,) = struct.unpack(">I", header)
            bodies.append(file.read(length))
    return bodies


def client(index, url, path, seconds, results):
    bodies = read_payloads(path)
    target = urlparse(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
    statuses = {}
    deadline = time.monotonic() + seconds
    position = index * 7919
    while time.monotonic() < deadline:
        body = bodies[position % len(bodies)]
        position += 1
        connection.request("POST", "/v1/traces", body=body, headers={"Content-Type": "application/x-protobuf"})
        response = connection.getresponse()
        response.read()
        statuses[response.status] = statuses.get(response.status, 0) + 1
        if response.status in (429, 503):
            time.sleep(float(response.getheader("Retry-After", "1")) / 10)
    results.put(statuses)


def run(client_function):
    """Runs `client_function(index, target, path, seconds, results)` in CLIENTS processes with
    the command line's arguments and prints the summed statuses as one JSON line."""
    target, path, clients, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    results = multiprocessing.Queue()
    started = time.monotonic()
    workers = [
        multiprocessing.Process(target=client_function, args=(i, target, path, seconds, results)) for i in range(clients)
    ]
    for worker in workers:
        worker.start()
    totals = {}
    for _ in workers:
        for status, count in results.get().items():
            totals[status] = totals.get(status, 0) + count
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    # The clients' own CPU time (user + system, every thread of every worker process): they
    # share the machine with the server, so what one client library takes, the server lacks.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = round(usage.ru_utime + usage.ru_stime, 3)
    print(json.dumps({"statuses": totals, "seconds": round(elapsed, 2), "clients": clients, "client_cpu_seconds": client_cpu}))


if __name__ == "__main__":
    run(client)
