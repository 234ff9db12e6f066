import { api, on } from "../app.js";
import { el, clear, card, pill, when, duration, errorBox } from "../dom.js";
import { followLog } from "../logview.js";

export async function render(root, { params }) {
  const id = params[0];
  const summary = el("div", { id: "execution-summary" });
  const steps = el("ul", { class: "steps", id: "steps" });
  const logBox = el("div", { class: "console", id: "execution-log" });
  const actions = el("div", { class: "row", id: "execution-actions" });
  root.append(el("div", { class: "row" }, el("a", { href: "#/executions" }, "← Executions")), summary, actions,
    el("div", { class: "grid" }, card("Steps", steps), card("Cost", el("div", { id: "cost" }, "-"))),
    card("Log", logBox));
  const stepState = new Map();
  const drawSteps = () => {
    clear(steps);
    if (stepState.size === 0) steps.append(el("li", { class: "muted" }, "No steps yet."));
    for (const [name, state] of stepState) steps.append(el("li", {}, pill(state.status), el("span", {}, name), state.attempt > 1 ? el("span", { class: "muted small" }, `attempt ${state.attempt}`) : null));
  };
  const onEntry = (e) => {
    if (!e.step) return;
    const status = { StepStarted: "Running", StepCompleted: "Completed", StepFailed: "Failed", Question: "WaitingForInput", Answer: "Running" }[e.kind];
    if (status) { stepState.set(e.step, { status, attempt: e.attempt ?? 1 }); drawSteps(); }
  };
  const refresh = async () => {
    try { draw(await api(`/api/executions/${encodeURIComponent(id)}`)); }
    catch (e) { clear(summary).append(errorBox(e.message)); }
  };
  const draw = (x) => {
    clear(summary).append(card(null, el("div", { class: "row" }, el("span", { class: "mono big" }, x.id), pill(x.status), el("span", { class: "spacer" })),
      el("dl", { class: "kv" },
        ...kv("Agent", x.team ? `team:${x.team}` : x.agent), ...kv("Queue", x.queue), ...kv("Worker", x.worker),
        ...kv("Created", when(x.createdAt)), ...kv("Started", when(x.startedAt)), ...kv("Completed", when(x.completedAt)),
        ...kv("Duration", duration(x.durationMs)), ...kv("Progress", x.progress), ...kv("Directory", x.workingDirectory),
        ...kv("Prompt", x.prompt), ...(x.waitingOn ? [el("dt", {}, "Waiting on"), el("dd", {}, el("a", { id: "waiting-on", href: `#/executions/${encodeURIComponent(x.waitingOn)}` }, x.waitingOn))] : []),
        ...(x.error ? kv("Error", x.error) : []))));
    document.getElementById("cost").replaceChildren(x.model
      ? el("dl", { class: "kv" }, ...kv("Model", x.model), ...kv("Turns", `${x.turns ?? 0} (${x.toolCalls ?? 0} tool calls)`),
        ...kv("Tokens", `${x.inputTokens ?? 0} in, ${x.outputTokens ?? 0} out`), ...kv("Cost", x.costUsd != null ? `$${x.costUsd.toFixed(6)}` : "-"))
      : el("span", { class: "muted" }, "No model calls (runbook agent)."));
    clear(actions);
    if (x.status === "WaitingForInput") {
      const answer = el("input", { name: "answer", placeholder: "yes or no", value: "yes" });
      const message = el("span", { class: "small", id: "answer-message" });
      actions.append(el("form", { class: "question row", id: "answer-form", onsubmit: async (ev) => {
        ev.preventDefault();
        try { draw(await api(`/api/executions/${encodeURIComponent(id)}/input`, { method: "POST", body: { answer: answer.value } })); }
        catch (e) { message.textContent = e.message; }
      } }, el("strong", {}, x.question ?? "Question"), answer, el("button", { class: "primary", type: "submit", id: "answer" }, "Answer"), message));
    }
    if (!["Completed", "Failed", "Cancelled"].includes(x.status)) {
      const message = el("span", { class: "small", id: "cancel-message" });
      actions.append(el("button", { class: "danger", id: "cancel", onclick: async () => {
        try { draw(await api(`/api/executions/${encodeURIComponent(id)}/cancel`, { method: "POST" })); setTimeout(refresh, 1000); }
        catch (e) { message.textContent = e.message; }
      } }, "Cancel execution"), message);
    }
  };
  drawSteps();
  await refresh();
  const stop = followLog(id, logBox, { onEntry: (e) => { onEntry(e); if (["Question", "Answer", "Cancelled", "Completed", "Failed", "Started"].includes(e.kind)) refresh(); }, onEnd: draw });
  const off = on("execution", (e) => { if (e.id === id) draw(e.execution); });
  return () => { stop(); off(); };
}

function kv(key, value) {
  return [el("dt", {}, key), el("dd", {}, value === undefined || value === null || value === "" ? "-" : String(value))];
}
