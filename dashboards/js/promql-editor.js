// A PromQL editor: a textarea with completion of metric names (with their help text), label
// names and label values, and syntax errors shown under the text at their position.
import { get } from "./api.js";
import { h, replace } from "./dom.js";

const FUNCTIONS = ["abs", "absent", "absent_over_time", "avg_over_time", "ceil", "changes", "clamp", "clamp_max",
  "clamp_min", "count_over_time", "day_of_month", "day_of_week", "delta", "deriv", "exp", "floor",
  "histogram_quantile", "holt_winters", "hour", "idelta", "increase", "irate", "label_join", "label_replace", "ln",
  "log2", "log10", "max_over_time", "min_over_time", "minute", "month", "predict_linear", "quantile_over_time",
  "rate", "resets", "round", "scalar", "sort", "sort_desc", "sqrt", "stddev_over_time", "sum_over_time", "time",
  "timestamp", "vector", "year", "sum", "avg", "min", "max", "count", "topk", "bottomk", "quantile", "stddev",
  "stdvar", "count_values", "group"];

const cache = new Map();
function cached(key, load) {
  if (!cache.has(key)) cache.set(key, load().catch((error) => { cache.delete(key); throw error; }));
  return cache.get(key);
}

/** What to complete at the end of `text`: metric names, label names or a label's values. */
export function completionContext(text) {
  const value = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)$/.exec(text);
  if (value && insideBraces(text)) return { kind: "value", label: value[1], prefix: value[3] };
  const label = /[{,]\s*([a-zA-Z_][a-zA-Z0-9_]*)?$/.exec(text);
  if (label && insideBraces(text)) return { kind: "label", prefix: label[1] || "" };
  const word = /([a-zA-Z_:][a-zA-Z0-9_:]*)$/.exec(text);
  if (word) return { kind: "metric", prefix: word[1] };
  return null;
}

function insideBraces(text) {
  let depth = 0;
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (character === "\\" && quoted) { index++; continue; }
    if (character === '"') quoted = !quoted;
    else if (!quoted && character === "{") depth++;
    else if (!quoted && character === "}") depth = Math.max(0, depth - 1);
  }
  return depth > 0;
}

/** The metric name a selector being written applies to, for narrowing label values. */
function metricBefore(text) {
  const open = text.lastIndexOf("{");
  const match = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*$/.exec(text.slice(0, open));
  return match ? match[1] : null;
}

async function suggestions(text) {
  const context = completionContext(text);
  if (!context) return { context, items: [] };
  let items = [];
  if (context.kind === "metric") {
    if (!context.prefix) return { context, items: [] };
    const [names, metadata] = await Promise.all([
      cached("names", () => get("api/v1/label/__name__/values")),
      cached("metadata", () => get("api/v1/metadata").catch(() => ({}))),
    ]);
    const lower = context.prefix.toLowerCase();
    items = names.filter((name) => name.toLowerCase().includes(lower))
      .map((name) => ({ text: name, detail: (metadata[name] && metadata[name][0] && metadata[name][0].help) || "", kind: "metric" }));
    items.push(...FUNCTIONS.filter((name) => name.startsWith(lower)).map((name) => ({ text: name, detail: "function", kind: "function" })));
    items.sort((a, b) => (b.text.startsWith(context.prefix) - a.text.startsWith(context.prefix)) || a.text.localeCompare(b.text));
  } else if (context.kind === "label") {
    const labels = await cached("labels", () => get("api/v1/labels"));
    items = labels.filter((name) => name !== "__name__" && name.startsWith(context.prefix)).map((name) => ({ text: name, detail: "label", kind: "label" }));
  } else {
    const metric = metricBefore(text);
    const values = await cached(`values:${context.label}:${metric}`,
      () => get(`api/v1/label/${encodeURIComponent(context.label)}/values`, metric ? { "match[]": metric } : {}));
    items = values.filter((value) => value.startsWith(context.prefix)).map((value) => ({ text: value, detail: context.label, kind: "value" }));
  }
  return { context, items: items.slice(0, 40) };
}

/** Builds the editor; `onRun(expr)` is called on Enter or the Run button. */
export function promqlEditor({ value = "", onRun }) {
  const input = h("textarea", { class: "promql", id: "promql-input", rows: 2, spellcheck: "false",
    "aria-label": "PromQL expression", placeholder: "Expression (press Enter to run, Shift+Enter for a new line)" });
  input.value = value;
  const list = h("ul", { class: "completions", id: "promql-completions", role: "listbox", hidden: true });
  const error = h("div", { class: "syntax-error", id: "promql-error", hidden: true });
  let items = [];
  let selected = 0;
  let context = null;
  let generation = 0;

  function close() {
    list.hidden = true;
    items = [];
  }

  function render() {
    replace(list, items.map((item, index) => h("li", {
      class: "completion" + (index === selected ? " selected" : ""), role: "option", "data-value": item.text,
      onmousedown: (event) => { event.preventDefault(); accept(index); },
    }, h("span", { class: "completion-text" }, item.text), h("span", { class: "completion-detail" }, item.detail))));
    list.hidden = items.length === 0;
  }

  function accept(index) {
    const item = items[index];
    if (!item || !context) return;
    const cursor = input.selectionStart;
    const before = input.value.slice(0, cursor - context.prefix.length);
    let insert = item.text;
    if (item.kind === "value") insert = item.text.replace(/["\\]/g, "\\$&") + '"';
    if (item.kind === "function") insert += "(";
    input.value = before + insert + input.value.slice(cursor);
    const position = before.length + insert.length;
    input.setSelectionRange(position, position);
    close();
    input.focus();
  }

  async function update() {
    const mine = ++generation;
    try {
      const result = await suggestions(input.value.slice(0, input.selectionStart));
      if (mine !== generation) return;
      context = result.context;
      items = result.items;
      selected = 0;
      render();
    } catch {
      close();
    }
  }

  input.addEventListener("input", update);
  input.addEventListener("blur", () => setTimeout(close, 150));
  input.addEventListener("keydown", (event) => {
    if (!list.hidden && items.length) {
      if (event.key === "ArrowDown") { selected = (selected + 1) % items.length; render(); event.preventDefault(); return; }
      if (event.key === "ArrowUp") { selected = (selected + items.length - 1) % items.length; render(); event.preventDefault(); return; }
      if (event.key === "Tab" || (event.key === "Enter" && !event.shiftKey)) { accept(selected); event.preventDefault(); return; }
      if (event.key === "Escape") { close(); event.preventDefault(); return; }
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      onRun(input.value);
    }
  });

  /** Shows `message` (`1:7: parse error: …`) under the text with a caret at its position. */
  function showError(message) {
    if (!message) {
      error.hidden = true;
      error.replaceChildren();
      return;
    }
    const position = /(\d+):(\d+): parse error/.exec(message);
    const children = [h("div", { class: "error-message" }, message)];
    if (position) {
      const lines = input.value.split("\n");
      const line = lines[Number(position[1]) - 1] ?? "";
      const column = Number(position[2]);
      children.push(h("pre", { class: "error-position" }, line + "\n" + " ".repeat(Math.max(0, column - 1)) + "^"));
      error.dataset.line = position[1];
      error.dataset.column = position[2];
    }
    replace(error, children);
    error.hidden = false;
  }

  const element = h("div", { class: "editor" }, input, list, error);
  return { element, input, showError, get value() { return input.value; }, set value(text) { input.value = text; } };
}
