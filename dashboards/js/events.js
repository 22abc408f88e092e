// The app's one EventSource (browsers allow six HTTP/1.1 connections per host): every page
// subscribes to topics through it. The browser reconnects on its own, sending Last-Event-ID;
// a `reset` event (too much missed) tells every listener to reload its data.
//
// A page gives its connection back while nobody looks at it: when it is left (the browser may
// keep it for Back, with its stream open, and six such pages would hold every connection, so
// the next page to load would wait for the browser to drop one, about a minute) and after a
// tab has been in the background for HIDDEN_GRACE_MS (six background tabs would do the same).
// It opens a new stream when it is shown again, resuming after the last event it had
// (`lastEventId`): the server replays what was missed or sends `reset`.
//
// The browser reconnects by itself after a network error, but gives up for good on an answer
// that is not 200 (a 503 past the server's `web.max_event_clients`, a proxy's 502): the page
// then tries again itself, after RETRY_FIRST_MS (the server's Retry-After) doubling up to
// RETRY_MAX_MS, each spread by a fifth either way so that refused tabs do not return together.

const TOPICS = ["alerts", "views", "health", "traces", "logs"];
const HIDDEN_GRACE_MS = 5000;
const RETRY_FIRST_MS = 5000;
const RETRY_MAX_MS = 60000;
const listeners = new Map(TOPICS.map((topic) => [topic, new Set()]));
const statusListeners = new Set();
let source = null;
let started = false;
let lastEventId = "";
let hiddenTimer = null;
let retryTimer = null;
let retryDelay = RETRY_FIRST_MS;
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

function remember(event) {
  if (event.lastEventId) lastEventId = event.lastEventId;
}

function cancelHiddenTimer() {
  clearTimeout(hiddenTimer);
  hiddenTimer = null;
}

function cancelRetry() {
  clearTimeout(retryTimer);
  retryTimer = null;
}

function retryLater() {
  const delay = retryDelay * (0.8 + Math.random() * 0.4);
  retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  retryTimer = setTimeout(() => { retryTimer = null; open(); }, delay);
  setStatus("retrying");
}

function open() {
  cancelRetry();
  if (source) return;
  const after = lastEventId ? "&lastEventId=" + encodeURIComponent(lastEventId) : "";
  const stream = new EventSource("api/v1/events?topics=" + TOPICS.join(",") + after);
  source = stream;
  setStatus("connecting");
  stream.onopen = () => {
    retryDelay = RETRY_FIRST_MS;
    setStatus("live");
  };
  stream.onerror = () => {
    if (stream.readyState !== EventSource.CLOSED) {
      setStatus("reconnecting");
    } else if (source === stream) {
      source = null;
      retryLater();
    }
  };
  for (const topic of TOPICS) {
    stream.addEventListener(topic, (event) => {
      remember(event);
      let data;
      try { data = JSON.parse(event.data); } catch { return; }
      dispatch(topic, data);
    });
  }
  stream.addEventListener("reset", (event) => {
    remember(event);
    TOPICS.forEach((topic) => dispatch(topic, { type: "reset" }));
  });
}

function pause() {
  cancelHiddenTimer();
  if (!source && !retryTimer) return;
  cancelRetry();
  if (source) source.close();
  source = null;
  setStatus("paused");
}

function resume() {
  cancelHiddenTimer();
  open();
}

/** Opens the stream (once), and pauses it while the page is left or in the background. */
export function connect() {
  if (started) return;
  started = true;
  open();
  window.addEventListener("pagehide", pause);
  window.addEventListener("pageshow", (event) => { if (event.persisted) resume(); });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      resume();
    } else if (!hiddenTimer) {
      hiddenTimer = setTimeout(pause, HIDDEN_GRACE_MS);
    }
  });
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
