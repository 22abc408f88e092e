"""Draws the dashboard's service map of a twelve-service shop (fourteen calls, sent as OTLP/JSON
spans whose parents are in the calling service) plus three services with no calls, in headless
Chromium at 1400 px, and prints what it measured as JSON. A failed check exits non-zero with
its reason.

  service_map_browser.py BASE_URL ARTIFACT_DIR SUFFIX

Measured: the calls drawn and the labels shown (with their text), label boxes that overlap
each other or a service's box, whether the services without calls sit in a band under every
service with calls, and how many pairs of calls cross: as drawn (each call's chord from its
caller's right edge to its callee's left edge) and as the same services would cross in columns
ordered by name, the order the map used before it ordered each column by its neighbours.
"""
import json
import os
import sys
import time
import urllib.request

import browser_peer

base, artifacts, suffix = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
os.makedirs(artifacts, exist_ok=True)
SHOP = ["gateway", "auth", "cart", "catalog", "checkout", "currency", "email", "inventory", "payments",
        "recommendations", "search", "shipping"]
CALLS = [("gateway", "auth"), ("gateway", "cart"), ("gateway", "catalog"), ("gateway", "search"),
         ("gateway", "checkout"), ("cart", "inventory"), ("checkout", "payments"), ("checkout", "shipping"),
         ("checkout", "email"), ("checkout", "currency"), ("catalog", "recommendations"), ("search", "catalog"),
         ("payments", "currency"), ("shipping", "currency")]
LONERS = ["batch", "cron", "worker"]
name = lambda service: f"{service}-{suffix}"
report = {"screenshots": [], "consoleErrors": []}
driver = None


def fail(message):
    if driver is not None:
        try:
            driver.save_screenshot(os.path.join(artifacts, "dashboard-service-map-failure.png"))
        except Exception:
            pass
    print(json.dumps(report))
    sys.exit(message)


def post(body):
    request = urllib.request.Request(base + "/v1/traces", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200:
            fail(f"/v1/traces answered {response.status}")


def send_shop():
    """Five traces, each making every call once; every fifth call to payments fails."""
    now = time.time_ns()
    for trace in range(5):
        trace_id = os.urandom(16).hex()
        spans = {}
        for index, (caller, callee) in enumerate(CALLS):
            parent, child = os.urandom(8).hex(), os.urandom(8).hex()
            start = now - (60 - trace * 10 - index) * 1_000_000_000
            failed = callee == "payments" and trace == 0
            spans.setdefault(caller, []).append({"traceId": trace_id, "spanId": parent, "name": f"call {callee}", "kind": 3,
                                                 "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + 5_000_000)})
            spans.setdefault(callee, []).append({"traceId": trace_id, "spanId": child, "parentSpanId": parent, "name": "handle",
                                                 "kind": 2, "startTimeUnixNano": str(start + 1_000),
                                                 "endTimeUnixNano": str(start + 4_000_000), "status": {"code": 2 if failed else 0}})
        for loner in LONERS:
            spans[loner] = [{"traceId": os.urandom(16).hex(), "spanId": os.urandom(8).hex(), "name": "tick", "kind": 1,
                             "startTimeUnixNano": str(now - 5_000_000_000), "endTimeUnixNano": str(now - 4_000_000_000)}]
        post({"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": name(service)}}]},
                                 "scopeSpans": [{"spans": list_}]} for service, list_ in spans.items()]})


def crossings(chords):
    """Pairs of segments ((x1, y1), (x2, y2)) that cross, not counting shared end points."""
    def orientation(a, b, c):
        value = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (value > 1e-9) - (value < -1e-9)
    count = 0
    for i in range(len(chords)):
        for j in range(i + 1, len(chords)):
            (a, b), (c, d) = chords[i], chords[j]
            if {a, b} & {c, d}:
                continue
            if orientation(a, b, c) * orientation(a, b, d) < 0 and orientation(c, d, a) * orientation(c, d, b) < 0:
                count += 1
    return count


def crossings_in_name_order():
    """The chords of the same calls with each column in name order, centred, 70 px apart."""
    depth = {service: 0 for service in SHOP}
    for _ in SHOP:
        for caller, callee in CALLS:
            depth[callee] = max(depth[callee], depth[caller] + 1)
    columns = {}
    for service in sorted(SHOP, key=name):
        columns.setdefault(depth[service], []).append(service)
    tallest = max(len(column) for column in columns.values())
    at = {service: (depth[service] * 400, (index + (tallest - len(column)) / 2) * 70)
          for column in columns.values() for index, service in enumerate(column)}
    return crossings([((at[caller][0] + 170, at[caller][1] + 20), (at[callee][0], at[callee][1] + 20)) for caller, callee in CALLS])


MEASURE = """
const nodes = new Map([...document.querySelectorAll('#service-map .service-node')].map((node) => {
  const box = node.querySelector('rect');
  return [node.dataset.service, { x: +box.getAttribute('x'), y: +box.getAttribute('y'), width: +box.getAttribute('width'), height: +box.getAttribute('height') }];
}));
const labels = [...document.querySelectorAll('#service-map text.edge-label')].map((label) => ({ edge: label.dataset.edge || '', text: label.textContent, box: label.getBBox() }));
const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
let labelOverLabel = 0, labelOverNode = 0;
labels.forEach((label, i) => {
  labels.slice(i + 1).forEach((other) => { if (overlaps(label.box, other.box)) labelOverLabel++; });
  for (const node of nodes.values()) if (overlaps(label.box, node)) labelOverNode++;
});
const edges = [...document.querySelectorAll('#service-map path.edge')].map((path) => path.dataset.edge || '');
const band = document.querySelector('#service-map text.band-label');
return { nodes: Object.fromEntries(nodes), labels: labels.map(({ edge, text }) => ({ edge, text })), labelOverLabel, labelOverNode, edges,
  bandLabel: band ? band.textContent : null, overflow: document.documentElement.scrollWidth - innerWidth };
"""

send_shop()
driver = browser_peer.start_chromium()
try:
    driver.get(base + "/#/services")
    browser_peer.wait_for(f"the map's {len(CALLS)} calls", lambda: driver.execute_script(
        "return document.querySelectorAll('#service-map path.edge').length") >= len(CALLS), fail, 20, 0.1)
    measured = driver.execute_script(MEASURE)
    path = os.path.join(artifacts, "dashboard-service-map.png")
    driver.save_screenshot(path)
    report["screenshots"].append(path)
    browser_peer.record_console_errors(driver, "services", report, fail)
finally:
    driver.quit()

nodes = measured["nodes"]
report.update({key: measured[key] for key in ("labels", "labelOverLabel", "labelOverNode", "bandLabel", "overflow")})
report["edgesDrawn"] = sorted(measured["edges"])
report["edgesSent"] = sorted(f"{name(caller)}->{name(callee)}" for caller, callee in CALLS)
called = [nodes[name(service)] for service in SHOP if name(service) in nodes]
alone = [nodes[name(service)] for service in LONERS if name(service) in nodes]
if len(called) != len(SHOP) or len(alone) != len(LONERS):
    fail(f"services missing from the map: {sorted(nodes)}")
report["lonersBelowTheGraph"] = min(box["y"] for box in alone) > max(box["y"] + box["height"] for box in called)
chord = lambda caller, callee: ((nodes[name(caller)]["x"] + 170, nodes[name(caller)]["y"] + 20), (nodes[name(callee)]["x"], nodes[name(callee)]["y"] + 20))
report["crossingsDrawn"] = crossings([chord(caller, callee) for caller, callee in CALLS])
report["crossingsInNameOrder"] = crossings_in_name_order()
print(json.dumps(report))
