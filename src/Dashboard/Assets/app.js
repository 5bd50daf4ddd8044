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

  // A confirmation in the page (not window.confirm): a title, a message, an optional text input, and a button that
  // runs `action`; an error from `action` stays in the dialog.
  function dialog({ id, title, message, inputValue, confirmText, danger, action }) {
    const input = inputValue === undefined ? null : el("input", { type: "text", id: id + "-input", "aria-label": title });
    if (input) input.value = inputValue;
    const error = el("p", { class: "error", id: id + "-error" });
    const close = () => overlay.remove();
    const confirm = el("button", { id: id + "-confirm", class: danger ? "danger" : null, text: confirmText, onclick: async () => {
      confirm.disabled = true;
      try { await action(input ? input.value : null); close(); }
      catch (e) { error.textContent = e.message; confirm.disabled = false; }
    } });
    const overlay = el("div", { class: "overlay", id },
      el("div", { class: "dialog", role: "dialog", "aria-modal": "true", "aria-label": title },
        el("h2", { text: title }), el("p", { text: message }), input, error,
        el("div", { class: "toolbar right" }, el("button", { class: "secondary", id: id + "-cancel", text: "Cancel", onclick: close }), confirm)));
    overlay.addEventListener("keydown", (e) => { if (e.key === "Escape") close(); });
    document.body.appendChild(overlay);
    (input || confirm).focus();
    if (input) input.select();
  }

  // ----- studies page -----

  function studiesPage(main) {
    crumbs(el("span", { text: "Studies" }));
    const body = el("tbody");
    const table = el("table", { class: "grid", id: "studies" },
      el("thead", null, el("tr", null,
        el("th", { class: "num", text: "ID" }), el("th", { text: "Name" }), el("th", { text: "Directions" }),
        el("th", { class: "num", text: "Trials" }), el("th", { text: "States" }), el("th", { class: "num", text: "Best value" }),
        el("th", { text: "Last activity" }), meta.allow_writes ? el("th", { text: "" }) : null)),
      body);
    const empty = el("p", { class: "muted", text: "No studies in this storage yet." });
    main.replaceChildren(el("h1", { text: "Studies" }), el("div", { class: "card" }, el("div", { class: "table-wrap" }, table), empty));
    let last = "";
    async function refresh() {
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
        el("td", { text: when(s.last_activity) }),
        meta.allow_writes ? el("td", { class: "actions" },
          el("button", { class: "secondary small", "data-action": "rename", text: "Rename", onclick: () => dialog({
            id: "rename-dialog", title: "Rename study", inputValue: s.study_name, confirmText: "Rename",
            message: "New name of '" + s.study_name + "'. The study is copied under the new name and the old one is deleted, so its id changes; a study with running trials cannot be renamed.",
            action: async (name) => { await write("POST", "studies/" + s.study_id + "/rename", { study_name: name }); last = ""; await refresh(); },
          }) }),
          el("button", { class: "secondary small danger", "data-action": "delete", text: "Delete", onclick: () => dialog({
            id: "delete-dialog", title: "Delete study", confirmText: "Delete", danger: true,
            message: "Delete '" + s.study_name + "' and its " + s.n_trials + " trial" + (s.n_trials === 1 ? "" : "s") + (meta.artifact_is_available ? " (and their artifacts)" : "") + "? This cannot be undone.",
            action: async () => { await write("DELETE", "studies/" + s.study_id, {}); last = ""; await refresh(); },
          }) })) : null)));
    }
    return poll(refresh);
  }

  // ----- study page -----

  function studyPage(main, studyId) {
    const trials = []; // by number
    let fixed = 0; // trials [0, fixed) are finished and never change
    let study = null, lastTail = "", objective = 0, sortKey = "number", sortDesc = false, stateFilter = "", expanded = new Set();
    let filters = [], pageIndex = 0, shownColumns = {}; // filters: [{column, op, value}]; shownColumns: key -> bool (saved per study)
    const PAGE = 50;
    const title = el("h1", { text: "Study " + studyId });
    const summary = el("div", { class: "summary" });
    const noteCard = el("div", { class: "card", id: "note" });
    const plots = el("div", { class: "plots", id: "plots" });
    const thead = el("thead"), tbody = el("tbody");
    const filter = el("select", { id: "state-filter", onchange: () => { stateFilter = filter.value; pageIndex = 0; updateCsv(); renderTable(); } },
      el("option", { value: "", text: "All states" }), STATES.map(s => el("option", { value: s, text: s })));
    const csv = el("a", { class: "button secondary", id: "csv", download: true, text: "Export CSV" });
    const shown = el("span", { class: "muted", id: "shown" });
    // Filters on a param or objective value: column, operator, operand (a number, or text for = and != on a param).
    const filterColumn = el("select", { id: "filter-column", "aria-label": "Filter column" });
    const filterOp = el("select", { id: "filter-op", "aria-label": "Filter operator" }, ["<", "<=", ">", ">=", "=", "!="].map(o => el("option", { value: o, text: o })));
    const filterValue = el("input", { type: "text", id: "filter-value", placeholder: "value", "aria-label": "Filter value" });
    const filterError = el("span", { class: "error", id: "filter-error" });
    const chips = el("span", { class: "chips", id: "filters" });
    const addFilter = () => {
      const text = filterValue.value.trim();
      const number = text === "" ? NaN : Number(text);
      const value = Number.isFinite(number) ? number : text;
      if (text === "") { filterError.textContent = "Enter a value."; return; }
      if (typeof value === "string" && !["=", "!="].includes(filterOp.value)) { filterError.textContent = "Text compares with = and != only."; return; }
      if (typeof value === "string" && filterColumn.value.startsWith("value:")) { filterError.textContent = "Objective values compare with numbers."; return; }
      filterError.textContent = "";
      filters.push({ column: filterColumn.value, op: filterOp.value, value });
      filterValue.value = "";
      pageIndex = 0; updateCsv(); renderChips(); renderTable();
    };
    filterValue.addEventListener("keydown", (e) => { if (e.key === "Enter") addFilter(); });
    const columnsButton = el("button", { class: "secondary", id: "columns-button", text: "Columns", onclick: () => { columnsPanel.hidden = !columnsPanel.hidden; } });
    const columnsPanel = el("div", { class: "columns-panel", id: "columns-panel", hidden: true });
    const pager = el("div", { class: "toolbar pager", id: "pager" });
    const objectivePicker = el("select", { id: "objective", hidden: true, onchange: () => { objective = Number(objectivePicker.value); refreshPlots(); } });
    main.replaceChildren(title, summary, noteCard,
      el("div", { class: "toolbar" }, objectivePicker), plots,
      el("div", { class: "card" }, el("h2", { text: "Trials" }),
        el("div", { class: "toolbar" }, el("label", null, "State ", filter),
          el("span", { class: "filter-form" }, "Filter ", filterColumn, filterOp, filterValue, el("button", { class: "secondary", id: "add-filter", text: "Add", onclick: addFilter })),
          columnsButton, csv, shown),
        el("div", { class: "toolbar filters-row" }, chips, filterError),
        columnsPanel,
        el("div", { class: "table-wrap" }, el("table", { class: "grid", id: "trials" }, thead, tbody)), pager));
    function updateCsv() {
      const q = [];
      if (stateFilter) q.push("state=" + stateFilter);
      if (filters.length) q.push("filters=" + encodeURIComponent(JSON.stringify(filters)));
      csv.href = api + "studies/" + studyId + "/trials.csv" + (q.length ? "?" + q.join("&") : "");
    }
    function columnLabel(column) {
      if (column.startsWith("param:")) return column.slice(6);
      const i = Number(column.slice(6)), n = study.directions.length;
      return study.objective_names ? study.objective_names[i] : (n > 1 ? "Value " + i : "Value");
    }
    function renderChips() {
      chips.replaceChildren(...filters.map((f, i) => el("span", { class: "chip", "data-column": f.column },
        columnLabel(f.column) + " " + f.op + " " + (typeof f.value === "number" ? num(f.value) : JSON.stringify(f.value)),
        el("button", { class: "chip-remove", title: "Remove this filter", "aria-label": "Remove filter", text: "×", onclick: () => { filters.splice(i, 1); pageIndex = 0; updateCsv(); renderChips(); renderTable(); } }))));
    }
    function numberOf(v) {
      if (typeof v === "number") return v;
      return v === "NaN" ? NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : null;
    }
    // The same rules as the server's TrialFilter (so the CSV export holds the rows the table shows).
    function passes(t, f) {
      let actual = null, isNumber = true;
      if (f.column.startsWith("value:")) {
        const i = Number(f.column.slice(6));
        actual = t.values && i < t.values.length ? numberOf(t.values[i]) : null;
      } else {
        const name = f.column.slice(6);
        if (name in t.params) { const v = t.params[name]; isNumber = typeof v === "number" || numberOf(v) !== null; actual = isNumber ? numberOf(v) : v; }
      }
      if (actual === null || actual === undefined) return false;
      if (typeof f.value === "string") {
        const text = String(actual);
        return (f.op === "=") === (text === f.value);
      }
      if (!isNumber || typeof actual !== "number") return f.op === "!=";
      if (Number.isNaN(actual)) return false;
      switch (f.op) {
        case "<": return actual < f.value;
        case "<=": return actual <= f.value;
        case ">": return actual > f.value;
        case ">=": return actual >= f.value;
        case "=": return actual === f.value;
        default: return actual !== f.value;
      }
    }
    function columnsKey() { return "sharptune.columns." + (study ? study.name : studyId); }
    function loadColumns() {
      try { shownColumns = JSON.parse(localStorage.getItem(columnsKey()) || "{}") || {}; } catch (e) { shownColumns = {}; }
    }
    function isShown(c) { return c.key === "number" || (c.key in shownColumns ? shownColumns[c.key] : !c.key.startsWith("ua:")); }
    function renderColumnsPanel(cols) {
      const groups = [["Trial", cols.filter(c => !c.key.startsWith("p:") && !c.key.startsWith("ua:") && c.key !== "number")],
        ["Params", cols.filter(c => c.key.startsWith("p:"))], ["User attributes", cols.filter(c => c.key.startsWith("ua:"))]];
      columnsPanel.replaceChildren(...groups.filter(g => g[1].length).map(([name, list]) => el("div", { class: "column-group" },
        el("strong", { text: name }), list.map(c => {
          const box = el("input", { type: "checkbox", "data-key": c.key, onchange: () => {
            shownColumns[c.key] = box.checked;
            try { localStorage.setItem(columnsKey(), JSON.stringify(shownColumns)); } catch (e) { /* storage full or disabled: the choice lasts for this page */ }
            renderTable();
          } });
          box.checked = isShown(c);
          return el("label", null, box, " " + c.label);
        }))));
    }
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
      const params = new Set(), attrs = new Set();
      for (const t of trials) if (t) { for (const p in t.params) params.add(p); for (const a in t.user_attrs) attrs.add(a); }
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
        cols.push({ key: "p:" + p, label: p, num: true, get: t => (p in t.params ? t.params[p] : null), fmt: v => (typeof v === "number" ? num(v) : v === null || v === undefined ? "–" : String(v)) });
      }
      for (const a of [...attrs].sort()) {
        cols.push({ key: "ua:" + a, label: a, get: t => (a in t.user_attrs ? t.user_attrs[a] : null), fmt: v => (v === null ? "–" : typeof v === "number" ? num(v) : typeof v === "string" ? v : JSON.stringify(v)) });
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

    // What the user types into a running trial's tell box survives the table's live refreshes (and keeps the focus).
    const tellDrafts = new Map();
    function tellCell(t) {
      const input = el("input", { type: "text", placeholder: study.directions.length > 1 ? "v1, v2" : "value", "aria-label": "Values of trial " + t.number });
      input.value = tellDrafts.get(t.number) || "";
      input.addEventListener("input", () => tellDrafts.set(t.number, input.value));
      const message = el("span", { class: "error" });
      const send = async (state) => {
        const values = state === "Complete" ? input.value.split(",").map(s => Number(s.trim())) : null;
        if (values && values.some(v => !Number.isFinite(v))) { message.textContent = "Enter numbers."; return; }
        try { await write("POST", "studies/" + studyId + "/trials/" + t.number + "/tell", { state, values }); message.textContent = ""; tellDrafts.delete(t.number); }
        catch (e) { message.textContent = e.message; }
      };
      return el("div", { class: "tell" }, input, el("button", { text: "Complete", onclick: () => send("Complete") }),
        el("button", { class: "secondary", text: "Fail", onclick: () => send("Fail") }), message);
    }

    // A row's detail is the full trial (GET studies/{id}/trials/{number}), fetched when the row opens.
    const details = new Map();
    async function loadDetail(number) {
      try { details.set(number, await getJson("studies/" + studyId + "/trials/" + number)); }
      catch (e) { details.set(number, { error: e.message }); }
      if (expanded.has(number)) renderTable();
    }
    function detailRow(row, span) {
      const t = details.get(row.number);
      if (!t) return el("tr", { class: "detail" }, el("td", { colspan: String(span) }, el("span", { class: "muted", text: "Loading trial " + row.number + "…" })));
      if (t.error) return el("tr", { class: "detail" }, el("td", { colspan: String(span) }, el("span", { class: "error", text: t.error })));
      const kv = (pairs) => el("div", { class: "kv" }, pairs.flatMap(([k, v]) => [el("span", { class: "k", text: k }), el("span", { text: v })]));
      const parts = [kv([["Trial id", String(t.trial_id)], ["Started", when(t.datetime_start)], ["Completed", when(t.datetime_complete)]])];
      if (t.params.length) parts.push(el("strong", { text: "Params" }), kv(t.params.map(p => [p.name, typeof p.param_external_value === "number" ? num(p.param_external_value) : String(p.param_external_value)])));
      if (t.intermediate_values.length) parts.push(el("strong", { text: "Intermediate values" }), kv([["Steps", t.intermediate_values.length + " (last: step " + t.intermediate_values[t.intermediate_values.length - 1].step + " = " + num(t.intermediate_values[t.intermediate_values.length - 1].value) + ")"]]));
      if (t.constraints && t.constraints.length) parts.push(el("strong", { text: "Constraints (" + (t.feasible ? "feasible" : "infeasible") + ")" }),
        kv(t.constraints.map(c => [c.name, num(c.value) + (numberOf(c.value) <= 0 ? " ✓" : " ✗")])));
      if (t.artifacts && t.artifacts.length) parts.push(el("strong", { text: "Artifacts" }), el("ul", { class: "artifacts" }, t.artifacts.map(a => el("li", null,
        meta.artifact_is_available ? el("a", { href: api + "artifacts/" + studyId + "/" + t.trial_id + "/" + a.artifact_id, download: a.filename, text: a.filename }) : el("span", { text: a.filename }),
        el("span", { class: "muted", text: " " + a.mimetype + (meta.artifact_is_available ? "" : " (no artifact store given to the dashboard)") })))));
      const ua = Object.entries(t.user_attrs), sa = Object.entries(t.system_attrs).filter(([k]) => !k.startsWith("artifacts:") && k !== "constraints" && !k.startsWith("constraints:"));
      if (ua.length) parts.push(el("strong", { text: "User attributes" }), kv(ua.map(([k, v]) => [k, JSON.stringify(v)])));
      if (sa.length) parts.push(el("strong", { text: "System attributes" }), kv(sa.map(([k, v]) => [k, JSON.stringify(v)])));
      if (t.note && t.note.body) parts.push(el("strong", { text: "Note" }), el("pre", { class: "note-body", text: t.note.body }));
      return el("tr", { class: "detail" }, el("td", { colspan: String(span) }, parts));
    }

    function renderTable() {
      const all = columns();
      const cols = all.filter(isShown);
      renderColumnsPanel(all);
      const options = all.filter(c => c.key.startsWith("v") || c.key.startsWith("p:")).map(c => [c.key.startsWith("p:") ? "param:" + c.key.slice(2) : "value:" + c.key.slice(1), c.label]);
      const current = filterColumn.value;
      if (filterColumn.options.length !== options.length) filterColumn.replaceChildren(...options.map(([v, label]) => el("option", { value: v, text: label })));
      if (current) filterColumn.value = current;
      const writable = meta.allow_writes && trials.some(t => t && t.state === "Running");
      thead.replaceChildren(el("tr", null, cols.map(c => el("th", {
        class: "sortable" + (c.num ? " num" : "") + (c.key === sortKey ? (sortDesc ? " sorted-desc" : " sorted-asc") : ""),
        "data-key": c.key, text: c.label,
        onclick: () => { if (sortKey === c.key) sortDesc = !sortDesc; else { sortKey = c.key; sortDesc = false; } renderTable(); },
      })), writable ? el("th", { text: "Tell" }) : null));
      const col = cols.find(c => c.key === sortKey) || cols[0];
      let rows = trials.filter(t => t && (!stateFilter || t.state === stateFilter) && filters.every(f => passes(t, f)));
      rows.sort((a, b) => compare(col.get(a), col.get(b)) || a.number - b.number);
      if (sortDesc) rows.reverse();
      const pages = Math.max(1, Math.ceil(rows.length / PAGE));
      pageIndex = Math.min(pageIndex, pages - 1);
      const out = [];
      for (const t of rows.slice(pageIndex * PAGE, (pageIndex + 1) * PAGE)) {
        out.push(el("tr", { "data-number": String(t.number), "data-state": t.state, onclick: (e) => {
          if (e.target.closest("input,button")) return;
          if (expanded.has(t.number)) expanded.delete(t.number); else { expanded.add(t.number); if (!details.has(t.number)) loadDetail(t.number); }
          renderTable();
        } }, cols.map(c => el("td", { class: c.num ? "num" : null }, c.cell ? c.cell(t) : (c.fmt || String)(c.get(t)))),
          writable ? el("td", null, t.state === "Running" ? tellCell(t) : null) : null));
        if (expanded.has(t.number)) out.push(detailRow(t, cols.length + (writable ? 1 : 0)));
      }
      const active = document.activeElement;
      const typing = active && active.matches && active.matches(".tell input") && tbody.contains(active)
        ? { number: active.closest("tr").dataset.number, start: active.selectionStart, end: active.selectionEnd } : null;
      tbody.replaceChildren(...out);
      if (typing) {
        const again = tbody.querySelector("tr[data-number='" + typing.number + "'] .tell input");
        if (again) { again.focus(); again.setSelectionRange(typing.start, typing.end); }
      }
      const total = trials.filter(Boolean).length;
      shown.textContent = rows.length === total ? total + " trials" : rows.length + " of " + total + " trials";
      pager.hidden = pages === 1;
      pager.replaceChildren(
        el("button", { class: "secondary", id: "page-prev", text: "‹ Previous", disabled: pageIndex === 0, onclick: () => { pageIndex--; renderTable(); } }),
        el("span", { class: "muted", id: "page-info", text: "Rows " + (rows.length ? pageIndex * PAGE + 1 : 0) + "–" + Math.min(rows.length, (pageIndex + 1) * PAGE) + " of " + rows.length + " (page " + (pageIndex + 1) + " of " + pages + ")" }),
        el("button", { class: "secondary", id: "page-next", text: "Next ›", disabled: pageIndex >= pages - 1, onclick: () => { pageIndex++; renderTable(); } }));
    }

    let plotsBusy = false, plotsAgain = false;
    async function refreshPlots() {
      if (plotsBusy) { plotsAgain = true; return; }
      plotsBusy = true;
      try {
        // The first plot alone, then the others together: on a large study the first one shows sooner.
        const [head, ...rest] = study.plots;
        await drawPlot(head);
        await Promise.all(rest.map(drawPlot));
      } finally {
        plotsBusy = false;
        if (plotsAgain) { plotsAgain = false; refreshPlots(); }
      }
    }

    function setupStudy(data) {
      title.textContent = data.name;
      crumbs(el("a", { href: "#/", text: "Studies" }), el("span", { text: data.name }));
      loadColumns();
      renderNote(data.note);
      for (const type of data.plots) plots.appendChild(el("div", { class: "card", id: "plot-" + type, "data-plot": type }, el("div", { class: "plot" })));
      if (data.artifacts.length) noteCard.after(el("div", { class: "card", id: "study-artifacts" }, el("h2", { text: "Study artifacts" }),
        el("ul", { class: "artifacts" }, data.artifacts.map(a => el("li", null, meta.artifact_is_available
          ? el("a", { href: api + "artifacts/" + studyId + "/" + a.artifact_id, download: a.filename, text: a.filename })
          : el("span", { text: a.filename }), el("span", { class: "muted", text: " " + a.mimetype }))))));
      if (data.directions.length > 1) {
        objectivePicker.hidden = false;
        objectivePicker.replaceChildren(...data.directions.map((d, i) => el("option", { value: String(i), text: "Plots of " + (data.objective_names ? data.objective_names[i] : "objective " + i) + " (" + d + ")" })));
      }
    }

    async function drawPlot(type) {
      const card = document.getElementById("plot-" + type);
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
    }

    // On the first load the first plot and the trial rows come first, the other plots after them: on a large study
    // the page is usable before every figure is drawn.
    async function initialPlots(rowsShown) {
      plotsBusy = true;
      try {
        await drawPlot(study.plots[0]);
        await rowsShown;
        await Promise.all(study.plots.slice(1).map(drawPlot));
      } finally {
        plotsBusy = false;
        if (plotsAgain) { plotsAgain = false; refreshPlots(); }
      }
    }

    let plotted = -1; // the number of trials when the plots were first requested
    let loaded = false, rowsShown = null; // rowsShown: resolves the promise initialPlots waits on
    return poll(async () => {
      if (study === null) {
        // The study without its trials first, so the plots are requested while the trial rows load.
        const head = await getJson("studies/" + studyId + "?view=rows&after=2147483647");
        study = head;
        setupStudy(head);
        plotted = head.n_trials;
        initialPlots(new Promise(resolve => { rowsShown = resolve; }));
      }
      const data = await getJson("studies/" + studyId + "?view=rows&after=" + fixed);
      study = data;
      for (const t of data.trials) {
        trials[t.number] = t;
        if (details.has(t.number)) { details.delete(t.number); if (expanded.has(t.number)) loadDetail(t.number); }
      }
      trials.length = Math.max(trials.length, data.n_trials);
      while (fixed < trials.length && trials[fixed] && !["Running", "Waiting"].includes(trials[fixed].state)) fixed++;
      const tail = loaded ? JSON.stringify(data.trials) : "";
      if (!loaded || tail !== lastTail) {
        lastTail = tail;
        renderSummary();
        renderTable();
        // The first rows need no new plots unless trials came in since the plots were requested.
        if (loaded || data.n_trials !== plotted) refreshPlots();
        if (!loaded) rowsShown();
        loaded = true;
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
