// The judge's stage page: every team of the open stages is loaded at once, and the team
// list and each team's score sheet are views of this one page (#s=STAGE&t=TEAM), so a
// judge moves between teams and scores them with no network at all (DESIGN section 10).
// Every change is kept in localStorage first, then sent; each write carries its own
// idempotency key, so a retry after a dropped network is applied exactly once.
// No framework, no inline script; the page holds every text (cfg.i18n).
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
  var loginLost = false;
  var view = null;  // the sheet on screen: {stage, team, sid} or null (the list)

  function $(id) { return document.getElementById(id); }
  function fmt(template, params) {
    return template.replace(/%\((\w+)\)s/g, function (m, name) {
      return params[name] === undefined ? m : String(params[name]);
    });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
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

  function apiUrl(stage, team) {
    return cfg.api.replace("STAGE", encodeURIComponent(stage)).replace("TEAM", encodeURIComponent(team));
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

  // ---- banner: connection state and how many sheets wait ----------------------------
  function showBanner() {
    if (!banner) { return; }
    var q = queue(), sheets = {};
    q.forEach(function (o) { sheets[o.sheet] = 1; });
    var n = Object.keys(sheets).length;
    var online = navigator.onLine && !waiting;
    var state, text;
    if (lastError) { state = "error"; text = fmt(T.refused, {message: lastError}); }
    else if (!q.length) { state = "sent"; text = T.sent; }
    else if (!online) { state = "waiting"; text = T.waiting; }
    else { state = "saving"; text = T.saving; }
    banner.setAttribute("data-state", state);
    banner.setAttribute("data-online", online ? "1" : "0");
    $("net-text").textContent = online ? T.online : T.offline;
    $("sync-text").textContent = text;
    var count = $("queue-count");
    count.setAttribute("data-n", String(n));
    count.textContent = n ? fmt(T.queued, {n: n}) : "";
  }

  // ---- sending ---------------------------------------------------------------------
  function send(op) {
    var rec = loadRecord(op.sheet) || {};
    var body = {scores: op.scores, idempotency_key: op.id};
    if (op.comment !== undefined) { body.comment = op.comment; }
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
    if (sheet.status === "submitted") {
      rec.scores = sheet.scores; rec.comment = sheet.comment || ""; rec.pendingSubmit = false;
    }
    if (sheet.status === "submitted" || !rec.pendingSubmit) { rec.reopenReason = reopenReason(sheet); }
    saveRecord(sid, rec);
    refreshRow(sid);
    if (view && view.sid === sid && sheet.status === "submitted") { renderSheet(); }
  }

  function pump() {
    if (sending) { return; }
    var q = queue();
    if (!q.length) { waiting = false; showBanner(); return; }
    // The browser knows it has no network: try nothing (nothing leaves the page).
    if (!navigator.onLine) { waiting = true; showBanner(); return; }
    var op = q[0];
    sending = true;
    showBanner();
    send(op).then(function (res) {
      sending = false;
      if (res.status >= 500 || res.status === 408 || res.status === 429 || !res.body) {
        retryLater();
        return;
      }
      var b = res.body;
      if (res.status === 403 && b.login === "ended") {
        // The judge's login ended (card link renewed, session expired): keep every unsent
        // score and say to scan the card again; sending resumes once logged in again.
        // Not retryLater(): the network is fine, and the banner must not say "offline".
        lastError = b.error;
        loginLost = true;
        waiting = false;
        showBanner();
        clearTimeout(retryTimer);
        retryTimer = setTimeout(pump, backoff);
        backoff = Math.min(backoff * 2, 15000);
        return;
      }
      if (loginLost) { lastError = ""; loginLost = false; }
      waiting = false;
      backoff = 1000;
      if (b.ok) {
        removeOp(op.id);
        adopt(op.sheet, b.sheet);
        if (op.kind === "submit") { lastError = ""; submitted(op.sheet, true); }
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
          if (op.kind === "submit") { submitted(op.sheet, true); }
        } else {
          lastError = b.error || String(res.status);
          var r2 = loadRecord(op.sheet);
          if (r2 && op.kind === "submit") { r2.status = "draft"; r2.pendingSubmit = false; saveRecord(op.sheet, r2); }
          refreshRow(op.sheet);
          if (view && view.sid === op.sheet) { refused(b, op.kind); }
        }
      }
      showBanner();
      pump();
    }, function () {
      sending = false;
      retryLater();
    });
  }

  window.addEventListener("online", function () { backoff = 1000; waiting = false; pump(); poll(); });
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
  function critDigits(c) { return Math.max(decimals(c.max), decimals(c.step)); }
  // The value at percent p of the maximum, rounded half up to the step.
  function atPercent(c, p) {
    var d = critDigits(c), mx = scaled(c.max, d), st = scaled(c.step, d);
    if (st <= 0n) { return unscale(mx, d); }
    var q = (mx * BigInt(p) + 50n * st) / (100n * st);
    var v = q * st;
    return unscale(v > mx ? mx : v, d);
  }
  // Quick picks: every value when there are few steps, else values spread over the upper
  // half of the range, where judges score (a weak presentation still gets half).
  var PICKS = [50, 60, 70, 75, 80, 85, 90, 95, 100];
  function quickPicks(c) {
    var d = critDigits(c), mx = scaled(c.max, d), st = scaled(c.step, d), out = [];
    if (st > 0n && mx / st <= 10n) {
      for (var v = 0n; v <= mx; v += st) { out.push(unscale(v, d)); }
      return out;
    }
    PICKS.forEach(function (p) {
      var v = atPercent(c, p);
      if (out.indexOf(v) < 0) { out.push(v); }
    });
    return out;
  }
  // Where a stepper starts from an empty box: a typical score, not 0.
  function typical(c) { return atPercent(c, 80); }

  // ---- the stage data --------------------------------------------------------------
  var stages = {};
  cfg.stages.forEach(function (s) {
    stages[s.key] = s;
    s.byKey = {};
    s.teams.forEach(function (t) { s.byKey[t.key] = t; });
    s.teams.forEach(function (t) { reconcile(s, t); });
  });

  // The organizer's reason while a reopened sheet is not submitted again (the server's
  // sheet state says it), else null; "" when the organizer gave none.
  function reopenReason(sheet) {
    return sheet && sheet.status === "draft" && sheet.reopened ? (sheet.reopen_reason || "") : null;
  }

  // Which copy wins at load: unsent local changes, or a newer server copy.
  function reconcile(stage, team) {
    var sid = sheetId(stage.key, team.key), server = team.sheet, rec = loadRecord(sid);
    if (!server) {
      if (rec && !hasPending(sid) && rec.base && !rec.pendingSubmit) {
        // The server has no sheet any more (deleted by the organizer): start again.
        saveRecord(sid, null);
      }
      return;
    }
    if (!rec || (server.status === "submitted" && server.version >= (rec.base || 0))
        || (!hasPending(sid) && server.version > (rec.base || 0))) {
      saveRecord(sid, {scores: server.scores || {}, comment: server.comment || "",
                       base: server.version, status: server.status,
                       submittedAt: server.submitted_at, pendingSubmit: false,
                       reopenReason: reopenReason(server)});
    } else if (!rec.pendingSubmit && rec.reopenReason !== reopenReason(server)) {
      rec.reopenReason = reopenReason(server);
      saveRecord(sid, rec);
    }
  }

  // The status the list shows: the server's, unless this tablet holds something newer.
  function localStatus(stage, team) {
    var rec = loadRecord(sheetId(stage.key, team.key));
    if (["recused", "withdrawn", "absent"].indexOf(team.status) >= 0) { return team.status; }
    if (rec && rec.pendingSubmit) { return "pending"; }
    if (rec && rec.status === "submitted") { return "submitted"; }
    if (rec && rec.scores && Object.keys(rec.scores).some(function (k) {
      return rec.scores[k] !== null && rec.scores[k] !== "";
    })) { return team.status === "submitted" ? "submitted" : "draft"; }
    return team.status;
  }
  function recTotal(stage, rec) {
    var d = 0, sum = 0n, any = false;
    stage.criteria.forEach(function (c) { d = Math.max(d, critDigits(c)); });
    stage.criteria.forEach(function (c) {
      var r = check(rec.scores[c.key], c);
      if (r.value !== undefined) { sum += scaled(r.value, d); any = true; }
    });
    return any ? unscale(sum, d) : "";
  }

  function rowOf(stageKey, teamKey) {
    return document.querySelector('.judge-stage[data-stage="' + stageKey + '"] .team-row[data-team="' + teamKey + '"]');
  }
  function refreshRow(sid) {
    var parts = sid.split("/"), stage = stages[parts[0]];
    if (!stage || !stage.byKey[parts[1]]) { return; }
    var team = stage.byKey[parts[1]], row = rowOf(stage.key, team.key);
    if (!row) { return; }
    var status = localStatus(stage, team), rec = loadRecord(sid);
    row.className = "team-row status-" + (status === "pending" ? "draft is-pending" : status) +
      (stage.current === team.key ? " is-current" : "");
    row.setAttribute("data-status", status === "pending" ? "submitted" : status);
    row.querySelector(".status-badge").textContent = status === "pending" ? T.pending : T.status[status];
    row.querySelector(".team-total").textContent =
      rec && (status === "draft" || status === "submitted" || status === "pending") ? recTotal(stage, rec) : "";
  }
  function refreshList() {
    cfg.stages.forEach(function (s) {
      s.teams.forEach(function (t) { refreshRow(sheetId(s.key, t.key)); });
    });
  }

  // ---- the score sheet view ---------------------------------------------------------
  var form = $("sheet-form"), crits = $("crits"), inputs = {}, debounce = null;
  var commentBox = $("comment");

  function buildCriteria(stage) {
    crits.textContent = "";
    inputs = {};
    stage.criteria.forEach(function (c) {
      var box = el("div", "crit");
      box.setAttribute("data-key", c.key);
      var text = el("div", "crit-text");
      var label = el("label", "crit-name", c.name);
      label.setAttribute("for", "score-" + c.key);
      text.appendChild(label);
      if (c.description) { text.appendChild(el("div", "hint", c.description)); }
      text.appendChild(el("div", "hint", fmt(T.max_step, {max: c.max, step: c.step})));
      box.appendChild(text);
      var controls = el("div", "crit-controls");
      var minus = el("button", "step-btn", "−");
      minus.type = "button"; minus.setAttribute("data-act", "minus"); minus.setAttribute("aria-label", T.less);
      var input = el("input", "score-input");
      input.id = "score-" + c.key; input.type = "text"; input.setAttribute("inputmode", "decimal");
      input.setAttribute("autocomplete", "off"); input.setAttribute("data-key", c.key);
      input.placeholder = T.not_scored; input.setAttribute("aria-describedby", "err-" + c.key);
      var plus = el("button", "step-btn", "+");
      plus.type = "button"; plus.setAttribute("data-act", "plus"); plus.setAttribute("aria-label", T.more);
      var clear = el("button", "clear-btn", T.clear);
      clear.type = "button"; clear.setAttribute("data-act", "clear");
      [minus, input, plus, clear].forEach(function (x) { controls.appendChild(x); });
      box.appendChild(controls);
      var picks = el("div", "picks");
      quickPicks(c).forEach(function (v) {
        var b = el("button", "pick-btn", v);
        b.type = "button"; b.setAttribute("data-act", "pick"); b.setAttribute("data-v", v);
        picks.appendChild(b);
      });
      box.appendChild(picks);
      var err = el("div", "crit-error error");
      err.id = "err-" + c.key; err.setAttribute("role", "alert");
      box.appendChild(err);
      crits.appendChild(box);
      inputs[c.key] = input;
    });
  }

  function blockedText(stage, team) {
    if (team.status === "withdrawn") { return fmt(T.withdrawn, {team: team.name}); }
    if (team.status === "absent") { return T.absent; }
    if (team.status === "recused") { return fmt(T.recused, {team: team.name}); }
    return "";
  }

  function validate(showEmpty) {
    var stage = stages[view.stage], ok = true, complete = true, d = 0, vals = {};
    stage.criteria.forEach(function (c) { d = Math.max(d, critDigits(c)); });
    var sum = 0n, entered = false;
    stage.criteria.forEach(function (c) {
      var inp = inputs[c.key], res = check(inp.value, c), msg = "";
      if (res.error) { ok = false; msg = res.error; }
      else if (res.empty) { complete = false; vals[c.key] = null; if (showEmpty) { msg = T.empty; } }
      else { vals[c.key] = res.value; sum += scaled(res.value, d); entered = true; }
      $("err-" + c.key).textContent = msg;
      inp.closest(".crit").classList.toggle("has-error", !!msg);
      var picked = inp.closest(".crit").querySelectorAll(".pick-btn");
      Array.prototype.forEach.call(picked, function (b) {
        b.classList.toggle("is-picked", res.value !== undefined && b.getAttribute("data-v") === res.value);
      });
    });
    var comment = commentBox.value, cmsg = "";
    if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/.test(comment)) { ok = false; cmsg = T.comment_bad; }
    else if (comment.trim().length > cfg.comment_limit) {
      ok = false; cmsg = fmt(T.comment_long, {n: comment.trim().length, limit: cfg.comment_limit});
    } else if (showEmpty && stage.comment_required && !comment.trim()) { complete = false; cmsg = T.comment_required; }
    $("err-comment").textContent = cmsg;
    commentBox.closest(".crit").classList.toggle("has-error", !!cmsg);
    var total = unscale(sum, d);
    // Nothing scored yet reads as a dash, not as a total of 0.
    $("total").textContent = entered ? total : "—";
    return {ok: ok, complete: complete, values: vals, total: total, comment: comment.trim()};
  }

  function nextTeam(stage, after) {
    // The next team in draw order not yet submitted (from this tablet's view), wrapping.
    var i = stage.teams.findIndex(function (t) { return t.key === after; });
    for (var n = 1; n < stage.teams.length; n++) {
      var t = stage.teams[(i + n) % stage.teams.length];
      var st = localStatus(stage, t);
      if (st === "not_started" || st === "draft") { return t; }
    }
    return null;
  }
  function teamHash(stage, team) {
    return "#s=" + encodeURIComponent(stage) + "&t=" + encodeURIComponent(team);
  }

  function renderNow() {
    var stage = stages[view.stage], line = $("now-line");
    var now = stage.current && stage.byKey[stage.current];
    line.hidden = !now;
    line.textContent = "";
    if (!now) { return; }
    line.classList.toggle("is-this", now.key === view.team);
    if (now.key === view.team) { line.textContent = fmt(T.presenting, {team: now.name}); return; }
    var a = el("a", "", fmt(T.presenting, {team: now.name}));
    a.href = teamHash(stage.key, now.key);
    line.appendChild(a);
  }

  function renderSheet() {
    if (!view) { return; }
    var stage = stages[view.stage], team = stage.byKey[view.team];
    var rec = loadRecord(view.sid) || {scores: {}, comment: "", status: "draft", base: 0};
    stage.criteria.forEach(function (c) {
      var v = rec.scores[c.key];
      inputs[c.key].value = v === null || v === undefined ? "" : v;
    });
    if (document.activeElement !== commentBox) { commentBox.value = rec.comment || ""; }
    var blocked = blockedText(stage, team);
    var locked = rec.status === "submitted" || !!blocked;
    form.classList.toggle("locked", locked);
    Array.prototype.forEach.call(form.querySelectorAll("input, button, textarea"), function (x) {
      x.disabled = locked;
    });
    $("sheet-blocked").hidden = !blocked;
    $("sheet-blocked").textContent = blocked;
    // Textual, never markup: the reason is what the organizer typed.
    var reason = rec.status === "submitted" || blocked ? null : rec.reopenReason;
    $("reopen-note").hidden = reason === null || reason === undefined;
    $("reopen-note").textContent = reason ? fmt(T.reopen_reason, {reason: reason}) : T.reopen_no_reason;
    $("locked-note").hidden = rec.status !== "submitted";
    if (rec.status === "submitted") {
      $("locked-text").textContent = rec.pendingSubmit ? T.submitted_local :
        (rec.submittedAt ? fmt(T.submitted_at, {time: new Date(rec.submittedAt).toLocaleString()}) : "");
    }
    var next = rec.status === "submitted" ? nextTeam(stage, team.key) : null;
    $("next-bar").hidden = rec.status !== "submitted";
    $("next-btn").hidden = !next;
    $("all-done").hidden = !!next;
    if (next) {
      $("next-btn").textContent = fmt(T.next, {team: next.name});
      $("next-btn").href = teamHash(stage.key, next.key);
    }
    $("comment-need").textContent = stage.comment_required ? "*" : "";
    renderNow();
    validate(false);
  }

  // A submit done (acknowledged=true: the server accepted it): the sheet's status and
  // total, which sit above the submit button the judge just pressed, are brought into view
  // and said once. Never while another sheet is on screen, nor under a judge typing.
  function submitted(sid, acknowledged) {
    if (!view || view.sid !== sid || $("locked-note").hidden) { return; }
    var live = $("sheet-live"), team = stages[view.stage].byKey[view.team];
    if (acknowledged || !navigator.onLine) {
      live.textContent = "";  // the same words twice are still said twice
      live.textContent = fmt(T.announce_submitted, {team: team.name, total: $("total").textContent,
                                                    status: $("locked-text").textContent});
    }
    var a = document.activeElement;
    if (a && (a.tagName === "INPUT" || a.tagName === "TEXTAREA") && !a.disabled) { return; }
    var head = document.querySelector(".sheet-head"), note = $("locked-note");
    var top = banner ? banner.getBoundingClientRect().bottom : 0;
    var from = head.getBoundingClientRect().top, to = note.getBoundingClientRect().bottom;
    if (from >= top && to <= window.innerHeight) { return; }  // already in view: no jump
    window.scrollBy(0, from - top - 8);
  }

  function openSheet(stageKey, teamKey) {
    var stage = stages[stageKey], team = stage && stage.byKey[teamKey];
    if (!team) { return false; }
    clearTimeout(debounce);
    view = {stage: stageKey, team: teamKey, sid: sheetId(stageKey, teamKey)};
    buildCriteria(stage);
    $("sheet-draw").textContent = team.draw === null || team.draw === undefined ? "" : team.draw;
    $("sheet-team").textContent = team.name;
    $("sheet-stage").textContent = stage.name;
    $("confirm-title").textContent = fmt(T.confirm_title, {team: team.name});
    $("sheet-error").hidden = true;
    $("confirm").hidden = true;
    $("list-view").hidden = true;
    $("sheet-view").hidden = false;
    document.title = team.name + " · " + stage.name;
    renderSheet();
    window.scrollTo(0, 0);
    return true;
  }

  function showList() {
    view = null;
    $("sheet-view").hidden = true;
    $("list-view").hidden = false;
    refreshList();
  }

  function route() {
    var m = /^#s=([^&]*)&t=(.*)$/.exec(location.hash);
    if (m && openSheet(decodeURIComponent(m[1]), decodeURIComponent(m[2]))) { return; }
    showList();
  }

  function changed() {
    if (!view) { return; }
    var sid = view.sid, stage = stages[view.stage];
    var r = loadRecord(sid) || {scores: {}, comment: "", status: "draft", base: 0};
    if (r.status === "submitted") { return; }
    var vals = {};
    stage.criteria.forEach(function (c) { vals[c.key] = inputs[c.key].value; });
    r.scores = vals;
    r.comment = commentBox.value;
    saveRecord(sid, r);  // on the tablet first, before anything is sent
    var v = validate(false);
    $("sheet-error").hidden = true;
    clearTimeout(debounce);
    refreshRow(sid);
    if (!v.ok) { return; }  // a half-typed value is kept here, sent once it is valid
    var url = apiUrl(view.stage, view.team) + "/draft";
    debounce = setTimeout(function () {
      enqueue({id: newKey(), kind: "draft", sheet: sid, url: url, scores: v.values, comment: v.comment});
    }, 300);
    showBanner();
  }

  function refused(body, kind) {
    $("sheet-error").textContent = body.error || "";
    $("sheet-error").hidden = false;
    if (kind === "submit") { renderSheet(); }
    Object.keys(body.errors || {}).forEach(function (k) {
      var e = $("err-" + k);
      if (e) { e.textContent = body.errors[k]; e.closest(".crit").classList.add("has-error"); }
    });
  }

  form.addEventListener("input", changed);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("click", function (e) {
    var btn = e.target.closest("button[data-act]");
    if (!btn || !view) { return; }
    var crit = stages[view.stage].criteria.filter(function (c) {
      return c.key === btn.closest(".crit").getAttribute("data-key");
    })[0];
    var inp = inputs[crit.key];
    var act = btn.getAttribute("data-act");
    if (act === "clear") { inp.value = ""; changed(); return; }
    if (act === "pick") { inp.value = btn.getAttribute("data-v"); changed(); return; }
    var d = critDigits(crit);
    var st = scaled(crit.step, d), mx = scaled(crit.max, d);
    var cur = check(inp.value, crit), v;
    if (cur.empty || cur.value === undefined) {
      // From an empty (or unreadable) box the stepper starts at a typical score.
      inp.value = typical(crit);
      changed();
      return;
    }
    v = scaled(cur.value, Math.max(d, decimals(cur.value)));
    if (decimals(cur.value) > d) { v = v / (10n ** BigInt(decimals(cur.value) - d)); }
    if (act === "plus") { v = (v / st + 1n) * st; }
    else { v = v % st === 0n ? v - st : (v / st) * st; }
    if (v < 0n) { v = 0n; }
    if (v > mx) { v = mx; }
    inp.value = unscale(v, d);
    changed();
  });

  $("submit-btn").addEventListener("click", function () {
    var v = validate(true);
    if (!v.ok || !v.complete) {
      $("sheet-error").textContent = !v.ok ? T.fix :
        (Object.keys(v.values).some(function (k) { return v.values[k] === null; }) ? T.missing : T.comment_required);
      $("sheet-error").hidden = false;
      var first = form.querySelector(".crit.has-error input, .crit.has-error textarea");
      if (first) { first.focus(); }
      return;
    }
    $("sheet-error").hidden = true;
    $("confirm-total").textContent = v.total;
    $("confirm").hidden = false;
    $("confirm-yes").focus();
  });
  $("confirm-no").addEventListener("click", function () { $("confirm").hidden = true; });
  $("confirm-yes").addEventListener("click", function () {
    $("confirm").hidden = true;
    var v = validate(true);
    if (!v.ok || !v.complete || !view) { return; }
    clearTimeout(debounce);
    var r = loadRecord(view.sid) || {base: 0};
    r.scores = v.values;
    r.comment = v.comment;
    r.status = "submitted";
    r.pendingSubmit = true;
    r.reopenReason = null;  // submitted again: the reopening is over
    saveRecord(view.sid, r);
    lastError = "";
    enqueue({id: newKey(), kind: "submit", sheet: view.sid, url: apiUrl(view.stage, view.team) + "/submit",
             scores: v.values, comment: v.comment});
    refreshRow(view.sid);
    renderSheet();
    submitted(view.sid, false);
  });

  // ---- live changes: the organizer's presenting, reopening, withdrawal, absence -------
  var version = cfg.version;
  function notice(text) {
    var n = $("notice");
    n.textContent = text;
    n.hidden = !text;
  }
  function reopened(stage, team) {
    // The organizer reopened a sheet this tablet holds as submitted: fetch and adopt it.
    var sid = sheetId(stage.key, team.key);
    fetch(apiUrl(stage.key, team.key), {credentials: "same-origin",
      headers: {"Accept": "application/json"}}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (b) {
      if (!b || !b.sheet || b.sheet.status !== "draft") { return; }
      var rec = loadRecord(sid) || {};
      if (rec.pendingSubmit) { return; }
      var reason = reopenReason(b.sheet) || "";
      saveRecord(sid, {scores: b.sheet.scores, comment: b.sheet.comment || "", base: b.sheet.version,
                       status: "draft", submittedAt: null, pendingSubmit: false,
                       reopenReason: reason});
      refreshRow(sid);
      // One message per reopening, with the organizer's reason (as text, never markup).
      // The sheet on screen says it in its own note (renderSheet), spoken once through the
      // sheet's live region; any other sheet is named in the notice at the top (an alert).
      if (view && view.sid === sid) {
        renderSheet();
        var live = $("sheet-live");
        live.textContent = "";  // the same words twice are still said twice
        live.textContent = $("reopen-note").textContent;
      } else {
        notice(reason ? fmt(T.reopened_reason, {team: team.name, reason: reason})
                      : fmt(T.reopened, {team: team.name}));
      }
    }).catch(function () { /* offline: the next poll tries again */ });
  }
  function apply(state) {
    if (state.stages.length !== cfg.stages.length || state.stages.some(function (s) { return !stages[s.key]; })) {
      // A stage opened or closed: the page's data is another one now.
      if (!queue().length) { location.reload(); }
      return;
    }
    state.stages.forEach(function (s) {
      var stage = stages[s.key];
      stage.current = s.current;
      s.teams.forEach(function (pair) {
        var team = stage.byKey[pair[0]];
        if (!team) { return; }
        team.status = pair[1];
        var rec = loadRecord(sheetId(stage.key, team.key));
        if (pair[1] === "draft" && rec && rec.status === "submitted" && !rec.pendingSubmit) {
          reopened(stage, team);
        }
      });
    });
    refreshList();
    if (view) { renderSheet(); }
  }
  function poll() {
    if (!navigator.onLine || document.hidden) { return; }
    fetch(cfg.state + "?v=" + encodeURIComponent(version), {credentials: "same-origin",
      headers: {"Accept": "application/json"}}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (state) {
      if (state && state.changed) { version = state.version; apply(state); }
    }).catch(function () { /* offline: try again next tick */ });
  }
  setInterval(poll, 2000);

  // ---- leaving the page: only with the network -----------------------------------
  // With the Wi-Fi down, a tap on the title or the language switch would open the
  // browser's error page, and this page (with scores waiting in it) would come back only
  // with the network; a logout would fail the same way. So a link that leaves the page
  // and the logout first ask the server; without an answer the tablet stays and says why.
  function reachable(then, otherwise) {
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (ctrl) { ctrl.abort(); } }, 4000);
    fetch(cfg.state + "?v=" + encodeURIComponent(version), {credentials: "same-origin",
      cache: "no-store", headers: {"Accept": "application/json"},
      signal: ctrl ? ctrl.signal : undefined}).then(function (r) {
      clearTimeout(timer);
      if (r.ok) { then(); } else { otherwise(); }
    }, function () { clearTimeout(timer); otherwise(); });
  }
  function stayHere(text) {
    notice(text);
    window.scrollTo(0, 0);  // the notice is under the banner, at the top of the page
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || link.target === "_blank" ||
        event.ctrlKey || event.metaKey || event.shiftKey || link.hasAttribute("download")) {
      return;
    }
    var to = new URL(link.href, location.href);
    if (to.origin === location.origin && to.pathname === location.pathname &&
        to.search === location.search) { return; }  // a team of this page (#s=...)
    event.preventDefault();
    reachable(function () { location.href = link.href; },
              function () { stayHere(T.stay_offline); });
  });
  // After app.js's confirm (registered first): only a logout the judge confirmed.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.classList.contains("judge-logout")) { return; }
    event.preventDefault();
    reachable(function () { form.submit(); }, function () { stayHere(T.logout_offline); });
  });

  window.addEventListener("hashchange", function () { notice(""); route(); });
  if (!location.hash && cfg.initial) {
    history.replaceState(null, "", teamHash(cfg.initial.stage, cfg.initial.team));
  }
  route();

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(cfg.sw, {scope: "/judge/"}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      if (reg.active) { reg.active.postMessage({cache: [location.pathname, cfg.home]}); }
    }).catch(function () { /* no offline copy; the queue still works */ });
  }
  showBanner();
  pump();
})();
