// The gigawatt page: every number comes from the API; this file only moves data around.
const $ = (id) => document.getElementById(id);
let current = {name: null, version: 0, builtin: true};

async function api(method, path, body) {
  const res = await fetch(path, {method, headers: {"content-type": "application/json"}, body: body ? JSON.stringify(body) : undefined});
  const data = res.status === 204 ? {} : await res.json();
  if (!res.ok) {
    const err = new Error(data.error || (data.detail && JSON.stringify(data.detail)) || res.statusText);
    err.status = res.status; err.problems = data.problems || [];
    throw err;
  }
  return data;
}

function showError(e) {
  const lines = [e.message];
  $("errors").textContent = lines.join("\n");
  $("status").textContent = e.status === 409 ? "conflict: reload before saving" : "error";
}

function fmtUsd(x) {
  const a = Math.abs(x);
  for (const [d, s] of [[1e12, "T"], [1e9, "B"], [1e6, "M"]]) if (a >= d) return "$" + (x / d).toFixed(1) + s;
  return "$" + x.toFixed(0);
}

async function refreshList(select) {
  const s = await api("GET", "/api/scenarios");
  for (const sel of [$("scenario-select"), $("compare-select")]) {
    const keep = sel.value;
    sel.innerHTML = "";
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

function render(r) {
  $("errors").textContent = "";
  $("title").textContent = r.title || r.name;
  const t = r.totals;
  const rows = [["GW (facility)", t.gw.toFixed(2), "total-gw"], ["GW (IT)", t.gw_it.toFixed(2), "total-gw-it"],
    ["Accelerators", Math.round(t.accelerators).toLocaleString("en-US"), "total-accelerators"],
    ["Capex, bottom-up", fmtUsd(t.capex_usd), "total-capex"], ["Capex, top-down", fmtUsd(t.capex_topdown_usd), "total-capex-topdown"],
    ["Energy at full build-out", t.energy_twh_per_year.toFixed(1) + " TWh/yr", "total-energy"],
    ["PV of capex + opex", fmtUsd(t.npv_cost_usd), "total-npv"]];
  $("headline").innerHTML = rows.map(([k, v, id]) => `<tr><th>${k}</th><td class="num" id="${id}">${v}</td></tr>`).join("");
  const tr = $("tranches");
  tr.innerHTML = "<tr><th>Tranche</th><th>Product</th><th>GW</th><th>Start</th><th>Ramp (months)</th></tr>";
  for (const x of r.tranches) {
    const row = tr.insertRow();
    row.innerHTML = `<td>${x.label}</td><td>${x.product}</td>` +
      `<td><input class="tranche-gw" type="number" step="0.1" min="0.01" value="${x.gw}" data-deal="${x.deal}" data-tranche="${x.tranche}" data-field="gw"></td>` +
      `<td><input class="tranche-start" value="${x.start}" size="8" data-deal="${x.deal}" data-tranche="${x.tranche}" data-field="start"></td>` +
      `<td><input class="tranche-ramp" type="number" min="0" value="${x.ramp_months}" data-deal="${x.deal}" data-tranche="${x.tranche}" data-field="ramp_months"></td>`;
  }
  for (const input of tr.querySelectorAll("input")) input.addEventListener("change", quickEdit);
  const charts = $("charts");
  charts.innerHTML = "";
  for (const c of r.charts) {
    const div = document.createElement("div");
    div.className = "chart"; div.id = "chart-" + c.id;
    charts.appendChild(div);
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
  const el = ev.target;
  let value = el.value;
  if (el.dataset.field !== "start") value = Number(value);
  try {
    const r = await api("POST", "/api/edit", {yaml: $("yaml").value, path: ["deals", Number(el.dataset.deal), "tranches", Number(el.dataset.tranche), el.dataset.field], value});
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

async function compare() {
  try {
    const r = await api("POST", "/api/compare", {a: {yaml: $("yaml").value}, b: {name: $("compare-select").value}});
    const keys = Object.keys(r.a.totals);
    $("compare").innerHTML = "<table id='compare-table'><tr><th></th><th>this</th><th>" + r.b.name + "</th><th>difference</th></tr>" +
      keys.map(k => `<tr><th>${k}</th><td class="num">${r.a.totals[k].toPrecision(4)}</td><td class="num">${r.b.totals[k].toPrecision(4)}</td>` +
        `<td class="num">${r.difference[k].toPrecision(4)}</td></tr>`).join("") + "</table><div class='chart' id='compare-a'></div><div class='chart' id='compare-b'></div>";
    Plotly.newPlot("compare-a", r.a.charts[0].data, {...r.a.charts[0].layout, title: {text: "this: " + r.a.charts[0].layout.title.text}});
    Plotly.newPlot("compare-b", r.b.charts[0].data, {...r.b.charts[0].layout, title: {text: r.b.name + ": " + r.b.charts[0].layout.title.text}});
  } catch (e) { showError(e); }
}

$("load-btn").addEventListener("click", () => load($("scenario-select").value).catch(showError));
$("evaluate-btn").addEventListener("click", evaluate);
$("save-btn").addEventListener("click", save);
$("compare-btn").addEventListener("click", compare);
refreshList().then(() => load($("scenario-select").value)).catch(showError);
