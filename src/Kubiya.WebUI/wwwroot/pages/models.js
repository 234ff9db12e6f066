import { api } from "../app.js";
import { el, card, table, errorBox } from "../dom.js";

export async function render(root) {
  const data = await api("/api/models");
  const rows = data.models.map((m) => {
    const result = el("span", { class: "small", "data-result": m.name });
    const test = el("button", { "data-test": m.name, onclick: async () => {
      test.disabled = true;
      result.textContent = "testing…";
      try {
        const r = await api(`/api/models/${encodeURIComponent(m.name)}/test`, { method: "POST" });
        result.className = `pill ${r.ok ? "pill-pass" : "pill-fail"}`;
        result.textContent = r.ok ? `ok in ${r.latencyMs} ms (${r.providerModel})` : `${r.errorId}: ${r.error}`;
      } catch (e) { result.className = "pill pill-fail"; result.textContent = e.message; }
      test.disabled = false;
    } }, "Test");
    return [el("strong", {}, m.name), `${m.provider}/${m.providerModel}`, el("span", { class: "mono small" }, m.apiBase),
      el("span", { class: `pill ${m.keyPresent ? "pill-pass" : "pill-fail"}` }, m.keyPresent ? "key set" : "key missing"),
      m.inputCostPerToken != null ? `$${m.inputCostPerToken} / $${m.outputCostPerToken}` : "-", el("div", { class: "row" }, test, result)];
  });
  root.append(card("Gateway models", el("div", { class: "muted small" }, `From ${data.source ?? "no file (environment only)"}; default model: ${data.defaultModel ?? "-"}`),
    table(["Name", "Model", "Endpoint", "Key", "Price in / out (per token)", ""], rows, "No models configured: write ~/.kubiya/models.yaml (LiteLLM model_list).")),
    ...data.warnings.map((w) => errorBox(w)));
}
