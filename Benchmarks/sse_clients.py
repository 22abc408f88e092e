"""Event-stream load for sse-bench.sh: opens N clients on /api/v1/events?topics=views, reads
for a while, and prints the delivery delay of every view point (receive time minus the time
the server evaluated it) as percentiles, with how many events each client got.

  sse_clients.py PORT CLIENTS SECONDS
"""
import asyncio
import json
import sys
import time

port, clients, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
delays = []
counts = []
failures = []


async def client(index, start, stop):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError as error:
        failures.append(f"connect: {error}")
        return
    writer.write(b"GET /api/v1/events?topics=views HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        failures.append(status.decode().strip())
        writer.close()
        return
    received = 0
    pending = b""
    marker = b'"type":"point","id":"bench","time":'
    # Reads whole chunks and finds the event times with bytes searches: a client doing less
    # per event than a browser keeps the measurement about the server, not about Python.
    try:
        while time.time() < stop:
            chunk = await asyncio.wait_for(reader.read(65536), timeout=max(0.01, stop - time.time()))
            if not chunk:
                failures.append("closed by server")
                break
            now = time.time()
            pending += chunk
            cut = pending.rfind(b"\n\n")
            if cut < 0:
                continue
            complete, pending = pending[:cut], pending[cut + 2:]
            position = complete.find(marker)
            while position >= 0:
                start_number = position + len(marker)
                end_number = complete.find(b",", start_number)
                if now >= start:
                    delays.append(now - float(complete[start_number:end_number]))
                    received += 1
                position = complete.find(marker, end_number)
    except asyncio.TimeoutError:
        pass
    counts.append(received)
    writer.close()


async def main():
    begin = time.time()
    # Connect everyone first, then measure over the same window for all.
    start = begin + 3 + clients / 500
    stop = start + seconds
    await asyncio.gather(*(client(index, start, stop) for index in range(clients)))


asyncio.run(main())
delays.sort()


def percentile(fraction):
    return round(delays[min(len(delays) - 1, int(fraction * len(delays)))] * 1000, 1) if delays else None


print(json.dumps({
    "clients": len(counts), "failures": len(failures), "firstFailure": failures[0] if failures else None,
    "events": len(delays), "eventsPerClientPerSecond": round(len(delays) / max(1, len(counts)) / seconds, 2),
    "p50Ms": percentile(0.5), "p90Ms": percentile(0.9), "p99Ms": percentile(0.99), "maxMs": percentile(1.0),
}))
