// Trace search: service, operation, tags, duration bounds, time range and limit; results as a
// list (root service and operation, spans, errors, a duration bar, start) and a scatter plot of
// duration against time whose points open the trace. New traces for the search appear live.
import { get } from "../api.js";
import { timeTickSpace } from "../chart.js";
import { on } from "../events.js";
import { setParams } from "../router.js";
import { h, replace, route } from "../dom.js";
import { formatSeconds, formatTime, parseDuration, plural } from "../format.js";

const RANGES = ["15m", "1h", "6h", "1d", "2d", "7d"];

function millis(nanos) {
  const text = String(nanos);
  return text.length > 6 ? Number(text.slice(0, -6)) + Number(text.slice(-6)) / 1e6 : Number(text) / 1e6;
}

export function mount(container, params) {
  const state = { service: params.service || "", operation: params.operation || "", tags: params.tags || "",
    minDuration: params.minDuration || "", maxDuration: params.maxDuration || "", range: params.range || "1h", limit: params.limit || "20" };
  const service = h("select", { id: "traces-service", "aria-label": "Service" }, h("option", { value: "" }, "All services"));
  const operation = h("select", { id: "traces-operation", "aria-label": "Operation" }, h("option", { value: "" }, "All operations"));
  const tags = h("input", { id: "traces-tags", placeholder: 'Tags: http.status_code=500 error=true', "aria-label": "Tags", value: state.tags, class: "wide" });
  const minDuration = h("input", { id: "traces-min", placeholder: "Min duration", "aria-label": "Min duration", size: 12, value: state.minDuration });
  const maxDuration = h("input", { id: "traces-max", placeholder: "Max duration", "aria-label": "Max duration", size: 12, value: state.maxDuration });
  const range = h("select", { id: "traces-range", "aria-label": "Time range" }, RANGES.map((value) => h("option", { value }, "Last " + value)));
  const limit = h("input", { id: "traces-limit", type: "number", min: 1, max: 1000, value: state.limit, size: 4, "aria-label": "Limit" });
  range.value = state.range;
  const plot = h("div", { id: "traces-plot" });
  const results = h("div", { class: "trace-results", id: "traces-results" });
  const status = h("div", { class: "status", id: "traces-status" });
  let chart = null;
  let stopped = false;
  let pending = null;

  async function loadServices() {
    const data = await get("api/services");
    replace(service, h("option", { value: "" }, "All services"), (data.services || []).map((name) => h("option", { value: name }, name)));
    service.value = state.service;
    await loadOperations();
  }

  async function loadOperations() {
    replace(operation, h("option", { value: "" }, "All operations"));
    if (!state.service) return;
    const data = await get(`api/services/${encodeURIComponent(state.service)}/operations`);
    const names = [...new Set((data.operations || []).map((item) => item.name))];
    replace(operation, h("option", { value: "" }, "All operations"), names.map((name) => h("option", { value: name }, name)));
    operation.value = state.operation;
  }

  function read() {
    Object.assign(state, { service: service.value, operation: operation.value, tags: tags.value.trim(), minDuration: minDuration.value.trim(),
      maxDuration: maxDuration.value.trim(), range: range.value, limit: limit.value });
  }

  async function runSearch() {
    setParams(state);
    const end = Date.now() / 1000;
    const start = end - (parseDuration(state.range) || 3600);
    const query = { limit: state.limit, start: start.toFixed(3), end: (end + 60).toFixed(3) };
    for (const key of ["service", "operation", "tags", "minDuration", "maxDuration"]) if (state[key]) query[key] = state[key];
    try {
      const data = await get("api/traces", query);
      if (stopped) return;
      show(data.traces || [], [start, end]);
    } catch (error) {
      if (!stopped) replace(status, h("span", { class: "error" }, error.message));
    }
  }

  /** Lists `traces` and plots them over `timeWindow`, the `[start, end]` seconds searched. */
  function show(traces, timeWindow) {
    const longest = Math.max(1, ...traces.map((trace) => millis(trace.durationNano)));
    replace(status, h("span", { class: "muted" }, `${traces.length} traces`));
    replace(results, traces.length ? traces.map((trace) => {
      const duration = millis(trace.durationNano);
      const bar = h("span", { class: "duration-bar" + (trace.errorCount ? " error" : "") });
      bar.style.width = `${Math.max(1, (duration / longest) * 100)}%`;
      return h("a", { class: "trace-result", href: route("trace/" + trace.traceId), "data-trace-id": trace.traceId },
        h("span", { class: "trace-title" }, h("strong", {}, trace.rootService || "?"), ": ", trace.rootOperation || "(missing root span)"),
        h("span", { class: "muted" }, plural(trace.spanCount, "span")),
        trace.errorCount ? h("span", { class: "bad" }, plural(trace.errorCount, "error")) : h("span", { class: "muted" }, "no errors"),
        h("span", { class: "duration" }, bar, h("span", {}, formatSeconds(duration / 1000))),
        h("span", { class: "muted" }, formatTime(millis(trace.startTimeUnixNano) / 1000)));
    }) : h("p", { class: "empty" }, "No traces match."));
    drawPlot(traces, timeWindow);
  }

  function drawPlot(traces, timeWindow) {
    if (typeof uPlot === "undefined") return;
    const points = traces.map((trace) => ({ x: millis(trace.startTimeUnixNano) / 1000, y: millis(trace.durationNano), trace }))
      .sort((a, b) => a.x - b.x);
    const data = [points.map((point) => point.x), points.map((point) => point.y)];
    if (chart) chart.destroy();
    chart = new uPlot({
      width: Math.max(300, plot.clientWidth || 800), height: 160, legend: { show: false },
      // The x axis spans the time searched, not just the traces found.
      scales: { x: { time: true, range: () => timeWindow } },
      axes: [{ space: timeTickSpace }, { values: (u, ticks) => ticks.map((tick) => formatSeconds(tick / 1000)), size: 70 }],
      series: [{}, { stroke: "#1f6feb", width: 0, paths: () => null, points: { show: true, size: 8, fill: "#1f6feb" } }],
    }, data, plot);
    plot.uplot = chart;
    chart.over.addEventListener("click", () => {
      const index = chart.cursor.idx;
      if (index !== null && points[index]) location.hash = route("trace/" + points[index].trace.traceId);
    });
  }

  service.addEventListener("change", async () => { read(); state.operation = ""; await loadOperations(); runSearch(); });
  for (const input of [operation, range]) input.addEventListener("change", () => { read(); runSearch(); });
  const form = h("form", { class: "toolbar", id: "traces-form", onsubmit: (event) => { event.preventDefault(); read(); runSearch(); } },
    service, operation, tags, minDuration, maxDuration, range, limit, h("button", { type: "submit", class: "primary" }, "Search"));
  replace(container, h("section", { class: "panel" }, h("h1", {}, "Traces"), form, status, plot), h("section", { class: "panel" }, results));

  const stop = on("traces", (event) => {
    if (event.type === "reset" || (event.traces || []).length) {
      if (pending) return;
      pending = setTimeout(() => { pending = null; runSearch(); }, 500);
    }
  });
  loadServices().catch((error) => replace(status, h("span", { class: "error" }, error.message))).then(runSearch);
  return () => { stopped = true; stop(); clearTimeout(pending); if (chart) chart.destroy(); };
}
