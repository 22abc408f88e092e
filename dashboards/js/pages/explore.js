// Metrics explorer: a PromQL editor, a time range (relative, custom, or zoomed by dragging on
// the chart), a chart from query_range that keeps extending while the range is relative, a
// table of the instant values, exemplars drawn as points that open their trace, and "add as
// view". Everything is in the URL.
import { get, postForm, query, queryRange, sendJSON } from "../api.js";
import { setParams } from "../router.js";
import { h, labelText, replace, route } from "../dom.js";
import { TimeChart } from "../chart.js";
import { formatTime, formatValue, parseDuration, plural, stepFor } from "../format.js";
import { promqlEditor } from "../promql-editor.js";

const RANGES = ["5m", "15m", "1h", "3h", "6h", "12h", "1d", "2d", "7d"];

/** The window to draw: `[start, end, live]` in seconds. */
function window(state) {
  if (state.from && state.to) return [Number(state.from), Number(state.to), false];
  const end = Date.now() / 1000;
  return [end - (parseDuration(state.range) || 3600), end, true];
}

function toLocalInput(seconds) {
  const date = new Date(seconds * 1000 - new Date().getTimezoneOffset() * 60000);
  return date.toISOString().slice(0, 19);
}

export function mount(container, params) {
  const state = { expr: params.expr || "", range: params.range || "1h", from: params.from, to: params.to, tab: params.tab || "graph" };
  const status = h("div", { class: "status", id: "explore-status" });
  const chartBox = h("div", { id: "explore-chart" });
  const table = h("table", { class: "grid", id: "explore-table" });
  const rangeSelect = h("select", { id: "explore-range", "aria-label": "Time range" },
    RANGES.map((range) => h("option", { value: range }, "Last " + range)), h("option", { value: "custom" }, "Custom"));
  const fromInput = h("input", { type: "datetime-local", step: 1, id: "explore-from", "aria-label": "From" });
  const toInput = h("input", { type: "datetime-local", step: 1, id: "explore-to", "aria-label": "To" });
  const custom = h("span", { class: "custom-range" }, fromInput, " – ", toInput);
  const graphTab = h("button", { type: "button", class: "tab", "data-tab": "graph" }, "Graph");
  const tableTab = h("button", { type: "button", class: "tab", "data-tab": "table" }, "Table");
  const viewMessage = h("span", { class: "muted", id: "explore-view-message" });
  let timer = null;
  let stopped = false;
  let generation = 0;

  const editor = promqlEditor({ value: state.expr, onRun: (expr) => { state.expr = expr; run(); } });
  const chart = new TimeChart(chartBox, {
    height: 320,
    onSelect: (from, to) => { state.from = String(Math.round(from)); state.to = String(Math.round(to)); syncRange(); run(); },
    onPoint: (exemplar) => { if (exemplar.traceId) location.hash = route("trace/" + exemplar.traceId, { span: exemplar.spanId }); },
  });

  function syncRange() {
    const isCustom = state.from && state.to;
    rangeSelect.value = isCustom ? "custom" : state.range;
    custom.hidden = !isCustom;
    if (isCustom) { fromInput.value = toLocalInput(Number(state.from)); toInput.value = toLocalInput(Number(state.to)); }
    for (const tab of [graphTab, tableTab]) tab.classList.toggle("active", tab.dataset.tab === state.tab);
    chartBox.hidden = state.tab !== "graph";
    table.hidden = state.tab !== "table";
  }

  rangeSelect.addEventListener("change", () => {
    if (rangeSelect.value === "custom") {
      const [start, end] = window(state);
      state.from = String(Math.round(start));
      state.to = String(Math.round(end));
    } else {
      state.range = rangeSelect.value;
      state.from = state.to = undefined;
    }
    syncRange();
    run();
  });
  for (const input of [fromInput, toInput]) {
    input.addEventListener("change", () => {
      const from = Date.parse(fromInput.value) / 1000;
      const to = Date.parse(toInput.value) / 1000;
      if (Number.isFinite(from) && Number.isFinite(to) && to > from) { state.from = String(from); state.to = String(to); run(); }
    });
  }
  for (const tab of [graphTab, tableTab]) tab.addEventListener("click", () => { state.tab = tab.dataset.tab; syncRange(); run(); });

  async function addView() {
    try {
      const view = await sendJSON("POST", "api/v1/views", { title: state.expr, expr: state.expr, chart: "line", range: state.range || "1h", refresh: "5s" });
      replace(viewMessage, "Added as view ", h("a", { href: route("views") }, view.title));
    } catch (error) {
      replace(viewMessage, h("span", { class: "error" }, error.message));
    }
  }

  async function exemplars(start, end) {
    try {
      const data = await get("api/v1/query_exemplars", { query: state.expr, start, end });
      const points = [];
      for (const series of data || []) {
        for (const exemplar of series.exemplars || []) {
          points.push({ time: Number(exemplar.timestamp), value: Number(exemplar.value),
            traceId: exemplar.labels.trace_id || exemplar.labels.traceID, spanId: exemplar.labels.span_id });
        }
      }
      return points;
    } catch {
      return [];
    }
  }

  async function run() {
    const mine = ++generation;
    clearTimeout(timer);
    setParams({ expr: state.expr, range: state.from ? undefined : state.range, from: state.from, to: state.to, tab: state.tab === "graph" ? undefined : state.tab });
    if (!state.expr.trim()) {
      replace(status, h("span", { class: "muted" }, "Enter an expression, such as up or rate(telemetryd_http_requests_total[1m])."));
      return;
    }
    try {
      const check = await postForm("api/v1/query_check", { query: state.expr });
      if (mine !== generation) return;
      if (!check.valid) {
        editor.showError(check.error);
        replace(status, "");
        return;
      }
      editor.showError(null);
    } catch (error) {
      replace(status, h("span", { class: "error" }, error.message));
      return;
    }
    const [start, end, live] = window(state);
    const step = stepFor(end - start);
    const started = performance.now();
    try {
      if (state.tab === "graph") {
        const [data, points] = await Promise.all([queryRange(state.expr, start, end, step), exemplars(start, end)]);
        if (mine !== generation || stopped) return;
        const series = data.resultType === "matrix" ? data.result : [];
        chart.setMatrix(series, points, [start, end]);
        replace(status, h("span", { class: "muted" },
          `${series.length} series, ${plural(series.reduce((sum, item) => sum + item.values.length, 0), "point")}, step ${step}s, ` +
          `${Math.round(performance.now() - started)} ms` + (points.length ? `, ${points.length} exemplars` : "")));
      } else {
        const data = await query(state.expr, end);
        if (mine !== generation || stopped) return;
        showTable(data);
        replace(status, h("span", { class: "muted" }, `${(data.result || []).length} results at ${formatTime(end)}`));
      }
    } catch (error) {
      if (mine !== generation) return;
      replace(status, h("span", { class: "error" }, error.message));
    }
    if (live && !stopped && mine === generation) timer = setTimeout(run, Math.max(2000, Math.min(step * 1000, 15000)));
  }

  function showTable(data) {
    let rows = [];
    if (data.resultType === "vector") rows = data.result.map((sample) => [labelText(sample.metric), sample.value[1]]);
    else if (data.resultType === "scalar" || data.resultType === "string") rows = [["scalar", data.result[1]]];
    else if (data.resultType === "matrix") rows = data.result.map((series) => [labelText(series.metric), series.values.map((value) => value[1]).join(", ")]);
    replace(table, h("thead", {}, h("tr", {}, h("th", {}, "Series"), h("th", {}, "Value"))),
      h("tbody", {}, rows.length ? rows.map(([series, value]) => h("tr", {}, h("td", { class: "labels" }, series), h("td", { class: "number" }, formatValue(Number(value)))))
        : h("tr", {}, h("td", { colspan: 2, class: "empty" }, "Empty result"))));
  }

  replace(container,
    h("section", { class: "panel" },
      h("h1", {}, "Explore"),
      editor.element,
      h("div", { class: "toolbar" },
        h("button", { type: "button", class: "primary", id: "explore-run", onclick: () => { state.expr = editor.value; run(); } }, "Run"),
        rangeSelect, custom, graphTab, tableTab,
        h("button", { type: "button", id: "explore-add-view", onclick: addView }, "Add as view"), viewMessage),
      status, chartBox, table));
  syncRange();
  run();
  return () => {
    stopped = true;
    clearTimeout(timer);
    chart.destroy();
  };
}
