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
let lang = "en";  // the language of labels: the API is asked for it, and the page's own strings follow (I18N)
let currency = "USD";  // the currency money is shown in: the API converts at the market file's dated rate (its `fx`)

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
const ATTRIBUTES = new Set(["id", "type", "step", "min", "max", "size", "value", "placeholder", "scope", "aria-label", "aria-expanded",
                            "aria-controls", "title"]);

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
// Every call carries the bearer token (when the page has one), the page's language and its currency.
async function api(method, path, body, signal) {
  const headers = {"content-type": "application/json"};
  if (token) headers["authorization"] = "Bearer " + token;
  const url = path + (path.includes("?") ? "&" : "?") + "lang=" + encodeURIComponent(lang) + "&currency=" + encodeURIComponent(currency);
  const res = await fetch(url, {method, headers, body: body === undefined ? undefined : JSON.stringify(body),
                                credentials: "same-origin", cache: "no-store", signal});
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

// -- the page's own strings, per language (labels of numbers come from the API in the same language)
const I18N = {
  en: {
    tagline: "multi-gigawatt AI compute build-outs", language: "Language", "tab.plan": "Plan", "tab.deal": "Deal economics",
    "tab.supply": "Supply", "tab.mc": "Monte Carlo", "tab.compare": "Compare", "tab.world": "World", views: "Views",
    scenario: "Scenario", load: "Load", save_as: "Save as", version: "version", save: "Save", quick_edit: "Quick edit",
    quick_edit_note: "Changes are written into the YAML below; its comments stay.", yaml: "Scenario (YAML)", evaluate: "Evaluate",
    for_scenario: "Scenario:", refresh: "Refresh", supply_case: "World capacity case", supply_share: "Allocable share of world supply (%)",
    mc_note: "Samples the scenario's uncertainty block; runs on the server within its work budget.", samples: "Samples", seed: "Seed",
    spot: "Share price ($)", volatility: "Volatility (%)", rate: "Risk-free rate (%)",
    market_hint: "Empty fields take the market file's latest values.",
    run: "Run", cancel: "Cancel", compare_with: "compared with", compare: "Compare", as_of: "As of", show: "Show", deals: "Deals",
    as_of_placeholder: "YYYY-MM (empty: today)", builtin: "built-in", saved: "saved",
    tranche: "Tranche", product: "Product", gw: "GW", start: "Start", ramp: "Ramp (months)",
    ok: "ok", warnings: "warnings: ", error: "error", conflict: "conflict: reload before saving", saved_as: "saved ",
    loading: "loading", running: "running {n} samples… {s} s", cancelled: "cancelled", mc_done: "{n} samples in {s} s",
    mc_stale: "Results are for an earlier version of the scenario or another language: run again.",
    world_loading: "loading the world view", world_as_of: "world as of ", deal_of: "{buyer} buys from {supplier}",
    inputs: "Inputs", no_uncertainty: "", currency: "Currency", close: "Close",
    explain_hint: "Click a number (or press Enter on it) to see where it comes from.",
    explain_open: "where {what} comes from", by_tranche: "By tranche", case_base: "base", case_low: "low", case_high: "high", explain_loading: "tracing the number", fx_usd: "Money in US dollars (nominal, as the sources give it).",
  },
  ja: {
    tagline: "ギガワット級AIコンピュート構築のモデル", language: "言語", "tab.plan": "計画", "tab.deal": "案件の経済性",
    "tab.supply": "供給", "tab.mc": "モンテカルロ", "tab.compare": "比較", "tab.world": "世界", views: "表示",
    scenario: "シナリオ", load: "読み込む", save_as: "名前を付けて保存", version: "バージョン", save: "保存", quick_edit: "クイック編集",
    quick_edit_note: "変更は下のYAMLに書き込まれ、コメントは残ります。", yaml: "シナリオ（YAML）", evaluate: "計算する",
    for_scenario: "シナリオ：", refresh: "更新", supply_case: "世界の供給能力ケース", supply_share: "配分可能な世界供給の比率（%）",
    mc_note: "シナリオの不確実性ブロックからサンプリングします。サーバーの作業上限内で実行します。", samples: "サンプル数", seed: "シード",
    spot: "株価（ドル）", volatility: "ボラティリティ（%）", rate: "無リスク金利（%）",
    market_hint: "空欄の項目は市場データファイルの最新値を使います。",
    run: "実行", cancel: "中止", compare_with: "比較対象", compare: "比較する", as_of: "時点", show: "表示", deals: "案件",
    as_of_placeholder: "YYYY-MM（空欄：今日）", builtin: "組み込み", saved: "保存済み",
    tranche: "トランシェ", product: "製品", gw: "GW", start: "開始", ramp: "立ち上げ（月）",
    ok: "完了", warnings: "警告：", error: "エラー", conflict: "競合：保存の前に読み込み直してください", saved_as: "保存しました ",
    loading: "読み込み中", running: "{n} サンプルを実行中… {s} 秒", cancelled: "中止しました", mc_done: "{n} サンプル、{s} 秒",
    mc_stale: "結果は以前のシナリオまたは別の言語のものです。もう一度実行してください。",
    world_loading: "世界全体を読み込み中", world_as_of: "世界全体：", deal_of: "{buyer} が {supplier} から購入",
    inputs: "入力", no_uncertainty: "", currency: "通貨", close: "閉じる",
    explain_hint: "数値をクリック（またはEnter）すると、その数値の出所を表示します。",
    explain_open: "{what}の出所", by_tranche: "トランシェ別", case_base: "基本", case_low: "低位", case_high: "高位", explain_loading: "数値の出所をたどっています", fx_usd: "金額は米ドル（名目、出典どおり）。",
  },
};

function T(key, fields) {
  let text = (I18N[lang] && I18N[lang][key]) || I18N.en[key] || key;
  for (const [k, v] of Object.entries(fields || {})) text = text.split("{" + k + "}").join(String(v));
  return text;
}

function applyStaticText() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = T(node.dataset.i18n);
  $("views").setAttribute("aria-label", T("views"));
  $("world-as-of").setAttribute("placeholder", T("as_of_placeholder"));
  $("lang-select").value = lang;
  $("currency-select").value = currency;
  const cur = $("currency-select");
  cur.options[0].textContent = lang === "ja" ? "米ドル $" : "USD $";
  cur.options[1].textContent = lang === "ja" ? "円 ¥" : "JPY ¥";
}

// The rate money is shown at, as the API states it (`fx`: per_usd, date, source), next to the switch.
function showFx(fx) {
  if (!fx) return;
  $("fx-note").textContent = fx.currency === "USD" ? "" : fx.text;
  $("fx-note").title = fx.currency === "USD" ? "" : fx.source || "";
}

function setStatus(text) { $("status").textContent = text; }

function showError(e, box) {
  $(box || "errors").textContent = e.message;
  setStatus(e.status === 401 ? e.message : e.status === 409 ? T("conflict") : T("error"));
}

// -- tables and charts from the API's {id, title, columns, rows, numeric} --------------------
function dataTable(t) {
  const num = new Set(t.numeric || []);
  const head = el("thead", {}, el("tr", {}, ...t.columns.map((c, i) => el("th", {scope: "col", ...(num.has(i) ? {class: "num"} : {})}, c))));
  const body = el("tbody", {}, ...t.rows.map((row) => el("tr", {}, ...row.map((v, i) =>
    i === 0 ? el("th", {scope: "row"}, v) : el("td", num.has(i) ? {class: "num"} : {}, v)))));
  const box = el("div", {class: "tbl"}, el("h3", {}, t.title), el("table", {id: t.id}, head, body));
  if (t.note) box.append(el("p", {class: "note"}, t.note));
  return box;
}

function tablesInto(container, tables) {
  const kv = el("div", {class: "kv-row"});
  const wide = [];
  for (const t of tables) (t.columns.length <= 3 ? kv : {append: (n) => wide.push(n)}).append(dataTable(t));
  container.append(...(kv.childNodes.length ? [kv] : []), ...wide);
}

// Titles and trace names may carry free text (scenario and deal names): escaped for Plotly. The
// chart takes its div's height (CSS); months on a date axis are written as the language writes them.
function plotInto(div, c, prefix) {
  const layout = {...(c.layout || {})};
  delete layout.height;
  const title = (layout.title && layout.title.text) || "";
  layout.title = {...(layout.title || {}), text: (prefix ? plotlyText(prefix) + ": " : "") + plotlyText(title)};
  const x0 = c.data && c.data[0] && c.data[0].x && c.data[0].x[0];
  if (lang === "ja" && typeof x0 === "string" && /^\d{4}-\d{2}$/.test(x0)) layout.xaxis = {...(layout.xaxis || {}), tickformat: "%Y年%m月"};
  const data = (c.data || []).map((t) => (t.name === undefined ? t : {...t, name: plotlyText(t.name)}));
  Plotly.newPlot(div, data, layout, {responsive: true, displaylogo: false});
}

function drawChart(container, c, prefix) {
  const div = el("div", {class: "chart", id: "chart-" + c.id});
  container.append(div);
  plotInto(div, c, prefix);
  return div;
}

// All the divs first, then the plots: each is drawn at its final width in the grid.
function chartsInto(container, charts) {
  purgeCharts(container);
  const divs = (charts || []).map((c) => el("div", {class: "chart", id: "chart-" + c.id}));
  container.replaceChildren(...divs);
  (charts || []).forEach((c, i) => plotInto(divs[i], c));
}

// -- the scenario list, the plan view -------------------------------------------------------
async function refreshList(select) {
  const s = await api("GET", "/api/scenarios");
  for (const sel of [$("scenario-select"), $("compare-select")]) {
    const keep = sel.value;
    sel.replaceChildren();
    for (const n of s.builtin) sel.add(new Option(T("builtin") + ": " + n, n));
    for (const n of s.saved) sel.add(new Option(T("saved") + ": " + n.name + " (v" + n.version + ")", n.name));
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

function trancheInput(cls, x, field, props, label) {
  return el("input", {class: cls, value: x[field], "aria-label": label, data: {deal: x.deal, tranche: x.tranche, field}, ...props});
}

let scenarioName = "";

function render(r) {
  $("errors").textContent = "";
  scenarioName = r.name;
  $("title").textContent = r.title || r.name;
  for (const n of document.querySelectorAll(".scenario-name")) n.textContent = r.name;
  // The headline rows come labelled and formatted from the server (the same list as `plan` and the report), in two columns.
  const rows = r.headline_rows || [];
  const half = Math.ceil(rows.length / 2);
  // A headline figure that is a registered output is a button: it opens the chain behind it (the explain panel).
  $("headline").replaceChildren(...[rows.slice(0, half), rows.slice(half)].map((part) => el("table", {}, el("tbody", {},
    ...part.map((x) => el("tr", {}, el("th", {scope: "row"}, x.label), el("td", {class: "num", id: "headline-" + x.id},
      x.explain ? explainButton(x.explain.field, x.explain.role, 0, x.text, x.label) : x.text)))))));
  explainTranches = r.tranches || [];

  const cols = [T("tranche"), T("product"), T("gw"), T("start"), T("ramp")];
  const head = el("tr", {}, ...cols.map((h) => el("th", {scope: "col"}, h)));
  const body = el("tbody", {}, head);
  for (const x of r.tranches) {
    const name = (x.label == null ? x.product : x.label) + " ";
    body.append(el("tr", {},
      el("td", {}, x.label == null ? "" : x.label),
      el("td", {}, x.product),
      el("td", {}, trancheInput("tranche-gw", x, "gw", {type: "number", step: "0.1", min: "0.01"}, name + cols[2])),
      el("td", {}, trancheInput("tranche-start", x, "start", {size: 8}, name + cols[3])),
      el("td", {}, trancheInput("tranche-ramp", x, "ramp_months", {type: "number", min: "0"}, name + cols[4]))));
  }
  // Per tranche: facility MW, accelerators, capex, each a button that opens its chain for that tranche.
  const figureCols = ((r.tranches || [])[0] || {figures: []}).figures.map((f) => f.label);
  $("tranche-figures").replaceChildren(el("h3", {}, T("by_tranche")), el("table", {id: "tranche-figures-table"},
    el("thead", {}, el("tr", {}, el("th", {scope: "col"}, T("tranche")), ...figureCols.map((c) => el("th", {scope: "col", class: "num"}, c)))),
    el("tbody", {}, ...(r.tranches || []).map((x) => {
      const name = (x.index + 1) + ": " + (x.label == null ? x.product : x.label);
      return el("tr", {}, el("th", {scope: "row"}, name),
        ...x.figures.map((f) => el("td", {class: "num"}, explainButton(f.field, f.role, x.index, f.text, name + " " + f.label))));
    }))));
  const tr = $("tranches");
  tr.replaceChildren(body);
  for (const input of tr.querySelectorAll("input")) input.addEventListener("change", quickEdit);

  chartsInto($("charts"), r.charts);
  $("chart-notes").replaceChildren(...(r.chart_notes || []).map((n) => el("li", {}, n)));
  showFx(r.fx);
  if (explainOpen && explainOpen.tranche >= explainTranches.length) closeExplain();
  else if (explainOpen) openExplain(explainOpen.field, explainOpen.role, explainOpen.tranche, null);  // again, in the new language or currency
  setStatus((r.warnings || []).length ? T("warnings") + r.warnings.join("; ") : T("ok"));
}

// -- the explain panel: where one number comes from (POST /api/explain), for one tranche ----------
let explainTranches = [];  // the scenario's tranches (index, label), for the panel's tranche choice
let explainOpen = null;    // {field, role, tranche} of the number the panel shows
let explainFrom = null;    // the button that opened it (focus returns there on close)

function explainButton(field, role, tranche, text, label) {
  const b = el("button", {class: "explain-btn", type: "button", "aria-controls": "explain-panel", "aria-expanded": "false",
                          "aria-label": text + " — " + T("explain_open", {what: label}), title: T("explain_open", {what: label})}, text);
  b.dataset.field = field;
  b.dataset.role = role;
  b.dataset.tranche = String(tranche);
  b.addEventListener("click", () => openExplain(field, role, tranche, b));
  return b;
}

async function openExplain(field, role, tranche, button) {
  if (button) explainFrom = button;
  explainOpen = {field, role, tranche};
  for (const b of document.querySelectorAll(".explain-btn")) {
    b.setAttribute("aria-expanded", b.dataset.field === field && b.dataset.tranche === String(tranche) ? "true" : "false");
  }
  const panel = $("explain-panel");
  panel.hidden = false;
  $("explain-errors").textContent = "";
  const sel = $("explain-tranche");
  sel.replaceChildren(...explainTranches.map((t) => new Option((t.index + 1) + ": " + (t.label == null ? t.product : t.label), String(t.index))));
  sel.value = String(tranche);
  setStatus(T("explain_loading"));
  try {
    const r = await api("POST", "/api/explain?view=true", {yaml: $("yaml").value, field, role, tranche});
    const v = r.view;
    $("explain-title").textContent = v.title;
    $("explain-note").textContent = r.fx && r.fx.currency !== "USD" ? r.fx.text : "";
    $("explain-lines").replaceChildren(...v.lines.map((l) => {
      const depth = "d" + Math.min(l.depth, 8);
      if (l.text !== undefined) return el("li", {class: "origin " + depth}, l.text);
      const parts = [el("span", {class: "what"}, l.label), " = ", el("span", {class: "val"}, l.value)];
      if (l.formula) parts.push(el("span", {class: "formula"}, lang === "ja" ? "（" + l.formula + "）" : "  (" + l.formula + ")"));
      return el("li", {class: (l.kind === "repeated" ? "repeated " : "") + depth}, ...parts);
    }));
    setStatus(T("ok"));
    if (button) $("explain-title").focus();
  } catch (e) { showError(e, "explain-errors"); }
}

function closeExplain() {
  $("explain-panel").hidden = true;
  explainOpen = null;
  for (const b of document.querySelectorAll(".explain-btn")) b.setAttribute("aria-expanded", "false");
  if (explainFrom && document.body.contains(explainFrom)) explainFrom.focus();
  explainFrom = null;
}

async function evaluate() {
  try {
    render(await api("POST", "/api/evaluate", {yaml: $("yaml").value}));
    if (activeView !== "scenario") await showView(activeView);
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
    setStatus(T("saved_as") + s.name + " v" + s.version);
    await refreshList(s.name);
  } catch (e) { showError(e); }
}

// -- the analysis tabs: each fetches for the scenario in the editor, again when it or the language changed
const shown = {};  // view -> the (YAML, language, options) its content was made for
function stateKey(extra) { return lang + "/" + currency + "\u0000" + $("yaml").value + "\u0000" + (extra || ""); }

// Market inputs of the deal tab: empty fields are left to the market file.
function marketInputs() {
  const num = (id, scale) => { const v = $(id).value.trim(); return v === "" ? undefined : Number(v) / scale; };
  const out = {spot_usd: num("deal-spot", 1), volatility: num("deal-vol", 100), rate: num("deal-rate", 100)};
  const asOf = $("deal-as-of").value.trim();
  if (asOf) out.as_of = asOf;
  return out;
}

async function showDeal(force) {
  const market = marketInputs();
  const key = stateKey(JSON.stringify(market));
  if (!force && shown.deal === key) return;
  $("deal-errors").textContent = "";
  setStatus(T("loading"));
  try {
    const r = await api("POST", "/api/deal", {yaml: $("yaml").value, ...market});
    const box = $("deal-body");
    purgeCharts(box);
    box.replaceChildren();
    for (const d of r.deals) {
      const part = el("div", {class: "deal"}, el("h3", {}, d.name + " — " + T("deal_of", {buyer: d.buyer, supplier: d.supplier})));
      if (d.note) part.append(el("p", {class: "note"}, d.note));
      tablesInto(part, d.tables);
      const charts = el("div", {class: "charts"});
      part.append(charts);
      box.append(part);
      chartsInto(charts, d.charts);
    }
    $("deal-notes").replaceChildren(...r.notes.map((n) => el("li", {}, n)));
    shown.deal = key;
    setStatus(T("ok"));
  } catch (e) { showError(e, "deal-errors"); }
}

function supplyOptions() {
  const share = $("supply-share").value.trim();
  const body = {yaml: $("yaml").value, case: $("supply-case").value};
  if (share !== "") body.share = Number(share) / 100;
  return body;
}

async function showSupply(force) {
  const body = supplyOptions();
  const key = stateKey(body.case + "/" + body.share);
  if (!force && shown.supply === key) return;
  $("supply-errors").textContent = "";
  setStatus(T("loading"));
  try {
    const r = await api("POST", "/api/supply", body);
    $("supply-binding").textContent = r.binding_text;
    chartsInto($("supply-charts"), r.charts);
    const tables = $("supply-tables");
    tables.replaceChildren();
    tablesInto(tables, r.tables);
    $("supply-notes").replaceChildren(...r.notes.map((n) => el("li", {}, n)));
    shown.supply = key;
    setStatus(T("ok"));
  } catch (e) { showError(e, "supply-errors"); }
}

// The Monte Carlo runs on demand: a progress bar and the elapsed time while the server works
// (the request is one call; Cancel aborts it, and the server stops the run when the client leaves).
let mcAbort = null;

async function runMc() {
  if (mcAbort) return;
  const samples = Number($("mc-samples").value) || 2000, seed = Number($("mc-seed").value) || 0;
  const ctrl = new AbortController();
  mcAbort = ctrl;
  const started = Date.now();
  const tick = () => {
    const text = T("running", {n: samples.toLocaleString("en-US"), s: ((Date.now() - started) / 1000).toFixed(1)});
    $("mc-progress-text").textContent = text;
    setStatus(text);
  };
  tick();
  const timer = setInterval(tick, 200);
  $("mc-errors").textContent = "";
  $("mc-progress").hidden = false;
  $("mc-cancel").hidden = false;
  $("mc-btn").disabled = true;
  try {
    const r = await api("POST", "/api/mc", {yaml: $("yaml").value, samples, seed}, ctrl.signal);
    const tables = $("mc-tables");
    tables.replaceChildren();
    tablesInto(tables, r.valuation ? [r.valuation, r.table] : [r.table]);
    chartsInto($("mc-charts"), r.charts);
    shown.mc = stateKey();
    setStatus(T("mc_done", {n: r.samples.toLocaleString("en-US"), s: ((Date.now() - started) / 1000).toFixed(1)}));
  } catch (e) {
    if (ctrl.signal.aborted) setStatus(T("cancelled"));
    else showError(e, "mc-errors");
  } finally {
    clearInterval(timer);
    mcAbort = null;
    $("mc-progress").hidden = true;
    $("mc-cancel").hidden = true;
    $("mc-btn").disabled = false;
  }
}

function showMc() {
  if (shown.mc && shown.mc !== stateKey() && $("mc-tables").childNodes.length) {
    $("mc-errors").textContent = T("mc_stale");
  }
}

async function compare() {
  $("compare-errors").textContent = "";
  try {
    const r = await api("POST", "/api/compare", {a: {yaml: $("yaml").value}, b: {name: $("compare-select").value}});
    const t = r.table;
    const num = new Set(t.numeric);
    const table = el("table", {id: "compare-table"},
      el("thead", {}, el("tr", {}, ...r.columns.map((c, i) => el("th", {scope: "col", ...(num.has(i) ? {class: "num"} : {})}, c)))),
      el("tbody", {}, ...r.rows.map((row) => el("tr", {data: {key: row.key}}, el("th", {scope: "row"}, row.cells[0]),
        ...row.cells.slice(1).map((v) => el("td", {class: "num"}, v))))));
    const a = el("div", {class: "chart", id: "compare-a"});
    const b = el("div", {class: "chart", id: "compare-b"});
    const box = $("compare");
    purgeCharts(box);
    box.replaceChildren(el("h3", {}, r.title), table, el("p", {class: "note"}, r.note), dataTable(r.inputs), el("div", {class: "charts"}, a, b));
    if (r.a.charts[0]) plotInto(a, r.a.charts[0], r.a.name);
    if (r.b.charts[0]) plotInto(b, r.b.charts[0], r.b.name);
    shown.compare = stateKey($("compare-select").value);
  } catch (e) { showError(e, "compare-errors"); }
}

// -- the world view: every deal in the ledger through the one engine (GET /api/world) ------
function worldTable(columns, rows, numeric) {
  const num = new Set(numeric || []);
  return el("tbody", {},
    el("tr", {}, ...columns.map((c) => el("th", {scope: "col"}, c))),
    ...rows.map((row) => el("tr", {}, ...row.map((v, i) => el("td", num.has(i) ? {class: "num"} : {}, v)))));
}

function renderWorld(w) {
  $("world-errors").textContent = "";
  $("world-title").textContent = w.title;
  $("world-binding").textContent = w.binding;
  $("world-summary").replaceChildren(el("tbody", {},
    ...w.summary.map(([k, v]) => el("tr", {}, el("th", {scope: "row"}, k), el("td", {}, v)))));
  chartsInto($("world-charts"), w.charts);
  $("world-deals").replaceChildren(worldTable(w.deals.columns, w.deals.rows, w.deals.numeric));
  $("world-source").textContent = w.source;
  $("world-notes").replaceChildren(...w.notes.map((n) => el("li", {}, n)));
  setStatus(T("world_as_of") + w.as_of);
}

async function showWorld(force) {
  const asOf = $("world-as-of").value.trim();
  const key = lang + "/" + currency + "/" + asOf;
  if (!force && shown.world === key) return;
  setStatus(T("world_loading"));
  try {
    renderWorld(await api("GET", "/api/world" + (asOf ? "?as_of=" + encodeURIComponent(asOf) : "")));
    shown.world = key;
  } catch (e) {
    $("world-errors").textContent = e.message;
    setStatus(e.status === 401 ? e.message : T("error"));
  }
}

// -- tabs: buttons in a tablist; click, or arrow keys / Home / End on the focused tab ---------
const VIEWS = ["scenario", "deal", "supply", "mc", "compare", "world"];
const SHOW = {scenario: () => {}, deal: () => showDeal(false), supply: () => showSupply(false), mc: showMc, compare: () => {},
              world: () => showWorld(false)};
let activeView = "scenario";

function selectTab(name) {
  activeView = name;
  for (const v of VIEWS) {
    const on = v === name;
    $(v + "-view").hidden = !on;
    const tab = $(v + "-tab");
    tab.classList.toggle("active", on);
    tab.setAttribute("aria-selected", on ? "true" : "false");
  }
}

async function showView(name) {
  selectTab(name);
  await SHOW[name]();
}

function onTabKey(ev) {
  const i = VIEWS.indexOf(ev.currentTarget.dataset.view);
  const next = {ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: VIEWS.length - 1}[ev.key];
  if (next === undefined) return;
  ev.preventDefault();
  const name = VIEWS[(next + VIEWS.length) % VIEWS.length];
  $(name + "-tab").focus();
  showView(name);
}

async function setLanguage(value) {
  lang = value === "ja" ? "ja" : "en";
  try { sessionStorage.setItem("gigawatt-lang", lang); } catch (e) { /* storage disabled */ }
  applyStaticText();
  await refreshList().catch(() => {});
  await evaluate();  // the plan again, then the open tab in the new language
}

async function setCurrency(value) {
  currency = value === "JPY" ? "JPY" : "USD";
  try { sessionStorage.setItem("gigawatt-currency", currency); } catch (e) { /* storage disabled */ }
  applyStaticText();
  await evaluate();  // the plan again, then the open tab, in the new currency
}

function start() {
  return refreshList().then(() => load($("scenario-select").value)).catch(showError);
}

token = storedToken();
takeTokenFromHash();
try { lang = sessionStorage.getItem("gigawatt-lang") === "ja" ? "ja" : "en"; } catch (e) { lang = "en"; }
try { currency = sessionStorage.getItem("gigawatt-currency") === "JPY" ? "JPY" : "USD"; } catch (e) { currency = "USD"; }
applyStaticText();
window.addEventListener("hashchange", () => { if (takeTokenFromHash()) start(); });
$("load-btn").addEventListener("click", () => load($("scenario-select").value).catch(showError));
$("evaluate-btn").addEventListener("click", evaluate);
$("save-btn").addEventListener("click", save);
$("compare-btn").addEventListener("click", compare);
$("deal-btn").addEventListener("click", () => showDeal(true));
$("supply-btn").addEventListener("click", () => showSupply(true));
$("mc-btn").addEventListener("click", runMc);
$("mc-cancel").addEventListener("click", () => { if (mcAbort) mcAbort.abort(); });
$("world-btn").addEventListener("click", () => showWorld(true));
$("lang-select").addEventListener("change", (ev) => setLanguage(ev.target.value));
$("currency-select").addEventListener("change", (ev) => setCurrency(ev.target.value));
$("explain-close").addEventListener("click", closeExplain);
$("explain-tranche").addEventListener("change", (ev) => { if (explainOpen) openExplain(explainOpen.field, explainOpen.role, Number(ev.target.value), null); });
$("explain-panel").addEventListener("keydown", (ev) => { if (ev.key === "Escape") { ev.preventDefault(); closeExplain(); } });
for (const v of VIEWS) {
  const tab = $(v + "-tab");
  tab.addEventListener("click", () => showView(v));
  tab.addEventListener("keydown", onTabKey);
}
start();
