"""Drives telemetryd's dashboard in headless Chromium (Debian's chromium and chromium-driver)
through Selenium, with data sent by the official OpenTelemetry Python SDK and OTLP/JSON, and
prints what it saw as JSON. Any failed check exits non-zero with its reason.

  dashboard_browser.py BASE_URL ARTIFACT_DIR SERVICE

Checks: each page loads with no console error; the overview lists SERVICE after the SDK sends
its spans; the explorer draws the gauge's value (read from the chart's data); a syntax error is
shown at its position; completion offers metric names; an alert that starts firing appears on
the alerts page without a reload; a view moves to a new value within 2 s without a reload;
hostile label values, annotations and view titles render as text and run nothing; the page
gives its event stream back when it is left (eight full navigations in a row each load at once)
or hidden, and catches up when shown again or restored by Back; a stream refused past the
server's client limit is tried again after about 5 s, once, and the page goes live when a slot
is free.
"""
import json
import os
import socket
import sys
import time
import urllib.parse
import urllib.request

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Status, StatusCode
from selenium.webdriver.common.by import By

import browser_peer

base, artifacts, service = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
os.makedirs(artifacts, exist_ok=True)
HOSTILE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">"><svg onload="window.__xss=3">'
report = {"screenshots": [], "consoleErrors": []}


def fail(message):
    print(json.dumps(report), file=sys.stdout)
    sys.exit(message)


def post_json(path, body, method="POST"):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def get_json(path):
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return json.loads(response.read())


def send_gauge(value):
    """dashboard_test_value over OTLP/JSON, with a hostile label value."""
    now = str(time.time_ns())
    post_json("/v1/metrics", {"resourceMetrics": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
        "scopeMetrics": [{"metrics": [{"name": "dashboard_test_value", "gauge": {"dataPoints": [{
            "asDouble": value, "timeUnixNano": now,
            "attributes": [{"key": "note", "value": {"stringValue": HOSTILE}}]}]}}]}]}]})


def send_spans():
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=base + "/v1/traces")))
    tracer = provider.get_tracer("dashboard-test")
    for index in range(5):
        with tracer.start_as_current_span("GET /checkout") as span:
            span.set_attribute("http.route", "/checkout")
            with tracer.start_as_current_span("SELECT orders") as child:
                if index == 0:
                    child.set_status(Status(StatusCode.ERROR, "timeout"))
    provider.shutdown()


def wait_for(description, check, timeout=15.0, interval=0.05):
    return browser_peer.wait_for(description, check, fail, timeout, interval)


def console_errors(driver, page):
    browser_peer.record_console_errors(driver, page, report, fail)


def screenshot(driver, name):
    path = os.path.join(artifacts, f"dashboard-{name}.png")
    driver.save_screenshot(path)
    report["screenshots"].append(path)


def no_script_ran(driver, page):
    state = driver.execute_script(
        "return {xss: window.__xss === undefined ? null : window.__xss,"
        " images: document.querySelectorAll('img[src=x], img[onerror]').length,"
        " svgs: document.querySelectorAll('svg[onload]').length,"
        " scripts: [...document.scripts].map(s => s.getAttribute('src'))};")
    if state["xss"] is not None or state["images"] or state["svgs"]:
        fail(f"hostile data ran or made elements on {page}: {state}")
    if sorted(state["scripts"]) != ["js/app.js", "vendor/uplot/uPlot.iife.js"]:
        fail(f"unexpected scripts on {page}: {state['scripts']}")
    return state


def fill_event_slots():
    """Opens event streams until the server refuses one, holding the rest open, and returns them.
    Streams browsers closed count until the server next writes to them (the health topic does,
    every second): the filling is done twice, a second and a half apart, to take those slots too."""
    address = urllib.parse.urlsplit(base)
    holders = []
    for _ in range(2):
        for _ in range(64):
            holder = socket.create_connection((address.hostname, address.port), timeout=5)
            holder.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: " + address.netloc.encode() + b"\r\n\r\n")
            status = holder.recv(64).split(b" ")[1]
            if status != b"200":
                holder.close()
                break
            holders.append(holder)
        else:
            fail("the server took 64 more event streams: web.max_event_clients is not in force")
        time.sleep(1.5)
    report["heldStreams"] = len(holders)
    return holders


driver = browser_peer.start_chromium()

def with_chart_box(driver, width, body):
    """Runs the JavaScript `body` in the page with the app's `TimeChart`, a `box` `width` px wide,
    `now` in seconds and `finish(chart, value)`, which removes the chart and its box and hands
    `value` back here."""
    return driver.execute_async_script("""
        const width = arguments[0];
        const done = arguments[arguments.length - 1];
        import('./js/chart.js').then(({ TimeChart }) => {
          const box = document.createElement('div');
          box.style.width = width + 'px';
          document.body.append(box);
          const now = Date.now() / 1000;
          const finish = (chart, value) => { chart.destroy(); box.remove(); done(value); };
    """ + body + """
        });""", width)

try:
    send_gauge(1)
    send_spans()

    # Overview: the service from the SDK's spans, and telemetryd's health, live.
    started = time.time()
    driver.get(base + "/#/overview")
    wait_for("the overview's service row",
             lambda: driver.find_elements(By.CSS_SELECTOR, f'#overview-services tr[data-service="{service}"]'))
    report["overviewServiceSeconds"] = round(time.time() - started, 3)
    report["firstRenderMs"] = driver.execute_script(
        "const n = performance.getEntriesByType('navigation')[0]; return Math.round(n.domContentLoadedEventEnd);")
    wait_for("health figures", lambda: driver.find_elements(By.CSS_SELECTOR, '#overview-health dd[data-name="Spans/s"]'))
    report["healthStorage"] = driver.find_element(By.CSS_SELECTOR, '#overview-health dd[data-name="Storage"]').text
    screenshot(driver, "overview")
    console_errors(driver, "overview")

    # Explorer: the chart's data holds the gauge's value; the table lists the hostile label as text.
    driver.get(base + "/#/explore?expr=dashboard_test_value&range=5m")
    data = wait_for("the explorer's chart data", lambda: driver.execute_script(
        "const c = document.querySelector('#explore-chart'); return c && c.uplot && c.uplot.data.length > 1"
        " ? c.uplot.data.map(column => Array.from(column)) : null;"))
    values = [value for value in data[1] if value is not None]
    report["exploreSeries"] = len(data) - 1
    report["exploreLastValue"] = values[-1] if values else None
    legend = driver.find_element(By.CSS_SELECTOR, "#explore-chart .u-legend").text
    report["legendShowsHostileText"] = "<script>" in legend
    screenshot(driver, "explore")
    no_script_ran(driver, "explore")
    console_errors(driver, "explore")

    # Span metrics carry exemplars: drawn as a series of points that link to their trace.
    driver.get(base + "/#/explore?" + urllib.parse.urlencode({"expr": f'traces_span_metrics_calls_total{{service_name="{service}"}}', "range": "5m"}))
    exemplars = wait_for("exemplar points", lambda: driver.execute_script(
        "const c = document.querySelector('#explore-chart'); if (!c || !c.uplot) return null;"
        " const labels = c.uplot.series.map(s => s.label); const at = labels.indexOf('exemplars');"
        " return at > 0 ? c.uplot.data[at].filter(v => v !== null).length : null;"))
    report["exemplarPoints"] = exemplars
    console_errors(driver, "explore exemplars")

    editor = driver.find_element(By.ID, "promql-input")
    editor.clear()
    editor.send_keys("dashboard_te")
    completions = wait_for("completions", lambda: [item.get_attribute("data-value") for item in
                                                   driver.find_elements(By.CSS_SELECTOR, "#promql-completions li")])
    report["completions"] = completions[:5]

    broken = "rate(dashboard_test_value[5m]) +"
    expected = None
    try:
        post_json("/api/v1/format_query?" + urllib.parse.urlencode({"query": broken}), {})
    except urllib.error.HTTPError as error:
        expected = json.loads(error.read())["error"]
    driver.get(base + "/#/explore?" + urllib.parse.urlencode({"expr": broken}))
    box = wait_for("the syntax error", lambda: driver.find_element(By.ID, "promql-error").is_displayed()
                   and driver.find_element(By.ID, "promql-error"))
    report["syntaxError"] = {"shown": box.find_element(By.CLASS_NAME, "error-message").text, "expected": expected,
                             "line": box.get_attribute("data-line"), "column": box.get_attribute("data-column"),
                             "caret": box.find_element(By.CLASS_NAME, "error-position").text}
    screenshot(driver, "explore-error")
    console_errors(driver, "explore error")

    # Alerts: open while the value is 1; the alert fires after the value goes to 7, without a reload.
    driver.get(base + "/#/alerts")
    wait_for("the alerts page", lambda: driver.find_elements(By.CSS_SELECTOR, '#alerts-inactive [data-alertname="DashboardTestAlert"]'))
    driver.execute_script("window.__sameDocument = true;")
    sent = time.time()
    send_gauge(7)
    wait_for("the firing alert", lambda: driver.find_elements(By.CSS_SELECTOR, '#alerts-firing [data-alertname="DashboardTestAlert"]'),
             timeout=20)
    report["alertAppearedSeconds"] = round(time.time() - sent, 3)
    report["alertsWithoutReload"] = driver.execute_script("return window.__sameDocument === true;")
    report["annotationAsText"] = HOSTILE in driver.find_element(By.ID, "alerts-firing").text
    screenshot(driver, "alerts")
    no_script_ran(driver, "alerts")
    console_errors(driver, "alerts")

    # Views: a stat view refreshed every 250 ms moves to the new value within 2 s, without a reload.
    post_json("/api/v1/views", {"id": "test-value", "title": "Value " + HOSTILE, "expr": "dashboard_test_value",
                                "chart": "stat", "refresh": "250ms"})
    post_json("/api/v1/views", {"id": "test-line", "title": "Line", "expr": "dashboard_test_value", "chart": "line",
                                "range": "5m", "refresh": "1s"})
    driver.get(base + "/#/views")
    wait_for("the view at 7", lambda: driver.find_element(By.CSS_SELECTOR, '[data-view="test-value"]').get_attribute("data-value") == "7")
    driver.execute_script("window.__sameDocument = true;")
    sent = time.time()
    send_gauge(2)
    wait_for("the view at 2", lambda: driver.find_element(By.CSS_SELECTOR, '[data-view="test-value"]').get_attribute("data-value") == "2",
             timeout=5, interval=0.02)
    report["viewUpdateSeconds"] = round(time.time() - sent, 3)
    report["viewsWithoutReload"] = driver.execute_script("return window.__sameDocument === true;")
    report["viewTitleAsText"] = HOSTILE in driver.find_element(By.CSS_SELECTOR, '[data-view="test-value"] h3').text
    report["defaultViews"] = [element.get_attribute("data-view") for element in driver.find_elements(By.CSS_SELECTOR, ".view-card")]
    time.sleep(1.5)
    screenshot(driver, "views")
    no_script_ran(driver, "views")
    console_errors(driver, "views")

    # The event stream is given back while nobody looks at the page. Left pages: the browser
    # keeps up to six for Back, scripts running, and HTTP/1.1 allows six connections per host,
    # so with their streams open the seventh full navigation waited for one (about a minute).
    def live():
        return driver.find_element(By.ID, "live").text

    def view_value():
        return driver.find_element(By.CSS_SELECTOR, '[data-view="test-value"]').get_attribute("data-value")

    loads = []
    for page in ("overview", "traces", "logs", "services", "alerts", "explore", "overview", "views"):
        started = time.time()
        driver.get("about:blank")
        driver.get(f"{base}/#/{page}")
        wait_for(f"the {page} page live", lambda: live() == "live")
        loads.append(round(time.time() - started, 3))
    report["pageLoadSeconds"] = loads
    # Back to a page the browser kept: it reconnects and is live again.
    wait_for("the view at 2", lambda: view_value() == "2")
    driver.execute_script("window.__kept = true; addEventListener('pageshow', (event) => { window.__restored = event.persisted; });")
    driver.get("about:blank")
    driver.back()
    wait_for("the views page back and live", lambda: live() == "live")
    report["restoredByBack"] = driver.execute_script("return window.__kept === true && window.__restored === true;")
    sent = time.time()
    send_gauge(5)
    wait_for("the view at 5 after Back", lambda: view_value() == "5", timeout=5, interval=0.02)
    report["liveAfterBackSeconds"] = round(time.time() - sent, 3)
    # A tab in the background pauses after its grace period and catches up when shown.
    set_visibility = ("Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => arguments[0]});"
                      " document.dispatchEvent(new Event('visibilitychange'));")
    driver.execute_script(set_visibility, "hidden")
    hidden = time.time()
    wait_for("the stream paused", lambda: live() == "paused", timeout=10)
    report["pausedAfterSeconds"] = round(time.time() - hidden, 3)
    send_gauge(9)
    time.sleep(1)
    report["valueWhilePaused"] = view_value()
    driver.execute_script(set_visibility, "visible")
    shown = time.time()
    wait_for("the view at 9 once shown", lambda: view_value() == "9", timeout=5, interval=0.02)
    report["catchUpSeconds"] = round(time.time() - shown, 3)
    report["liveAgain"] = live()
    report["sameDocumentWhilePaused"] = driver.execute_script("return window.__kept === true;")
    console_errors(driver, "the stream paused and resumed")

    # Past the server's client limit (web.max_event_clients) a stream is refused with 503, and
    # the browser gives up on it for good: the page tries again itself, once after about 5 s
    # (not in a loop), and goes live without a reload once a slot is free.
    driver.get("about:blank")
    holders = fill_event_slots()
    driver.get(base + "/#/views")
    refused = time.time()
    wait_for("the stream refused", lambda: live() == "retrying", timeout=5)
    driver.execute_script("window.__sameDocument = true;")
    time.sleep(3)
    refusals = [entry["message"] for entry in driver.get_log("browser")
                if entry["level"] == "SEVERE" and "api/v1/events" in entry["message"] and "503" in entry["message"]]
    report["refusalsIn3Seconds"] = len(refusals)
    report["statusWhileRefused"] = live()
    for holder in holders:
        holder.close()
    send_gauge(6)
    wait_for("the view at 6 once a slot is free", lambda: live() == "live" and view_value() == "6", timeout=15)
    report["liveAfterRefusalSeconds"] = round(time.time() - refused, 3)
    report["sameDocumentAfterRefusal"] = driver.execute_script("return window.__sameDocument === true;")
    for entry in driver.get_log("browser"):
        if entry["level"] == "SEVERE" and not ("api/v1/events" in entry["message"] and "503" in entry["message"]):
            report["consoleErrors"].append({"page": "refused stream", "message": entry["message"]})
            fail(f"console error after the refused stream: {entry}")

    # A 100-series × 1,000-point chart, drawn in the page with the app's own chart module.
    report["bigChartMs"] = with_chart_box(driver, 1200, """
          const series = Array.from({ length: 100 }, (_, s) => ({ metric: { __name__: 'm', s: String(s) },
            values: Array.from({ length: 1000 }, (_, i) => [now - 1000 + i, String(Math.sin(i / 50 + s))]) }));
          const chart = new TimeChart(box, { height: 300 });
          const started = performance.now();
          chart.setMatrix(series);
          const elapsed = performance.now() - started;
          finish(chart, Math.round(elapsed * 10) / 10);""")
    console_errors(driver, "big chart")

    # Values a hair apart (resident memory moving by kilobytes) still get distinct axis labels.
    report["closeAxisLabels"] = with_chart_box(driver, 600, """
          const mib = 1024 * 1024;
          const series = [{ metric: { __name__: 'process_resident_memory_bytes' },
            values: Array.from({ length: 60 }, (_, i) => [now - 60 + i, String(64.7 * mib + i * 4096)]) }];
          const chart = new TimeChart(box, { height: 200, unit: 'bytes' });
          chart.setMatrix(series);
          // uPlot draws its axes on the next frame.
          requestAnimationFrame(() => setTimeout(() => finish(chart, chart.yLabels || []), 50));""")
    console_errors(driver, "close axis labels")

    # An hour on a view card's width (about 330 px of plot): time ticks at least 60 px apart,
    # since a label such as "10:10pm" is about 50 px wide (at 50 px they touched).
    report["hourTickGapPx"] = with_chart_box(driver, 380, """
          const series = [{ metric: { __name__: 'hourly' }, values: Array.from({ length: 60 }, (_, i) => [now - 3600 + i * 60, '1']) }];
          const chart = new TimeChart(box, { height: 200 });
          chart.setMatrix(series, [], [now - 3600, now]);
          requestAnimationFrame(() => setTimeout(() => {
            const u = chart.plot;
            const xs = u.axes[0]._splits.map((tick) => u.valToPos(tick, 'x'));
            finish(chart, Math.round(Math.min(...xs.slice(1).map((x, i) => x - xs[i]))));
          }, 50));""")
    console_errors(driver, "hour ticks")

    # A lone sample in an hour's window (a line needs two) is drawn as a dot in the series'
    # colour: the canvas pixel at its position is that colour, not the background.
    report["loneSamplePixel"] = with_chart_box(driver, 600, """
          const series = [{ metric: { __name__: 'lone' }, values: [[now - 1800, '5']] }];
          const chart = new TimeChart(box, { height: 200 });
          chart.setMatrix(series, [], [now - 3600, now]);
          requestAnimationFrame(() => setTimeout(() => {
            const u = chart.plot;
            const x = Math.round(u.valToPos(now - 1800, 'x', true));
            const y = Math.round(u.valToPos(5, 'y', true));
            const pixel = Array.from(u.ctx.getImageData(x, y, 1, 1).data);
            finish(chart, { pixel, colour: u.series[1].stroke() });
          }, 50));""")
    console_errors(driver, "lone sample")

    # The first samples of a series, 5 s apart in an hour's window, make a line under a pixel
    # long: the newest gets a dot. Probed 1 px after it, inside the dot (6 px across) and past
    # the end of the line.
    report["shortRunPixel"] = with_chart_box(driver, 600, """
          const series = [{ metric: { __name__: 'starting' }, values: [[now - 1810, '5'], [now - 1805, '5'], [now - 1800, '5']] }];
          const chart = new TimeChart(box, { height: 200 });
          chart.setMatrix(series, [], [now - 3600, now]);
          requestAnimationFrame(() => setTimeout(() => {
            const u = chart.plot;
            const x = Math.round(u.valToPos(now - 1800, 'x', true)) + 1;
            const y = Math.round(u.valToPos(5, 'y', true));
            const pixel = Array.from(u.ctx.getImageData(x, y, 1, 1).data);
            finish(chart, { pixel, colour: u.series[1].stroke() });
          }, 50));""")
    console_errors(driver, "short run")
finally:
    driver.quit()

print(json.dumps(report))
