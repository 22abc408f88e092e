#!/usr/bin/env python3
"""Pushes one sample now for each of SERIES series bench_notify{n} by remote write, every
30 s until killed, so a rule over them keeps SERIES alerts firing.

Usage: push.py URL SERIES
"""
import os
import sys
import time
import urllib.request

# The protobuf and snappy helpers of the history benchmark's remote-write load.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "History"))
from remote_write_load import field, snappy, varint  # noqa: E402


url, series = sys.argv[1], int(sys.argv[2])
while True:
    now = int(time.time() * 1000)
    body = b""
    for n in range(series):
        labels = field(1, field(1, b"__name__") + field(2, b"bench_notify")) + field(1, field(1, b"n") + field(2, str(n).encode()))
        sample = b"\x09" + bytes.fromhex("000000000000f03f") + b"\x10" + varint(now)
        body += field(1, labels + field(2, sample))
    request = urllib.request.Request(url, data=snappy(body), method="POST", headers={
        "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy", "X-Prometheus-Remote-Write-Version": "0.1.0"})
    urllib.request.urlopen(request).read()
    time.sleep(30)
