import { api, on } from "../app.js";
import { el, clear, card, pill, table, when, duration, errorBox } from "../dom.js";

export async function render(root) {
  const body = el("div", { class: "page-body" });
  root.append(body);
  const show = (o) => draw(clear(body), o);
  try { show(await api("/api/overview")); } catch (e) { body.append(errorBox(e.message)); }
  return on("overview", show);
}

function draw(root, o) {
  const w = o.worker;
  const server = o.server;
  root.append(el("div", { class: "grid" },
    card("Worker",
      w ? el("div", {}, pill(w.state), el("div", { class: "big" }, o.queue),
        el("div", { class: "muted small" }, `pid ${w.pid} · up ${duration(w.uptimeSeconds * 1000)}`))
        : el("div", { class: "muted" }, o.queue ? `queue ${o.queue} (UI only)` : "Not attached to a worker")),
    card("Server",
      el("div", {}, pill(server.reachable ? "Completed" : "Failed", server.reachable ? "reachable" : "unreachable")),
      el("div", { class: "big", id: "latency" }, server.reachable ? `${server.latencyMs} ms` : "—"),
      el("div", { class: "muted small" }, `${server.address} · ${server.namespace}`),
      server.error ? el("div", { class: "small" }, server.error) : null),
    card("Host",
      el("div", {}, `Kubiya ${o.version}`),
      el("div", { class: "muted small" }, o.os),
      el("div", { class: "muted small" }, o.runtime),
      el("div", { class: "muted small" }, `${o.machine} · UI pid ${o.uiPid} · ${o.uiMemoryMb} MB`))));

  const up = (d) => d.startedAt && d.state !== "stopped" ? duration(Date.now() - Date.parse(d.startedAt)) : "-";
  const daemons = o.daemons.map((d) => [d.queueId, pill(d.state), d.pid ?? "-", d.workerPid ?? "-", d.startedAt ? when(d.startedAt) : "-", up(d), d.webUI ?? "-"]);
  root.append(card("Workers on this machine", table(["Queue", "State", "Pid", "Worker pid", "Started", "Uptime", "Web UI"], daemons, "No daemon workers.")));

  const recent = o.recentExecutions.map((e) => [
    el("a", { href: `#/executions/${encodeURIComponent(e.id)}`, class: "mono" }, e.id), pill(e.status), e.agent ?? e.team ?? "-",
    when(e.createdAt), duration(e.durationMs), el("td", { class: "wrap" }, short(e.prompt))]);
  root.append(card("Recent executions", o.executionsError ? errorBox(o.executionsError) : table(["Id", "Status", "Agent", "Created", "Duration", "Prompt"], recent, "No executions yet.")));

  const events = o.recentEvents.slice().reverse().map((ev) => [when(ev.time), el("span", { class: "mono" }, ev.data.id), pill(ev.data.status), ev.data.previous ?? "new"]);
  root.append(card("Recent events", table(["Time", "Execution", "Status", "Was"], events, "No events since the UI started.")));
}

function short(text) {
  const line = (text || "").split("\n")[0];
  return line.length > 80 ? line.slice(0, 77) + "…" : line || "-";
}
