// Builds elements from data without ever parsing it as HTML: text goes in as text nodes, so
// label values, annotations and titles cannot inject markup or script.

/** Creates `tag` with attributes (`class`, `on<event>` listeners, others as attributes) and children. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") element.className = value;
    else if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children (nodes, strings, numbers, nested arrays; null and false skipped). */
export function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replaces an element's children. */
export function replace(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

/** A link to a hash route built from path parts and query parameters (never from raw data). */
export function route(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(key, value);
  }
  const text = query.toString();
  return "#/" + path.split("/").map(encodeURIComponent).join("/") + (text ? "?" + text : "");
}

/** Labels as `{a="x", b="y"}` text, the metric name in front. */
export function labelText(metric) {
  const name = metric.__name__ || "";
  const pairs = Object.entries(metric).filter(([key]) => key !== "__name__").map(([key, value]) => `${key}="${value}"`);
  return pairs.length ? `${name}{${pairs.join(", ")}}` : name || "{}";
}
