// Overview: per service request rate, error ratio and latency from span metrics with
// sparklines; firing alerts; telemetryd's own health. Live on the traces, alerts and health
// topics.
import { get, query, queryRange } from "../api.js";
import { on } from "../events.js";
import { h, replace, route } from "../dom.js";
import { ago, formatValue } from "../format.js";

const CALLS = "traces_span_metrics_calls_total";
const DURATION = "traces_span_metrics_duration_seconds_bucket";

/** Values of an instant query by service name. */
async function byService(expr) {
  const data = await query(expr);
  const result = new Map();
  for (const sample of data.result || []) result.set(sample.metric.service_name, Number(sample.value[1]));
  return result;
}

function sparkline(values) {
  const canvas = h("canvas", { class: "sparkline", width: 120, height: 28 });
  const context = canvas.getContext("2d");
  const numbers = values.map(([, value]) => Number(value)).filter(Number.isFinite);
  if (numbers.length > 1) {
    const max = Math.max(...numbers, 1e-9);
    context.strokeStyle = "#1f6feb";
    context.lineWidth = 1.5;
    context.beginPath();
    numbers.forEach((value, index) => {
      const x = (index / (numbers.length - 1)) * 118 + 1;
      const y = 27 - (value / max) * 25;
      if (index === 0) context.moveTo(x, y); else context.lineTo(x, y);
    });
    context.stroke();
  }
  canvas.dataset.points = String(numbers.length);
  return canvas;
}

export function mount(container) {
  const services = h("tbody", {});
  const alertsList = h("ul", { class: "alert-list", id: "overview-alerts" });
  const healthGrid = h("dl", { class: "health", id: "overview-health" }, h("dt", {}, "Health"), h("dd", {}, "waiting for data…"));
  replace(container,
    h("section", { class: "panel" }, h("h1", {}, "Services"),
      h("table", { class: "grid", id: "overview-services" },
        h("thead", {}, h("tr", {}, ["Service", "Requests/s", "Errors", "p50", "p99"].map((name) => h("th", {}, name)), h("th", { class: "narrow-hidden" }, "Last 15 min"))),
        services)),
    h("div", { class: "columns" },
      h("section", { class: "panel" }, h("h2", {}, "Firing alerts"), alertsList),
      h("section", { class: "panel" }, h("h2", {}, "telemetryd"), healthGrid)));

  let stopped = false;
  async function loadServices() {
    try {
      const window = "[1m]";
      const [list, rates, errors, p50, p99, history] = await Promise.all([
        get("api/services"),
        byService(`sum by (service_name) (rate(${CALLS}${window}))`),
        byService(`sum by (service_name) (rate(${CALLS}{status_code="STATUS_CODE_ERROR"}${window}))`),
        byService(`histogram_quantile(0.5, sum by (service_name, le) (rate(${DURATION}${window})))`),
        byService(`histogram_quantile(0.99, sum by (service_name, le) (rate(${DURATION}${window})))`),
        (async () => {
          const end = Date.now() / 1000;
          return queryRange(`sum by (service_name) (rate(${CALLS}${window}))`, end - 900, end, 15);
        })(),
      ]);
      if (stopped) return;
      const names = [...new Set([...(list.services || []), ...rates.keys()])].sort();
      const lines = new Map((history.result || []).map((series) => [series.metric.service_name, series.values]));
      replace(services, names.length ? names.map((name) => {
        const rate = rates.get(name);
        const ratio = rate ? (errors.get(name) || 0) / rate : null;
        return h("tr", { "data-service": name },
          h("td", {}, h("a", { href: route("traces", { service: name }), class: "service-traces" }, name), " ",
            h("a", { class: "muted small-link", href: route("explore", { expr: `sum by (span_name) (rate(${CALLS}{service_name="${name.replace(/["\\]/g, "\\$&")}"}[1m]))`, range: "1h" }) }, "metrics")),
          h("td", { class: "number" }, formatValue(rate ?? null, "")),
          h("td", { class: "number" + (ratio > 0 ? " bad" : "") }, ratio === null ? "–" : formatValue(ratio, "ratio")),
          h("td", { class: "number" }, formatValue(p50.get(name) ?? null, "s")),
          h("td", { class: "number" }, formatValue(p99.get(name) ?? null, "s")),
          h("td", { class: "narrow-hidden" }, sparkline(lines.get(name) || [])));
      }) : h("tr", {}, h("td", { colspan: 6, class: "empty" }, "No spans received yet. Point an OpenTelemetry SDK at this server's /v1/traces.")));
    } catch (error) {
      if (!stopped) replace(services, h("tr", {}, h("td", { colspan: 6, class: "error" }, error.message)));
    }
  }

  async function loadAlerts() {
    try {
      const data = await get("api/v1/alerts");
      if (stopped) return;
      const firing = (data.alerts || []).filter((alert) => alert.state === "firing");
      replace(alertsList, firing.length ? firing.map((alert) =>
        h("li", { class: "alert firing" },
          h("a", { href: route("alerts") }, alert.labels.alertname || "alert"), " ",
          h("span", { class: "muted" }, Object.entries(alert.labels).filter(([key]) => key !== "alertname").map(([key, value]) => `${key}=${value}`).join(", ")),
          " ", h("span", { class: "muted" }, "since " + ago(Date.parse(alert.activeAt) / 1000)))) : h("li", { class: "empty" }, "Nothing firing."));
    } catch (error) {
      if (!stopped) replace(alertsList, h("li", { class: "error" }, error.message));
    }
  }

  function showHealth(health) {
    const rows = [
      ["Spans/s", formatValue(health.ingest.spans)], ["Data points/s", formatValue(health.ingest.dataPoints)],
      ["Log records/s", formatValue(health.ingest.logRecords)], ["Write queue", formatValue(health.writeQueueDepth)],
      ["Notification queue", formatValue(health.notificationQueue)],
      ["Dropped", formatValue(health.dropped.spans + health.dropped.dataPoints + health.dropped.logRecords)],
      ["Storage", formatValue(health.storageBytes, "bytes")], ["Series in history", formatValue(health.historySeries)],
      ["Live clients", formatValue(health.eventClients)],
    ];
    replace(healthGrid, rows.map(([name, value]) => [h("dt", {}, name), h("dd", { "data-name": name }, value)]));
  }

  let pending = null;
  const soon = () => {
    if (pending) return;
    pending = setTimeout(() => { pending = null; loadServices(); }, 1000);
  };
  const unsubscribe = [
    on("health", (health) => health.ingest && showHealth(health)),
    on("alerts", loadAlerts),
    on("traces", soon),
  ];
  const timer = setInterval(() => { loadServices(); loadAlerts(); }, 10000);
  loadServices();
  loadAlerts();
  return () => {
    stopped = true;
    clearInterval(timer);
    clearTimeout(pending);
    unsubscribe.forEach((stop) => stop());
  };
}
