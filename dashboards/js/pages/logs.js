// Logs: filters (service, minimum severity, text, trace id, span id, time range), newest first
// with older records loaded as the list scrolls, a live tail from the logs topic (pausable;
// records are added in one DOM update per frame, so 1,000 records/s keep up), severity
// colours, attributes on a click, and each record's trace and span linking to the trace view.
import { get } from "../api.js";
import { on } from "../events.js";
import { setParams } from "../router.js";
import { h, replace, route } from "../dom.js";
import { formatTime, parseDuration } from "../format.js";

const SEVERITIES = [["", "Any severity"], ["DEBUG", "Debug+"], ["INFO", "Info+"], ["WARN", "Warn+"], ["ERROR", "Error+"], ["FATAL", "Fatal"]];
const MINIMUM = { "": 0, TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };
const RANGES = ["15m", "1h", "6h", "1d", "7d"];
const MAX_ROWS = 3000;
const severityName = (number) => (number >= 21 ? "fatal" : number >= 17 ? "error" : number >= 13 ? "warn" : number >= 9 ? "info" : number >= 5 ? "debug" : "trace");

export function mount(container, params) {
  const state = { service: params.service || "", severity: params.severity || "", text: params.text || "",
    traceId: params.traceId || "", spanId: params.spanId || "", range: params.range || "1h" };
  const inputs = {
    service: h("input", { id: "logs-service", "aria-label": "Service", placeholder: "Service", list: "logs-services", size: 14 }),
    severity: h("select", { id: "logs-severity", "aria-label": "Minimum severity" }, SEVERITIES.map(([value, label]) => h("option", { value }, label))),
    text: h("input", { id: "logs-text", placeholder: "Text in the body", "aria-label": "Text", class: "wide" }),
    traceId: h("input", { id: "logs-trace", placeholder: "Trace id", "aria-label": "Trace id", size: 34 }),
    spanId: h("input", { id: "logs-span", placeholder: "Span id", "aria-label": "Span id", size: 18 }),
    range: h("select", { id: "logs-range", "aria-label": "Time range" }, RANGES.map((value) => h("option", { value }, "Last " + value))),
  };
  for (const [key, input] of Object.entries(inputs)) input.value = state[key];
  const serviceNames = h("datalist", { id: "logs-services" });
  const live = h("input", { type: "checkbox", id: "logs-live", checked: true });
  const liveLabel = h("label", { class: "live-toggle" }, live, " Live tail");
  const newCount = h("button", { type: "button", class: "small", id: "logs-new", hidden: true }, "");
  const list = h("div", { class: "log-table", id: "logs-list" });
  const sentinel = h("div", { class: "muted sentinel", id: "logs-more" }, "");
  const status = h("div", { class: "status", id: "logs-status" });
  let olderCursor = null;
  let loadingOlder = false;
  let stopped = false;
  let buffered = [];
  let held = [];
  let frame = null;

  function row(log, fresh = false) {
    const severity = severityName(log.severityNumber);
    const body = typeof log.body === "string" ? log.body : JSON.stringify(log.body);
    const attributes = h("pre", { class: "log-attributes", hidden: true },
      JSON.stringify({ attributes: log.attributes, resource: log.resource, scope: log.scope }, null, 2));
    const element = h("div", { class: `log-row sev-${severity}` + (fresh ? " fresh" : ""), "data-trace-id": log.traceId || "", "data-span-id": log.spanId || "" },
      h("span", { class: "log-time" }, formatTime(log.time ?? Number(String(log.timeUnixNano).slice(0, -6)) / 1000)),
      h("span", { class: "severity" }, log.severityText || severity),
      h("span", { class: "log-service" }, log.service),
      h("span", { class: "log-body" }, body),
      log.traceId ? h("a", { class: "log-trace", href: route("trace/" + log.traceId, { span: log.spanId }) }, "trace") : h("span", { class: "log-trace" }),
      attributes);
    if (log.cursor) element.dataset.cursor = log.cursor;
    element.addEventListener("click", (event) => {
      if (event.target.closest("a")) return;
      attributes.hidden = !attributes.hidden;
      element.classList.toggle("expanded", !attributes.hidden);
    });
    return element;
  }

  function query(extra = {}) {
    const end = Date.now() / 1000;
    const result = { limit: 200, start: (end - (parseDuration(state.range) || 3600)).toFixed(3), ...extra };
    for (const key of ["service", "severity", "text", "traceId", "spanId"]) if (state[key]) result[key] = state[key];
    return result;
  }

  async function load() {
    setParams(state);
    olderCursor = null;
    replace(list);
    try {
      const data = await get("api/logs", query());
      if (stopped) return;
      const logs = data.logs || [];
      list.append(...logs.map((log) => row(log)));
      olderCursor = logs.length === 200 ? logs[logs.length - 1].cursor : null;
      replace(status, h("span", { class: "muted" }, logs.length ? "" : "No log records match."));
      sentinel.textContent = olderCursor ? "Loading older records…" : "";
    } catch (error) {
      replace(status, h("span", { class: "error" }, error.message));
    }
  }

  async function loadOlder() {
    if (!olderCursor || loadingOlder) return;
    loadingOlder = true;
    try {
      const data = await get("api/logs", query({ before: olderCursor }));
      const logs = data.logs || [];
      list.append(...logs.map((log) => row(log)));
      olderCursor = logs.length === 200 ? logs[logs.length - 1].cursor : null;
      sentinel.textContent = olderCursor ? "Loading older records…" : "No older records.";
    } finally {
      loadingOlder = false;
    }
  }

  function matches(log) {
    if (state.service && log.service !== state.service) return false;
    if (state.severity && log.severityNumber < MINIMUM[state.severity]) return false;
    if (state.text && !String(log.body).toLowerCase().includes(state.text.toLowerCase())) return false;
    if (state.traceId && log.traceId !== state.traceId.toLowerCase()) return false;
    if (state.spanId && log.spanId !== state.spanId.toLowerCase()) return false;
    return true;
  }

  function flush() {
    frame = null;
    if (!buffered.length) return;
    const fragment = document.createDocumentFragment();
    // Newest first: the buffer is oldest first.
    for (let index = buffered.length - 1; index >= 0; index--) fragment.append(row(buffered[index], true));
    buffered = [];
    list.prepend(fragment);
    while (list.childElementCount > MAX_ROWS) list.lastElementChild.remove();
    const last = list.lastElementChild;
    if (last && list.childElementCount >= MAX_ROWS) olderCursor = last.dataset.cursor || null;
  }

  const stop = on("logs", (event) => {
    if (event.type === "reset") { load(); return; }
    const fresh = (event.latest || []).filter(matches);
    if (!fresh.length) return;
    if (!live.checked) {
      held.push(...fresh);
      newCount.hidden = false;
      newCount.textContent = `${held.length} new records: show`;
      return;
    }
    buffered.push(...fresh);
    if (!frame) frame = requestAnimationFrame(flush);
  });
  newCount.addEventListener("click", () => {
    buffered.push(...held);
    held = [];
    newCount.hidden = true;
    flush();
  });
  live.addEventListener("change", () => { if (live.checked && held.length) newCount.click(); });

  const observer = new IntersectionObserver((entries) => { if (entries.some((entry) => entry.isIntersecting)) loadOlder(); });
  observer.observe(sentinel);
  const form = h("form", { class: "toolbar", id: "logs-form", onsubmit: (event) => {
    event.preventDefault();
    for (const [key, input] of Object.entries(inputs)) state[key] = input.value.trim();
    load();
  } }, Object.values(inputs), h("button", { type: "submit", class: "primary" }, "Search"), liveLabel, newCount);
  for (const key of ["service", "severity", "range"]) inputs[key].addEventListener("change", () => form.requestSubmit());
  form.append(serviceNames);
  replace(container, h("section", { class: "panel" }, h("h1", {}, "Logs"), form, status), h("section", { class: "panel" }, list, sentinel));
  get("api/services").then((data) => {
    replace(serviceNames, (data.services || []).map((name) => h("option", { value: name })));
  }).catch(() => {});
  load();
  return () => { stopped = true; stop(); observer.disconnect(); if (frame) cancelAnimationFrame(frame); };
}
