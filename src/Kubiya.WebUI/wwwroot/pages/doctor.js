import { api } from "../app.js";
import { el, clear, card, errorBox } from "../dom.js";

const words = { pass: "All checks pass", warn: "Works, with warnings", fail: "Something is broken" };

export async function render(root) {
  const body = el("div", { id: "doctor" });
  const button = el("button", { class: "primary", id: "rerun" }, "Run checks again");
  root.append(el("div", { class: "row" }, button), body);
  const load = async () => {
    button.disabled = true;
    try {
      const data = await api("/api/doctor");
      clear(body).append(el("div", { class: `banner ${data.status}`, id: "doctor-status", "data-status": data.status }, words[data.status]),
        card(null, ...data.checks.map((c) => el("div", { class: "check", "data-check": c.id, "data-status": c.status },
          el("span", { class: `pill pill-${c.status}` }, c.status),
          el("div", {}, el("strong", {}, c.name), el("span", { class: "muted small" }, ` · ${c.durationMs} ms`),
            el("div", { class: "detail" }, c.detail), c.fix ? el("div", { class: "fix" }, `How to fix: ${c.fix}`) : null)))));
    } catch (e) { clear(body).append(errorBox(e.message)); }
    button.disabled = false;
  };
  button.addEventListener("click", load);
  await load();
}
