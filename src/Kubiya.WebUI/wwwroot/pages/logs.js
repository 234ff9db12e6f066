import { api, on } from "../app.js";
import { el, clear, card, errorBox } from "../dom.js";

const levels = ["trace", "debug", "info", "warn", "error", "critical"];

export async function render(root) {
  const level = el("select", { name: "level", id: "level" }, levels.map((l) => el("option", { value: l, selected: l === "info" }, l)));
  const search = el("input", { name: "search", id: "search", placeholder: "search all log files" });
  const files = el("span", { class: "muted small", id: "log-files" });
  const logBox = el("div", { class: "console", id: "worker-log" });
  const rank = (l) => levels.indexOf(l);
  const line = (l) => el("div", { class: `line log-level-${l.level}`, "data-level": l.level }, l.text);
  const load = async () => {
    try {
      const data = await api(`/api/logs?level=${level.value}&search=${encodeURIComponent(search.value)}&limit=1000`);
      files.textContent = `${data.logFile} (${data.files.length} file${data.files.length === 1 ? "" : "s"}: ${data.files.join(", ")})`;
      clear(logBox).append(...(data.lines.length ? data.lines.map(line) : [el("div", { class: "empty" }, "No matching lines.")]));
      logBox.scrollTop = logBox.scrollHeight;
    } catch (e) { clear(logBox).append(errorBox(e.message)); }
  };
  const form = el("form", { class: "filters", onsubmit: (e) => { e.preventDefault(); load(); } },
    el("label", {}, "Minimum level", level), el("label", {}, "Search", search), el("button", { class: "primary", type: "submit" }, "Search"), files);
  level.addEventListener("change", load);
  root.append(card(null, form), card("Worker log (live)", logBox));
  await load();
  return on("log", (l) => {
    if (rank(l.level) < rank(level.value)) return;
    if (search.value && !l.text.toLowerCase().includes(search.value.toLowerCase())) return;
    logBox.querySelector(".empty")?.remove();
    logBox.append(line(l));
    logBox.scrollTop = logBox.scrollHeight;
  });
}
