// innoscope dashboard: every number comes from the JSON API (/api/*), which calls innoscope.build.
// All text from data files is inserted with textContent (never innerHTML); labels given to
// Plotly are HTML-escaped so they show literally.
(function () {
  "use strict";
  var I18N = {
    zh: {map: "全国城市分布图（省级界线为示意；颜色随排名依据，悬停看各分项排名）", find_city: "查找城市", longitude: "经度", latitude: "纬度", dataset: "数据集", language: "语言", normalise: "标准化", aggregate: "聚合", rank_by: "排名依据", reset: "重置",
      dl_report: "下载报告", upload: "导入数据（iData 表 CSV/xlsx，或城市引用数据 CSV）", import: "导入", weights: "权重", entities: "城市/实体",
      all: "全选", none: "全不选", rank: "排名", name: "名称", score: "得分", change: "变化", comparison: "城市对比",
      pillar: "分项", difference: "差值", leader: "领先者", index: "总指数", recomputed: "重新计算用时",
      ranking: "排名", leads: "{a} 在 {na} 个分项领先，{b} 在 {nb} 个分项领先。", uploaded: "已导入", loading: "计算中…", indicators: "指标权重",
      how_sure: "排名有多确定？（蒙特卡洛）", runs: "模拟次数", run: "运行", median_rank: "排名中位数", interval: "90% 区间",
      p_outrank: "{a} 排名高于 {b} 的概率", varied: "变动", runs_in: "次模拟，用时",
      indicator: "指标", contribution: "贡献（分）", share_of_gap: "占差距", gap_title: "差距从何而来：{a} − {b} = {d} 分",
      gap_note: "各指标对总指数差距的贡献（权重 × 标准化得分之差），合计等于差距；标 * 的指标在两城总指数中的权重不同（一方缺少该数值或整个分项）。",
      profile: "城市画像（点击排名表中的城市）", median: "中位数", strengths: "优势", weaknesses: "短板", value: "数值",
      year: "年份", flags: "标记", source: "来源", of: "共", source_note: "鼠标悬停在来源上可查看原文摘录。",
      which_choice: "哪个选择最要紧？（Sobol 敏感性分析）", run_sobol: "运行 Sobol（N = 256）", choice: "选择",
      sa_note: "S1：该选择单独解释的排名变动方差占比；ST：连同与其他选择的交互作用；方括号内为 90% 区间。最后两列：各城市自身排名的 ST。"},
    en: {map: "Map of the cities (province outlines for orientation; colour follows Rank by, hover for every pool)",
      find_city: "Find a city", longitude: "Longitude",
      latitude: "Latitude", dataset: "Data set", language: "Language", normalise: "Normalise", aggregate: "Aggregate", rank_by: "Rank by",
      reset: "Reset", dl_report: "Download report", upload: "Import data (iData CSV/xlsx, or cited city CSV)", import: "Import",
      weights: "Weights", entities: "Entities", all: "All", none: "None", rank: "Rank", name: "Name", score: "Score",
      change: "Change", comparison: "Comparison", pillar: "Pillar", difference: "Difference", leader: "Leader",
      index: "Index", recomputed: "recomputed in", ranking: "Ranking",
      leads: "{a} leads in {na} pillars, {b} in {nb}.", uploaded: "imported", loading: "computing…", indicators: "indicator weights",
      how_sure: "How sure is the ranking? (Monte Carlo)", runs: "Runs", run: "Run", median_rank: "Median rank",
      interval: "90% interval", p_outrank: "P({a} outranks {b})", varied: "varied", runs_in: "runs in",
      indicator: "Indicator", contribution: "Contribution (points)", share_of_gap: "Share of gap",
      gap_title: "Where the gap comes from: {a} − {b} = {d} points",
      gap_note: "Each indicator's contribution to the index gap (weight x difference of normalised scores); they add up to the gap. * the two weigh it differently in the index (one lacks the value or the whole pillar).",
      profile: "Profile (click a row of the ranking)", median: "Median", strengths: "Strengths", weaknesses: "Weaknesses",
      value: "Value", year: "Year", flags: "Flags", source: "Source", of: "of",
      source_note: "Hover over a source to read the excerpt it was taken from.",
      which_choice: "Which choice matters most? (Sobol sensitivity)", run_sobol: "Run Sobol (N = 256)", choice: "Choice",
      sa_note: "S1: share of the variance of the rank shift explained by the choice alone; ST: with its interactions; 90% intervals in brackets. The last two columns: ST on each city's own rank."}
  };
  var FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, Helvetica, Arial, sans-serif";
  var state = {meta: null, weights: {}, base: {}, lang: "zh", seq: 0, shown: 0, baseRanks: {}, timer: null,
    uncOn: false, uncSeq: 0, profSeq: 0, saSeq: 0};
  var $ = function (id) { return document.getElementById(id); };

  function tr(key) { return (I18N[state.lang] || I18N.zh)[key] || key; }
  var INPUTS = {zh: {Weights: "权重", Normalisation: "标准化", Aggregation: "聚合", Imputation: "插补",
    Treatment: "异常值处理", Winmax: "缩尾上限", Exclusion: "剔除指标"}};
  function inputName(name) { return ((INPUTS[state.lang] || {})[name]) || name; }
  function esc(s) { return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
  function fmt(x, d) { return (x === null || x === undefined) ? "–" : Number(x).toFixed(d === undefined ? 2 : d); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function nodeName(code) {
    var n = state.meta.byCode[code];
    if (!n) return code;
    return (state.lang === "zh" ? (n.name_zh || n.name_en) : (n.name_en || n.name_zh)) || code;
  }
  function entityName(code) {
    var e = state.meta.entityByCode[code];
    return e ? ((state.lang === "en" && e.name_en) || e.name) : code;
  }

  function api(path, body) {
    var opts = body === undefined ? {} : {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
    return fetch(path, opts).then(function (r) {
      if (r.ok) return r;
      return r.json().catch(function () { return {detail: r.status + " " + r.statusText}; }).then(function (j) {
        var d = j.detail;
        if (Array.isArray(d)) d = d.map(function (x) { return (x.loc || []).join(".") + ": " + x.msg; }).join("\n");
        throw new Error(String(d));
      });
    });
  }

  function applyI18n() {
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach(function (e) { e.textContent = tr(e.getAttribute("data-i18n")); });
  }

  function whatIf() {
    var w = {};
    Object.keys(state.weights).forEach(function (k) { if (state.weights[k] !== state.base[k]) w[k] = state.weights[k]; });
    var ents = [];
    document.querySelectorAll("#entities input").forEach(function (c) { if (c.checked) ents.push(c.value); });
    var all = ents.length === state.meta.entities.length;
    return {dataset: state.meta.dataset, weights: w, normalise: $("normalise").value, aggregate: $("aggregate").value,
      entities: all ? null : ents, lang: state.lang};
  }

  function setStatus(kind, text) {
    var s = $("status");
    s.dataset.state = kind;
    s.textContent = text;
  }

  // -- building the controls -------------------------------------------------------------------
  function fillSelect(sel, items, value) {
    sel.replaceChildren();
    items.forEach(function (it) {
      var o = el("option", it[1]);
      o.value = it[0];
      sel.appendChild(o);
    });
    if (value !== undefined) sel.value = value;
  }

  function buildSliders() {
    var box = $("sliders");
    box.replaceChildren();
    var m = state.meta;
    function add(parent, n, depth) {
      var row = el("div", null, "slider l" + depth);
      var lab = el("label", nodeName(n.code));
      lab.title = n.code;
      var inp = document.createElement("input");
      inp.type = "range"; inp.min = "0"; inp.max = String(Math.max(5, 2 * n.weight)); inp.step = "0.1";
      inp.value = String(n.weight); inp.dataset.code = n.code; inp.id = "w-" + n.code;
      lab.htmlFor = inp.id;
      var v = el("span", fmt(n.weight, 1), "v");
      inp.addEventListener("input", function () {
        state.weights[n.code] = Number(inp.value);
        v.textContent = fmt(inp.value, 1);
        schedule();
      });
      row.appendChild(lab); row.appendChild(inp); row.appendChild(v);
      parent.appendChild(row);
    }
    function walk(code, parent, depth) {
      m.children[code].forEach(function (c) {
        var n = m.byCode[c];
        if (n.kind === "indicator") return;
        add(parent, n, depth);
        var kids = m.children[c];
        if (kids.length && m.byCode[kids[0]].kind === "indicator") {
          var det = el("details");
          det.appendChild(el("summary", nodeName(c) + " · " + tr("indicators")));
          kids.forEach(function (k) { add(det, m.byCode[k], 1); });
          parent.appendChild(det);
        } else {
          walk(c, parent, Math.max(1, depth - 1));
        }
      });
    }
    walk(m.root, box, 3);
  }

  function buildEntities() {
    var box = $("entities");
    var had = box.querySelectorAll("input").length > 0, checked = {};
    box.querySelectorAll("input").forEach(function (c) { checked[c.value] = c.checked; });
    box.replaceChildren();
    state.meta.entities.forEach(function (e) {
      var lab = el("label");
      var c = document.createElement("input");
      c.type = "checkbox"; c.checked = had && e.code in checked ? checked[e.code] : true; c.value = e.code;
      c.addEventListener("change", schedule);
      lab.appendChild(c);
      lab.appendChild(document.createTextNode(" " + entityName(e.code)));
      box.appendChild(lab);
    });
  }

  function buildRankBy() {
    var m = state.meta;
    var items = [[m.root, nodeName(m.root)]];
    m.nodes.forEach(function (n) { if (n.kind === "aggregate" && n.code !== m.root) items.push([n.code, nodeName(n.code)]); });
    fillSelect($("rankby"), items, $("rankby").value || m.root);
  }

  function buildCompare() {
    var items = state.meta.entities.map(function (e) { return [e.code, entityName(e.code)]; });
    var a = $("cmp-a").value || state.meta.compare[0], b = $("cmp-b").value || state.meta.compare[1];
    fillSelect($("cmp-a"), items, a);
    fillSelect($("cmp-b"), items, b);
    fillSelect($("prof-e"), items, $("prof-e").value || a);
  }

  function loadMeta(dataset) {
    return api("/api/meta" + (dataset ? "?dataset=" + encodeURIComponent(dataset) : "")).then(function (r) { return r.json(); }).then(function (m) {
      m.byCode = {}; m.children = {};
      m.nodes.forEach(function (n) { m.byCode[n.code] = n; m.children[n.code] = []; });
      m.nodes.forEach(function (n) { if (n.parent) m.children[n.parent].push(n.code); });
      m.entityByCode = {};
      m.entities.forEach(function (e) { m.entityByCode[e.code] = e; });
      state.meta = m;
      state.weights = {}; state.base = {};
      m.nodes.forEach(function (n) { state.weights[n.code] = n.weight; state.base[n.code] = n.weight; });
      state.baseRanks = {};
      $("title").textContent = "innoscope · " + nodeName(m.root);
      fillSelect($("normalise"), m.methods.normalise.map(function (x) { return [x, x]; }), m.current.normalise);
      fillSelect($("aggregate"), m.methods.aggregate.map(function (x) { return [x, x]; }), m.current.aggregate);
      $("rankby").value = ""; $("cmp-a").value = ""; $("cmp-b").value = ""; $("prof-e").value = "";
      $("entities").replaceChildren(); buildSliders(); buildEntities(); buildRankBy(); buildCompare();
    });
  }

  function loadDatasets(select) {
    return api("/api/datasets").then(function (r) { return r.json(); }).then(function (list) {
      fillSelect($("dataset"), list.map(function (d) { return [d.id, d.label]; }), select);
    });
  }

  // -- recompute ---------------------------------------------------------------------------------
  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(refresh, 60);
  }

  function refresh() {
    var seq = ++state.seq;
    var body = whatIf();
    setStatus("loading", tr("loading"));
    var cmp = Object.assign({}, body, {a: $("cmp-a").value, b: $("cmp-b").value});
    Promise.all([api("/api/compute", body).then(function (r) { return r.json(); }),
                 api("/api/compare", cmp).then(function (r) { return r.json(); })]).then(function (res) {
      if (seq !== state.seq) return;
      $("error").textContent = "";
      renderRanking(res[0]);
      renderCompare(res[1]);
      setStatus("ok", tr("recomputed") + " " + res[0].elapsed_ms + " ms");
      $("status").dataset.seq = String(seq);
      if (state.uncOn) runUncertainty();
      loadProfile();
    }).catch(function (e) {
      if (seq !== state.seq) return;
      $("error").textContent = e.message;
      setStatus("error", "error");
      $("status").dataset.seq = String(seq);
    });
  }

  function renderRanking(p) {
    var by = $("rankby").value || p.root;
    var rows = p.rows.map(function (r) {
      var s = by === p.root ? [r.score, r.rank] : (r.pillars[by] || [null, null]);
      return {code: r.code, name: r.name, score: s[0], rank: s[1]};
    });
    rows.sort(function (x, y) {
      if (x.rank === null) return 1; if (y.rank === null) return -1;
      return x.rank - y.rank || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
    });
    if (!state.baseRanks[by]) { state.baseRanks[by] = {}; rows.forEach(function (r) { state.baseRanks[by][r.code] = r.rank; }); }
    $("ranking-title").textContent = tr("ranking") + ": " + nodeName(by);
    var tb = $("rank-table").tBodies[0];
    tb.replaceChildren();
    rows.forEach(function (r) {
      var trow = el("tr");
      trow.dataset.code = r.code;
      trow.appendChild(el("td", fmt(r.rank, 0), "num"));
      trow.appendChild(el("td", r.name, "entity-name"));
      trow.appendChild(el("td", fmt(r.score), "num"));
      var b0 = state.baseRanks[by][r.code], d = (b0 == null || r.rank == null) ? null : b0 - r.rank;
      trow.appendChild(el("td", d ? (d > 0 ? "▲" + d : "▼" + (-d)) : "", "num " + (d > 0 ? "up" : d < 0 ? "down" : "")));
      tb.appendChild(trow);
    });
    var un = p.unranked || {rows: [], note: ""};
    un.rows.forEach(function (u) {
      var trow = el("tr", null, "unranked");
      trow.dataset.unranked = u.code;
      trow.title = u.reason;
      trow.appendChild(el("td", "–", "num"));
      trow.appendChild(el("td", u.name, "entity-name"));
      trow.appendChild(el("td", un.label, "num"));
      trow.appendChild(el("td", "", "num"));
      tb.appendChild(trow);
    });
    $("unranked-note").textContent = un.note;
    $("unranked-note").hidden = !un.note;
    var shown = rows.filter(function (r) { return r.score !== null; });
    renderMap(shown, by, p);
    Plotly.react("rank-chart", [{type: "bar", orientation: "h", x: shown.map(function (r) { return r.score; }),
      y: shown.map(function (r) { return fmt(r.rank, 0) + ". " + esc(r.name); }), marker: {color: "#1f5fa8"},
      hovertemplate: "%{y}: %{x:.2f}<extra></extra>"}],
      {height: Math.max(320, 20 * shown.length + 60), margin: {l: 10, r: 10, t: 10, b: 30}, font: {family: FONT, size: 11},
       yaxis: {autorange: "reversed", automargin: true}, xaxis: {gridcolor: "#eee"}, plot_bgcolor: "white"},
      {displaylogo: false, responsive: true});
  }

  function mapHover(p, counts, row, by) {
    var nodes = [by].concat([p.root].concat(p.pillars.map(function (x) { return x.code; })).filter(function (c) { return c !== by; }));
    var lines = nodes.map(function (c) {
      var s = c === p.root ? [row.score, row.rank] : (row.pillars[c] || [null, null]);
      return esc(nodeName(c)) + ": " + (s[0] === null ? "–" : fmt(s[0], 1) + " (" + tr("rank") + " " + fmt(s[1], 0) + "/" + counts[c] + ")");
    });
    return "<b>" + esc(row.name) + "</b><br>" + lines.join("<br>");
  }

  function rankedCounts(p) {
    var counts = {};
    counts[p.root] = p.rows.filter(function (r) { return r.score !== null; }).length;
    Object.keys(p.rows.length ? p.rows[0].pillars : {}).forEach(function (c) {
      counts[c] = p.rows.filter(function (r) { return (r.pillars[c] || [null])[0] !== null; }).length;
    });
    return counts;
  }

  function loadBasemap() {
    var lang = state.lang;
    if (state.basemap && state.basemap.lang === lang) return Promise.resolve(state.basemap);
    return api("/api/basemap?lang=" + lang).then(function (r) { return r.json(); }).then(function (b) {
      b.lang = lang; state.basemap = b; return b;
    });
  }

  function renderMap(rows, by, p) {
    var xy = state.meta.coords || {};
    var pts = rows.filter(function (r) { return xy[r.code]; });
    $("map-chart").style.display = pts.length ? "" : "none";
    $("map-find-row").style.display = pts.length ? "" : "none";
    if (!pts.length) return;
    var full = {}, counts = rankedCounts(p);
    p.rows.forEach(function (r) { full[r.code] = r; });
    var cities = {type: "scatter", mode: "markers", x: pts.map(function (r) { return xy[r.code][0]; }),
      y: pts.map(function (r) { return xy[r.code][1]; }), customdata: pts.map(function (r) { return r.code; }),
      text: pts.map(function (r) { return mapHover(p, counts, full[r.code], by); }), hoverinfo: "text",
      marker: {color: pts.map(function (r) { return r.score; }), colorscale: "Viridis", size: 9, showscale: true,
        line: {width: 0.5, color: "#333"}, colorbar: {title: {text: esc(nodeName(by))}}}};
    loadBasemap().then(function (b) {
      state.mapNames = pts.map(function (r) { return r.name; });
      fillDatalist($("map-cities"), state.mapNames);
      var pad = 0.5, axis = {visible: false, showgrid: false, zeroline: false};
      Plotly.react("map-chart", [cities, {type: "scatter", mode: "text", x: b.labels.x, y: b.labels.y,
        text: b.labels.text, textfont: {size: 10, color: "#8a8478"}, hoverinfo: "skip", showlegend: false}],
        {height: 620, margin: {l: 10, r: 10, t: 30, b: 10}, font: {family: FONT, size: 11}, plot_bgcolor: "white",
         title: {text: esc(tr("map")), x: 0.01}, showlegend: false, shapes: b.shapes,
         xaxis: Object.assign({range: [b.bounds[0] - pad, b.bounds[2] + pad]}, axis),
         yaxis: Object.assign({range: [b.bounds[1] - pad, b.bounds[3] + pad], scaleanchor: "x",
           scaleratio: 1 / Math.cos(35 * Math.PI / 180)}, axis)},
        {displaylogo: false, responsive: true}).then(findOnMap);
    });
  }

  function fillDatalist(list, names) {
    list.replaceChildren();
    names.forEach(function (n) { var o = document.createElement("option"); o.value = n; list.appendChild(o); });
  }

  function findOnMap() {
    var q = $("map-find").value.trim(), names = state.mapNames || [], gd = $("map-chart");
    var i = names.indexOf(q);
    if (i < 0 && q) i = names.findIndex(function (n) { return n.indexOf(q) === 0; });
    if (i < 0 || !gd.data) { $("map-found").textContent = q ? "–" : ""; return; }
    var text = gd.data[0].text[i].replace(/<br>/g, " · ");
    $("map-found").textContent = new DOMParser().parseFromString(text, "text/html").body.textContent;
    Plotly.Fx.hover(gd, [{curveNumber: 0, pointNumber: i}]);
  }

  function renderCompare(c) {
    $("cmp-short").textContent = c.in_short.join(" ");
    $("cmp-ha").textContent = c.name_a;
    $("cmp-hb").textContent = c.name_b;
    $("cmp-summary").textContent = tr("leads").replace("{a}", c.name_a).replace("{b}", c.name_b)
      .replace("{na}", c.n_a).replace("{nb}", c.n_b);
    var tb = $("cmp-table").tBodies[0];
    tb.replaceChildren();
    c.rows.forEach(function (r) {
      var row = el("tr");
      row.appendChild(el("td", nodeName(r.code)));
      row.appendChild(el("td", fmt(r.a, 1) + " (" + fmt(r.rank_a, 0) + ")", "num"));
      row.appendChild(el("td", fmt(r.b, 1) + " (" + fmt(r.rank_b, 0) + ")", "num"));
      row.appendChild(el("td", fmt(r.diff, 1), "num"));
      row.appendChild(el("td", r.leader_name, r.leader === c.a ? "lead-a" : "lead-b"));
      tb.appendChild(row);
    });
    $("gap-title").textContent = tr("gap_title").replace("{a}", c.name_a).replace("{b}", c.name_b)
      .replace("{d}", c.gap_total === null ? "–" : (c.gap_total >= 0 ? "+" : "") + fmt(c.gap_total, 1));
    var gb = $("gap-table").tBodies[0];
    gb.replaceChildren();
    c.gap.forEach(function (r) {
      var row = el("tr");
      row.dataset.code = r.code;
      row.appendChild(el("td", nodeName(r.code) + (r.moved ? " *" : "")));
      row.appendChild(el("td", r.pillar));
      row.appendChild(el("td", (r.contribution >= 0 ? "+" : "") + fmt(r.contribution, 2), "num"));
      row.appendChild(el("td", r.share === null ? "–" : fmt(100 * r.share, 1) + "%", "num"));
      gb.appendChild(row);
    });
    var x = c.rows.map(function (r) { return esc(nodeName(r.code)); });
    Plotly.react("cmp-chart", [
      {type: "bar", name: esc(c.name_a), x: x, y: c.rows.map(function (r) { return r.a; }), marker: {color: "#1f5fa8"}},
      {type: "bar", name: esc(c.name_b), x: x, y: c.rows.map(function (r) { return r.b; }), marker: {color: "#d9822b"}}],
      {barmode: "group", height: 380, margin: {l: 40, r: 10, t: 10, b: 10}, font: {family: FONT, size: 11},
       legend: {orientation: "h", y: 1.1}, xaxis: {automargin: true}, yaxis: {gridcolor: "#eee"}, plot_bgcolor: "white"},
      {displaylogo: false, responsive: true});
  }

  // -- profile: one entity's pillars and values, each with its year, flags and source (/api/profile) --------
  function loadProfile() {
    var code = $("prof-e").value;
    if (!code) return;
    var seq = ++state.profSeq;
    api("/api/profile", Object.assign({}, whatIf(), {entity: code})).then(function (r) { return r.json(); })
      .then(function (p) { if (seq === state.profSeq) renderProfile(p); })
      .catch(function (e) { if (seq === state.profSeq) $("prof-head").textContent = e.message; });
  }

  function renderProfile(p) {
    $("prof-head").textContent = p.name + " · " + tr("index") + " " + fmt(p.index, 1) + " (" + tr("rank") + " " +
      fmt(p.rank, 0) + " " + tr("of") + " " + p.n + ")";
    $("prof-head").dataset.code = p.code;
    var tb = $("prof-pillars").tBodies[0];
    tb.replaceChildren();
    p.pillars.forEach(function (r) {
      var row = el("tr");
      row.appendChild(el("td", nodeName(r.code)));
      row.appendChild(el("td", fmt(r.score, 1), "num"));
      row.appendChild(el("td", fmt(r.rank, 0), "num"));
      row.appendChild(el("td", fmt(r.median, 1), "num"));
      tb.appendChild(row);
    });
    var names = function (list) { return list.map(function (r) { return nodeName(r.code); }).join(" · ") || "–"; };
    $("prof-strong").textContent = names(p.strengths);
    $("prof-weak").textContent = names(p.weaknesses);
    var vb = $("prof-values").tBodies[0];
    vb.replaceChildren();
    p.values.forEach(function (r) {
      var row = el("tr");
      row.dataset.code = r.code;
      row.appendChild(el("td", nodeName(r.code)));
      row.appendChild(el("td", r.value === null ? "–" : fmt(r.value, r.value % 1 === 0 ? 0 : 2) + " " + (r.unit || ""), "num"));
      row.appendChild(el("td", r.year === null || r.year === undefined ? "–" : String(r.year)));
      row.appendChild(el("td", (r.flags || []).join(", ")));
      var src = el("td", r.source || "", "source");
      if (r.excerpt) src.title = r.excerpt;
      row.appendChild(src);
      vb.appendChild(row);
    });
  }

  // -- how sure: Monte Carlo rank intervals (/api/uncertainty), run on request, then with every what-if --
  // An analysis panel: POST the what-if (plus ``extra``) to ``path``, render the answer unless a newer request
  // was made meanwhile, and mark the note element with the request number (tests wait on it).
  function runPanel(path, extra, noteId, seqKey, render) {
    var seq = ++state[seqKey];
    var body = Object.assign({}, whatIf(), {seed: 1, a: $("cmp-a").value, b: $("cmp-b").value}, extra);
    $(noteId).textContent = tr("loading");
    api(path, body).then(function (r) { return r.json(); }).then(function (j) {
      if (seq === state[seqKey]) render(j);
    }).catch(function (e) {
      if (seq === state[seqKey]) $(noteId).textContent = e.message;
    }).then(function () {
      if (seq === state[seqKey]) $(noteId).dataset.seq = String(seq);
    });
  }

  function runUncertainty() {
    state.uncOn = true;
    runPanel("/api/uncertainty", {n: Number($("unc-n").value)}, "unc-note", "uncSeq", renderUncertainty);
  }

  function renderUncertainty(u) {
    $("unc-note").textContent = u.n + " " + tr("runs_in") + " " + u.elapsed_ms + " ms · " + tr("varied") + ": " + u.design;
    var p = u.outranks.map(function (x) { return nodeName(x.node) + " " + fmt(100 * x.p_ab, 1) + "%"; });
    $("unc-prob").textContent = tr("p_outrank").replace("{a}", u.name_a).replace("{b}", u.name_b) + ": " + p.join(" · ");
    var tb = $("unc-table").tBodies[0];
    tb.replaceChildren();
    u.rows.forEach(function (r) {
      var row = el("tr");
      row.dataset.code = r.code;
      row.appendChild(el("td", fmt(r.nominal, 0), "num"));
      row.appendChild(el("td", r.name, "entity-name"));
      row.appendChild(el("td", fmt(r.median, 1), "num"));
      row.appendChild(el("td", r.lo === null ? "–" : fmt(r.lo, 0) + "–" + fmt(r.hi, 0), "num interval"));
      tb.appendChild(row);
    });
    var shown = u.rows.filter(function (r) { return r.nominal !== null && r.lo !== null; });
    Plotly.react("unc-chart", [{type: "scatter", mode: "markers", x: shown.map(function (r) { return r.nominal; }),
      y: shown.map(function (r) { return esc(r.name); }), marker: {color: "#1f5fa8", size: 8},
      error_x: {type: "data", symmetric: false, color: "#888",
        array: shown.map(function (r) { return r.hi - r.nominal; }), arrayminus: shown.map(function (r) { return r.nominal - r.lo; })},
      hovertemplate: "%{y}: %{x}<extra></extra>"}],
      {height: Math.max(300, 20 * shown.length + 60), margin: {l: 10, r: 10, t: 10, b: 30}, font: {family: FONT, size: 11},
       yaxis: {autorange: "reversed", automargin: true}, xaxis: {title: tr("rank"), gridcolor: "#eee"},
       plot_bgcolor: "white"}, {displaylogo: false, responsive: true});
  }

  // -- which choice matters most: Sobol indices (/api/sensitivity), on request -------------------
  function runSensitivity() {
    runPanel("/api/sensitivity", {n: 256}, "sa-note", "saSeq", renderSensitivity);
  }

  function renderSensitivity(s) {
    $("sa-note").textContent = s.runs + " " + tr("runs_in") + " " + s.elapsed_ms + " ms · " + tr("varied") + ": " + s.design;
    $("sa-ha").textContent = "ST " + s.entities[0].name;
    $("sa-hb").textContent = "ST " + s.entities[1].name;
    var own = function (k, input) {
      var r = s.entities[k].rows.filter(function (x) { return x.input === input; })[0];
      return r ? fmt(r.ST, 2) : "–";
    };
    var tb = $("sa-table").tBodies[0];
    tb.replaceChildren();
    s.rows.forEach(function (r) {
      var row = el("tr");
      row.dataset.input = r.input;
      row.appendChild(el("td", inputName(r.input)));
      row.appendChild(el("td", fmt(r.S1, 2) + " [" + fmt(r.S1_lo, 2) + ", " + fmt(r.S1_hi, 2) + "]", "num"));
      row.appendChild(el("td", fmt(r.ST, 2) + " [" + fmt(r.ST_lo, 2) + ", " + fmt(r.ST_hi, 2) + "]", "num"));
      row.appendChild(el("td", own(0, r.input), "num"));
      row.appendChild(el("td", own(1, r.input), "num"));
      tb.appendChild(row);
    });
    var x = s.rows.map(function (r) { return esc(inputName(r.input)); });
    var bar = function (key, name, color) {
      return {type: "bar", name: name, x: x, y: s.rows.map(function (r) { return r[key]; }), marker: {color: color},
        error_y: {type: "data", symmetric: false, array: s.rows.map(function (r) { return r[key + "_hi"] - r[key]; }),
          arrayminus: s.rows.map(function (r) { return r[key] - r[key + "_lo"]; }), color: "#666"}};
    };
    Plotly.react("sa-chart", [bar("S1", "S1", "#1f5fa8"), bar("ST", "ST", "#d9822b")],
      {barmode: "group", height: 320, margin: {l: 40, r: 10, t: 10, b: 40}, font: {family: FONT, size: 11},
       legend: {orientation: "h", y: 1.1}, yaxis: {gridcolor: "#eee", zeroline: true}, plot_bgcolor: "white"},
      {displaylogo: false, responsive: true});
  }

  // -- downloads and uploads -----------------------------------------------------------------
  function download(kind) {
    api("/api/download/" + kind, whatIf()).then(function (r) {
      var name = (r.headers.get("Content-Disposition") || "").replace(/.*filename="([^"]+)".*/, "$1") || kind;
      return r.blob().then(function (b) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(b); a.download = name;
        document.body.appendChild(a); a.click(); a.remove();
        setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
      });
    }).catch(function (e) { $("error").textContent = e.message; });
  }

  function upload() {
    var f = $("upload-file").files[0];
    $("upload-error").textContent = ""; $("upload-msg").textContent = "";
    if (!f) return;
    var url = "/api/upload?filename=" + encodeURIComponent(f.name) + "&dataset=" + encodeURIComponent(state.meta.dataset);
    fetch(url, {method: "POST", headers: {"Content-Type": "application/octet-stream"}, body: f}).then(function (r) {
      return r.json().catch(function () { return {detail: r.status + " " + r.statusText}; }).then(function (j) {
        if (!r.ok) {
          var d = j.detail;
          if (Array.isArray(d)) d = d.map(function (x) { return (x.loc || []).join(".") + ": " + x.msg; }).join("\n");
          throw new Error(String(d));
        }
        return j;
      });
    }).then(function (j) {
      $("upload-msg").textContent = tr("uploaded") + ": " + j.label;
      return loadDatasets(j.dataset).then(function () { return loadMeta(j.dataset); }).then(refresh);
    }).catch(function (e) { $("upload-error").textContent = e.message; });
  }

  // -- wiring ------------------------------------------------------------------------------------
  $("lang").addEventListener("change", function () {
    state.lang = $("lang").value; applyI18n(); buildSliders(); buildRankBy(); buildEntities(); buildCompare();
    $("title").textContent = "innoscope · " + nodeName(state.meta.root); refresh();
  });
  ["normalise", "aggregate", "cmp-a", "cmp-b"].forEach(function (id) { $(id).addEventListener("change", refresh); });
  $("rankby").addEventListener("change", refresh);
  $("map-find").addEventListener("input", findOnMap);
  $("dataset").addEventListener("change", function () { loadMeta($("dataset").value).then(refresh); });
  $("reset").addEventListener("click", function () { loadMeta(state.meta.dataset).then(refresh); });
  $("ent-all").addEventListener("click", function () { document.querySelectorAll("#entities input").forEach(function (c) { c.checked = true; }); schedule(); });
  $("ent-none").addEventListener("click", function () { document.querySelectorAll("#entities input").forEach(function (c) { c.checked = false; }); schedule(); });
  $("dl-report").addEventListener("click", function () { download("report"); });
  $("dl-csv").addEventListener("click", function () { download("csv"); });
  $("dl-xlsx").addEventListener("click", function () { download("xlsx"); });
  $("upload-btn").addEventListener("click", upload);
  $("unc-run").addEventListener("click", runUncertainty);
  $("sa-run").addEventListener("click", runSensitivity);
  $("prof-e").addEventListener("change", loadProfile);
  $("rank-table").addEventListener("click", function (ev) {
    var row = ev.target.closest("tr[data-code]");
    if (!row) return;
    $("prof-e").value = row.dataset.code;
    loadProfile();
    $("profile").scrollIntoView({behavior: "smooth"});
  });
  $("unc-n").addEventListener("change", function () { if (state.uncOn) runUncertainty(); });

  applyI18n();
  loadDatasets().then(function () { return loadMeta(); }).then(refresh)
    .catch(function (e) { $("error").textContent = e.message; setStatus("error", "error"); });
})();
