import { api } from "../app.js";
import { el, card, table } from "../dom.js";

export async function render(root) {
  const data = await api("/api/environment");
  const rows = data.settings.map((s) => [
    el("span", { class: "mono" }, s.name), el("span", { class: "mono" }, s.variable ?? "-"),
    el("td", { class: "mono wrap", "data-setting": s.name }, s.value ?? "(not set)"),
    el("span", { class: `pill ${s.source === "default" ? "pill-muted" : "pill-pass"}`, "data-source": s.source }, s.source)]);
  root.append(
    card("Effective configuration", el("div", { class: "muted small" }, `Files: ${data.configFile} over ${data.workerConfigFile} (Kubiya's worker-config.yaml) · environment variables win over the files, parameters over all. Secrets are masked.`), table(["Setting", "Variable", "Value", "From"], rows)),
    card("This UI", el("dl", { class: "kv" },
      el("dt", {}, "Port"), el("dd", {}, String(data.ui.port)), el("dt", {}, "Queue"), el("dd", {}, data.ui.queue ?? "-"),
      el("dt", {}, "Working directory"), el("dd", {}, data.ui.workingDirectory), el("dt", {}, "Model configuration"), el("dd", {}, data.ui.modelConfig ?? "~/.kubiya/models.yaml"))));
}
