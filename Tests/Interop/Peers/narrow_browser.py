"""Opens every dashboard page in headless Chromium at a phone's width (390 px, set through the
DevTools protocol, since a headless window is never narrower than 500 px) with data from the
official OpenTelemetry Python SDK, and prints what it measured as JSON. A failed check exits
non-zero with its reason.

  narrow_browser.py BASE_URL ARTIFACT_DIR SUFFIX WIDTH

Measured on each page: how far the document is wider than the window (the page must not scroll
sideways), whether every navigation link and the live badge lie inside the window, and on the
pages with rows of short fields (traces, logs) whether any two fields of a row overlap, whether
a severity badge takes more than one line, the least gap between the time labels of the traces'
scatter plot and of a trace's waterfall ruler. Screenshots go to ARTIFACT_DIR as
dashboard-WIDTH-PAGE.png.
"""
import json
import os
import sys
import time
import urllib.parse
import urllib.request

from opentelemetry.trace import SpanKind, Status, StatusCode

import browser_peer

base, artifacts, suffix, width = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], int(sys.argv[4])
os.makedirs(artifacts, exist_ok=True)
service = f"storefront-{suffix}"
report = {"screenshots": [], "consoleErrors": [], "pages": {}}
driver = None


def fail(message):
    if driver is not None:
        try:
            driver.save_screenshot(os.path.join(artifacts, f"dashboard-{width}-failure.png"))
        except Exception:
            pass
    print(json.dumps(report))
    sys.exit(message)


def send_sdk_data():
    """Three checkouts, one failing, each logging at INFO and WARNING (Python's level name,
    the longest severity text the SDK sends) inside its span. Returns the failing trace's id."""
    tracer_provider, logger_provider, tracer, logger = browser_peer.sdk_providers(base, service, "narrow-browser")
    failing = None
    for index in range(3):
        with tracer.start_as_current_span("POST /checkout", kind=SpanKind.SERVER) as root:
            logger.info("checkout started")
            with tracer.start_as_current_span("reserve stock"):
                time.sleep(0.002)
            with tracer.start_as_current_span("charge card", kind=SpanKind.CLIENT) as charge:
                time.sleep(0.003)
                if index == 0:
                    charge.set_status(Status(StatusCode.ERROR, "card declined"))
                    logger.warning("payment declined")
                    failing = format(root.get_span_context().trace_id, "032x")
    tracer_provider.shutdown()
    logger_provider.shutdown()
    # The Python SDK names its warnings WARN; swift-log's handler, among others, says WARNING.
    record = {"timeUnixNano": str(time.time_ns()), "severityNumber": 13, "severityText": "WARNING",
              "body": {"stringValue": "retrying the payment provider"}, "traceId": failing}
    body = {"resourceLogs": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
                              "scopeLogs": [{"logRecords": [record]}]}]}
    request = urllib.request.Request(base + "/v1/logs", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200:
            fail(f"the WARNING log got {response.status}")
    return failing


def wait_for(description, check, timeout=20.0, interval=0.1):
    return browser_peer.wait_for(description, check, fail, timeout, interval)


# What the page's layout looks like at this width, read in one script.
LAYOUT = """
const inside = (element) => { const r = element.getBoundingClientRect(); return r.left >= -0.5 && r.right <= innerWidth + 0.5; };
// A field's box, widened by what its content shows past it (a field that does not clip).
const extent = (element) => { const r = element.getBoundingClientRect();
  const spill = getComputedStyle(element).overflowX === 'visible' ? Math.max(0, element.scrollWidth - element.clientWidth) : 0;
  return { left: r.left, right: r.right + spill, top: r.top, bottom: r.bottom }; };
const overlaps = (a, b) => { const x = extent(a), y = extent(b);
  return Math.min(x.right, y.right) - Math.max(x.left, y.left) > 1 && Math.min(x.bottom, y.bottom) - Math.max(x.top, y.top) > 1; };
const rows = [...document.querySelectorAll('.trace-result, .log-row')];
let overlapping = 0, outside = 0;
for (const row of rows) {
  const fields = [...row.children].filter((child) => child.getClientRects().length > 0);
  for (let i = 0; i < fields.length; i++) for (let j = i + 1; j < fields.length; j++) if (overlaps(fields[i], fields[j])) overlapping++;
  const edge = row.getBoundingClientRect().right;
  outside += fields.filter((field) => extent(field).right > edge + 1).length;
}
const badges = [...document.querySelectorAll('.log-row .severity')];
return {
  overflow: document.documentElement.scrollWidth - innerWidth,
  navOutside: [...document.querySelectorAll('#nav a')].filter((link) => !inside(link)).map((link) => link.textContent),
  liveInside: inside(document.getElementById('live')),
  rows: rows.length,
  overlappingFields: overlapping,
  fieldsOutsideTheirRow: outside,
  wrappedBadges: badges.filter((badge) => badge.getBoundingClientRect().height > 1.6 * parseFloat(getComputedStyle(badge).fontSize) + 2).length,
  badgeTexts: badges.map((badge) => badge.textContent),
};
"""

# The least gap between neighbouring time labels of the traces' scatter plot (uPlot's splits).
PLOT_TICK_GAP = """
const u = document.getElementById('traces-plot').uplot;
if (!u) return null;
const xs = u.axes[0]._splits.map((tick) => u.valToPos(tick, 'x'));
return xs.length < 2 ? null : Math.round(Math.min(...xs.slice(1).map((x, i) => x - xs[i])));
"""

# The least gap between a trace waterfall's ruler labels (their boxes, edge to edge).
RULER_GAP = """
const ticks = [...document.querySelectorAll('.wf-tick')].map((tick) => tick.getBoundingClientRect());
if (ticks.length < 2) return null;
return Math.round(Math.min(...ticks.slice(1).map((box, i) => box.left - ticks[i].right)));
"""


def visit(name, fragment, ready):
    driver.get("about:blank")
    driver.get(f"{base}/#/{fragment}")
    wait_for(f"the {name} page", lambda: driver.execute_script(f"return !!document.querySelector({json.dumps(ready)})"))
    wait_for(f"the {name} page going live", lambda: driver.execute_script("return document.getElementById('live').textContent") == "live")
    time.sleep(0.5)  # charts draw on the next frames
    layout = driver.execute_script(LAYOUT)
    path = os.path.join(artifacts, f"dashboard-{width}-{name}.png")
    driver.save_screenshot(path)
    report["screenshots"].append(path)
    report["pages"][name] = layout
    browser_peer.record_console_errors(driver, name, report, fail)
    return layout


failing_trace = send_sdk_data()
report["traceId"] = failing_trace
driver = browser_peer.start_chromium("800,900")
try:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": False})
    driver.get(base + "/")
    report["innerWidth"] = driver.execute_script("return innerWidth")
    if report["innerWidth"] != width:
        fail(f"the window is {report['innerWidth']} px wide, not {width}")

    visit("overview", "overview", f"#overview-services a[href*='{service}']")
    visit("explore", "explore?" + urllib.parse.urlencode({"expr": "rate(traces_span_metrics_calls_total[1m])", "range": "15m"}), ".chart canvas")
    visit("alerts", "alerts", "#alerts-groups td")
    visit("views", "views", ".view-card canvas")
    visit("traces", "traces?" + urllib.parse.urlencode({"service": service}), f".trace-result[data-trace-id='{failing_trace}']")
    report["tracePlotTickGapPx"] = driver.execute_script(PLOT_TICK_GAP)
    visit("trace", f"trace/{failing_trace}", ".wf-row")
    report["rulerGapPx"] = driver.execute_script(RULER_GAP)
    report["rulerTicks"] = driver.execute_script("return document.querySelectorAll('.wf-tick').length")
    visit("logs", "logs?" + urllib.parse.urlencode({"service": service}), ".log-row.sev-warn")
    visit("services", "services", "#service-map svg")
finally:
    driver.quit()
print(json.dumps(report))
