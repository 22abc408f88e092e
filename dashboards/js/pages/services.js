// Service map: the services and the calls between them (a span whose parent is in another
// service), with call counts and error ratios, over a time range; drawn as layers from the
// services nothing calls. A service opens its traces.
import { get } from "../api.js";
import { setParams } from "../router.js";
import { h, replace, route } from "../dom.js";
import { colour } from "../chart.js";
import { formatValue, parseDuration, plural } from "../format.js";

const RANGES = ["15m", "1h", "6h", "1d", "7d"];
const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return element;
}

/** Columns by the longest chain of callers above each service (cycles are cut). */
function layers(services, edges) {
  const depth = new Map(services.map((service) => [service, 0]));
  for (let round = 0; round < services.length; round++) {
    let changed = false;
    for (const edge of edges) {
      const next = Math.min(depth.get(edge.parent) + 1, services.length);
      if (edge.parent !== edge.child && next > depth.get(edge.child)) { depth.set(edge.child, next); changed = true; }
    }
    if (!changed) break;
  }
  const columns = [];
  for (const service of services) (columns[depth.get(service)] ||= []).push(service);
  return columns.filter(Boolean);
}

export function mount(container, params) {
  const state = { range: params.range || "1h" };
  const range = h("select", { id: "services-range", "aria-label": "Time range" }, RANGES.map((value) => h("option", { value }, "Last " + value)));
  range.value = state.range;
  const graph = h("div", { class: "service-map", id: "service-map" });
  const table = h("tbody", {});
  let stopped = false;

  async function load() {
    setParams(state);
    const end = Date.now() / 1000;
    const start = end - (parseDuration(state.range) || 3600);
    try {
      const [dependencies, services] = await Promise.all([
        get("api/dependencies", { start: start.toFixed(3), end: end.toFixed(3) }), get("api/services")]);
      if (stopped) return;
      const edges = dependencies.dependencies || [];
      const names = [...new Set([...(services.services || []), ...edges.flatMap((edge) => [edge.parent, edge.child])])].sort();
      draw(names, edges);
      replace(table, edges.length ? edges.map((edge) => h("tr", { "data-edge": `${edge.parent}->${edge.child}` },
        h("td", {}, h("a", { href: route("traces", { service: edge.parent }) }, edge.parent)),
        h("td", {}, h("a", { href: route("traces", { service: edge.child }) }, edge.child)),
        h("td", { class: "number" }, String(edge.callCount)),
        h("td", { class: "number" + (edge.errorCount ? " bad" : "") }, formatValue(edge.errorCount / edge.callCount, "ratio"))))
        : h("tr", {}, h("td", { colspan: 4, class: "empty" }, "No calls between services in this range.")));
    } catch (error) {
      replace(graph, h("p", { class: "error" }, error.message));
    }
  }

  function draw(names, edges) {
    const columns = layers(names, edges);
    const column = new Map();
    columns.forEach((services, x) => services.forEach((service) => column.set(service, x)));
    // Calls that do not go to a later column (cycles, calls between services of one column)
    // are drawn as arcs beside the column: downward on the right, upward on the left, so the
    // two directions between a pair never overlap. Leave room for them and their labels, on
    // the outer sides and between columns.
    const loops = edges.some((edge) => column.get(edge.child) <= column.get(edge.parent));
    const margin = loops ? 150 : 30;
    const step = loops ? 330 : 240;
    const width = Math.max(600, (columns.length - 1) * step + 170 + 2 * margin);
    const height = Math.max(160, Math.max(...columns.map((services) => services.length), 1) * 70 + 20);
    const position = new Map();
    columns.forEach((services, x) => services.forEach((service, y) => {
      position.set(service, { x: margin + x * step, y: 20 + y * 70 + (height - 20 - services.length * 70) / 2 });
    }));
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": "Service map" },
      svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: "auto-start-reverse" },
        svg("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#57606a" }))));
    for (const edge of edges) {
      const from = position.get(edge.parent);
      const to = position.get(edge.child);
      if (!from || !to) continue;
      const errors = edge.errorCount / edge.callCount;
      const text = `${plural(edge.callCount, "call")}${errors > 0 ? ` · ${formatValue(errors, "ratio")} errors` : ""}`;
      let d, label;
      if (to.x > from.x) {
        const x1 = from.x + 170, y1 = from.y + 20, x2 = to.x, y2 = to.y + 20;
        d = `M ${x1} ${y1} C ${x1 + 40} ${y1}, ${x2 - 40} ${y2}, ${x2} ${y2}`;
        label = { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 6, "text-anchor": "middle" };
      } else {
        const down = to.y >= from.y;
        const side = down ? 1 : -1;
        const x1 = down ? from.x + 170 : from.x, x2 = down ? to.x + 170 : to.x;
        const y1 = from.y + 20, y2 = to.y + 20;
        const bulge = side * (40 + Math.abs(y2 - y1) / 3);
        d = `M ${x1} ${y1} C ${x1 + bulge} ${y1}, ${x2 + bulge} ${y2}, ${x2} ${y2}`;
        // A cubic with both control points `bulge` out reaches three quarters of it.
        label = { x: (x1 + x2) / 2 + bulge * 0.75 + side * 10, y: (y1 + y2) / 2 + 4, "text-anchor": down ? "start" : "end" };
      }
      const path = svg("path", { d, class: "edge" + (errors > 0 ? " error" : ""), "marker-end": "url(#arrow)" });
      root.append(path, svg("text", { ...label, class: "edge-label" }, text));
    }
    names.forEach((service, index) => {
      const at = position.get(service);
      const link = svg("a", { href: route("traces", { service }), class: "service-node", "data-service": service },
        svg("rect", { x: at.x, y: at.y, width: 170, height: 40, rx: 6, fill: "#fff", stroke: colour(index), "stroke-width": 2 }),
        svg("text", { x: at.x + 85, y: at.y + 25, "text-anchor": "middle" }, service.length > 24 ? service.slice(0, 23) + "…" : service),
        svg("title", {}, service));
      root.append(link);
    });
    replace(graph, root);
  }

  range.addEventListener("change", () => { state.range = range.value; load(); });
  replace(container,
    h("section", { class: "panel" }, h("h1", {}, "Service map"), h("div", { class: "toolbar" }, range), graph),
    h("section", { class: "panel" }, h("h2", {}, "Calls"),
      h("table", { class: "grid", id: "services-edges" }, h("thead", {}, h("tr", {}, ["Caller", "Called", "Calls", "Errors"].map((name) => h("th", {}, name)))), table)));
  load();
  return () => { stopped = true; };
}
