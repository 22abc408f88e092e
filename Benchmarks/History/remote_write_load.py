#!/usr/bin/env python3
"""Remote-write load: a day of 15 s samples for a fixed set of series, sent by concurrent
clients to a Prometheus remote-write receiver, as fast as it accepts them.

Series: bench_requests_total{job, instance} counters and bench_latency_seconds_bucket{job,
instance, le} histogram buckets (10 bounds), half of the series each. Every client owns a
shard of the series and sends them in time order, one timestamp per request (as a Prometheus
sender batches a scrape); the clients move through time in step (a barrier every 10 minutes
of data), so no receiver sees a sample older than its head allows.

Bodies are built once per client as a byte template; each request patches the timestamps
and values in place with numpy and compresses with libsnappy through ctypes, so the client
spends little of the machine's CPU.

Usage: remote_write_load.py URL SERIES HOURS CLIENTS
Prints JSON: samples, seconds, samples_per_second, refused_requests.
"""
import ctypes
import http.client
import json
import multiprocessing
import sys
import time
import urllib.parse

import numpy as np

BOUNDS = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"]
STEP_MS = 15_000

_snappy = ctypes.CDLL("libsnappy.so.1")
_snappy.snappy_max_compressed_length.restype = ctypes.c_size_t


def snappy(data: bytes) -> bytes:
    out_len = ctypes.c_size_t(_snappy.snappy_max_compressed_length(len(data)))
    out = ctypes.create_string_buffer(out_len.value)
    if _snappy.snappy_compress(data, len(data), out, ctypes.byref(out_len)) != 0:
        raise RuntimeError("snappy_compress failed")
    return out.raw[: out_len.value]


def varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def series_labels(count: int):
    """Label sets (sorted by name) of `count` series: half counters, half buckets."""
    result = []
    counters = count // 2
    for index in range(counters):
        result.append([("__name__", "bench_requests_total"), ("instance", f"host-{index // 10}:9100"),
                       ("job", f"job-{index % 10}"), ("series", str(index))])
    groups = (count - counters) // len(BOUNDS)
    for group in range(groups):
        for bound in BOUNDS:
            result.append([("__name__", "bench_latency_seconds_bucket"), ("instance", f"host-{group}:9100"),
                           ("job", f"job-{group % 10}"), ("le", bound)])
    return result


class Template:
    """One request's body for a shard, with the byte positions of every timestamp and value."""

    def __init__(self, labels, first_time_ms):
        body = bytearray()
        value_at, time_at = [], []
        stamp = varint(first_time_ms)
        assert len(stamp) == 6, "timestamps must be 6-byte varints (ms between 2^35 and 2^42)"
        for pairs in labels:
            label_bytes = b"".join(field(1, field(1, n.encode()) + field(2, v.encode())) for n, v in pairs)
            sample = b"\x09" + b"\0" * 8 + b"\x10" + stamp
            entry = label_bytes + field(2, sample)
            head = varint(1 << 3 | 2) + varint(len(entry))
            base = len(body) + len(head) + len(label_bytes) + 2  # field 2 tag + length byte
            value_at.append(base + 1)
            time_at.append(base + 10)
            body += head + entry
        self.body = np.frombuffer(bytes(body), dtype=np.uint8).copy()
        self.value_index = (np.array(value_at)[:, None] + np.arange(8)[None, :]).ravel()
        self.time_index = (np.array(time_at)[:, None] + np.arange(6)[None, :]).ravel()
        self.count = len(labels)

    def fill(self, time_ms: int, values: np.ndarray) -> bytes:
        self.body[self.value_index] = values.astype("<f8").view(np.uint8)
        self.body[self.time_index] = np.tile(np.frombuffer(varint(time_ms), dtype=np.uint8), self.count)
        return snappy(self.body.tobytes())


def client(url, labels, start_ms, steps, barrier, results, seed):
    parsed = urllib.parse.urlparse(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
    template = Template(labels, start_ms)
    rng = np.random.default_rng(seed)
    rates = rng.integers(1, 20, len(labels)).astype(np.float64)
    values = np.zeros(len(labels))
    headers = {"Content-Type": "application/x-protobuf", "Content-Encoding": "snappy",
               "X-Prometheus-Remote-Write-Version": "0.1.0"}
    sent = refused = 0
    for step in range(steps):
        if step % 40 == 0:
            barrier.wait()
        values += rng.poisson(rates)
        body = template.fill(start_ms + step * STEP_MS, values)
        while True:
            connection.request("POST", parsed.path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status in (429, 503) or response.status >= 500:
                time.sleep(0.05)
                continue
            if response.status >= 300:
                refused += 1
            break
        sent += len(labels)
    results.put((sent, refused))


def main():
    url, series, hours, clients = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    labels = series_labels(series)
    steps = int(hours * 3600 * 1000 // STEP_MS)
    now_ms = int(time.time() * 1000)
    start_ms = (now_ms - steps * STEP_MS) // STEP_MS * STEP_MS
    shards = [labels[i::clients] for i in range(clients)]
    barrier = multiprocessing.Barrier(clients)
    results = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=client, args=(url, shard, start_ms, steps, barrier, results, index))
               for index, shard in enumerate(shards)]
    began = time.time()
    for worker in workers:
        worker.start()
    totals = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    seconds = time.time() - began
    samples = sum(t[0] for t in totals)
    print(json.dumps({"samples": samples, "series": len(labels), "seconds": round(seconds, 2),
                      "samples_per_second": round(samples / seconds), "refused_requests": sum(t[1] for t in totals),
                      "end_ms": start_ms + (steps - 1) * STEP_MS}))


if __name__ == "__main__":
    main()
