// The trace waterfall: one row per visible span, but only the rows in view (plus a margin)
// exist in the DOM, so a trace of 50,000 spans opens and scrolls as fast as one of 50. A time
// ruler above, a minimap of the whole trace to navigate, collapse and expand, service colours,
// error marks, the critical path, log and event marks on the bars.
import { h, replace } from "./dom.js";
import { colour } from "./chart.js";
import { formatSeconds } from "./format.js";
import { offset, treeOrder, visibleRows } from "./trace-model.js";

const ROW = 24;
const OVERSCAN = 10;

export class Waterfall {
  constructor(trace, { onSelect }) {
    this.trace = trace;
    this.onSelect = onSelect;
    this.selected = null;
    this.matches = new Set();
    this.serviceColour = new Map(trace.services.map((service, index) => [service, colour(index)]));
    this.ruler = h("div", { class: "wf-ruler" });
    this.minimap = h("canvas", { class: "wf-minimap", height: 48, width: 1000, title: "Whole trace: click to go there" });
    this.viewport = h("div", { class: "wf-viewport" });
    this.spacer = h("div", { class: "wf-spacer" });
    this.rowsBox = h("div", { class: "wf-rows" });
    this.scroller = h("div", { class: "wf-scroll", id: "waterfall-scroll" }, this.spacer, this.rowsBox);
    this.element = h("div", { class: "waterfall", id: "waterfall" },
      h("div", { class: "wf-minimap-box" }, this.minimap, this.viewport),
      h("div", { class: "wf-header" }, h("div", { class: "wf-label" }, "Span"), this.ruler),
      this.scroller);
    this.scheduled = false;
    this.scroller.addEventListener("scroll", () => this.schedule());
    this.minimap.addEventListener("click", (event) => {
      const fraction = event.offsetY / this.minimap.clientHeight;
      this.scroller.scrollTop = fraction * this.rows.length * ROW - this.scroller.clientHeight / 2;
    });
    this.rowsBox.addEventListener("click", (event) => this.click(event));
    // The ruler's width is known once the page lays it out, and changes with the window.
    new ResizeObserver(() => {
      if (this.rulerPartCount() !== this.rulerParts) this.drawRuler();
    }).observe(this.ruler);
    this.setTrace(trace);
  }

  /** Replaces the trace (more spans arrived), keeping the scroll position and selection. */
  setTrace(trace) {
    this.trace = trace;
    for (const service of trace.services) if (!this.serviceColour.has(service)) this.serviceColour.set(service, colour(this.serviceColour.size));
    this.refresh();
    this.drawRuler();
    this.drawMinimap();
  }

  /** Recomputes the visible rows (after collapsing or expanding) and redraws. */
  refresh() {
    this.rows = visibleRows(this.trace);
    this.spacer.style.height = `${this.rows.length * ROW}px`;
    this.render();
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => { this.scheduled = false; this.render(); });
  }

  rulerPartCount() {
    return Math.max(1, Math.min(4, Math.floor((this.ruler.clientWidth || 400) / 80)));
  }

  /**
   * Labels the time axis: a label such as "4.75 ms" is about 50 px wide, so the ruler gets a
   * tick at least every 80 px of its width, and at most five.
   */
  drawRuler() {
    const total = this.trace.duration || 1;
    const parts = this.rulerPartCount();
    this.rulerParts = parts;
    replace(this.ruler, Array.from({ length: parts + 1 }, (_, index) => index / parts).map((fraction) => {
      const tick = h("span", { class: "wf-tick" }, formatSeconds((total * fraction) / 1000));
      tick.style.left = `${fraction * 100}%`;
      return tick;
    }));
  }

  drawMinimap() {
    const context = this.minimap.getContext("2d");
    const { width, height } = this.minimap;
    context.clearRect(0, 0, width, height);
    const nodes = this.trace.nodes;
    const total = this.trace.duration || 1;
    const rowHeight = Math.max(height / Math.max(1, nodes.length), 0.2);
    const ordered = treeOrder(this.trace);
    ordered.forEach((node, index) => {
      context.fillStyle = node.span.status?.code === 2 ? "#d62728" : this.serviceColour.get(node.span.service);
      context.fillRect((node.start / total) * width, (index / ordered.length) * height, Math.max(1, ((node.end - node.start) / total) * width), Math.max(1, rowHeight));
    });
    this.updateViewport();
  }

  updateViewport() {
    const total = Math.max(1, this.rows.length * ROW);
    this.viewport.style.top = `${(this.scroller.scrollTop / total) * 100}%`;
    this.viewport.style.height = `${Math.max(2, (this.scroller.clientHeight / total) * 100)}%`;
  }

  render() {
    const total = this.trace.duration || 1;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.scroller.scrollTop + (this.scroller.clientHeight || 600)) / ROW) + OVERSCAN);
    this.rowsBox.style.transform = `translateY(${first * ROW}px)`;
    const rows = [];
    for (let index = first; index < last; index++) rows.push(this.row(this.rows[index], total));
    this.rowsBox.replaceChildren(...rows);
    this.element.dataset.rows = String(this.rows.length);
    this.updateViewport();
  }

  row(node, total) {
    const span = node.span;
    const error = span.status?.code === 2;
    const bar = h("div", { class: "wf-bar" + (error ? " error" : "") + (node.critical ? " critical" : "") });
    bar.style.left = `${(node.start / total) * 100}%`;
    bar.style.width = `max(2px, ${((node.end - node.start) / total) * 100}%)`;
    bar.style.background = this.serviceColour.get(span.service);
    const marks = [];
    for (const event of span.events || []) {
      const mark = h("span", { class: "wf-event", title: event.name });
      mark.style.left = `${(this.offsetOf(event.timeUnixNano) / total) * 100}%`;
      marks.push(mark);
    }
    for (const entry of node.logs) {
      const mark = h("span", { class: "wf-log", title: typeof entry.log.body === "string" ? entry.log.body : JSON.stringify(entry.log.body) });
      mark.style.left = `${(entry.at / total) * 100}%`;
      marks.push(mark);
    }
    const label = h("span", { class: "wf-duration" }, formatSeconds((node.end - node.start) / 1000));
    // After the bar; before it when the bar ends near the right edge; inside its end when the
    // bar is nearly as wide as the timeline, so the label is never cut off.
    if (node.end / total <= 0.85) {
      label.style.left = `calc(${(node.end / total) * 100}% + 4px)`;
    } else if (node.start / total >= 0.15) {
      label.style.right = `calc(${(1 - node.start / total) * 100}% + 4px)`;
    } else {
      label.classList.add("inside");
      label.style.right = `calc(${(1 - node.end / total) * 100}% + 4px)`;
    }
    const toggle = node.children.length
      ? h("button", { type: "button", class: "wf-toggle", "data-toggle": node.id, "aria-label": node.collapsed ? "Expand" : "Collapse" }, node.collapsed ? "▸" : "▾")
      : h("span", { class: "wf-toggle-space" });
    const dot = h("span", { class: "wf-service" });
    dot.style.background = this.serviceColour.get(span.service);
    const name = h("div", { class: "wf-label" }, toggle, dot,
      h("span", { class: "wf-name" }, span.name), error ? h("span", { class: "wf-error", title: span.status.message || "error" }, "!") : null,
      node.collapsed ? h("span", { class: "muted" }, ` +${countDescendants(node)}`) : null);
    name.style.paddingLeft = `${Math.min(node.depth, 40) * 12 + 4}px`;
    name.title = `${span.service}: ${span.name}`;
    const classes = ["wf-row"];
    if (this.selected === node) classes.push("selected");
    if (this.matches.has(node)) classes.push("match");
    return h("div", { class: classes.join(" "), "data-span-id": node.id, "data-index": node.index },
      name, h("div", { class: "wf-timeline" }, bar, marks, label));
  }

  /** Milliseconds from the trace's start to the time `nanos`. */
  offsetOf(nanos) {
    return offset(nanos, this.trace.origin);
  }

  click(event) {
    const toggle = event.target.closest("[data-toggle]");
    const row = event.target.closest(".wf-row");
    if (!row) return;
    const node = this.trace.byId.get(row.dataset.spanId);
    if (!node) return;
    if (toggle) {
      node.collapsed = !node.collapsed;
      this.refresh();
      return;
    }
    this.select(node);
    this.onSelect(node);
  }

  /** Selects `node` and scrolls it into view. */
  select(node, scroll = false) {
    this.selected = node;
    if (scroll) {
      const top = node.index * ROW;
      if (top < this.scroller.scrollTop || top > this.scroller.scrollTop + this.scroller.clientHeight - ROW) {
        this.scroller.scrollTop = Math.max(0, top - this.scroller.clientHeight / 3);
      }
    }
    this.render();
  }

  /** Highlights the spans of a search. */
  highlight(nodes) {
    this.matches = new Set(nodes);
    this.render();
  }
}

function countDescendants(node) {
  let count = 0;
  const stack = [...node.children];
  while (stack.length) { const next = stack.pop(); count++; stack.push(...next.children); }
  return count;
}
