// The query APIs, with Prometheus's envelope unwrapped: a failure throws an Error whose
// message is the server's.

async function request(path, options = {}) {
  const response = await fetch(path, options);
  let body = null;
  const text = await response.text();
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!response.ok || (body && body.status === "error")) {
    const message = (body && body.error) || text || `${response.status} ${response.statusText}`;
    const error = new Error(message);
    error.status = response.status;
    error.type = body && body.errorType;
    throw error;
  }
  return body && body.status === "success" ? body.data : body;
}

/** GET `path` with query parameters (arrays repeat the name). */
export function get(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) value.forEach((item) => query.append(key, item));
    else if (value !== undefined && value !== null) query.set(key, value);
  }
  const text = query.toString();
  return request(path + (text ? "?" + text : ""));
}

/** POST a form, as Prometheus's clients send queries. */
export function postForm(path, params) {
  return request(path, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
}

/** Sends JSON with `method`. */
export function sendJSON(method, path, value) {
  return request(path, { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) });
}

/** DELETE `path`. */
export function remove(path) {
  return request(path, { method: "DELETE" });
}

export const query = (expr, time) => postForm("api/v1/query", time ? { query: expr, time } : { query: expr });
export const queryRange = (expr, start, end, step) =>
  postForm("api/v1/query_range", { query: expr, start, end, step });
