// An execution's log as a console: text lines, and tool calls as collapsible cards.
import { el } from "./dom.js";

/** Follows /api/executions/{id}/logs as an event stream into `consoleNode`; returns a stop function. */
export function followLog(id, consoleNode, { onEntry, onEnd } = {}) {
  const stream = new EventSource(`/api/executions/${encodeURIComponent(id)}/logs`);
  const view = logView(consoleNode);
  stream.addEventListener("log", (event) => {
    const entry = JSON.parse(event.data);
    view.add(entry);
    onEntry?.(entry);
  });
  stream.addEventListener("end", (event) => {
    stream.close();
    onEnd?.(JSON.parse(event.data));
  });
  stream.addEventListener("error", (event) => {
    if (event.data) view.note(JSON.parse(event.data).error);
  });
  return () => stream.close();
}

/** A console that entries are added to. */
export function logView(consoleNode) {
  let lastCard = null;
  const placeholder = el("div", { class: "empty" }, "Waiting for output…");
  consoleNode.append(placeholder);
  return {
    add(entry) {
      placeholder.remove();
      if (entry.kind === "ToolCall") {
        lastCard = el("details", { class: "tool", "data-kind": "ToolCall" },
          el("summary", {}, `tool ${toolName(entry)}`), el("pre", {}, entry.text));
        consoleNode.append(lastCard);
      } else if (entry.kind === "ToolResult" && lastCard) {
        lastCard.append(el("pre", { "data-kind": "ToolResult" }, entry.text));
        lastCard = null;
      } else {
        consoleNode.append(el("div", { class: `line ${entry.kind}`, "data-kind": entry.kind },
          el("span", { class: "kind" }, entry.step ? `${entry.kind} ${entry.step}` : entry.kind), entry.text));
      }
      consoleNode.scrollTop = consoleNode.scrollHeight;
    },
    note(text) {
      consoleNode.append(el("div", { class: "line Error" }, el("span", { class: "kind" }, "error"), text));
    },
  };
}

function toolName(entry) {
  if (entry.step && entry.step.startsWith("tool:")) return entry.step.slice(5);
  const match = /^Tool\s+([\w.-]+)/.exec(entry.text || "");
  return match ? match[1] : "call";
}
