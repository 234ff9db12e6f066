// The shell of the worker UI: navigation, the API helper and the one live event stream.
import { el, clear } from "./dom.js";

const pages = {
  overview: () => import("./pages/overview.js"),
  workers: () => import("./pages/workers.js"),
  executions: () => import("./pages/executions.js"),
  execution: () => import("./pages/execution.js"),
  playground: () => import("./pages/playground.js"),
  logs: () => import("./pages/logs.js"),
  doctor: () => import("./pages/doctor.js"),
  environment: () => import("./pages/environment.js"),
  models: () => import("./pages/models.js"),
};

const titles = {
  overview: "Overview", workers: "Workers", executions: "Executions", execution: "Execution",
  playground: "Playground", logs: "Logs", doctor: "Doctor", environment: "Environment", models: "Models",
};

/** Calls the API; POSTs carry the page's request header (the cookie holds the token). */
export async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-Kubiya-Request"] = "1";
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error((data && data.error) || `${response.status} ${response.statusText}`);
  return data;
}

// One EventSource for the whole app; pages subscribe to event types.
const listeners = new Map();
let source;
export function on(type, handler) {
  if (!listeners.has(type)) {
    listeners.set(type, new Set());
    source?.addEventListener(type, dispatch);
  }
  listeners.get(type).add(handler);
  return () => listeners.get(type).delete(handler);
}
function dispatch(event) {
  const data = JSON.parse(event.data);
  for (const handler of listeners.get(event.type) ?? []) handler(data, event);
}
function connect() {
  source = new EventSource("/api/events");
  const live = document.getElementById("live");
  source.onopen = () => { live.textContent = "live"; live.className = "pill pill-pass"; };
  source.onerror = () => { live.textContent = "reconnecting…"; live.className = "pill pill-warn"; };
  for (const type of ["overview", "heartbeat", ...listeners.keys()]) source.addEventListener(type, dispatch);
}

on("overview", (o) => {
  const pill = document.getElementById("server");
  pill.textContent = o.server.reachable ? `server ${o.server.latencyMs} ms` : "server down";
  pill.className = "pill " + (o.server.reachable ? "pill-pass" : "pill-fail");
  pill.title = o.server.reachable ? `${o.server.address} (${o.server.namespace})` : o.server.error;
});
on("heartbeat", () => {});

let cleanup = null;
async function route() {
  const [name = "overview", ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  const page = rest.length && name === "executions" ? "execution" : (pages[name] ? name : "overview");
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("active", a.dataset.page === (page === "execution" ? "executions" : page));
  document.getElementById("title").textContent = titles[page];
  document.title = `${titles[page]} · Kubiya worker`;
  if (cleanup) { try { cleanup(); } catch { /* page gone */ } cleanup = null; }
  const root = clear(document.getElementById("page"));
  root.dataset.page = page;
  try {
    const module = await pages[page]();
    cleanup = (await module.render(root, { params: rest.map(decodeURIComponent) })) ?? null;
  } catch (e) {
    root.append(el("div", { class: "error-box" }, e.message));
  }
}

async function start() {
  try {
    const s = await api("/api/session");
    document.getElementById("session").append(
      el("div", {}, `v${s.version}`),
      el("div", {}, s.queue ? `queue ${s.queue}` : "no queue"),
      el("div", {}, `port ${s.port}`));
  } catch { /* shown by the page */ }
  connect();
  window.addEventListener("hashchange", route);
  await route();
}
start();
