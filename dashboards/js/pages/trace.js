// One trace: the waterfall (virtualized), span details (typed attributes, resource, events,
// links to linked traces, status, the span's logs), the critical path, search within the
// trace, and the trace's logs placed on the timeline. `/#/trace/{traceId}?span={spanId}`.
//
// Spans arrive a page at a time (the API pages by start time): the waterfall draws as soon as
// the first page is in and grows as the others arrive, so a 50,000-span trace shows at once.
import { get } from "../api.js";
import { setParams } from "../router.js";
import { h, replace, route } from "../dom.js";
import { formatSeconds, formatTime, plural } from "../format.js";
import { attachLogs, buildTrace, reveal, search } from "../trace-model.js";
import { Waterfall } from "../waterfall.js";

const FIRST_PAGE = 500;
const NEXT_PAGE = 10000;
const KINDS = ["unspecified", "internal", "server", "client", "producer", "consumer"];
const SEVERITY = (number) => (number >= 21 ? "fatal" : number >= 17 ? "error" : number >= 13 ? "warn" : number >= 9 ? "info" : number >= 5 ? "debug" : "trace");

/** Longer values show their start and a button for the rest: a 100 KB value would fill the panel. */
const SHOWN_CHARACTERS = 2000;

/** An attribute value with its type shown. */
function typedValue(value) {
  const type = Array.isArray(value) ? "array" : value === null ? "null" : typeof value === "object" ? "map"
    : typeof value === "number" ? (Number.isInteger(value) ? "int" : "double") : typeof value === "boolean" ? "bool" : "string";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const shown = h("span", { class: "value" }, text.length > SHOWN_CHARACTERS ? text.slice(0, SHOWN_CHARACTERS) + "…" : text);
  if (text.length <= SHOWN_CHARACTERS) return [h("span", { class: "type" }, type), " ", shown];
  const more = h("button", { type: "button", class: "show-all" }, `show all ${text.length.toLocaleString("en-US")} characters`);
  more.addEventListener("click", () => { shown.textContent = text; more.remove(); });
  return [h("span", { class: "type" }, type), " ", shown, " ", more];
}

function attributeTable(attributes, id) {
  const entries = Object.entries(attributes || {});
  if (!entries.length) return h("p", { class: "empty" }, "none");
  return h("table", { class: "grid attributes", id }, h("tbody", {}, entries.sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => h("tr", { "data-key": key }, h("th", {}, key), h("td", {}, typedValue(value))))));
}

export function mount(container, params, parts) {
  const traceId = (parts[0] || "").toLowerCase();
  const started = performance.now();
  window.__traceTiming = { traceId, started };
  const header = h("div", { class: "trace-header" }, h("h1", {}, "Trace ", h("code", {}, traceId)));
  const summary = h("div", { class: "muted", id: "trace-summary" }, "Loading…");
  const searchInput = h("input", { type: "search", id: "trace-search", placeholder: "Find spans by name, service or attribute", "aria-label": "Find in trace", size: 40 });
  const searchStatus = h("span", { class: "muted", id: "trace-search-status" });
  const details = h("aside", { class: "span-details", id: "span-details" }, h("p", { class: "empty" }, "Select a span."));
  const logsPanel = h("section", { class: "panel trace-logs", id: "trace-logs" }, h("h2", {}, "Logs"), h("p", { class: "empty" }, "Loading…"));
  const body = h("div", { class: "trace-body" });
  let waterfall = null;
  let trace = null;
  let spans = [];
  let logs = [];
  let matches = [];
  let matchIndex = -1;
  let stopped = false;

  replace(container, h("section", { class: "panel" }, header, summary,
    h("div", { class: "toolbar" }, searchInput,
      h("button", { type: "button", class: "small", onclick: () => step(-1) }, "Previous"),
      h("button", { type: "button", class: "small", onclick: () => step(1) }, "Next"), searchStatus,
      h("span", { class: "legend-critical" }, "critical path"))),
    h("div", { class: "trace-layout" }, h("section", { class: "panel waterfall-panel" }, body), details),
    logsPanel);

  function showDetails(node) {
    const span = node.span;
    setParams({ span: span.spanId });
    const spanLogs = node.logs.map((entry) => entry.log);
    replace(details,
      h("h2", { id: "span-name" }, span.name),
      h("dl", { class: "facts" },
        h("dt", {}, "Service"), h("dd", {}, h("a", { href: route("traces", { service: span.service }) }, span.service)),
        h("dt", {}, "Kind"), h("dd", {}, KINDS[span.kind] || String(span.kind)),
        h("dt", {}, "Duration"), h("dd", {}, formatSeconds((node.end - node.start) / 1000)),
        h("dt", {}, "Starts at"), h("dd", {}, "+" + formatSeconds(node.start / 1000)),
        h("dt", {}, "Status"), h("dd", { class: span.status?.code === 2 ? "bad" : "" },
          ["unset", "ok", "error"][span.status?.code || 0], span.status?.message ? `: ${span.status.message}` : ""),
        h("dt", {}, "Span id"), h("dd", {}, h("code", {}, span.spanId)),
        h("dt", {}, "Critical path"), h("dd", {}, node.critical ? "yes" : "no")),
      h("h3", {}, "Attributes"), attributeTable(span.attributes, "span-attributes"),
      h("h3", {}, "Resource"), attributeTable(span.resource, "span-resource"),
      h("h3", {}, `Events (${(span.events || []).length})`),
      (span.events || []).length ? h("ul", { class: "plain" }, span.events.map((event) => h("li", {},
        h("strong", {}, event.name), " ", h("span", { class: "muted" }, "+" + formatSeconds(waterfall.offsetOf(event.timeUnixNano) / 1000)),
        attributeTable(event.attributes)))) : h("p", { class: "empty" }, "none"),
      h("h3", {}, `Links (${(span.links || []).length})`),
      (span.links || []).length ? h("ul", { class: "plain", id: "span-links" }, span.links.map((link) => h("li", {},
        h("a", { href: route("trace/" + link.traceId, { span: link.spanId }), class: "link-trace" }, link.traceId), " ",
        h("code", { class: "muted" }, link.spanId)))) : h("p", { class: "empty" }, "none"),
      h("h3", {}, `Logs (${spanLogs.length})`, " ", h("a", { href: route("logs", { traceId: span.traceId, spanId: span.spanId }), id: "span-logs-link" }, "open in logs")),
      spanLogs.length ? h("ul", { class: "plain span-logs" }, spanLogs.map((log) => h("li", { class: "sev-" + SEVERITY(log.severityNumber) },
        h("span", { class: "severity" }, log.severityText || SEVERITY(log.severityNumber)), " ",
        typeof log.body === "string" ? log.body : JSON.stringify(log.body)))) : h("p", { class: "empty" }, "none"));
  }

  function showLogs(loose) {
    const entries = [];
    for (const node of trace.nodes) for (const entry of node.logs) entries.push({ ...entry, node });
    for (const entry of loose) entries.push(entry);
    entries.sort((a, b) => a.at - b.at);
    replace(logsPanel, h("h2", {}, `Logs (${entries.length})`),
      entries.length ? h("ul", { class: "plain log-list" }, entries.slice(0, 2000).map((entry) => {
        const log = entry.log;
        const item = h("li", { class: "log-entry sev-" + SEVERITY(log.severityNumber), "data-span-id": log.spanId || "" },
          h("span", { class: "muted" }, "+" + formatSeconds(entry.at / 1000)), " ",
          h("span", { class: "severity" }, log.severityText || SEVERITY(log.severityNumber)), " ",
          h("span", { class: "log-body" }, typeof log.body === "string" ? log.body : JSON.stringify(log.body)),
          entry.node ? h("span", { class: "muted" }, " · " + entry.node.span.name) : null);
        if (entry.node) item.addEventListener("click", () => selectNode(entry.node));
        return item;
      })) : h("p", { class: "empty" }, "No logs for this trace."));
  }

  function selectNode(node) {
    reveal(node);
    waterfall.refresh();
    waterfall.select(node, true);
    showDetails(node);
  }

  function step(direction) {
    if (!matches.length) return;
    matchIndex = (matchIndex + direction + matches.length) % matches.length;
    selectNode(matches[matchIndex]);
    searchStatus.textContent = `${matchIndex + 1} of ${matches.length}`;
  }

  searchInput.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    matches = search(trace, searchInput.value);
    matchIndex = -1;
    waterfall.highlight(matches);
    searchStatus.textContent = matches.length ? plural(matches.length, "span") : "no span matches";
    if (matches.length) step(1);
  });

  function showSummary(total) {
    const root = trace.roots[0]?.span;
    const errors = trace.nodes.filter((node) => node.span.status?.code === 2).length;
    replace(summary, root ? `${root.service}: ${root.name}` : "", ` · ${formatSeconds(trace.duration / 1000)} · `,
      h("span", { id: "trace-span-count" }, total > trace.nodes.length
        ? `${trace.nodes.length.toLocaleString("en-US")} of ${plural(total, "span")}` : plural(trace.nodes.length, "span")),
      ` · ${plural(trace.services.length, "service")} · `, h("span", { class: errors ? "bad" : "" }, plural(errors, "error")),
      root ? ` · started ${formatTime(Number(root.startTimeUnixNano.slice(0, -6)) / 1000)}` : "");
  }

  function update(total) {
    trace = buildTrace(spans);
    const loose = attachLogs(trace, logs);
    if (!waterfall) {
      waterfall = new Waterfall(trace, { onSelect: showDetails });
      replace(body, waterfall.element);
    } else {
      const selected = waterfall.selected?.id;
      waterfall.setTrace(trace);
      if (selected && trace.byId.has(selected)) waterfall.selected = trace.byId.get(selected);
    }
    showSummary(total);
    showLogs(loose);
  }

  async function load() {
    try {
      let page = await get(`api/traces/${encodeURIComponent(traceId)}`, { limit: FIRST_PAGE });
      if (stopped) return;
      spans = page.spans;
      update(page.spanCount);
      window.__traceTiming.firstRender = performance.now() - started;
      window.__traceTiming.firstPage = spans.length;
      if (params.span && trace.byId.has(params.span)) selectNode(trace.byId.get(params.span));
      const logsRequest = get("api/logs", { traceId, limit: 10000, direction: "forward" }).catch(() => ({ logs: [] }));
      // The next page is asked for before this one is merged, so the server and the browser
      // work at the same time; the view is rebuilt at most once a second while pages arrive
      // (rebuilding it per page would cost the whole tree each time), and once at the end.
      const nextPage = (cursor) => get(`api/traces/${encodeURIComponent(traceId)}`, { limit: NEXT_PAGE, after: cursor });
      let next = page.nextCursor ? nextPage(page.nextCursor) : null;
      let shown = performance.now();
      while (next && !stopped) {
        page = await next;
        next = page.nextCursor ? nextPage(page.nextCursor) : null;
        for (const span of page.spans) spans.push(span);
        if (next && performance.now() - shown > 1000) {
          update(page.spanCount);
          shown = performance.now();
        }
      }
      logs = (await logsRequest).logs || [];
      if (stopped) return;
      update(spans.length);
      if (params.span && trace.byId.has(params.span)) selectNode(trace.byId.get(params.span));
      window.__traceTiming.complete = performance.now() - started;
      window.__traceTiming.spans = spans.length;
    } catch (error) {
      if (!stopped) replace(body, h("p", { class: "error", id: "trace-error" }, error.status === 404 ? `Trace ${traceId} not found.` : error.message));
    }
  }

  load();
  return () => { stopped = true; };
}
