import { api } from "../app.js";
import { el, clear, card, pill, errorBox } from "../dom.js";
import { followLog } from "../logview.js";

export async function render(root) {
  const session = await api("/api/session");
  const agent = el("select", { name: "agent", id: "agent" });
  const directory = el("input", { name: "workingDirectory", id: "workingDirectory", value: session.workingDirectory });
  // A worker's UI runs on its queue; a standalone one (kubiya ui, Start-KubiyaWebUI) on the one typed here.
  const queue = el("input", { name: "queue", id: "queue", value: session.queue ?? session.defaultQueue ?? "", placeholder: "queue a worker polls", required: true, readonly: session.hostedByWorker });
  const prompt = el("textarea", { name: "prompt", id: "prompt", placeholder: "What should the agent do?" });
  const run = el("button", { class: "primary", type: "submit", id: "run" }, "Run");
  const status = el("div", { class: "row", id: "run-status" });
  const output = el("div", { class: "console", id: "output" }, el("div", { class: "empty" }, "Output streams here."));
  const loadAgents = async () => {
    try {
      const data = await api(`/api/agents?workingDirectory=${encodeURIComponent(directory.value)}`);
      clear(agent).append(...data.agents.map((a) => el("option", { value: a.name }, `${a.name} (${a.kind})`)));
    } catch (e) { status.replaceChildren(errorBox(e.message)); }
  };
  directory.addEventListener("change", loadAgents);
  let stop = null;
  const form = el("form", { class: "form", onsubmit: async (ev) => {
    ev.preventDefault();
    stop?.();
    run.disabled = true;
    clear(output);
    try {
      const x = await api("/api/playground/run", { method: "POST", body: { agent: agent.value, workingDirectory: directory.value, queue: queue.value, prompt: prompt.value } });
      status.replaceChildren(el("a", { href: `#/executions/${encodeURIComponent(x.id)}`, class: "mono", id: "run-id" }, x.id), pill(x.status));
      stop = followLog(x.id, output, { onEnd: (done) => { status.replaceChildren(el("a", { href: `#/executions/${encodeURIComponent(done.id)}`, class: "mono", id: "run-id" }, done.id), pill(done.status)); run.disabled = false; } });
    } catch (e) {
      status.replaceChildren(errorBox(e.message));
      run.disabled = false;
    }
  } },
    el("label", {}, "Agent", agent), el("label", {}, "Working directory", directory), el("label", {}, "Queue", queue),
    el("label", { class: "full" }, "Prompt", prompt), el("div", { class: "full row" }, run, el("span", { class: "muted small" },
      session.hostedByWorker ? `runs on this worker's queue ${session.queue}` : "runs on the queue above: a worker must poll it")));
  root.append(card(null, form), status, card("Output", output));
  await loadAgents();
  return () => stop?.();
}
