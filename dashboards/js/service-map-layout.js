// Where the service map puts things. Services that call or are called in the range are drawn in
// columns by the longest chain of callers above each one (cycles cut), each column ordered by
// where its callers and callees sit (the barycentre heuristic of layered graph drawing, a few
// sweeps each way), so that calls cross as little as they can. Services with no calls in the
// range go in a band of their own under the graph, instead of pushing the callers down. A call
// that skips columns takes a slot in each column it crosses, ordered like a service, and runs
// through it, so it passes between services rather than behind them. An edge's label goes at the
// first point along its path where it covers neither a node nor another label; where there is
// none it is left out (the edge's tooltip and the table below the map carry it).

/** A service's box, in px. */
export const NODE = { width: 170, height: 40 };
/** Vertical distance between the tops of two services in a column. */
const PITCH = 70;
/** Space left for a label's characters (11 px text), in px per character. */
const LABEL_CHARACTER = 6.6;
const LABEL_HEIGHT = 14;

/** Columns of the services in `edges` by the longest chain of callers above each (cycles are cut). */
export function layers(services, edges) {
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

/** Reorders each column in place so that a service sits near the mean height of its neighbours. */
export function orderColumns(columns, edges) {
  const callers = new Map(), callees = new Map();
  for (const edge of edges) {
    if (edge.parent === edge.child) continue;
    (callers.get(edge.child) || callers.set(edge.child, []).get(edge.child)).push(edge.parent);
    (callees.get(edge.parent) || callees.set(edge.parent, []).get(edge.parent)).push(edge.child);
  }
  // A service's height in its column, centred on the column's middle, so columns of different
  // lengths compare.
  const height = () => {
    const at = new Map();
    for (const column of columns) column.forEach((service, index) => at.set(service, index - (column.length - 1) / 2));
    return at;
  };
  for (let sweep = 0; sweep < 6; sweep++) {
    const downward = sweep % 2 === 0;
    const neighbours = downward ? callers : callees;
    const indices = columns.map((_, index) => index);
    for (const x of downward ? indices.slice(1) : indices.slice(0, -1).reverse()) {
      const at = height();
      const key = new Map(columns[x].map((service) => {
        const heights = (neighbours.get(service) || []).map((other) => at.get(other));
        return [service, heights.length ? heights.reduce((sum, value) => sum + value, 0) / heights.length : at.get(service)];
      }));
      columns[x].sort((a, b) => key.get(a) - key.get(b) || a.localeCompare(b));
    }
  }
  return columns;
}

/** The width a label of `text` takes, in px. */
export const labelWidth = (text) => text.length * LABEL_CHARACTER + 6;

/**
 * Positions for every service of `names` (top-left corners) given the calls `edges`:
 * `{width, height, position, columnOf, isolated, bandTop, slots}`, where `isolated` lists the
 * services with no call, laid out in rows from `bandTop`, and `slots[i]` the slots (top-left
 * corners) edge `i` runs through, one per column it skips. Columns are far enough apart for
 * labels `widestLabel` px wide to sit between them.
 */
export function placeServices(names, edges, widestLabel = 0) {
  const connected = new Set(edges.flatMap((edge) => [edge.parent, edge.child]));
  const columns = layers(names.filter((name) => connected.has(name)), edges);
  const columnOf = new Map();
  columns.forEach((services, x) => services.forEach((service) => columnOf.set(service, x)));
  // A slot (a name no service has) in each column a call skips, chained caller → slots → callee.
  const slotNames = edges.map((edge, index) => {
    const from = columnOf.get(edge.parent), to = columnOf.get(edge.child);
    return to - from > 1 ? Array.from({ length: to - from - 1 }, (_, step) => `\u0000${index}:${from + step + 1}`) : [];
  });
  const chained = [];
  edges.forEach((edge, index) => {
    const path = [edge.parent, ...slotNames[index], edge.child];
    slotNames[index].forEach((slot, step) => columns[columnOf.get(edge.parent) + step + 1].push(slot));
    for (let step = 1; step < path.length; step++) chained.push({ parent: path[step - 1], child: path[step] });
  });
  orderColumns(columns, chained);
  // Calls that do not go to a later column (cycles, calls within a column) are drawn as arcs
  // beside the column: leave room for them and their labels, outside and between columns.
  const loops = edges.some((edge) => columnOf.get(edge.child) <= columnOf.get(edge.parent));
  const margin = loops ? Math.max(150, widestLabel + 30) : 30;
  const step = NODE.width + Math.max(loops ? 160 : 70, Math.min(widestLabel, 260) + 30);
  const isolated = names.filter((name) => !connected.has(name));
  const width = Math.max(600, (Math.max(columns.length, 1) - 1) * step + NODE.width + 2 * margin);
  const graphHeight = columns.length ? Math.max(...columns.map((services) => services.length)) * PITCH + 20 : 0;
  const position = new Map();
  columns.forEach((services, x) => services.forEach((service, y) => {
    position.set(service, { x: margin + x * step, y: 20 + y * PITCH + (graphHeight - 20 - services.length * PITCH) / 2 });
  }));
  const perRow = Math.max(1, Math.floor((width - 2 * 20 + 20) / (NODE.width + 20)));
  const bandTop = graphHeight + (graphHeight ? 40 : 30);
  isolated.forEach((service, index) => {
    position.set(service, { x: 20 + (index % perRow) * (NODE.width + 20), y: bandTop + Math.floor(index / perRow) * PITCH });
  });
  const height = Math.max(160, isolated.length ? bandTop + Math.ceil(isolated.length / perRow) * PITCH : graphHeight);
  const slots = slotNames.map((names) => names.map((slot) => position.get(slot)));
  for (const names of slotNames) for (const slot of names) position.delete(slot);
  return { width, height, position, columnOf, isolated, bandTop, slots };
}

/** The point at `t` on the cubic Bézier curve `[p0, p1, p2, p3]`. */
function pointOn([p0, p1, p2, p3], t) {
  const u = 1 - t;
  const at = (key) => u * u * u * p0[key] + 3 * u * u * t * p1[key] + 3 * u * t * t * p2[key] + t * t * t * p3[key];
  return { x: at("x"), y: at("y") };
}

const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * Where a label of `text` goes on a path of cubic curves (its centre, for `text-anchor:
 * middle`): on the middle curve first, from its middle outwards, then a little above or below
 * the line, then on the other curves; `taken` (boxes of nodes and labels placed so far) gets the
 * label's box. Null when every point covers something or leaves `bounds`.
 */
export function placeLabel(curves, text, taken, bounds) {
  const width = labelWidth(text);
  const middle = Math.floor(curves.length / 2);
  const order = [...curves.keys()].sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle));
  for (const index of order) {
    for (const offset of [0, -9, 9]) {
      for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.15, 0.85]) {
        const point = pointOn(curves[index], t);
        const box = { x: point.x - width / 2, y: point.y + offset - LABEL_HEIGHT / 2, width, height: LABEL_HEIGHT };
        if (box.x < 0 || box.y < 0 || box.x + width > bounds.width || box.y + LABEL_HEIGHT > bounds.height) continue;
        if (taken.some((other) => overlaps(box, other))) continue;
        taken.push(box);
        return { x: point.x, y: point.y + offset + 4, box };
      }
    }
  }
  return null;
}
