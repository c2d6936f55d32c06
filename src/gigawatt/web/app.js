// The gigawatt page: every number comes from the API; this file only moves data around.
//
// Safety rules (the page runs under a strict Content-Security-Policy, script-src 'self'):
// no HTML is ever built from strings. Every node is made with document.createElement and
// filled with text (names, titles, labels and products of saved scenarios are free text and
// are always shown literally), attributes come from a short allow-list, and there are no
// inline handlers and no eval. Strings handed to Plotly (which reads a little HTML in titles)
// are entity-escaped first.
"use strict";

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = "gigawatt-token";
const NEEDS_TOKEN = "this server needs a token: open the URL that `gigawatt serve` printed";
const REFUSED_TOKEN = "this server needs a token and refused the one this page had: open the URL that `gigawatt serve` printed";
let current = {name: null, version: 0, builtin: true};

// -- the bearer token: from #token=... once, then from sessionStorage ----------------------
let token = null;

function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
}

function storeToken(value) {
  try {
    if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) { /* storage disabled: the token lives in this page only */ }
}

// Take `token=...` out of the fragment (keeping anything else there) and out of the address
// bar and history. Returns true when the fragment carried a token.
function takeTokenFromHash() {
  const hash = location.hash.replace(/^#/, "");
  if (!hash) return false;
  let found = null;
  const rest = [];
  for (const part of hash.split("&")) {
    if (part.startsWith("token=")) found = part.slice("token=".length);
    else if (part) rest.push(part);
  }
  if (found === null) return false;
  try { found = decodeURIComponent(found); } catch (e) { /* not %-encoded: use as given */ }
  token = found || null;
  storeToken(token);
  history.replaceState(history.state, "", location.pathname + location.search + (rest.length ? "#" + rest.join("&") : ""));
  return true;
}

// -- DOM helpers: nodes and text only ----------------------------------------------------
const ATTRIBUTES = new Set(["id", "type", "step", "min", "size", "value", "placeholder"]);

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === "class") node.className = v;
    else if (k === "data") for (const [dk, dv] of Object.entries(v)) node.dataset[dk] = String(dv);
    else if (ATTRIBUTES.has(k)) node.setAttribute(k, String(v));
    else throw new Error("attribute not allowed: " + k);
  }
  node.append(...children.map((c) => (c instanceof Node ? c : String(c))));  // strings become text nodes
  return node;
}

// Plotly reads a few HTML-like tags and entities in titles and trace names; escape free text.
function plotlyText(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function purgeCharts(container) {
  for (const div of container.querySelectorAll(".js-plotly-plot")) Plotly.purge(div);
}

// -- the API ------------------------------------------------------------------------------
async function api(method, path, body) {
  const headers = {"content-type": "application/json"};
  if (token) headers["authorization"] = "Bearer " + token;
  const res = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body),
                                 credentials: "same-origin", cache: "no-store"});
  let data = {};
  if (res.status !== 204) {
    const text = await res.text();
    try { data = text ? JSON.parse(text) : {}; } catch (e) { data = {error: text}; }
    if (!data || typeof data !== "object") data = {};
  }
  if (res.status === 401) {
    const err = new Error(token ? REFUSED_TOKEN : NEEDS_TOKEN);
    if (token) { token = null; storeToken(null); }
    err.status = 401; err.problems = [];
    throw err;
  }
  if (!res.ok) {
    const detail = typeof data.detail === "string" ? data.detail : data.detail && JSON.stringify(data.detail);
    const err = new Error(data.error || detail || res.statusText || "HTTP " + res.status);
    err.status = res.status; err.problems = data.problems || [];
    throw err;
  }
  return data;
}

function showError(e) {
  $("errors").textContent = e.message;
  $("status").textContent = e.status === 401 ? e.message : e.status === 409 ? "conflict: reload before saving" : "error";
}

function fmtUsd(x) {
  const a = Math.abs(x);
  for (const [d, s] of [[1e12, "T"], [1e9, "B"], [1e6, "M"]]) if (a >= d) return "$" + (x / d).toFixed(1) + s;
  return "$" + x.toFixed(0);
}

function prec(x) {
  return typeof x === "number" ? x.toPrecision(4) : String(x);
}

async function refreshList(select) {
  const s = await api("GET", "/api/scenarios");
  for (const sel of [$("scenario-select"), $("compare-select")]) {
    const keep = sel.value;
    sel.replaceChildren();
    for (const n of s.builtin) sel.add(new Option("built-in: " + n, n));
    for (const n of s.saved) sel.add(new Option("saved: " + n.name + " (v" + n.version + ")", n.name));
    if (keep) sel.value = keep;
  }
  if (select) $("scenario-select").value = select;
}

async function load(name) {
  const s = await api("GET", "/api/scenarios/" + encodeURIComponent(name));
  current = {name: s.name, version: s.version, builtin: s.builtin};
  $("yaml").value = s.yaml;
  $("version").textContent = s.version;
  $("name").value = s.builtin ? "" : s.name;
  await evaluate();
}

function trancheInput(cls, x, field, props) {
  return el("input", {class: cls, value: x[field], data: {deal: x.deal, tranche: x.tranche, field}, ...props});
}

function render(r) {
  $("errors").textContent = "";
  $("title").textContent = r.title || r.name;
  const t = r.totals;
  const rows = [["GW (facility)", t.gw.toFixed(2), "total-gw"], ["GW (IT)", t.gw_it.toFixed(2), "total-gw-it"],
    ["Accelerators", Math.round(t.accelerators).toLocaleString("en-US"), "total-accelerators"],
    ["Capex, bottom-up", fmtUsd(t.capex_usd), "total-capex"], ["Capex, top-down", fmtUsd(t.capex_topdown_usd), "total-capex-topdown"],
    ["Energy at full build-out", t.energy_twh_per_year.toFixed(1) + " TWh/yr", "total-energy"],
    ["PV of capex + opex", fmtUsd(t.npv_cost_usd), "total-npv"]];
  $("headline").replaceChildren(el("tbody", {}, ...rows.map(([k, v, id]) => el("tr", {}, el("th", {}, k), el("td", {class: "num", id}, v)))));

  const head = el("tr", {}, ...["Tranche", "Product", "GW", "Start", "Ramp (months)"].map((h) => el("th", {}, h)));
  const body = el("tbody", {}, head);
  for (const x of r.tranches) {
    body.append(el("tr", {},
      el("td", {}, x.label == null ? "" : x.label),
      el("td", {}, x.product),
      el("td", {}, trancheInput("tranche-gw", x, "gw", {type: "number", step: "0.1", min: "0.01"})),
      el("td", {}, trancheInput("tranche-start", x, "start", {size: 8})),
      el("td", {}, trancheInput("tranche-ramp", x, "ramp_months", {type: "number", min: "0"}))));
  }
  const tr = $("tranches");
  tr.replaceChildren(body);
  for (const input of tr.querySelectorAll("input")) input.addEventListener("change", quickEdit);

  const charts = $("charts");
  purgeCharts(charts);
  charts.replaceChildren();
  for (const c of r.charts) {
    const div = el("div", {class: "chart", id: "chart-" + c.id});
    charts.append(div);
    Plotly.newPlot(div, c.data, c.layout, {responsive: true, displaylogo: false});
  }
  $("status").textContent = (r.warnings || []).length ? "warnings: " + r.warnings.join("; ") : "ok";
}

async function evaluate() {
  try {
    render(await api("POST", "/api/evaluate", {yaml: $("yaml").value}));
  } catch (e) { showError(e); }
}

async function quickEdit(ev) {
  const input = ev.target;
  let value = input.value;
  if (input.dataset.field !== "start") value = Number(value);
  try {
    const r = await api("POST", "/api/edit", {yaml: $("yaml").value, path: ["deals", Number(input.dataset.deal), "tranches", Number(input.dataset.tranche), input.dataset.field], value});
    $("yaml").value = r.yaml;
    await evaluate();
  } catch (e) { showError(e); }
}

async function save() {
  const name = $("name").value.trim();
  const base = (!current.builtin && name === current.name) ? current.version : 0;
  try {
    const s = await api("PUT", "/api/scenarios/" + encodeURIComponent(name), {yaml: $("yaml").value, version: base});
    current = {name: s.name, version: s.version, builtin: false};
    $("version").textContent = s.version;
    $("status").textContent = "saved " + s.name + " v" + s.version;
    await refreshList(s.name);
  } catch (e) { showError(e); }
}

function compareChart(div, chart, prefix) {
  if (!chart) return;
  const layout = chart.layout || {};
  const title = (layout.title && layout.title.text) || "";
  Plotly.newPlot(div, chart.data, {...layout, title: {text: plotlyText(prefix) + ": " + title}}, {displaylogo: false});
}

async function compare() {
  try {
    const r = await api("POST", "/api/compare", {a: {yaml: $("yaml").value}, b: {name: $("compare-select").value}});
    const keys = Object.keys(r.a.totals);
    const table = el("table", {id: "compare-table"}, el("tbody", {},
      el("tr", {}, el("th", {}), el("th", {}, "this"), el("th", {}, r.b.name), el("th", {}, "difference")),
      ...keys.map((k) => el("tr", {}, el("th", {}, k), el("td", {class: "num"}, prec(r.a.totals[k])),
                             el("td", {class: "num"}, prec(r.b.totals[k])), el("td", {class: "num"}, prec(r.difference[k]))))));
    const a = el("div", {class: "chart", id: "compare-a"});
    const b = el("div", {class: "chart", id: "compare-b"});
    const box = $("compare");
    purgeCharts(box);
    box.replaceChildren(table, a, b);
    compareChart(a, r.a.charts[0], "this");
    compareChart(b, r.b.charts[0], r.b.name);
  } catch (e) { showError(e); }
}

// -- the world view: every deal in the ledger through the one engine (GET /api/world) ------
function showView(name) {
  const world = name === "world";
  $("scenario-view").hidden = world;
  $("world-view").hidden = !world;
  $("scenario-tab").classList.toggle("active", !world);
  $("world-tab").classList.toggle("active", world);
}

function worldTable(columns, rows, numeric) {
  const num = new Set(numeric || []);
  return el("tbody", {},
    el("tr", {}, ...columns.map((c) => el("th", {}, c))),
    ...rows.map((row) => el("tr", {}, ...row.map((v, i) => el("td", num.has(i) ? {class: "num"} : {}, v)))));
}

function renderWorld(w) {
  $("world-errors").textContent = "";
  $("world-title").textContent = w.title;
  $("world-binding").textContent = w.binding;
  $("world-summary").replaceChildren(el("tbody", {},
    ...w.summary.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, v)))));
  const charts = $("world-charts");
  purgeCharts(charts);
  charts.replaceChildren();
  for (const c of w.charts) {
    const div = el("div", {class: "chart", id: "chart-" + c.id});
    charts.append(div);
    // Buyer and vendor names come from ledger files (free text): escaped for Plotly.
    const data = c.data.map((t) => ({...t, name: plotlyText(t.name)}));
    Plotly.newPlot(div, data, c.layout, {responsive: true, displaylogo: false});
  }
  $("world-deals").replaceChildren(worldTable(w.deals.columns, w.deals.rows, w.deals.numeric));
  $("world-source").textContent = w.source;
  $("world-notes").replaceChildren(...w.notes.map((n) => el("li", {}, n)));
  $("status").textContent = "world as of " + w.as_of;
}

async function showWorld() {
  showView("world");
  const asOf = $("world-as-of").value.trim();
  $("status").textContent = "loading the world view";
  try {
    renderWorld(await api("GET", "/api/world" + (asOf ? "?as_of=" + encodeURIComponent(asOf) : "")));
  } catch (e) {
    $("world-errors").textContent = e.message;
    $("status").textContent = e.status === 401 ? e.message : "error";
  }
}

function start() {
  return refreshList().then(() => load($("scenario-select").value)).catch(showError);
}

token = storedToken();
takeTokenFromHash();
window.addEventListener("hashchange", () => { if (takeTokenFromHash()) start(); });
$("load-btn").addEventListener("click", () => load($("scenario-select").value).catch(showError));
$("evaluate-btn").addEventListener("click", evaluate);
$("save-btn").addEventListener("click", save);
$("compare-btn").addEventListener("click", compare);
$("scenario-tab").addEventListener("click", () => showView("scenario"));
$("world-tab").addEventListener("click", showWorld);
$("world-btn").addEventListener("click", showWorld);
start();
