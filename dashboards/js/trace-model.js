// A trace as a tree: spans with their children, depth, times relative to the trace's start
// in milliseconds, the critical path, and the rows a waterfall shows with some subtrees
// collapsed.

/**
 * A nanosecond time string as [whole milliseconds, nanoseconds within the millisecond]: the
 * two parts are exact as doubles, where the whole number of nanoseconds (19 digits) is not.
 */
function split(nanos) {
  const text = String(nanos || "0");
  return text.length > 6 ? [Number(text.slice(0, -6)), Number(text.slice(-6))] : [0, Number(text)];
}

/** Milliseconds from `origin` (a split time) to the time `nanos`. */
export function offset(nanos, origin) {
  const [ms, ns] = split(nanos);
  return ms - origin[0] + (ns - origin[1]) / 1e6;
}

/** Builds the tree from the API's spans (any order). */
export function buildTrace(spans) {
  let origin = null;
  for (const span of spans) {
    const start = split(span.startTimeUnixNano);
    if (origin === null || start[0] < origin[0] || (start[0] === origin[0] && start[1] < origin[1])) origin = start;
  }
  origin = origin || [0, 0];
  const nodes = spans.map((span) => {
    const start = offset(span.startTimeUnixNano, origin);
    const end = offset(span.endTimeUnixNano, origin);
    return { span, id: span.spanId, parentId: span.parentSpanId || null, start, end: Math.max(start, end),
      children: [], parent: null, depth: 0, collapsed: false, critical: false, logs: [], index: -1 };
  });
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const roots = [];
  for (const node of nodes) {
    const parent = node.parentId ? byId.get(node.parentId) : null;
    if (parent && parent !== node) { node.parent = parent; parent.children.push(node); } else roots.push(node);
  }
  const byStart = (a, b) => a.start - b.start || (a.id < b.id ? -1 : 1);
  roots.sort(byStart);
  // Depths and child order without recursion: traces can be 50,000 spans deep.
  const stack = [...roots];
  while (stack.length) {
    const node = stack.pop();
    node.children.sort(byStart);
    for (const child of node.children) { child.depth = node.depth + 1; stack.push(child); }
  }
  const services = [...new Set(nodes.map((node) => node.span.service))].sort();
  const end = nodes.reduce((max, node) => Math.max(max, node.end), 0);
  const trace = { nodes, byId, roots, services, duration: end, origin };
  markCriticalPath(trace);
  return trace;
}

/**
 * Marks the spans on the critical path: from each root's end backwards, the child that
 * finished last before the cursor is on it, then the cursor moves to that child's start.
 */
export function markCriticalPath(trace) {
  for (const node of trace.nodes) node.critical = false;
  const stack = trace.roots.length ? [trace.roots.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a))] : [];
  while (stack.length) {
    const node = stack.pop();
    node.critical = true;
    let cursor = node.end;
    const children = [...node.children].sort((a, b) => b.end - a.end);
    for (const child of children) {
      if (child.start >= cursor) continue;
      stack.push(child);
      cursor = child.start;
    }
  }
}

/** The rows to show, in tree order, skipping the descendants of collapsed spans. */
export function visibleRows(trace) {
  const rows = [];
  const stack = [...trace.roots].reverse();
  while (stack.length) {
    const node = stack.pop();
    node.index = rows.length;
    rows.push(node);
    if (!node.collapsed) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  return rows;
}

/** Expands every ancestor of `node` so it is shown. */
export function reveal(node) {
  for (let parent = node.parent; parent; parent = parent.parent) parent.collapsed = false;
}

/** Spans whose name, service, or an attribute key or value contains `text` (case-insensitive). */
export function search(trace, text) {
  const needle = text.trim().toLowerCase();
  if (!needle) return [];
  return trace.nodes.filter((node) => {
    const span = node.span;
    if (span.name.toLowerCase().includes(needle) || span.service.toLowerCase().includes(needle)) return true;
    if (span.spanId === needle) return true;
    for (const [key, value] of Object.entries(span.attributes || {})) {
      const pair = `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`.toLowerCase();
      if (pair.includes(needle)) return true;
    }
    return false;
  });
}

/** Attaches log records to the spans they name. */
export function attachLogs(trace, logs) {
  for (const node of trace.nodes) node.logs = [];
  const loose = [];
  for (const log of logs) {
    const at = offset(log.timeUnixNano, trace.origin);
    const entry = { log, at };
    const node = log.spanId ? trace.byId.get(log.spanId) : null;
    if (node) node.logs.push(entry); else loose.push(entry);
  }
  return loose;
}

/** Every span in tree order, collapsed or not (for the minimap). */
export function treeOrder(trace) {
  const rows = [];
  const stack = [...trace.roots].reverse();
  while (stack.length) {
    const node = stack.pop();
    rows.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  return rows;
}
