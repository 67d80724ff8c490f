// The judge's pages: score entry with an offline-safe queue. No framework, no inline script.
// Every change is kept in localStorage first, then sent; each write carries its own
// idempotency key, so a retry after a dropped network is applied exactly once.
(function () {
  "use strict";
  var cfgNode = document.getElementById("judge-config");
  if (!cfgNode) { return; }
  var cfg = JSON.parse(cfgNode.textContent);
  var T = cfg.i18n;
  var csrfNode = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfNode ? csrfNode.getAttribute("content") : "";
  var QKEY = "scoring.queue." + cfg.judge;
  var banner = document.getElementById("sync-banner");
  var sending = false, backoff = 1000, retryTimer = null, waiting = false, lastError = "";

  function fmt(template, params) {
    return template.replace(/%\((\w+)\)s/g, function (m, name) {
      return params[name] === undefined ? m : String(params[name]);
    });
  }

  // ---- storage ---------------------------------------------------------------------
  function readJSON(key, fallback) {
    try { var v = JSON.parse(localStorage.getItem(key)); return v === null ? fallback : v; }
    catch (e) { return fallback; }
  }
  function writeJSON(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full: keep going */ }
  }
  function sheetId(stage, team) { return stage + "/" + team; }
  function recordKey(sid) { return "scoring.sheet." + cfg.judge + "." + sid; }
  function loadRecord(sid) { return readJSON(recordKey(sid), null); }
  function saveRecord(sid, rec) { writeJSON(recordKey(sid), rec); }
  function queue() { return readJSON(QKEY, []); }
  function saveQueue(q) { writeJSON(QKEY, q); }

  function newKey() {
    // crypto.randomUUID needs a secure context; a tablet on http://<LAN address> has none.
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function enqueue(op) {
    var q = queue();
    var inFlight = sending && q.length ? q[0].id : null;
    // A newer full copy of a sheet replaces drafts of it not yet on their way; a replaced
    // draft never reuses its key (the server may already hold that key's answer).
    q = q.filter(function (o) {
      return !(o.sheet === op.sheet && o.kind === "draft" && o.id !== inFlight);
    });
    q.push(op);
    saveQueue(q);
    pump();
  }

  function hasPending(sid) {
    return queue().some(function (o) { return o.sheet === sid; });
  }

  // ---- banner ----------------------------------------------------------------------
  function showBanner() {
    if (!banner) { return; }
    var q = queue();
    var state, text;
    if (lastError) { state = "error"; text = fmt(T.refused, {message: lastError}); }
    else if (!q.length) { state = "sent"; text = T.sent; }
    else if (waiting || !navigator.onLine) { state = "waiting"; text = T.waiting; }
    else { state = "saving"; text = T.saving; }
    banner.setAttribute("data-state", state);
    banner.textContent = text;
  }

  // ---- sending ---------------------------------------------------------------------
  function send(op) {
    var rec = loadRecord(op.sheet) || {};
    var body = {scores: op.scores, idempotency_key: op.id};
    if (op.kind === "draft") { body.base_version = rec.base || 0; }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) { controller.abort(); } }, 15000);
    return fetch(op.url, {
      method: op.kind === "draft" ? "PUT" : "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf,
                "Accept": "application/json"},
      body: JSON.stringify(body),
      signal: controller ? controller.signal : undefined
    }).then(function (r) {
      clearTimeout(timer);
      return r.json().then(function (b) { return {status: r.status, body: b}; },
                           function () { return {status: r.status, body: null}; });
    }, function (err) { clearTimeout(timer); throw err; });
  }

  function removeOp(id) {
    saveQueue(queue().filter(function (o) { return o.id !== id; }));
  }

  function retryLater() {
    waiting = true;
    showBanner();
    clearTimeout(retryTimer);
    retryTimer = setTimeout(pump, backoff);
    backoff = Math.min(backoff * 2, 15000);
  }

  function adopt(sid, sheet) {
    // The server's copy of a sheet becomes the local one (after it accepted a write).
    var rec = loadRecord(sid) || {scores: {}};
    rec.base = sheet.version;
    // A draft's answer must not undo a submission the judge made meanwhile (still queued).
    if (!(sheet.status === "draft" && rec.pendingSubmit)) { rec.status = sheet.status; }
    rec.submittedAt = sheet.submitted_at;
    if (sheet.status === "submitted") { rec.scores = sheet.scores; rec.pendingSubmit = false; }
    saveRecord(sid, rec);
    if (page && page.sid === sid) { page.serverUpdate(sheet, rec); }
  }

  function pump() {
    if (sending) { return; }
    var q = queue();
    if (!q.length) { waiting = false; showBanner(); return; }
    var op = q[0];
    sending = true;
    showBanner();
    send(op).then(function (res) {
      sending = false;
      if (res.status >= 500 || res.status === 408 || res.status === 429 || !res.body) {
        retryLater();
        return;
      }
      waiting = false;
      backoff = 1000;
      var b = res.body;
      if (b.ok) {
        removeOp(op.id);
        adopt(op.sheet, b.sheet);
        if (op.kind === "submit") { lastError = ""; }
      } else if (res.status === 409 && b.sheet && b.sheet.status === "draft" && op.kind === "draft"
                 && (op.rebased || 0) < 3) {
        // Changed elsewhere (another tab, a reopening): the judge's latest typing wins.
        var rec = loadRecord(op.sheet) || {};
        rec.base = b.sheet.version;
        saveRecord(op.sheet, rec);
        op.rebased = (op.rebased || 0) + 1;
        saveQueue(queue().map(function (o) { return o.id === op.id ? op : o; }));
      } else {
        removeOp(op.id);
        if (b.sheet) { adopt(op.sheet, b.sheet); }
        if (b.sheet && b.sheet.status === "submitted") {
          lastError = "";
          if (page && page.sid === op.sheet && op.kind === "submit") { page.refused(b, op.kind); }
        } else {
          lastError = b.error || String(res.status);
          var r2 = loadRecord(op.sheet);
          if (r2 && op.kind === "submit") { r2.status = "draft"; r2.pendingSubmit = false; saveRecord(op.sheet, r2); }
          if (page && page.sid === op.sheet) { page.refused(b, op.kind); }
        }
      }
      showBanner();
      pump();
    }, function () {
      sending = false;
      retryLater();
    });
  }

  window.addEventListener("online", function () { backoff = 1000; pump(); });
  window.addEventListener("offline", function () { waiting = true; showBanner(); });
  setInterval(function () { if (!sending && queue().length) { pump(); } }, 5000);

  // ---- numbers (exact: scaled integers, never floating point) ------------------------
  var PLAIN = /^[0-9]+(\.[0-9]+)?$/;
  function decimals(s) { var i = s.indexOf("."); return i < 0 ? 0 : s.length - i - 1; }
  function scaled(s, d) {
    var parts = s.split("."), frac = (parts[1] || "");
    while (frac.length < d) { frac += "0"; }
    return BigInt(parts[0] + frac);
  }
  function unscale(n, d) {
    var s = n.toString();
    if (d === 0) { return s; }
    while (s.length <= d) { s = "0" + s; }
    var out = s.slice(0, s.length - d) + "." + s.slice(s.length - d);
    return out.replace(/\.?0+$/, "");
  }
  function check(text, c) {
    var t = (text || "").trim();
    if (t === "") { return {empty: true}; }
    if (t.length > 24 || !(PLAIN.test(t) || /^-[0-9]+(\.[0-9]+)?$/.test(t))) {
      return {error: fmt(T.nan, {value: t.slice(0, 24)})};
    }
    var d = Math.max(decimals(t), decimals(c.max), decimals(c.step));
    var neg = t.charAt(0) === "-", v = scaled(neg ? t.slice(1) : t, d);
    if (neg && v !== 0n) { return {error: fmt(T.below, {value: t})}; }
    var mx = scaled(c.max, d), st = scaled(c.step, d);
    if (v > mx) { return {error: fmt(T.above, {value: t, max: c.max})}; }
    if (st > 0n && v % st !== 0n) { return {error: fmt(T.step, {value: t, step: c.step})}; }
    return {value: unscale(v, d)};
  }

  // ---- the score sheet ---------------------------------------------------------------
  var page = null;

  function SheetPage() {
    var self = this;
    var crits = cfg.criteria;
    var byKey = {};
    crits.forEach(function (c) { byKey[c.key] = c; });
    this.sid = sheetId(cfg.stage, cfg.team);
    var form = document.getElementById("sheet-form");
    var inputs = {};
    Array.prototype.forEach.call(form.querySelectorAll(".score-input"), function (el) {
      inputs[el.getAttribute("data-key")] = el;
    });
    var totalEl = document.getElementById("total");
    var errorBox = document.getElementById("sheet-error");
    var lockedNote = document.getElementById("locked-note");
    var dialog = document.getElementById("confirm");
    var debounce = null;
    var server = cfg.sheet;

    // Which copy wins at load: unsent local changes, or a newer server copy.
    var rec = loadRecord(this.sid);
    if (!rec || (server.status === "submitted" && server.version >= (rec.base || 0))
        || (!hasPending(this.sid) && server.version > (rec.base || 0))) {
      rec = {scores: server.scores || {}, base: server.version, status: server.status,
             submittedAt: server.submitted_at, pendingSubmit: false};
      saveRecord(this.sid, rec);
    }

    function values() {
      var out = {};
      crits.forEach(function (c) { out[c.key] = inputs[c.key].value; });
      return out;
    }
    function validate(showEmpty) {
      var ok = true, complete = true, d = 0, vals = {};
      crits.forEach(function (c) { d = Math.max(d, decimals(c.max), decimals(c.step)); });
      var sum = 0n;
      crits.forEach(function (c) {
        var el = inputs[c.key], res = check(el.value, c), msg = "";
        if (res.error) { ok = false; msg = res.error; }
        else if (res.empty) { complete = false; vals[c.key] = null; if (showEmpty) { msg = T.empty; } }
        else { vals[c.key] = res.value; sum += scaled(res.value, d); }
        document.getElementById("err-" + c.key).textContent = msg;
        el.closest(".crit").classList.toggle("has-error", !!msg);
      });
      var total = unscale(sum, d);
      totalEl.textContent = total;
      return {ok: ok, complete: complete, values: vals, total: total};
    }
    function render() {
      var r = loadRecord(self.sid) || rec;
      crits.forEach(function (c) {
        var v = r.scores[c.key];
        inputs[c.key].value = v === null || v === undefined ? "" : v;
      });
      var locked = r.status === "submitted" || !!cfg.blocked;
      form.classList.toggle("locked", locked);
      Array.prototype.forEach.call(form.querySelectorAll("input, button"), function (el) {
        el.disabled = locked;
      });
      lockedNote.hidden = r.status !== "submitted";
      var text = document.getElementById("locked-text");
      if (r.status === "submitted") {
        text.textContent = r.pendingSubmit ? T.submitted_local :
          (r.submittedAt ? fmt(T.submitted_at, {time: new Date(r.submittedAt).toLocaleString()}) : "");
      }
      validate(false);
    }
    function changed() {
      var r = loadRecord(self.sid) || rec;
      if (r.status === "submitted") { return; }
      r.scores = values();
      saveRecord(self.sid, r);  // on the tablet first, before anything is sent
      var v = validate(false);
      errorBox.hidden = true;
      clearTimeout(debounce);
      if (!v.ok) { return; }  // a half-typed value is kept here, sent once it is valid
      debounce = setTimeout(function () {
        enqueue({id: newKey(), kind: "draft", sheet: self.sid, url: cfg.draft_url,
                 scores: v.values});
      }, 300);
      showBanner();
    }

    form.addEventListener("input", changed);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("click", function (e) {
      var btn = e.target.closest("button[data-act]");
      if (!btn) { return; }
      var crit = byKey[btn.closest(".crit").getAttribute("data-key")];
      var el = inputs[crit.key];
      var act = btn.getAttribute("data-act");
      if (act === "clear") { el.value = ""; changed(); return; }
      var d = Math.max(decimals(crit.max), decimals(crit.step));
      var st = scaled(crit.step, d), mx = scaled(crit.max, d);
      var cur = check(el.value, crit), v;
      // An unreadable value counts as 0; a value off the step moves to the next step.
      v = cur.value !== undefined ? scaled(cur.value, Math.max(d, decimals(cur.value))) : 0n;
      if (cur.value !== undefined && decimals(cur.value) > d) {
        v = v / (10n ** BigInt(decimals(cur.value) - d));
      }
      if (act === "plus") { v = cur.empty ? st : (v / st + 1n) * st; }
      else { v = cur.empty ? 0n : (v % st === 0n ? v - st : (v / st) * st); }
      if (v < 0n) { v = 0n; }
      if (v > mx) { v = mx; }
      el.value = unscale(v, d);
      changed();
    });

    document.getElementById("submit-btn").addEventListener("click", function () {
      var v = validate(true);
      if (!v.ok || !v.complete) {
        errorBox.textContent = v.ok ? T.missing : T.fix;
        errorBox.hidden = false;
        var first = form.querySelector(".crit.has-error input");
        if (first) { first.focus(); }
        return;
      }
      errorBox.hidden = true;
      document.getElementById("confirm-total").textContent = v.total;
      dialog.hidden = false;
      document.getElementById("confirm-yes").focus();
    });
    document.getElementById("confirm-no").addEventListener("click", function () { dialog.hidden = true; });
    document.getElementById("confirm-yes").addEventListener("click", function () {
      dialog.hidden = true;
      var v = validate(true);
      if (!v.ok || !v.complete) { return; }
      clearTimeout(debounce);
      var r = loadRecord(self.sid) || rec;
      r.scores = v.values;
      r.status = "submitted";
      r.pendingSubmit = true;
      saveRecord(self.sid, r);
      lastError = "";
      enqueue({id: newKey(), kind: "submit", sheet: self.sid, url: cfg.submit_url, scores: v.values});
      render();
    });

    this.serverUpdate = function (sheet) {
      if (sheet.status === "submitted") { render(); }
    };
    this.refused = function (body, kind) {
      errorBox.textContent = body.error || "";
      errorBox.hidden = false;
      if (kind === "submit") { render(); }
      Object.keys(body.errors || {}).forEach(function (k) {
        var el = document.getElementById("err-" + k);
        if (el) { el.textContent = body.errors[k]; el.closest(".crit").classList.add("has-error"); }
      });
    };
    render();
  }

  // ---- the home page -----------------------------------------------------------------
  function HomePage() {
    var version = cfg.version;
    function overlayLocal() {
      // Sheets submitted on this tablet but not yet sent show as waiting, not "draft".
      Array.prototype.forEach.call(document.querySelectorAll(".judge-stage"), function (sec) {
        var stage = sec.getAttribute("data-stage");
        Array.prototype.forEach.call(sec.querySelectorAll(".team-row"), function (row) {
          var rec = loadRecord(sheetId(stage, row.getAttribute("data-team")));
          var pending = rec && rec.pendingSubmit && row.getAttribute("data-status") !== "submitted";
          row.classList.toggle("is-pending", !!pending);
          if (pending) { row.querySelector(".status-badge").textContent = T.pending; }
        });
      });
    }
    function apply(state) {
      var stages = {};
      state.stages.forEach(function (s) { stages[s.key] = s; });
      var sections = document.querySelectorAll(".judge-stage");
      if (sections.length !== state.stages.length) { location.reload(); return; }
      Array.prototype.forEach.call(sections, function (sec) {
        var s = stages[sec.getAttribute("data-stage")];
        if (!s) { location.reload(); return; }
        var teams = {};
        s.teams.forEach(function (pair) { teams[pair[0]] = pair[1]; });
        Array.prototype.forEach.call(sec.querySelectorAll(".team-row"), function (row) {
          var key = row.getAttribute("data-team"), status = teams[key];
          row.classList.toggle("is-current", s.current === key);
          if (status && status !== row.getAttribute("data-status")) {
            row.className = row.className.replace(/status-\w+/, "status-" + status);
            row.setAttribute("data-status", status);
            row.querySelector(".status-badge").textContent = T.status[status];
          }
        });
      });
      overlayLocal();
    }
    function poll() {
      if (!navigator.onLine) { return; }
      fetch(cfg.state + "?v=" + encodeURIComponent(version), {credentials: "same-origin",
        headers: {"Accept": "application/json"}}).then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (state) {
        if (state && state.changed) { version = state.version; apply(state); }
      }).catch(function () { /* offline: try again next tick */ });
    }
    overlayLocal();
    setInterval(poll, 2000);
  }

  if (cfg.page === "sheet") { page = new SheetPage(); }
  else if (cfg.page === "home") { HomePage(); }

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(cfg.sw, {scope: "/judge/"}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      var urls = [location.pathname, cfg.home].concat(cfg.prefetch || []);
      if (reg.active) { reg.active.postMessage({cache: urls}); }
    }).catch(function () { /* no offline copy; the queue still works */ });
  }
  showBanner();
  pump();
})();
