// The app's one EventSource (browsers allow six HTTP/1.1 connections per host): every page
// subscribes to topics through it. The browser reconnects on its own, sending Last-Event-ID;
// a `reset` event (too much missed) tells every listener to reload its data.

const TOPICS = ["alerts", "views", "health", "traces", "logs"];
const listeners = new Map(TOPICS.map((topic) => [topic, new Set()]));
const statusListeners = new Set();
let source = null;
let status = "connecting";

function setStatus(next) {
  status = next;
  statusListeners.forEach((listener) => listener(status));
}

function dispatch(topic, data) {
  for (const listener of listeners.get(topic) || []) {
    try { listener(data); } catch (error) { console.warn("listener failed", error); }
  }
}

/** Opens the stream (once). */
export function connect() {
  if (source) return;
  source = new EventSource("api/v1/events?topics=" + TOPICS.join(","));
  source.onopen = () => setStatus("live");
  source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
  for (const topic of TOPICS) {
    source.addEventListener(topic, (event) => {
      let data;
      try { data = JSON.parse(event.data); } catch { return; }
      dispatch(topic, data);
    });
  }
  source.addEventListener("reset", () => TOPICS.forEach((topic) => dispatch(topic, { type: "reset" })));
}

/** Calls `listener` with each event of `topic`; returns the function that stops it. */
export function on(topic, listener) {
  listeners.get(topic).add(listener);
  return () => listeners.get(topic).delete(listener);
}

/** Calls `listener` with the connection status now and on each change. */
export function onStatus(listener) {
  statusListeners.add(listener);
  listener(status);
  return () => statusListeners.delete(listener);
}
