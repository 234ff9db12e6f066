import { api, on } from "../app.js";
import { el, clear, card, pill, table, when, duration, errorBox } from "../dom.js";

const statuses = ["", "Pending", "Running", "WaitingForInput", "Completed", "Failed", "Cancelled"];

export async function render(root) {
  const status = el("select", { name: "status" }, statuses.map((s) => el("option", { value: s }, s || "any")));
  const agent = el("input", { name: "agent", placeholder: "agent" });
  const team = el("input", { name: "team", placeholder: "team" });
  const queue = el("input", { name: "queue", placeholder: "queue" });
  const schedule = el("input", { name: "schedule", placeholder: "schedule" });
  const since = el("input", { name: "since", type: "datetime-local" });
  const limit = el("input", { name: "limit", type: "number", value: "50", min: "1", max: "1000" });
  const skip = el("input", { name: "skip", type: "number", value: "0", min: "0" });
  const list = el("div", { id: "executions-list" });
  const load = async () => {
    const q = new URLSearchParams();
    if (status.value) q.set("status", status.value);
    for (const [k, input] of [["agent", agent], ["team", team], ["queue", queue], ["schedule", schedule], ["limit", limit], ["skip", skip]]) if (input.value) q.set(k, input.value);
    if (since.value) q.set("since", new Date(since.value).toISOString());
    try {
      const rows = (await api(`/api/executions?${q}`)).map((e) => [
        el("a", { href: `#/executions/${encodeURIComponent(e.id)}`, class: "mono" }, e.id), pill(e.status),
        e.team ? `team:${e.team}` : e.agent ?? "-", e.queue ?? "-", when(e.createdAt), duration(e.durationMs), e.progress ?? "-",
        el("td", { class: "wrap" }, (e.prompt || "").split("\n")[0].slice(0, 80) || "-")]);
      clear(list).append(table(["Id", "Status", "Agent", "Queue", "Created", "Duration", "Steps", "Prompt"], rows, "No executions match."));
    } catch (e) { clear(list).append(errorBox(e.message)); }
  };
  const form = el("form", { class: "filters", onsubmit: (e) => { e.preventDefault(); load(); } },
    el("label", {}, "Status", status), el("label", {}, "Agent", agent), el("label", {}, "Team", team),
    el("label", {}, "Queue", queue), el("label", {}, "Schedule", schedule), el("label", {}, "Since", since),
    el("label", {}, "Limit", limit), el("label", {}, "Skip", skip),
    el("button", { class: "primary", type: "submit" }, "Filter"));
  root.append(card(null, form), card(null, list));
  await load();
  return on("execution", () => load());
}
