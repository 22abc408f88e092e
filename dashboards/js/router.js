// The location hash as the page state: every page state is a URL (deep links).

/** The route in the location: page name, further path parts and query parameters. */
export function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [path, query = ""] = hash.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || "overview", parts: parts.slice(1), params: Object.fromEntries(new URLSearchParams(query)) };
}

/** Writes the page's state into the URL without reloading the page (deep links). */
export function setParams(params) {
  const { page } = currentRoute();
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== "") query.set(key, value);
  const text = query.toString();
  history.replaceState(null, "", "#/" + page + (text ? "?" + text : ""));
}
