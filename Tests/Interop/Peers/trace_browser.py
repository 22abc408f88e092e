"""Drives the dashboard's trace, logs and service-map pages in headless Chromium through
Selenium, with data from the official OpenTelemetry Python SDK (two services, nested spans,
a link, an error, correlated logs) and a generated 50,000-span trace, and prints what it saw as
JSON. A failed check exits non-zero with its reason.

  trace_browser.py BASE_URL ARTIFACT_DIR SUFFIX
"""
import json
import os
import sys
import time
import urllib.request

from opentelemetry.propagate import extract, inject
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.trace import Link, SpanKind, Status, StatusCode
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import browser_peer

base, artifacts, suffix = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
os.makedirs(artifacts, exist_ok=True)
HOSTILE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">"><svg onload="window.__xss=3">'
LONG = "x" * 100_000
frontend, backend = f"frontend-{suffix}", f"backend-{suffix}"
report = {"screenshots": [], "consoleErrors": []}


def fail(message):
    try:
        driver.save_screenshot(os.path.join(artifacts, "dashboard-failure.png"))
        report["failurePage"] = driver.execute_script("return location.href + ' ' + document.querySelector('main').innerText.slice(0, 300);")
    except Exception:
        pass
    print(json.dumps(report))
    sys.exit(message)


def post(path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status


def providers(service):
    return browser_peer.sdk_providers(base, service, "trace-browser")


def send_sdk_traces():
    """A checkout across two services: frontend → backend over propagated context."""
    front_traces, front_logs, front, front_log = providers(frontend)
    back_traces, back_logs, back, back_log = providers(backend)
    with front.start_as_current_span("nightly batch") as batch:
        batch_context = batch.get_span_context()
    with front.start_as_current_span("GET /checkout", kind=SpanKind.SERVER, attributes={"http.route": "/checkout", "items": 3, "vip": True, "ratio": 0.5}) as root:
        front_log.info("checkout started")
        with front.start_as_current_span("call backend", kind=SpanKind.CLIENT, links=[Link(batch_context, {"reason": "same order"})]) as client:
            carrier = {}
            inject(carrier)
            with back.start_as_current_span("POST /charge", context=extract(carrier), kind=SpanKind.SERVER, attributes={"note": HOSTILE}) as server:
                back_log.info("charging card")
                with back.start_as_current_span("db query " + HOSTILE, attributes={"db.statement": "SELECT 1", "long": LONG}) as query:
                    query.set_status(Status(StatusCode.ERROR, "deadlock"))
                    back_log.error("query failed: %s", HOSTILE)
                    back_log.warning("long body %s", LONG)
                    query_context = query.get_span_context()
                server_context = server.get_span_context()
        root_context = root.get_span_context()
    for provider in (front_traces, back_traces, front_logs, back_logs):
        provider.shutdown()
    return {
        "traceId": format(root_context.trace_id, "032x"), "rootSpanId": format(root_context.span_id, "016x"),
        "serverSpanId": format(server_context.span_id, "016x"), "querySpanId": format(query_context.span_id, "016x"),
        "batchTraceId": format(batch_context.trace_id, "032x"), "clientSpanId": format(client.get_span_context().span_id, "016x"),
    }


def send_big_trace(count, trace_id):
    """A trace of `count` spans over three services, each span the child of span (i-1)//4,
    sent as OTLP protobuf built with the official opentelemetry-proto classes."""
    start = time.time_ns() - count * 1_000_000
    trace_bytes = bytes.fromhex(trace_id)
    for service in range(3):
        request = ExportTraceServiceRequest()
        resource_spans = request.resource_spans.add()
        attribute = resource_spans.resource.attributes.add()
        attribute.key, attribute.value.string_value = "service.name", f"big-{service}-{suffix}"
        scope_spans = resource_spans.scope_spans.add()
        for index in range(service, count, 3):
            span = scope_spans.spans.add()
            span.trace_id, span.span_id, span.name, span.kind = trace_bytes, (index + 1).to_bytes(8, "big"), f"step {index % 40}", 1
            span.start_time_unix_nano = start + index * 1000
            span.end_time_unix_nano = start + index * 1000 + 500_000
            item = span.attributes.add()
            item.key, item.value.int_value = "i", index
            if index:
                span.parent_span_id = (((index - 1) // 4) + 1).to_bytes(8, "big")
        body = request.SerializeToString()
        http = urllib.request.Request(base + "/v1/traces", data=body, method="POST", headers={"Content-Type": "application/x-protobuf"})
        with urllib.request.urlopen(http, timeout=300) as response:
            assert response.status == 200
    # The last row of the waterfall: follow the last child down from the root.
    children = {}
    for index in range(1, count):
        children.setdefault((index - 1) // 4, []).append(index)
    last = 0
    while last in children:
        last = children[last][-1]
    return format(last + 1, "016x")


def send_log(body, trace_id=""):
    record = {"timeUnixNano": str(time.time_ns()), "severityNumber": 9, "severityText": "INFO", "body": {"stringValue": body}}
    if trace_id:
        record["traceId"] = trace_id
    post("/v1/logs", {"resourceLogs": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": backend}}]},
                                         "scopeLogs": [{"logRecords": [record]}]}]})


def wait_for(description, check, timeout=20.0, interval=0.05):
    return browser_peer.wait_for(description, check, fail, timeout, interval)


def click(selector):
    """Clicks the element `selector` matches, finding it again if the page re-rendered it."""
    wait_for(f"a click on {selector}", lambda: driver.find_element(By.CSS_SELECTOR, selector).click() or True)


def read(script):
    """The value of `script` run in the page: one read, so a re-render cannot come between
    finding elements and reading them."""
    return driver.execute_script(script)


def console_errors(page):
    browser_peer.record_console_errors(driver, page, report, fail)


def safe(page):
    state = driver.execute_script(
        "return {xss: window.__xss === undefined ? null : window.__xss,"
        " made: document.querySelectorAll('img[src=x], img[onerror], svg[onload], script:not([src])').length,"
        " overflow: document.documentElement.scrollWidth - window.innerWidth};")
    if state["xss"] is not None or state["made"]:
        fail(f"hostile data ran or made elements on {page}: {state}")
    if state["overflow"] > 5:
        fail(f"{page} is wider than the window by {state['overflow']} px")


def screenshot(name):
    path = os.path.join(artifacts, f"dashboard-{name}.png")
    driver.save_screenshot(path)
    report["screenshots"].append(path)


def fresh(url):
    """Opens `url` as a new page (a pasted link), not a hash change in the current one."""
    driver.get("about:blank")
    driver.get(url)


ids = send_sdk_traces()
report["ids"] = ids
big_trace = format(int(time.time() * 1000), "032x")[-32:].replace(" ", "0")
big_last = send_big_trace(50_000, big_trace)
mid_trace = "f" + big_trace[1:]
send_big_trace(5_000, mid_trace)

driver = browser_peer.start_chromium()
try:
    # Search finds the trace, live and in the scatter plot.
    fresh(f"{base}/#/traces?service={frontend}&range=1h")
    wait_for("the trace in the results", lambda: driver.find_elements(By.CSS_SELECTOR, f'[data-trace-id="{ids["traceId"]}"]'))
    report["searchPlotPoints"] = driver.execute_script("const p = document.querySelector('#traces-plot'); return p.uplot ? p.uplot.data[0].length : 0;")
    screenshot("traces")
    console_errors("traces")

    # The waterfall: every span, nested and in order; details, logs, critical path.
    click(f'[data-trace-id="{ids["traceId"]}"]')
    waterfall = """return [...document.querySelectorAll('.wf-row')].map((row) => ({id: row.dataset.spanId,
        indent: parseInt(row.querySelector('.wf-label').style.paddingLeft), name: row.querySelector('.wf-name').textContent}));"""
    report["waterfall"] = wait_for("four waterfall rows", lambda: (lambda r: r if len(r) == 4 else None)(read(waterfall)))
    report["criticalBars"] = len(driver.find_elements(By.CSS_SELECTOR, ".wf-bar.critical"))
    report["summary"] = read("return document.getElementById('trace-summary').innerText;")
    # Duration labels stay within their timeline, wherever the bar ends.
    report["clippedLabels"] = driver.execute_script("""
        return [...document.querySelectorAll('.wf-row')].filter((row) => {
          const line = row.querySelector('.wf-timeline').getBoundingClientRect();
          const label = row.querySelector('.wf-duration').getBoundingClientRect();
          return label.left < line.left - 0.5 || label.right > line.right + 0.5;
        }).length;""")
    report["errorMarks"] = len(driver.find_elements(By.CSS_SELECTOR, ".wf-error"))
    click(f'.wf-row[data-span-id="{ids["serverSpanId"]}"]')
    wait_for("span details", lambda: driver.find_element(By.ID, "span-name").text == "POST /charge")
    report["serverNoteAttribute"] = read("return document.querySelector('#span-attributes tr[data-key=\"note\"] .value').innerText;")
    click(f'.wf-row[data-span-id="{ids["rootSpanId"]}"]')
    wait_for("root details", lambda: driver.find_element(By.ID, "span-name").text == "GET /checkout")
    report["rootAttributes"] = read("""return Object.fromEntries([...document.querySelectorAll('#span-attributes tr')]
        .map((row) => [row.dataset.key, row.querySelector('.type').textContent]));""")
    report["traceLogs"] = read("return [...document.querySelectorAll('#trace-logs .log-entry')].map((entry) => entry.innerText);")
    report["logMarks"] = len(driver.find_elements(By.CSS_SELECTOR, ".wf-log"))
    click(f'.wf-row[data-span-id="{ids["querySpanId"]}"]')
    wait_for("query details", lambda: read("return document.getElementById('span-name').innerText;").startswith("db query"))
    report["hostileNameAsText"] = read("return document.getElementById('span-name').innerText;") == "db query " + HOSTILE
    safe("trace")
    screenshot("trace")
    console_errors("trace")
    # A 100,000-character value shows its start and a button for the rest.
    value = lambda: driver.execute_script(
        "return document.querySelector('#span-attributes tr[data-key=\"long\"] .value').textContent.length;")
    report["longValueShown"] = value()
    click('#span-attributes tr[data-key="long"] .show-all')
    report["longValueExpanded"] = value()

    # Search within the trace.
    box = driver.find_element(By.ID, "trace-search")
    box.send_keys("charge" + Keys.ENTER)
    wait_for("a search hit", lambda: driver.find_element(By.ID, "trace-search-status").text == "1 of 1")
    report["searchSelected"] = read("return document.querySelector('.wf-row.selected').dataset.spanId;")

    # The link opens the linked trace.
    click(f'.wf-row[data-span-id="{ids["clientSpanId"]}"]')
    wait_for("the link", lambda: driver.find_elements(By.CSS_SELECTOR, "#span-links a.link-trace"))
    click("#span-links a.link-trace")
    wait_for("the linked trace", lambda: ids["batchTraceId"] in driver.find_element(By.CSS_SELECTOR, ".trace-header").text
             and driver.find_elements(By.CSS_SELECTOR, ".wf-row"))
    report["linkOpened"] = True

    # Logs: the trace's logs; a record opens the trace with its span selected.
    fresh(f"{base}/#/logs?traceId={ids['traceId']}&range=1h")
    wait_for("the trace's logs", lambda: len(driver.find_elements(By.CSS_SELECTOR, ".log-row")) >= 4)
    report["logsForTrace"] = len(driver.find_elements(By.CSS_SELECTOR, ".log-row"))
    safe("logs")
    screenshot("logs")
    console_errors("logs")
    wait_for("a click on the failed query's log", lambda: next(element for element in driver.find_elements(By.CSS_SELECTOR, ".log-row")
                                                               if "query failed" in element.text).find_element(By.CLASS_NAME, "log-trace").click() or True)
    wait_for("the span selected from the log", lambda: driver.find_elements(By.CSS_SELECTOR, f'.wf-row.selected[data-span-id="{ids["querySpanId"]}"]'))
    report["logOpenedSpan"] = read("return document.getElementById('span-name').innerText;").startswith("db query")

    # Deep links reopen the same state.
    fresh(f"{base}/#/trace/{ids['traceId']}?span={ids['serverSpanId']}")
    wait_for("the deep-linked span", lambda: driver.find_element(By.ID, "span-name").text == "POST /charge")
    report["deepLinkSpan"] = read("return document.querySelector('.wf-row.selected').dataset.spanId;")
    fresh(f"{base}/#/traces?service={backend}&range=1h")
    wait_for("the deep-linked search", lambda: driver.find_elements(By.CSS_SELECTOR, f'[data-trace-id="{ids["traceId"]}"]'))
    report["deepLinkSearchService"] = driver.find_element(By.ID, "traces-service").get_attribute("value")

    # Live tail: a record sent after the page opened shows within 2 s.
    fresh(f"{base}/#/logs?service={backend}&range=1h")
    wait_for("the logs page", lambda: driver.find_elements(By.CSS_SELECTOR, ".log-row"))
    time.sleep(0.5)
    marker = f"live record {time.time_ns()}"
    sent = time.time()
    send_log(marker)
    wait_for("the live record", lambda: any(marker in element.text for element in driver.find_elements(By.CSS_SELECTOR, ".log-row .log-body")),
             timeout=5, interval=0.02)
    report["liveTailSeconds"] = round(time.time() - sent, 3)
    console_errors("logs live")

    # Service map: frontend calls backend.
    fresh(f"{base}/#/services?range=1h")
    wait_for("the edge", lambda: driver.find_elements(By.CSS_SELECTOR, f'#services-edges tr[data-edge="{frontend}->{backend}"]'))
    edge = driver.find_element(By.CSS_SELECTOR, f'#services-edges tr[data-edge="{frontend}->{backend}"]')
    report["edgeCells"] = [cell.text for cell in edge.find_elements(By.TAG_NAME, "td")]
    report["mapNodes"] = len(driver.find_elements(By.CSS_SELECTOR, f'#service-map [data-service="{frontend}"], #service-map [data-service="{backend}"]'))
    screenshot("services")
    console_errors("services")

    # The 50,000-span trace: first render, DOM rows, the end reachable.
    for name, trace_id, spans in (("5k", mid_trace, 5_000), ("50k", big_trace, 50_000)):
        fresh(f"{base}/#/trace/{trace_id}")
        timing = wait_for(f"the {name} trace complete", lambda: driver.execute_script(
            "return window.__traceTiming && window.__traceTiming.complete ? window.__traceTiming : null;"), timeout=60)
        # From opening the route (API request included) to the first rows drawn, and to every span in.
        report[f"trace{name}"] = {"firstRenderMs": round(timing["firstRender"]), "completeMs": round(timing["complete"]),
                                  "spans": timing["spans"], "domRows": len(driver.find_elements(By.CSS_SELECTOR, ".wf-row"))}
    # The rows are drawn for the scroll position on the next frame, and the list can grow while
    # it settles: scroll to the end and read the last row until it is the trace's last span (or
    # the wait ends, and the test reports the row that was there instead).
    # Scrolling and reading happen in one script: rows redrawn between two calls would be stale.
    def last_row():
        report["bigLastRow"] = driver.execute_script("""
            const s = document.getElementById('waterfall-scroll');
            s.scrollTop = s.scrollHeight;
            const rows = document.querySelectorAll('.wf-row');
            return rows.length ? rows[rows.length - 1].getAttribute('data-span-id') : null;""")
        return report["bigLastRow"] == big_last
    report["bigLastExpected"] = big_last
    deadline = time.time() + 20
    while not last_row() and time.time() < deadline:
        time.sleep(0.1)
    report["bigRowsAfterScroll"] = len(driver.find_elements(By.CSS_SELECTOR, ".wf-row"))
    screenshot("trace-50k")
    console_errors("trace 50k")
finally:
    driver.quit()
print(json.dumps(report))
