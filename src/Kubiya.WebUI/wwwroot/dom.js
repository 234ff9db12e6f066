// Small DOM helpers: text always goes in as text (log lines and prompts are never HTML).

/** Creates an element: el("td", { class: "mono" }, "text", child, ...). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Empties a node and returns it. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** A status pill. */
export function pill(status, text) {
  return el("span", { class: `pill status-${status}`, "data-status": status }, text ?? status);
}

/** A table from column titles and rows of cells. */
export function table(columns, rows, empty = "Nothing to show.") {
  const body = el("tbody");
  if (rows.length === 0) body.append(el("tr", {}, el("td", { colspan: columns.length, class: "muted" }, empty)));
  for (const row of rows) body.append(el("tr", {}, row.map((cell) => cell instanceof Node && cell.tagName === "TD" ? cell : el("td", {}, cell))));
  return el("table", {}, el("thead", {}, el("tr", {}, columns.map((c) => el("th", {}, c)))), body);
}

/** Local date and time of an ISO timestamp. */
export function when(iso) {
  if (!iso) return "-";
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** A short duration: 850ms, 12.3s, 4m05s, 2h10m. */
export function duration(ms) {
  if (ms === null || ms === undefined) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** A card with a title. */
export function card(title, ...children) {
  return el("div", { class: "card" }, title ? el("h2", {}, title) : null, ...children);
}

/** An error message box. */
export function errorBox(message) {
  return el("div", { class: "error-box", role: "alert" }, message);
}
