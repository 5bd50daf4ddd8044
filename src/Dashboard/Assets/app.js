// Sharptune dashboard: a small single-page app over the JSON API (api/v1). No inline scripts (the page's
// content-security policy forbids them); every text from the API is set with textContent.
(function () {
  "use strict";

  const base = location.pathname.endsWith("/") ? location.pathname : location.pathname + "/";
  const api = base + "api/v1/";
  const STATES = ["Complete", "Running", "Pruned", "Fail", "Waiting"];
  let meta = { title: "Sharptune Dashboard", allow_writes: false, poll_interval_ms: 1000 };
  let page = null; // the current page: { stop() }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === "class") e.className = v;
        else if (k === "text") e.textContent = v;
        else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v === true ? "" : v);
      }
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return e;
  }

  async function getJson(path) {
    const r = await fetch(api + path, { headers: { Accept: "application/json" } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.reason || (r.status + " " + r.statusText));
    return body;
  }

  async function write(method, path, payload) {
    const t = await getJson("antiforgery");
    const r = await fetch(api + path, {
      method, headers: { "Content-Type": "application/json", [t.header_name]: t.token }, body: JSON.stringify(payload),
    });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) { const e = new Error(body.reason || (r.status + " " + r.statusText)); e.status = r.status; e.body = body; throw e; }
    return body;
  }

  function num(v) {
    if (v === null || v === undefined) return "–";
    if (typeof v === "string") return v;
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-4 || a >= 1e6) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
  }

  function when(iso) {
    if (!iso) return "–";
    const d = new Date(iso);
    return d.toLocaleString(undefined, { year: "numeric", month: "short", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function setLive(ok) {
    const live = document.getElementById("live");
    live.classList.toggle("stale", !ok);
    live.textContent = ok ? "live" : "offline";
  }

  function crumbs(...parts) {
    const c = document.getElementById("crumbs");
    c.replaceChildren(...parts.flatMap((p, i) => (i ? [" / ", p] : [p])));
  }

  function poll(fn) {
    let stopped = false, timer = 0;
    const loop = async () => {
      if (stopped) return;
      try { await fn(); setLive(true); } catch (e) { setLive(false); }
      if (!stopped) timer = setTimeout(loop, meta.poll_interval_ms);
    };
    loop();
    return () => { stopped = true; clearTimeout(timer); };
  }

  // ----- studies page -----

  function studiesPage(main) {
    crumbs(el("span", { text: "Studies" }));
    const body = el("tbody");
    const table = el("table", { class: "grid", id: "studies" },
      el("thead", null, el("tr", null,
        el("th", { class: "num", text: "ID" }), el("th", { text: "Name" }), el("th", { text: "Directions" }),
        el("th", { class: "num", text: "Trials" }), el("th", { text: "States" }), el("th", { class: "num", text: "Best value" }),
        el("th", { text: "Last activity" }))),
      body);
    const empty = el("p", { class: "muted", text: "No studies in this storage yet." });
    main.replaceChildren(el("h1", { text: "Studies" }), el("div", { class: "card" }, el("div", { class: "table-wrap" }, table), empty));
    let last = "";
    return poll(async () => {
      const data = await getJson("studies");
      const text = JSON.stringify(data);
      if (text === last) return;
      last = text;
      empty.hidden = data.study_summaries.length > 0;
      body.replaceChildren(...data.study_summaries.map(s => el("tr", { "data-study-id": s.study_id },
        el("td", { class: "num", text: String(s.study_id) }),
        el("td", null, el("a", { href: "#/studies/" + s.study_id, text: s.study_name })),
        el("td", { text: s.directions.join(", ") }),
        el("td", { class: "num", text: String(s.n_trials) }),
        el("td", null, STATES.map(st => el("span", { class: "badge " + st + (s.trial_counts[st] ? "" : " zero"), title: st, text: st[0] + " " + s.trial_counts[st] }))),
        el("td", { class: "num", text: s.directions.length > 1 ? "multi-objective" : num(s.best_value) }),
        el("td", { text: when(s.last_activity) }))));
    });
  }

  // ----- study page -----

  function studyPage(main, studyId) {
    const trials = []; // by number
    let fixed = 0; // trials [0, fixed) are finished and never change
    let study = null, lastTail = "", objective = 0, sortKey = "number", sortDesc = false, stateFilter = "", expanded = new Set();
    const title = el("h1", { text: "Study " + studyId });
    const summary = el("div", { class: "summary" });
    const noteCard = el("div", { class: "card", id: "note" });
    const plots = el("div", { class: "plots", id: "plots" });
    const thead = el("thead"), tbody = el("tbody");
    const filter = el("select", { id: "state-filter", onchange: () => { stateFilter = filter.value; updateCsv(); renderTable(); } },
      el("option", { value: "", text: "All states" }), STATES.map(s => el("option", { value: s, text: s })));
    const csv = el("a", { class: "button secondary", id: "csv", download: true, text: "Export CSV" });
    const shown = el("span", { class: "muted", id: "shown" });
    const objectivePicker = el("select", { id: "objective", hidden: true, onchange: () => { objective = Number(objectivePicker.value); refreshPlots(); } });
    main.replaceChildren(title, summary, noteCard,
      el("div", { class: "toolbar" }, objectivePicker), plots,
      el("div", { class: "card" }, el("h2", { text: "Trials" }),
        el("div", { class: "toolbar" }, el("label", null, "State ", filter), csv, shown),
        el("div", { class: "table-wrap" }, el("table", { class: "grid", id: "trials" }, thead, tbody))));
    function updateCsv() { csv.href = api + "studies/" + studyId + "/trials.csv" + (stateFilter ? "?state=" + stateFilter : ""); }
    updateCsv();

    function renderSummary() {
      const list = trials.filter(Boolean);
      const counts = {};
      for (const s of STATES) counts[s] = list.filter(t => t.state === s).length;
      const items = [["Directions", study.directions.join(", ")], ["Trials", String(list.length)]];
      if (study.directions.length === 1) {
        const done = list.filter(t => t.state === "Complete" && t.values && typeof t.values[0] === "number");
        const max = study.directions[0] === "maximize";
        const best = done.reduce((b, t) => (b === null || (max ? t.values[0] > b.values[0] : t.values[0] < b.values[0]) ? t : b), null);
        items.push(["Best value", best ? num(best.values[0]) + " (trial " + best.number + ")" : "–"]);
      }
      summary.replaceChildren(...items.map(([k, v]) => el("div", null, el("div", { class: "k", text: k }), el("div", { class: "v", text: v }))),
        el("div", null, el("div", { class: "k", text: "States" }), el("div", null, STATES.map(s => el("span", { class: "badge " + s + (counts[s] ? "" : " zero"), text: s + " " + counts[s] })))));
    }

    function renderNote(note) {
      const body = el("pre", { class: "note-body", text: note.body || "No note." });
      const children = [el("h2", { text: "Note" }), body];
      if (meta.allow_writes) {
        const edit = el("button", { class: "secondary", id: "edit-note", text: "Edit note", onclick: () => {
          const area = el("textarea", { id: "note-text" });
          area.value = note.body;
          const message = el("span", { class: "error" });
          const save = el("button", { id: "save-note", text: "Save", onclick: async () => {
            save.disabled = true;
            try { const r = await write("PUT", "studies/" + studyId + "/note", { version: note.version + 1, body: area.value }); renderNote(r.note); }
            catch (e) { message.textContent = e.message; save.disabled = false; }
          } });
          noteCard.replaceChildren(el("h2", { text: "Note" }), area, el("div", { class: "toolbar" }, save,
            el("button", { class: "secondary", text: "Cancel", onclick: () => renderNote(note) }), message));
        } });
        children.push(el("div", { class: "toolbar" }, edit));
      }
      noteCard.replaceChildren(...children);
    }

    function columns() {
      const params = new Set();
      for (const t of trials) if (t) for (const p of t.params) params.add(p.name);
      const cols = [
        { key: "number", label: "#", num: true, get: t => t.number },
        { key: "state", label: "State", get: t => t.state, cell: t => el("span", { class: "badge " + t.state, text: t.state }) },
      ];
      const n = study.directions.length;
      for (let i = 0; i < n; i++) {
        const name = study.objective_names ? study.objective_names[i] : (n > 1 ? "Value " + i : "Value");
        cols.push({ key: "v" + i, label: name, num: true, get: t => (t.values ? t.values[i] : null), fmt: num });
      }
      cols.push({ key: "duration", label: "Duration (s)", num: true, get: t => t.duration_seconds, fmt: v => (v === null ? "–" : v.toFixed(3)) });
      for (const p of [...params].sort()) {
        cols.push({ key: "p:" + p, label: p, num: true, get: t => { const x = t.params.find(q => q.name === p); return x ? x.param_external_value : null; }, fmt: v => (typeof v === "number" ? num(v) : v === null || v === undefined ? "–" : String(v)) });
      }
      return cols;
    }

    function compare(a, b) {
      if (a === b) return 0;
      if (a === null || a === undefined) return 1;
      if (b === null || b === undefined) return -1;
      if (typeof a === "number" && typeof b === "number") return a - b;
      return String(a).localeCompare(String(b));
    }

    function tellCell(t) {
      const input = el("input", { type: "text", placeholder: study.directions.length > 1 ? "v1, v2" : "value", "aria-label": "Values of trial " + t.number });
      const message = el("span", { class: "error" });
      const send = async (state) => {
        const values = state === "Complete" ? input.value.split(",").map(s => Number(s.trim())) : null;
        if (values && values.some(v => !Number.isFinite(v))) { message.textContent = "Enter numbers."; return; }
        try { await write("POST", "studies/" + studyId + "/trials/" + t.number + "/tell", { state, values }); message.textContent = ""; }
        catch (e) { message.textContent = e.message; }
      };
      return el("div", { class: "tell" }, input, el("button", { text: "Complete", onclick: () => send("Complete") }),
        el("button", { class: "secondary", text: "Fail", onclick: () => send("Fail") }), message);
    }

    function detailRow(t, span) {
      const kv = (pairs) => el("div", { class: "kv" }, pairs.flatMap(([k, v]) => [el("span", { class: "k", text: k }), el("span", { text: v })]));
      const parts = [kv([["Trial id", String(t.trial_id)], ["Started", when(t.datetime_start)], ["Completed", when(t.datetime_complete)]])];
      if (t.params.length) parts.push(el("strong", { text: "Params" }), kv(t.params.map(p => [p.name, typeof p.param_external_value === "number" ? num(p.param_external_value) : String(p.param_external_value)])));
      if (t.intermediate_values.length) parts.push(el("strong", { text: "Intermediate values" }), kv([["Steps", t.intermediate_values.length + " (last: step " + t.intermediate_values[t.intermediate_values.length - 1].step + " = " + num(t.intermediate_values[t.intermediate_values.length - 1].value) + ")"]]));
      const ua = Object.entries(t.user_attrs), sa = Object.entries(t.system_attrs);
      if (ua.length) parts.push(el("strong", { text: "User attributes" }), kv(ua.map(([k, v]) => [k, JSON.stringify(v)])));
      if (sa.length) parts.push(el("strong", { text: "System attributes" }), kv(sa.map(([k, v]) => [k, JSON.stringify(v)])));
      if (t.note && t.note.body) parts.push(el("strong", { text: "Note" }), el("pre", { class: "note-body", text: t.note.body }));
      return el("tr", { class: "detail" }, el("td", { colspan: String(span) }, parts));
    }

    function renderTable() {
      const cols = columns();
      const writable = meta.allow_writes && trials.some(t => t && t.state === "Running");
      thead.replaceChildren(el("tr", null, cols.map(c => el("th", {
        class: "sortable" + (c.num ? " num" : "") + (c.key === sortKey ? (sortDesc ? " sorted-desc" : " sorted-asc") : ""),
        "data-key": c.key, text: c.label,
        onclick: () => { if (sortKey === c.key) sortDesc = !sortDesc; else { sortKey = c.key; sortDesc = false; } renderTable(); },
      })), writable ? el("th", { text: "Tell" }) : null));
      const col = cols.find(c => c.key === sortKey) || cols[0];
      let rows = trials.filter(t => t && (!stateFilter || t.state === stateFilter));
      rows.sort((a, b) => compare(col.get(a), col.get(b)) || a.number - b.number);
      if (sortDesc) rows.reverse();
      const out = [];
      for (const t of rows) {
        out.push(el("tr", { "data-number": String(t.number), "data-state": t.state, onclick: (e) => {
          if (e.target.closest("input,button")) return;
          if (expanded.has(t.number)) expanded.delete(t.number); else expanded.add(t.number);
          renderTable();
        } }, cols.map(c => el("td", { class: c.num ? "num" : null }, c.cell ? c.cell(t) : (c.fmt || String)(c.get(t)))),
          writable ? el("td", null, t.state === "Running" ? tellCell(t) : null) : null));
        if (expanded.has(t.number)) out.push(detailRow(t, cols.length + (writable ? 1 : 0)));
      }
      tbody.replaceChildren(...out);
      shown.textContent = rows.length + " of " + trials.filter(Boolean).length + " trials";
    }

    let plotsBusy = false, plotsAgain = false;
    async function refreshPlots() {
      if (plotsBusy) { plotsAgain = true; return; }
      plotsBusy = true;
      try {
        await Promise.all(study.plots.map(async (type) => {
          let card = document.getElementById("plot-" + type);
          if (!card) {
            card = el("div", { class: "card", id: "plot-" + type, "data-plot": type }, el("div", { class: "plot" }));
            plots.appendChild(card);
          }
          const target = card.firstChild;
          const q = study.directions.length > 1 && type !== "pareto_front" ? "?objective=" + objective : "";
          try {
            const fig = await getJson("studies/" + studyId + "/plot/" + type + q);
            if (target.classList.contains("plot-message")) { target.className = "plot"; target.textContent = ""; }
            const panels = Object.keys(fig.layout || {}).filter(k => /^xaxis\d*$/.test(k)).length;
            const wide = panels > 2;
            card.classList.toggle("wide", wide);
            const title = Object.assign({}, (fig.layout || {}).title, { x: 0.01, xanchor: "left" });
            const margin = Object.assign({ l: 70, r: 30, b: 60 }, (fig.layout || {}).margin, { t: 60 });
            const layout = Object.assign({}, fig.layout, { autosize: true, height: panels >= 4 ? 720 : 430, width: undefined, title, margin });
            delete layout.width;
            target.style.height = layout.height + "px";
            await Plotly.react(target, fig.data, layout, { displaylogo: false, responsive: true });
            card.dataset.rendered = "true";
          } catch (e) {
            if (window.Plotly && target.classList.contains("js-plotly-plot")) Plotly.purge(target);
            target.className = "plot-message";
            target.textContent = type.replace(/_/g, " ") + ": " + e.message;
            card.dataset.rendered = "message";
          }
        }));
      } finally {
        plotsBusy = false;
        if (plotsAgain) { plotsAgain = false; refreshPlots(); }
      }
    }

    return poll(async () => {
      const data = await getJson("studies/" + studyId + "?after=" + fixed);
      const first = study === null;
      study = data;
      for (const t of data.trials) trials[t.number] = t;
      trials.length = Math.max(trials.length, data.n_trials);
      while (fixed < trials.length && trials[fixed] && !["Running", "Waiting"].includes(trials[fixed].state)) fixed++;
      const tail = JSON.stringify(data.trials);
      if (first) {
        title.textContent = data.name;
        crumbs(el("a", { href: "#/", text: "Studies" }), el("span", { text: data.name }));
        renderNote(data.note);
        if (data.directions.length > 1) {
          objectivePicker.hidden = false;
          objectivePicker.replaceChildren(...data.directions.map((d, i) => el("option", { value: String(i), text: "Plots of " + (data.objective_names ? data.objective_names[i] : "objective " + i) + " (" + d + ")" })));
        }
      }
      if (first || tail !== lastTail) {
        lastTail = tail;
        renderSummary();
        renderTable();
        refreshPlots();
      }
    });
  }

  function route() {
    if (page) page();
    const main = document.getElementById("main");
    const m = /^#\/studies\/(\d+)/.exec(location.hash);
    page = m ? studyPage(main, Number(m[1])) : studiesPage(main);
  }

  async function start() {
    try { meta = await getJson("meta"); } catch (e) { setLive(false); }
    document.title = meta.title;
    document.getElementById("mode").textContent = meta.allow_writes ? "writes allowed" : "read-only";
    window.addEventListener("hashchange", route);
    route();
  }

  start();
})();
