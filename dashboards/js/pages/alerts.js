// Alerts: firing, pending and inactive alerting rules with their alerts (labels,
// annotations, active since); rule groups with health, last error, last evaluation and its
// duration; silences (list, create from an alert, expire). Live on the alerts topic.
import { get, remove, sendJSON } from "../api.js";
import { on } from "../events.js";
import { h, replace } from "../dom.js";
import { ago, formatSeconds, formatValue } from "../format.js";

function labelChips(labels) {
  return h("span", { class: "chips" }, Object.entries(labels).map(([key, value]) => h("span", { class: "chip" }, `${key}=${value}`)));
}

export function mount(container) {
  const firing = h("div", { id: "alerts-firing" });
  const pending = h("div", { id: "alerts-pending" });
  const inactive = h("ul", { id: "alerts-inactive", class: "plain" });
  const groups = h("tbody", {});
  const silences = h("tbody", {});
  const message = h("div", { class: "status", id: "alerts-message" });
  const counts = { firing: h("span", { class: "count" }), pending: h("span", { class: "count" }), inactive: h("span", { class: "count" }) };
  let stopped = false;

  async function silence(alert) {
    const matchers = Object.entries(alert.labels).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
    const now = new Date();
    try {
      await sendJSON("POST", "api/v1/silences", { matchers, startsAt: now.toISOString(),
        endsAt: new Date(now.getTime() + 2 * 3600 * 1000).toISOString(), createdBy: "dashboard", comment: "Silenced from the dashboard" });
      replace(message, "Silenced ", alert.labels.alertname || "alert", " for 2 hours.");
      load();
    } catch (error) {
      replace(message, h("span", { class: "error" }, error.message));
    }
  }

  function alertCard(rule, alert) {
    return h("article", { class: `alert-card ${alert.state}`, "data-alertname": rule.name },
      h("header", {}, h("strong", {}, rule.name), " ", h("span", { class: `state ${alert.state}` }, alert.state),
        " ", h("span", { class: "muted" }, "active since " + ago(Date.parse(alert.activeAt) / 1000)),
        " ", h("button", { type: "button", class: "small", onclick: () => silence(alert) }, "Silence 2h")),
      labelChips(alert.labels),
      h("dl", { class: "annotations" }, Object.entries(alert.annotations || {}).map(([key, value]) => [h("dt", {}, key), h("dd", {}, value)])),
      h("div", { class: "muted" }, "value ", formatValue(Number(alert.value))));
  }

  async function load() {
    try {
      const [rules, silenceList] = await Promise.all([get("api/v1/rules"), get("api/v1/silences")]);
      if (stopped) return;
      const firingCards = [];
      const pendingCards = [];
      const inactiveRules = [];
      for (const group of rules.groups || []) {
        for (const rule of group.rules) {
          if (rule.type !== "alerting") continue;
          const alerts = rule.alerts || [];
          for (const alert of alerts) (alert.state === "firing" ? firingCards : pendingCards).push(alertCard(rule, alert));
          if (!alerts.length) inactiveRules.push(h("li", { "data-alertname": rule.name }, h("strong", {}, rule.name), " ", h("code", {}, rule.query)));
        }
      }
      replace(firing, firingCards.length ? firingCards : h("p", { class: "empty" }, "Nothing firing."));
      replace(pending, pendingCards.length ? pendingCards : h("p", { class: "empty" }, "Nothing pending."));
      replace(inactive, inactiveRules.length ? inactiveRules : h("li", { class: "empty" }, "No inactive rules."));
      counts.firing.textContent = String(firingCards.length);
      counts.pending.textContent = String(pendingCards.length);
      counts.inactive.textContent = String(inactiveRules.length);
      replace(groups, (rules.groups || []).map((group) => {
        const errors = group.rules.filter((rule) => rule.health !== "ok");
        return h("tr", {},
          h("td", {}, group.name), h("td", { class: "muted" }, group.file),
          h("td", { class: errors.length ? "bad" : "good" }, errors.length ? "err" : "ok"),
          h("td", { class: "error" }, errors.map((rule) => `${rule.name}: ${rule.lastError}`).join("; ")),
          h("td", {}, group.lastEvaluation && !group.lastEvaluation.startsWith("0001") ? ago(Date.parse(group.lastEvaluation) / 1000) : "never"),
          h("td", { class: "number" }, formatSeconds(group.evaluationTime || 0)));
      }));
      replace(silences, silenceList.length ? silenceList.map((item) => h("tr", {},
        h("td", {}, h("span", { class: `state ${item.status.state}` }, item.status.state)),
        h("td", {}, item.matchers.map((matcher) => h("span", { class: "chip" }, `${matcher.name}${matcher.isEqual ? (matcher.isRegex ? "=~" : "=") : (matcher.isRegex ? "!~" : "!=")}${matcher.value}`))),
        h("td", {}, new Date(item.endsAt).toLocaleString()), h("td", {}, item.comment),
        h("td", {}, item.status.state === "expired" ? "" : h("button", { type: "button", class: "small", onclick: async () => {
          await remove("api/v1/silences/" + encodeURIComponent(item.id)); load();
        } }, "Expire"))))
        : h("tr", {}, h("td", { colspan: 5, class: "empty" }, "No silences.")));
    } catch (error) {
      if (!stopped) replace(message, h("span", { class: "error" }, error.message));
    }
  }

  replace(container,
    h("section", { class: "panel" }, h("h1", {}, "Alerts"), message,
      h("h2", {}, "Firing ", counts.firing), firing,
      h("h2", {}, "Pending ", counts.pending), pending,
      h("h2", {}, "Inactive ", counts.inactive), inactive),
    h("section", { class: "panel" }, h("h2", {}, "Rule groups"),
      h("table", { class: "grid", id: "alerts-groups" }, h("thead", {}, h("tr", {}, ["Group", "File", "Health", "Last error", "Last evaluation", "Duration"].map((name) => h("th", {}, name)))), groups)),
    h("section", { class: "panel" }, h("h2", {}, "Silences"),
      h("table", { class: "grid", id: "alerts-silences" }, h("thead", {}, h("tr", {}, ["State", "Matchers", "Ends", "Comment", ""].map((name) => h("th", {}, name)))), silences)));
  const stop = on("alerts", load);
  const timer = setInterval(load, 15000);
  load();
  return () => {
    stopped = true;
    stop();
    clearInterval(timer);
  };
}
