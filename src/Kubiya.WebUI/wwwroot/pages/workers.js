import { api } from "../app.js";
import { el, clear, card, pill, table, when, errorBox } from "../dom.js";

export async function render(root) {
  const body = el("div", { class: "page-body" });
  root.append(body);
  let timer = null;
  const halt = () => clearInterval(timer);
  const load = async () => {
    try { draw(clear(body), await api("/api/workers"), load, halt); }
    catch (e) { clear(body).append(errorBox(e.message)); }
  };
  await load();
  timer = setInterval(load, 5000);
  return halt;
}

function draw(root, data, reload, halt) {
  const message = el("div", { class: "small muted", id: "worker-message" });
  const act = (queue, action, servesThisPage) => async () => {
    message.textContent = `${action} requested for ${queue}…`;
    try {
      await api(`/api/workers/${encodeURIComponent(queue)}/${action}`, { method: "POST" });
      // This page goes with its worker; a restarted one serves with a new token, printed in its log.
      if (servesThisPage) {
        halt(); // the page stays as it is, with this message, instead of failing to refresh
        message.textContent = action === "restart"
          ? `${queue} serves this page: it comes back with a new token. Open the new address from its log: kubiya worker logs --queue-id ${queue} --tail 50 (the "Web UI:" line).`
          : `${queue} served this page: it stops with the worker.`;
        return;
      }
      setTimeout(reload, 1500);
    }
    catch (e) { message.textContent = e.message; }
  };
  const here = location.origin + "/";
  const daemons = data.daemons.map((d) => [
    el("span", { class: "mono" }, d.queueId), pill(d.state), d.pid ?? "-", d.workerPid ?? "-", d.restarts,
    d.startedAt ? when(d.startedAt) : "-", d.webUI ?? "-",
    el("div", { class: "row" },
      el("button", { class: "danger", onclick: act(d.queueId, "stop", d.webUI === here), disabled: d.state === "stopped", "data-action": "stop" }, "Stop"),
      el("button", { onclick: act(d.queueId, "restart", d.webUI === here), "data-action": "restart" }, "Restart"))]);
  root.append(card("Local daemon workers", table(["Queue", "State", "Pid", "Worker pid", "Restarts", "Started", "Web UI", ""], daemons, "No daemon workers on this machine."), message));
  const rows = [];
  for (const q of data.pollers) for (const w of q.workers) rows.push([el("span", { class: "mono" }, q.queue), el("span", { class: "mono" }, w.identity), pill(w.state), when(w.lastAccessTime)]);
  const health = (data.health ?? []).map((h) => [el("span", { class: "mono" }, h.queue), el("span", { class: "mono" }, h.identity), pill(h.state),
    h.cpuPercent != null ? `${h.cpuPercent.toFixed(1)} %` : "-", h.memoryMb != null ? `${h.memoryMb.toFixed(0)} MB` : "-",
    `${h.activeSteps ?? 0} / ${h.completedSteps ?? 0} / ${h.failedSteps ?? 0}`, when(h.lastHeartbeat)]);
  root.append(card("Worker health (heartbeats on the namespace)", table(["Queue", "Identity", "State", "CPU", "Memory", "Steps running / done / failed", "Last heartbeat"], health, "No worker has sent a health heartbeat yet.")));
  root.append(card("Pollers the server reports", data.pollersError ? errorBox(data.pollersError) : table(["Queue", "Identity", "State", "Last poll"], rows, "No worker polls the known queues.")));
}
