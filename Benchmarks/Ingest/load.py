"""Posts OTLP payloads to telemetryd from several concurrent clients for a fixed time and
reports what was acknowledged.

  load.py URL PAYLOAD_FILE CLIENTS SECONDS

Each client is a process with its own keep-alive connection, cycling through the payloads
(offset per client) with new trace ids on every send (NewTraceIDs). Prints one JSON line: requests by status, spans acknowledged (200) and
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


class NewTraceIDs:
    """Hands out the payloads, each time with trace ids not sent before, so that every span
    the server stores is a new row (a payload sent twice would replace the rows it stored the
    first time, as an export retried does), as in a service's steady stream of spans.

    Each payload is cut once around the first eight bytes of every trace id in it (the
    offsets payloads.py wrote beside the payloads); each send joins the pieces with those
    bytes XORed with a number unique to this client and send (the same for every occurrence
    of one id, so spans of one trace stay one trace): about 0.1 ms of client CPU per 512-span
    payload."""

    def __init__(self, path, client_index):
        self.bodies = read_payloads(path)
        with open(path + ".trace-ids") as file:
            self.offsets = [json.loads(line) for line in file]
        # Cut when first sent: a client of a short phase sends only some of them.
        self.payloads = [None] * len(self.bodies)
        self.salt = (client_index + 1) << 40
        self.position = client_index * 7919

    @staticmethod
    def cut(body, offsets):
        number, pieces, which, previous = {}, [], [], 0
        for offset in offsets:
            prefix = body[offset:offset + 8]
            pieces.append(body[previous:offset])
            which.append(number.setdefault(prefix, len(number)))
            previous = offset + 8
        pieces.append(body[previous:])
        return pieces, which, [int.from_bytes(prefix, "big") for prefix in number]

    def next(self):
        index = self.position % len(self.payloads)
        self.position += 1
        if self.payloads[index] is None:
            self.payloads[index] = self.cut(self.bodies[index], self.offsets[index])
        pieces, which, originals = self.payloads[index]
        self.salt += 1
        renamed = [(original ^ self.salt).to_bytes(8, "big") for original in originals]
        parts = [b""] * (2 * len(which) + 1)
        parts[0::2] = pieces
        parts[1::2] = [renamed[index] for index in which]
        return b"".join(parts)


def client(index, url, path, seconds, results):
    payloads = NewTraceIDs(path, index)
    target = urlparse(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
    statuses = {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = payloads.next()
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
