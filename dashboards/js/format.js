// Numbers, units and times as people read them.

const SI = [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]];
const BYTES = [[1 << 30, "GiB"], [1 << 20, "MiB"], [1 << 10, "KiB"]];

/** A value with its unit: `1.23k req/s`, `250 ms`, `4.1 MiB`, `12.5%`; `extra` adds digits. */
export function formatValue(value, unit = "", extra = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  const round = (number) => roundTo(number, extra);
  if (unit === "s" || unit === "seconds") return formatSeconds(value, extra);
  if (unit === "bytes" || unit === "B") {
    for (const [size, name] of BYTES) if (Math.abs(value) >= size) return `${round(value / size)} ${name}`;
    return `${round(value)} B`;
  }
  if (unit === "%") return `${round(value)}%`;
  if (unit === "ratio") return `${round(value * 100)}%`;
  let text = `${round(value)}`;
  for (const [size, suffix] of SI) {
    if (Math.abs(value) >= size) { text = `${round(value / size)}${suffix}`; break; }
  }
  return unit ? `${text} ${unit}` : text;
}

/** Axis labels for `ticks`: as `formatValue` writes them, with more digits where fewer would print two ticks alike. */
export function formatTicks(ticks, unit = "") {
  let labels = [];
  for (let extra = 0; extra <= 4; extra++) {
    labels = ticks.map((tick) => formatValue(tick, unit, extra));
    if (new Set(labels).size === labels.length) break;
  }
  return labels;
}

/** Seconds as `850 µs`, `12.3 ms`, `1.5 s`, `3m 20s`; `extra` adds digits. */
export function formatSeconds(seconds, extra = 0) {
  const round = (number) => roundTo(number, extra);
  const magnitude = Math.abs(seconds);
  if (magnitude === 0) return "0 s";
  if (magnitude < 1e-3) return `${round(seconds * 1e6)} µs`;
  if (magnitude < 1) return `${round(seconds * 1e3)} ms`;
  if (magnitude < 60) return `${round(seconds)} s`;
  const minutes = Math.floor(magnitude / 60);
  if (minutes < 60) return `${minutes}m ${Math.round(magnitude % 60)}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** Three significant digits at most, no trailing zeros. */
export function round(value) {
  return roundTo(value, 0);
}

/** Three significant digits plus `extra` at most, no trailing zeros. */
function roundTo(value, extra) {
  if (value === 0) return "0";
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
  return String(Number(value.toFixed(digits + extra)));
}

/** A time (seconds since the epoch) as local `HH:MM:SS`, with the date when not today. */
export function formatTime(seconds) {
  const date = new Date(seconds * 1000);
  const today = new Date().toDateString() === date.toDateString();
  const time = date.toLocaleTimeString([], { hour12: false });
  return today ? time : `${date.toLocaleDateString()} ${time}`;
}

/** How long ago `seconds` was: `12s ago`, `5m ago`, `3h ago`. */
export function ago(seconds) {
  const delta = Math.max(0, Date.now() / 1000 - seconds);
  if (delta < 60) return `${Math.round(delta)}s ago`;
  if (delta < 3600) return `${Math.round(delta / 60)}m ago`;
  if (delta < 86400) return `${Math.round(delta / 3600)}h ago`;
  return `${Math.round(delta / 86400)}d ago`;
}

/** Durations as Prometheus writes them, in seconds. */
export function parseDuration(text) {
  const units = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  const pattern = /(\d+)(ms|s|m|h|d|w|y)/y;
  let total = 0;
  let end = 0;
  let match;
  while ((match = pattern.exec(text || "")) !== null) {
    total += Number(match[1]) * units[match[2]];
    end = pattern.lastIndex;
  }
  return end > 0 && end === (text || "").length ? total : null;
}

/** A step giving about `points` points over `seconds`, rounded to a whole second or more. */
export function stepFor(seconds, points = 250) {
  return Math.max(1, Math.round(seconds / points));
}

/** "1 span", "2 spans", "50,000 spans". */
export function plural(count, noun) {
  return `${count.toLocaleString("en-US")} ${noun}${count === 1 ? "" : "s"}`;
}
