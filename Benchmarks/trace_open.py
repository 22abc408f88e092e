"""Times opening a trace in the dashboard in headless Chromium, for trace-bench.sh: sends a
trace of N spans (OTLP protobuf from the official opentelemetry-proto classes), then opens
`/#/trace/{id}` in a fresh page several times and reports the median time from navigation to
the first waterfall rows (API response and render) and to every span loaded.

  trace_open.py BASE_URL SPANS [RUNS]
"""
import json
import statistics
import sys
import time
import urllib.request

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

base, count = sys.argv[1].rstrip("/"), int(sys.argv[2])
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
trace_id = format(time.time_ns() + count, "032x")[-32:]
start = time.time_ns() - count * 1_000_000
for service in range(3):
    request = ExportTraceServiceRequest()
    resource_spans = request.resource_spans.add()
    attribute = resource_spans.resource.attributes.add()
    attribute.key, attribute.value.string_value = "service.name", f"bench-{service}"
    spans = resource_spans.scope_spans.add()
    for index in range(service, count, 3):
        span = spans.spans.add()
        span.trace_id, span.span_id, span.name, span.kind = bytes.fromhex(trace_id), (index + 1).to_bytes(8, "big"), f"step {index % 40}", 1
        span.start_time_unix_nano, span.end_time_unix_nano = start + index * 1000, start + index * 1000 + 500_000
        for key in ("http.route", "db.system", "peer.service"):
            item = span.attributes.add()
            item.key, item.value.string_value = key, f"{key} value {index % 7}"
        if index:
            span.parent_span_id = (((index - 1) // 4) + 1).to_bytes(8, "big")
    body = request.SerializeToString()
    urllib.request.urlopen(urllib.request.Request(base + "/v1/traces", data=body, headers={"Content-Type": "application/x-protobuf"}), timeout=600).read()

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000"):
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
first, complete, api, api_all = [], [], [], []
try:
    for run in range(runs + 1):
        driver.get("about:blank")
        driver.get(f"{base}/#/trace/{trace_id}")
        deadline = time.time() + 300
        timing = None
        while time.time() < deadline and not timing:
            timing = driver.execute_script("return window.__traceTiming && window.__traceTiming.complete ? window.__traceTiming : null;")
            time.sleep(0.05)
        if not timing or timing["spans"] != count:
            sys.exit(f"trace of {count} spans did not load: {timing}")
        entries = driver.execute_script(
            "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/traces/'))"
            ".map(e => [e.startTime, e.responseEnd]);")
        if run == 0:
            continue  # the first run warms the server's caches and the browser's
        first.append(timing["started"] + timing["firstRender"])
        complete.append(timing["started"] + timing["complete"])
        api.append(entries[0][1] - entries[0][0])
        api_all.append(sum(end - begin for begin, end in entries))
finally:
    driver.quit()
print(json.dumps({"spans": count, "runs": runs, "firstRenderMs": round(statistics.median(first)),
                  "firstPageApiMs": round(statistics.median(api)), "allPagesApiMs": round(statistics.median(api_all)),
                  "allSpansMs": round(statistics.median(complete))}))
