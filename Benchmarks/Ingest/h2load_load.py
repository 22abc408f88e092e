"""Sends one OTLP trace export again and again from several connections with h2load (nghttp2's
load generator, written in C) over OTLP/HTTP (HTTP/1.1) or OTLP/gRPC (HTTP/2 without TLS), for
a fixed time, and reports what came back in load.py's format.

  h2load_load.py http|grpc URL PAYLOAD_FILE CLIENTS SECONDS

The same client drives both protocols and takes little CPU, so the two phases differ only in
what the server does. Every request carries the first payload of PAYLOAD_FILE (h2load sends
one body): the server stores the same spans again (the spans table replaces rows with the same
ids). For gRPC the body is framed as one uncompressed message; h2load counts HTTP statuses
only, so a call that failed with a gRPC status in its trailers still counts as 2xx here (the
benchmark's span figure comes from the server's own counter).
"""
import json
import os
import re
import resource
import struct
import subprocess
import sys
import tempfile

from load import read_payloads


def main():
    protocol, url, path, clients, seconds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    body = read_payloads(path)[0]
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as file:
        if protocol == "grpc":
            file.write(b"\x00" + struct.pack(">I", len(body)) + body)
        else:
            file.write(body)
    try:
        command = ["h2load", "-c", str(clients), "-m", "1", "-D", seconds, "-d", file.name]
        if protocol == "grpc":
            command += ["-H", "content-type: application/grpc", "-H", "te: trailers"]
        else:
            command += ["--h1", "-H", "content-type: application/x-protobuf"]
        output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(file.name)
    elapsed = float(re.search(r"finished in ([\d.]+)s", output).group(1))
    codes = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", output)
    statuses = {klass: int(count) for klass, count in zip(("2xx", "3xx", "4xx", "5xx"), codes.groups()) if int(count)}
    failed = int(re.search(r"(\d+) failed", output).group(1))
    if failed:
        statuses["failed"] = failed
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = round(usage.ru_utime + usage.ru_stime, 3)
    print(json.dumps({"statuses": statuses, "seconds": elapsed, "clients": clients, "client_cpu_seconds": client_cpu}))


if __name__ == "__main__":
    main()
