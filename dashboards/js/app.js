// The app shell: hash routes (so the server needs no fallback), the top navigation and the
// live indicator. Each page is a module whose `mount(container, params, navigate)` returns
// the function that tears it down.
import { connect, onStatus } from "./events.js";
import { h, replace } from "./dom.js";
import { currentRoute } from "./router.js";
import * as overview from "./pages/overview.js";
import * as explore from "./pages/explore.js";
import * as alerts from "./pages/alerts.js";
import * as views from "./pages/views.js";
import * as traces from "./pages/traces.js";
import * as trace from "./pages/trace.js";
import * as logs from "./pages/logs.js";
import * as services from "./pages/services.js";

const PAGES = { overview, explore, alerts, views, traces, trace, logs, services };
let unmount = null;

function show() {
  const { page, parts, params } = currentRoute();
  const container = document.getElementById("page");
  if (unmount) {
    try { unmount(); } catch (error) { console.warn(error); }
    unmount = null;
  }
  for (const link of document.querySelectorAll("#nav a")) {
    link.classList.toggle("active", link.dataset.page === page || (page === "trace" && link.dataset.page === "traces"));
  }
  const module = PAGES[page];
  if (!module) {
    replace(container, h("section", { class: "panel" }, h("h1", {}, "Not found"),
      h("p", {}, "No page called "), h("code", {}, page), h("p", {}, h("a", { href: "#/overview" }, "Go to the overview"))));
    return;
  }
  container.replaceChildren();
  document.title = `Telemetry · ${page[0].toUpperCase()}${page.slice(1)}`;
  unmount = module.mount(container, params, parts) || null;
}

function start() {
  connect();
  const live = document.getElementById("live");
  onStatus((status) => {
    live.textContent = status;
    live.className = "live " + status;
  });
  window.addEventListener("hashchange", show);
  show();
}

start();
