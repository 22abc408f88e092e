// One view on the views page: its chart kind drawn from the history (query_range over its
// range) and moved by each point pushed for it on the views topic.
import { queryRange } from "./api.js";
import { h, labelText, replace } from "./dom.js";
import { TimeChart, colour } from "./chart.js";
import { formatTime, formatValue, parseDuration, stepFor } from "./format.js";

const TIME_CHARTS = new Set(["line", "area", "bars"]);

/** An instant result (vector or scalar) as a list of samples. */
function samples(result) {
  if (!result) return [];
  if (result.resultType === "vector") return result.result;
  if (result.resultType === "scalar") return [{ metric: {}, value: result.result }];
  return [];
}

export class ViewPanel {
  constructor(view, onRemove) {
    this.view = view;
    this.rangeSeconds = parseDuration(view.range) || 3600;
    this.body = h("div", { class: "view-body" });
    this.error = h("div", { class: "error", hidden: true });
    this.valueText = h("span", { class: "view-value" });
    this.element = h("article", { class: `view-card ${view.chart}`, "data-view": view.id },
      h("header", {}, h("h3", {}, view.title), h("span", { class: "muted unit" }, view.unit),
        h("button", { type: "button", class: "small remove", title: "Remove view", onclick: onRemove }, "Remove")),
      h("code", { class: "muted expr" }, view.expr), this.valueText, this.error, this.body);
    this.columns = [];
    if (TIME_CHARTS.has(view.chart)) this.chart = new TimeChart(this.body, { kind: view.chart, unit: view.unit, height: 180, legendMax: 6 });
  }

  async loadHistory() {
    if (!this.chart) return;
    const end = Date.now() / 1000;
    try {
      const data = await queryRange(this.view.expr, end - this.rangeSeconds, end, stepFor(this.rangeSeconds, 200));
      this.chart.setMatrix(data.resultType === "matrix" ? data.result : [], [], [end - this.rangeSeconds, end]);
    } catch (error) {
      this.showError(error.message);
    }
  }

  showError(message) {
    this.error.hidden = !message;
    this.error.textContent = message || "";
  }

  /** A point pushed on the views topic. */
  push(event) {
    if (event.error) { this.showError(event.error); return; }
    this.showError(null);
    const vector = samples(event.result);
    const first = vector[0];
    this.element.dataset.value = first ? String(Number(first.value[1])) : "";
    this.element.dataset.updated = String(event.time);
    this.valueText.textContent = first ? formatValue(Number(first.value[1]), this.view.unit) : "–";
    switch (this.view.chart) {
      case "line": case "area": case "bars": this.chart.extend(vector, this.rangeSeconds); break;
      case "stat": this.stat(vector); break;
      case "gauge": this.gauge(vector); break;
      case "table": this.table(vector); break;
      case "heatmap": this.heatmap(vector, event.time); break;
    }
  }

  stat(vector) {
    replace(this.body, vector.slice(0, 6).map((sample) => h("div", { class: "stat" },
      h("span", { class: "stat-value" }, formatValue(Number(sample.value[1]), this.view.unit)),
      h("span", { class: "muted" }, labelText(sample.metric)))));
  }

  gauge(vector) {
    replace(this.body, vector.slice(0, 6).map((sample, index) => {
      const value = Number(sample.value[1]);
      const max = this.view.unit === "%" ? 100 : this.view.unit === "ratio" ? 1 : Math.max(value, this.max || 0, 1);
      this.max = max;
      const fill = h("div", { class: "meter-fill" });
      fill.style.width = `${Math.max(0, Math.min(100, (value / max) * 100))}%`;
      fill.style.background = colour(index);
      return h("div", { class: "gauge" }, h("div", { class: "meter" }, fill),
        h("span", {}, formatValue(value, this.view.unit), " ", h("span", { class: "muted" }, labelText(sample.metric))));
    }));
  }

  table(vector) {
    replace(this.body, h("table", { class: "grid" }, h("tbody", {}, vector.map((sample) =>
      h("tr", {}, h("td", { class: "labels" }, labelText(sample.metric)), h("td", { class: "number" }, formatValue(Number(sample.value[1]), this.view.unit)))))));
  }

  /** Histogram buckets (`le`) over time: each push adds a column, darker where more observations fall. */
  heatmap(vector, time) {
    const buckets = vector.filter((sample) => sample.metric.le !== undefined)
      .map((sample) => ({ le: Number(sample.metric.le), value: Number(sample.value[1]) }))
      .sort((a, b) => a.le - b.le);
    const counts = buckets.map((bucket, index) => Math.max(0, bucket.value - (index ? buckets[index - 1].value : 0)));
    this.columns.push({ time, counts, bounds: buckets.map((bucket) => bucket.le) });
    if (this.columns.length > 120) this.columns.shift();
    if (!this.canvas) {
      this.canvas = h("canvas", { class: "heatmap", width: 480, height: 160 });
      replace(this.body, this.canvas, h("div", { class: "muted heatmap-axis" }));
    }
    const context = this.canvas.getContext("2d");
    context.clearRect(0, 0, 480, 160);
    const rows = Math.max(1, ...this.columns.map((column) => column.counts.length));
    const peak = Math.max(1e-9, ...this.columns.flatMap((column) => column.counts));
    const width = 480 / 120;
    const height = 160 / rows;
    this.columns.forEach((column, x) => column.counts.forEach((count, y) => {
      context.fillStyle = `rgba(31, 111, 235, ${count / peak})`;
      context.fillRect(x * width, 160 - (y + 1) * height, width, height);
    }));
    const bounds = buckets.map((bucket) => (Number.isFinite(bucket.le) ? formatValue(bucket.le, this.view.unit) : "+Inf"));
    this.body.querySelector(".heatmap-axis").textContent = bounds.length ? `buckets ${bounds[0]} … ${bounds[bounds.length - 1]}, until ${formatTime(time)}` : "no buckets (le) in this expression";
  }

  destroy() {
    if (this.chart) this.chart.destroy();
  }
}
