// The province page: reads /v1/province and draws tables and charts. Served by the hub
// under its own CSP (scripts from the hub only, no inline code).
"use strict";

const $ = (id) => document.getElementById(id);
const charts = {};

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text === undefined || text === null ? "" : String(text);
  if (cls) td.className = cls;
  return td;
}

function fill(tableId, rows) {
  const body = $(tableId).querySelector("tbody");
  body.replaceChildren(
    ...rows.map((cells) => {
      const tr = document.createElement("tr");
      tr.append(...cells);
      return tr;
    }),
  );
}

function wan(yuan) {
  return Math.round(Number(yuan || 0) / 100) / 100;
}

function chart(id, option) {
  if (!window.echarts) return;
  if (!charts[id]) charts[id] = window.echarts.init($(id));
  // A report, not a show: drawn at once (and a screenshot shows the real bars).
  charts[id].setOption({ animation: false, ...option }, true);
}

function ratioChart(id, lines, line) {
  chart(id, {
    tooltip: {},
    grid: { left: 40, right: 16, top: 16, bottom: 60 },
    xAxis: { type: "category", data: lines.map((l) => `${l.city_zh} ${l.name || l.code}`), axisLabel: { rotate: 30 } },
    yAxis: { type: "value", name: "%" },
    series: [
      {
        type: "bar",
        data: lines.map((l) => ({ value: Number(l.percent || 0), itemStyle: { color: l.over_line ? "#f56c6c" : "#409eff" } })),
      },
      // The line itself as a flat series (ECharts' small build has no markLine).
      {
        type: "line",
        name: `${line}%`,
        data: lines.map(() => line),
        symbol: "none",
        lineStyle: { color: "#e6a23c", type: "dashed" },
      },
    ],
  });
}

// Signed out (or the session ended): the form instead of the figures.
function askToSignIn() {
  $("figures").hidden = true;
  $("sign-out").hidden = true;
  $("who").textContent = "";
  $("sign-in").hidden = false;
  $("username").focus();
}

async function load(period) {
  const url = period ? `/v1/province?period=${encodeURIComponent(period)}` : "/v1/province";
  const res = await fetch(url, { credentials: "same-origin" });
  if (res.status === 401) return askToSignIn();
  const v = await res.json();
  if (!res.ok) throw new Error(`${v.message_zh} / ${v.message_en}`);
  $("sign-in").hidden = true;
  $("figures").hidden = false;
  $("sign-out").hidden = false;
  const select = $("period");
  if (select.options.length !== v.periods.length) {
    select.replaceChildren(...v.periods.map((p) => new Option(p, p)));
  }
  select.value = v.period;
  $("xlsx").href = `/v1/province.xlsx?period=${encodeURIComponent(v.period)}`;
  $("reported-count").textContent = `${v.reported} / ${v.expected}`;
  $("stop-line").textContent = v.stop_line_percent;
  $("npl-line").textContent = v.npl_limit_percent;
  fill(
    "reporting",
    v.reporting.map((r) => [
      cell(r.name),
      cell(r.city_zh),
      r.reported ? cell("已报送 reported", "ok") : cell("未报送 missing", "missing"),
      cell(r.revision),
      cell(r.received_at),
    ]),
  );
  fill(
    "by-city",
    v.by_city.map((l) => [
      cell(l.city_zh),
      cell(l.figures.applications || 0, "num"),
      cell(l.figures.approved || 0, "num"),
      cell(l.figures.disbursed_amount || "0.00", "num"),
      cell(l.figures.balance || "0.00", "num"),
      cell(l.figures.guarantee_received || "0.00", "num"),
      cell(l.figures.claims_paid_amount || "0.00", "num"),
    ]),
  );
  fill(
    "loss",
    v.loss_ratios.map((l) => [
      cell(l.city_zh),
      cell(l.name || l.code),
      cell(l.percent === null ? "—" : l.percent, "num"),
      l.over_line ? cell("达到止损线 stop", "over") : cell("正常 ok", "ok"),
    ]),
  );
  fill(
    "npl",
    v.npl.map((l) => [
      cell(l.city_zh),
      cell(l.name || l.code),
      cell(l.percent === null ? "—" : l.percent, "num"),
      l.over_line ? cell("超过 2% over", "over") : cell("豁免 exempt", "ok"),
    ]),
  );
  ratioChart("loss-chart", v.loss_ratios, v.stop_line_percent);
  ratioChart("npl-chart", v.npl, v.npl_limit_percent);
  const names = {
    disbursed_amount: "放款",
    balance: "余额",
    guarantee_received: "实收保费",
    claims_paid_amount: "已付赔款",
  };
  chart("trend-chart", {
    tooltip: { trigger: "axis" },
    legend: {},
    grid: { left: 60, right: 16, top: 40, bottom: 30 },
    xAxis: { type: "category", data: v.trend.map((t) => t.period) },
    yAxis: { type: "value" },
    series: Object.keys(names).map((k) => ({
      name: names[k],
      type: "line",
      data: v.trend.map((t) => wan(t.figures[k])),
    })),
  });
  document.body.dataset.loaded = v.period;
}

function show(err) {
  const e = $("error");
  e.hidden = false;
  e.textContent = String(err.message || err);
}

async function signIn(ev) {
  ev.preventDefault();
  const message = $("sign-in-error");
  message.textContent = "";
  const res = await fetch("/v1/session", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: $("username").value, password: $("password").value }),
  });
  const v = await res.json();
  if (!res.ok) {
    message.textContent = `${v.message_zh}（${v.message_en}）`;
    return;
  }
  $("password").value = "";
  $("who").textContent = v.reader.display_name;
  await load(new URLSearchParams(location.search).get("period"));
}

async function signOut() {
  await fetch("/v1/session", { method: "DELETE", credentials: "same-origin" });
  askToSignIn();
}

async function whoAmI() {
  const res = await fetch("/v1/session", { credentials: "same-origin" });
  if (res.ok) $("who").textContent = (await res.json()).reader.display_name;
}

window.addEventListener("DOMContentLoaded", () => {
  $("period").addEventListener("change", (ev) => load(ev.target.value).catch(show));
  $("sign-in").addEventListener("submit", (ev) => signIn(ev).catch((e) => ($("sign-in-error").textContent = String(e.message || e))));
  $("sign-out").addEventListener("click", () => signOut().catch(show));
  whoAmI().catch(() => {});
  load(new URLSearchParams(location.search).get("period")).catch(show);
});
