// Time-series charts on uPlot. uPlot takes columns `[xs, ys...]` with x in seconds, ascending,
// and has no append: a chart keeps its window of points and calls setData.
import { formatTicks, formatTime, formatValue } from "./format.js";
import { labelText } from "./dom.js";

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#bcbd22", "#17becf"];

/**
 * The least distance between time ticks, in px, for uPlot's `axes[0].space`: 60 px, since a
 * label such as "10:10pm" is about 50 px wide and at uPlot's 50 px neighbours touched on a view
 * card's hour. Where that would put them under a minute apart, the first tick's second line
 * carries the date and the time ("12/3/26 8:38pm", about 95 px), so they get 80 px.
 */
export const timeTickSpace = (u, axis, min, max, width) => ((max - min) * 50 / width <= 30 ? 80 : 60);

/** The colour of the series at `index`. */
export const colour = (index) => PALETTE[index % PALETTE.length];

/** Joins series `[{metric, values: [[t, "v"], ...]}]` (Prometheus matrix) into uPlot columns. */
export function columns(series) {
  const times = new Set();
  for (const item of series) for (const [time] of item.values) times.add(Number(time));
  const xs = Float64Array.from([...times].sort((a, b) => a - b));
  const index = new Map();
  xs.forEach((time, position) => index.set(time, position));
  const ys = series.map((item) => {
    const column = new Array(xs.length).fill(null);
    for (const [time, value] of item.values) column[index.get(Number(time))] = Number(value);
    return column;
  });
  return [xs, ...ys];
}

/** A line, area or bar chart of a matrix that can be replaced or extended. */
export class TimeChart {
  constructor(container, { kind = "line", unit = "", height = 220, onSelect = null, onPoint = null, legendMax = 20 } = {}) {
    this.legendMax = legendMax;
    this.container = container;
    this.kind = kind;
    this.unit = unit;
    this.height = height;
    this.onSelect = onSelect;
    this.onPoint = onPoint;
    this.series = [];
    this.exemplars = [];
    this.plot = null;
    this.key = "";
    container.classList.add("chart");
    this.resizeObserver = new ResizeObserver(() => this.plot && this.plot.setSize(this.size()));
    this.resizeObserver.observe(container);
  }

  size() {
    return { width: Math.max(200, this.container.clientWidth || 600), height: this.height };
  }

  /** Replaces the data: `series` as a Prometheus matrix, `exemplars` as `[{time, value, traceId}]`,
   * `timeWindow` the `[start, end]` seconds the query asked for (the x axis spans it, however
   * little of it has data). */
  setMatrix(series, exemplars = [], timeWindow = null) {
    this.series = series;
    this.exemplars = exemplars;
    this.timeWindow = timeWindow;
    this.render();
  }

  /** Adds a point per series (an instant vector) and drops points older than `windowSeconds`. */
  extend(vector, windowSeconds) {
    const byKey = new Map(this.series.map((item) => [JSON.stringify(item.metric), item]));
    for (const sample of vector) {
      const key = JSON.stringify(sample.metric);
      let item = byKey.get(key);
      if (!item) {
        item = { metric: sample.metric, values: [] };
        this.series.push(item);
        byKey.set(key, item);
      }
      const last = item.values[item.values.length - 1];
      if (!last || Number(last[0]) < Number(sample.value[0])) item.values.push(sample.value);
      else if (Number(last[0]) === Number(sample.value[0])) item.values[item.values.length - 1] = sample.value;
    }
    const newest = Math.max(...vector.map((sample) => Number(sample.value[0])), 0);
    if (this.timeWindow && newest > this.timeWindow[1]) this.timeWindow = [newest - windowSeconds, newest];
    for (const item of this.series) {
      while (item.values.length && Number(item.values[0][0]) < newest - windowSeconds) item.values.shift();
    }
    this.render();
  }

  render() {
    if (typeof uPlot === "undefined") return;
    const data = columns(this.series);
    let exemplarColumn = null;
    if (this.exemplars.length) {
      // Exemplars get their own x positions: merge them into the time axis.
      const times = [...new Set([...data[0], ...this.exemplars.map((item) => item.time)])].sort((a, b) => a - b);
      const position = new Map(times.map((time, index) => [time, index]));
      const widened = [Float64Array.from(times)];
      for (let column = 1; column < data.length; column++) {
        const values = new Array(times.length).fill(null);
        data[0].forEach((time, index) => { values[position.get(time)] = data[column][index]; });
        widened.push(values);
      }
      exemplarColumn = new Array(times.length).fill(null);
      this.exemplarAt = new Map();
      for (const exemplar of this.exemplars) {
        exemplarColumn[position.get(exemplar.time)] = exemplar.value;
        this.exemplarAt.set(position.get(exemplar.time), exemplar);
      }
      data.splice(0, data.length, ...widened, exemplarColumn);
    }
    const key = this.kind + "|" + this.series.map((item) => JSON.stringify(item.metric)).join("|") + "|" + !!exemplarColumn;
    if (this.plot && key === this.key) {
      this.plot.setData(data);
    } else {
      if (this.plot) this.plot.destroy();
      this.key = key;
      this.plot = new uPlot(this.options(exemplarColumn !== null), data, this.container);
      this.container.uplot = this.plot;
      if (this.onPoint) {
        this.plot.over.addEventListener("click", () => {
          const index = this.plot.cursor.idx;
          if (index !== null && this.exemplarAt && this.exemplarAt.has(index)) this.onPoint(this.exemplarAt.get(index));
        });
      }
    }
    this.container.dataset.series = String(this.series.length);
    this.container.dataset.points = String(this.series.reduce((sum, item) => sum + item.values.length, 0));
  }

  options(withExemplars) {
    const unit = this.unit;
    const series = [{ value: (u, value) => (value === null ? "–" : formatTime(value)) }];
    this.series.forEach((item, index) => {
      const stroke = colour(index);
      // Lines and areas draw the samples a line cannot show (`isolatedPoints`) as dots.
      const points = this.kind === "bars" ? { show: false } : { show: false, size: 6, fill: stroke, filter: isolatedPoints };
      const entry = { label: labelText(item.metric), stroke, width: 1.5, spanGaps: false,
        value: (u, value) => formatValue(value, unit), points };
      if (this.kind === "area") entry.fill = stroke + "33";
      if (this.kind === "bars") {
        entry.fill = stroke + "99";
        entry.paths = uPlot.paths.bars({ size: [0.6, 40] });
      }
      series.push(entry);
    });
    if (withExemplars) {
      series.push({ label: "exemplars", stroke: "#e5534b", width: 0, paths: () => null,
        points: { show: true, size: 9, fill: "#e5534b" }, value: (u, value) => formatValue(value, unit) });
    }
    const hooks = {};
    if (this.onSelect) {
      hooks.setSelect = [(u) => {
        if (u.select.width < 5) return;
        const from = u.posToVal(u.select.left, "x");
        const to = u.posToVal(u.select.left + u.select.width, "x");
        u.setSelect({ left: 0, width: 0 }, false);
        this.onSelect(from, to);
      }];
    }
    return {
      ...this.size(),
      series,
      hooks,
      legend: { show: this.series.length <= this.legendMax },
      cursor: { drag: { x: true, y: false, setScale: false } },
      // The y axis is as wide as its longest label (about 7 px a character at 12 px).
      axes: [{ space: timeTickSpace }, { values: (u, ticks) => (this.yLabels = formatTicks(ticks, unit)),
        size: (u, values) => Math.max(40, 16 + 7 * Math.max(0, ...(values || []).map((value) => String(value).length))) }],
      // With no points yet uPlot would pick an arbitrary span of years: show the last hour.
      scales: { x: { time: true, range: (u, min, max) => this.timeWindow || timeRange(min, max) } },
    };
  }

  destroy() {
    this.resizeObserver.disconnect();
    if (this.plot) this.plot.destroy();
    this.plot = null;
  }
}

/** The indices of series `index`'s samples that a line cannot show, drawn as dots instead: a
 * run of samples between gaps whose line would be under a few pixels long (a lone sample, or
 * the first few samples of a series in a window of an hour) gets a dot at its newest sample. */
function isolatedPoints(u, index) {
  const times = u.data[0];
  const values = u.data[index];
  const isolated = [];
  let first = -1;
  for (let i = 0; i <= values.length; i++) {
    const present = i < values.length && values[i] != null;
    if (present && first < 0) first = i;
    if (!present && first >= 0) {
      const last = i - 1;
      if (u.valToPos(times[last], "x") - u.valToPos(times[first], "x") < 3) isolated.push(last);
      first = -1;
    }
  }
  return isolated.length ? isolated : null;
}

/** The x range of points given no window: the data's, the last hour when there is none, a
 * minute either side of a single instant. */
function timeRange(min, max) {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) {
    const now = Date.now() / 1000;
    return [now - 3600, now];
  }
  return min === max ? [min - 60, max + 60] : [min, max];
}
