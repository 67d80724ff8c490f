// The teams' materials on the judge page: at load, every page image of every team the
// judge scores is fetched once and kept in memory as a data: URL (the CSP allows data:,
// not blob:), so any page reads with the network cut (plain HTTP: no service worker).
// The viewer shows beside the rubric of the sheet on screen (#s=STAGE&t=TEAM).
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("judge-config").textContent);
  var M = cfg.materials, T = cfg.i18n, kept = {}, queue = [], total = 0, done = 0, busy = 0;
  var view = null, page = 1;
  function $(id) { return document.getElementById(id); }
  function fmt(t, p) { return t.replace(/%\((\w+)\)s/g, function (m, k) { return k in p ? String(p[k]) : m; }); }
  // Order: the team presenting now, then the others in draw order.
  cfg.stages.forEach(function (s) {
    var has = M.teams[s.key] || {}, seen = {};
    [s.current].concat(s.teams.map(function (t) { return t.key; })).forEach(function (k) {
      if (!k || seen[k] || !has[k]) { return; }
      seen[k] = 1;
      for (var n = 1; n <= has[k][1]; n++) { queue.push([has[k][0], n]); total++; }
    });
  });
  function status() {
    var box = $("mat-status");
    box.hidden = !total;
    box.setAttribute("data-done", done);
    box.setAttribute("data-total", total);
    box.textContent = fmt(done < total ? T.mat_kept : T.mat_all, {done: done, total: total});
  }
  function pump() {
    while (busy < 2 && queue.length) {
      var item = queue.shift(), k = item.join("/");
      if (kept[k]) { continue; }
      busy++;
      fetchPage(item, k);
    }
  }
  function fetchPage(item, k) {
    fetch(M.url.replace("MID", item[0]).replace("PAGE", item[1]), {credentials: "same-origin"})
      .then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.blob();
      }).then(function (b) {
        return new Promise(function (ok, fail) {
          var rd = new FileReader();
          rd.onload = function () { ok(rd.result); };
          rd.onerror = fail;
          rd.readAsDataURL(b);
        });
      }).then(function (url) {
        if (!kept[k]) { kept[k] = url; done++; }
        if (view && view.id === item[0] && page === item[1]) { show(); }
      }, function () {
        // No network (or refused): again later, after the others.
        setTimeout(function () { queue.push(item); pump(); }, 5000);
      }).then(function () { busy--; status(); pump(); });
  }
  function show() {
    var box = $("material-box"), img = $("mat-img"), note = $("mat-note");
    $("sheet-view").classList.toggle("has-material", !!view);
    box.hidden = !view;
    if (!view) { return; }
    $("mat-pos").textContent = fmt(T.mat_page, {n: page, total: view.n});
    $("mat-prev").disabled = page <= 1;
    $("mat-next").disabled = page >= view.n;
    var url = kept[view.id + "/" + page];
    img.setAttribute("data-page", page);
    img.hidden = !url;
    note.hidden = !!url;
    if (url) {
      img.src = url;
      img.alt = $("mat-pos").textContent;
    } else {
      img.removeAttribute("src");
      note.textContent = navigator.onLine ? T.mat_loading : T.mat_missing;
      queue.unshift([view.id, page]);  // this page before the others
      pump();
    }
  }
  function route() {
    var m = /^#s=([^&]*)&t=(.*)$/.exec(location.hash);
    var e = m && (M.teams[decodeURIComponent(m[1])] || {})[decodeURIComponent(m[2])];
    var next = e ? {id: e[0], n: e[1]} : null;
    if (!next || !view || next.id !== view.id) { page = 1; }
    view = next;
    show();
  }
  $("mat-prev").addEventListener("click", function () { if (page > 1) { page--; show(); } });
  $("mat-next").addEventListener("click", function () { if (view && page < view.n) { page++; show(); } });
  window.addEventListener("hashchange", route);
  window.addEventListener("online", pump);
  route();
  status();
  pump();
})();
