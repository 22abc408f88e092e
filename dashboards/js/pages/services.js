// Service map: the services and the calls between them (a span whose parent is in another
// service), with call counts and error ratios, over a time range; drawn as layers from the
// services nothing calls (`service-map-layout.js`). A service opens its traces.
import { get } from "../api.js";
import { setParams } from "../router.js";
import { h, replace, route } from "../dom.js";
import { formatValue, parseDuration, plural } from "../format.js";
import { NODE, labelWidth, placeLabel, placeServices } from "../service-map-layout.js";

const RANGES = ["15m", "1h", "6h", "1d", "7d"];
const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return element;
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
    const texts = edges.map((edge) => {
      const errors = edge.errorCount / edge.callCount;
      return `${plural(edge.callCount, "call")}${errors > 0 ? ` · ${formatValue(errors, "ratio")} errors` : ""}`;
    });
    const { width, height, position, columnOf, isolated, bandTop, slots } = placeServices(names, edges, Math.max(0, ...texts.map(labelWidth)));
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": "Service map" },
      svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: "auto-start-reverse" },
        svg("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#57606a" }))));
    // Labels keep off the services' boxes (and a little around them) and off each other.
    const taken = [...position.values()].map((at) => ({ x: at.x - 4, y: at.y - 4, width: NODE.width + 8, height: NODE.height + 8 }));
    const labels = [];
    edges.forEach((edge, index) => {
      const from = position.get(edge.parent);
      const to = position.get(edge.child);
      if (!from || !to) return;
      const text = texts[index];
      let curves;
      if (columnOf.get(edge.child) > columnOf.get(edge.parent)) {
        // Through the slot of each column skipped: across it level, then on to the next.
        const stops = [{ x: from.x + NODE.width, y: from.y + NODE.height / 2 },
          ...slots[index].flatMap((slot) => [{ x: slot.x, y: slot.y + NODE.height / 2 }, { x: slot.x + NODE.width, y: slot.y + NODE.height / 2 }]),
          { x: to.x, y: to.y + NODE.height / 2 }];
        curves = [];
        for (let stop = 1; stop < stops.length; stop++) {
          const a = stops[stop - 1], b = stops[stop];
          const bend = stop % 2 ? 40 : 0;  // the odd legs go between columns; the even ones cross a slot
          curves.push([a, { x: a.x + bend, y: a.y }, { x: b.x - bend, y: b.y }, b]);
        }
      } else {
        // Calls that do not go to a later column are arcs beside it: downward on the right,
        // upward on the left, so the two directions between a pair never overlap.
        const down = to.y >= from.y;
        const x1 = down ? from.x + NODE.width : from.x, x2 = down ? to.x + NODE.width : to.x;
        const y1 = from.y + NODE.height / 2, y2 = to.y + NODE.height / 2;
        const bulge = (down ? 1 : -1) * (40 + Math.abs(y2 - y1) / 3);
        curves = [[{ x: x1, y: y1 }, { x: x1 + bulge, y: y1 }, { x: x2 + bulge, y: y2 }, { x: x2, y: y2 }]];
      }
      const d = `M ${curves[0][0].x} ${curves[0][0].y} ` + curves.map(([, p1, p2, p3]) => `C ${p1.x} ${p1.y}, ${p2.x} ${p2.y}, ${p3.x} ${p3.y}`).join(" ");
      const path = svg("path", { d,
        class: "edge" + (edge.errorCount > 0 ? " error" : ""), "marker-end": "url(#arrow)", "data-edge": `${edge.parent}->${edge.child}` },
        svg("title", {}, `${edge.parent} → ${edge.child}: ${text}`));
      root.append(path);
      const at = placeLabel(curves, text, taken, { width, height });
      if (at) labels.push(svg("text", { x: at.x, y: at.y, "text-anchor": "middle", class: "edge-label", "data-edge": `${edge.parent}->${edge.child}` }, text));
    });
    // Labels over every edge, so that no line runs through one.
    root.append(...labels);
    if (isolated.length) {
      root.append(svg("text", { x: 20, y: bandTop - 12, class: "band-label" },
        edges.length ? "No calls in this range:" : "No calls between services in this range:"));
    }
    // One colour for every service: a palette colour told nothing, and its red read as an error.
    names.forEach((service) => {
      const at = position.get(service);
      const link = svg("a", { href: route("traces", { service }), class: "service-node", "data-service": service },
        svg("rect", { x: at.x, y: at.y, width: NODE.width, height: NODE.height, rx: 6 }),
        svg("text", { x: at.x + NODE.width / 2, y: at.y + 25, "text-anchor": "middle" }, service.length > 24 ? service.slice(0, 23) + "…" : service),
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
