// Views: a grid of the registered views, each drawn as its chart kind and moved live by the
// points pushed on the views topic; a form to add one; remove buttons.
import { get, remove, sendJSON } from "../api.js";
import { on } from "../events.js";
import { h, replace } from "../dom.js";
import { ViewPanel } from "../view-panel.js";

export function mount(container) {
  const grid = h("div", { class: "view-grid", id: "views-grid" });
  const message = h("div", { class: "status", id: "views-message" });
  const panels = new Map();
  let stopped = false;

  const form = {
    title: h("input", { name: "title", placeholder: "Title", "aria-label": "Title" }),
    expr: h("input", { name: "expr", placeholder: "PromQL or a metric name", "aria-label": "Expression", class: "wide" }),
    chart: h("select", { name: "chart", "aria-label": "Chart" }, ["line", "area", "bars", "stat", "gauge", "heatmap", "table"].map((kind) => h("option", { value: kind }, kind))),
    unit: h("input", { name: "unit", placeholder: "Unit", "aria-label": "Unit", size: 6 }),
    range: h("input", { name: "range", value: "1h", "aria-label": "Range", size: 5 }),
    refresh: h("input", { name: "refresh", value: "5s", "aria-label": "Refresh", size: 5 }),
  };

  async function add(event) {
    event.preventDefault();
    const view = Object.fromEntries(Object.entries(form).map(([key, input]) => [key, input.value]).filter(([, value]) => value !== ""));
    try {
      await sendJSON("POST", "api/v1/views", view);
      replace(message, "Added.");
      form.title.value = form.expr.value = "";
    } catch (error) {
      replace(message, h("span", { class: "error" }, error.message));
    }
  }

  async function load() {
    try {
      const views = await get("api/v1/views");
      if (stopped) return;
      for (const panel of panels.values()) panel.destroy();
      panels.clear();
      replace(grid, views.length ? [] : h("p", { class: "empty" }, "No views yet: add one above, or from the explorer."));
      for (const view of views) {
        const panel = new ViewPanel(view, async () => {
          try { await remove("api/v1/views/" + encodeURIComponent(view.id)); } catch (error) { replace(message, h("span", { class: "error" }, error.message)); }
        });
        panels.set(view.id, panel);
        grid.append(panel.element);
        panel.loadHistory();
      }
    } catch (error) {
      if (!stopped) replace(message, h("span", { class: "error" }, error.message));
    }
  }

  replace(container,
    h("section", { class: "panel" }, h("h1", {}, "Views"),
      h("form", { class: "toolbar", id: "views-form", onsubmit: add }, Object.values(form), h("button", { type: "submit", class: "primary" }, "Add view")),
      message),
    grid);
  const stop = on("views", (event) => {
    if (event.type === "list" || event.type === "reset") { load(); return; }
    if (event.type === "point") panels.get(event.id)?.push(event);
  });
  load();
  return () => {
    stopped = true;
    stop();
    for (const panel of panels.values()) panel.destroy();
  };
}

