// The teams' materials on the judge's stage page. As soon as the page loads, every page
// image of every team the judge scores is fetched once and held in memory (as a data:
// URL: the page's CSP allows img-src 'self' data:, not blob:), so that a judge reads any
// page with the network cut (plain HTTP has no service worker).
// The viewer sits beside the rubric of the sheet on screen (#s=STAGE&t=TEAM).
(function () {
  "use strict";
  var cfgNode = document.getElementById("judge-config");
  if (!cfgNode) { return; }
  var cfg = JSON.parse(cfgNode.textContent), M = cfg.materials, T = cfg.i18n;
  if (!M) { return; }
  function $(id) { return document.getElementById(id); }
  function fmt(t, p) { return t.replace(/%\((\w+)\)s/g, function (m, k) { return p[k] === undefined ? m : String(p[k]); }); }
  var blobs = {}, waiting = [], total = 0, done = 0, active = 0, view = null, page = 1;

  function pageUrl(id, n) { return M.url.replace("MID", id).replace("PAGE", n); }
  function key(id, n) { return id + "/" + n; }

  // The fetch order: the team presenting now first, then every team in draw order.
  cfg.stages.forEach(function (s) {
    var teams = (M.teams[s.key] || {});
    var order = s.teams.map(function (t) { return t.key; });
    if (s.current) { order.unshift(s.current); }
    var seen = {};
    order.forEach(function (k) {
      if (seen[k] || !teams[k]) { return; }
      seen[k] = 1;
      for (var n = 1; n <= teams[k][1]; n++) { waiting.push([teams[k][0], n]); total++; }
    });
  });

  function status() {
    var box = $("mat-status");
    if (!box || !total) { return; }
    box.hidden = false;
    box.setAttribute("data-done", String(done));
    box.setAttribute("data-total", String(total));
    box.textContent = done >= total ? fmt(T.mat_all, {total: total}) : fmt(T.mat_kept, {done: done, total: total});
  }

  function fetchNext() {
    while (active < 2 && waiting.length) {
      var item = waiting.shift(), k = key(item[0], item[1]);
      if (blobs[k]) { continue; }
      active++;
      (function (item, k) {
        fetch(pageUrl(item[0], item[1]), {credentials: "same-origin"}).then(function (r) {
          if (!r.ok) { throw new Error(String(r.status)); }
          return r.blob();
        }).then(function (b) {
          return new Promise(function (resolve, reject) {
            var reader = new FileReader();
            reader.onload = function () { resolve(reader.result); };
            reader.onerror = reject;
            reader.readAsDataURL(b);
          });
        }).then(function (url) {
          blobs[k] = url;
          done++;
          if (view && view.id === item[0] && page === item[1]) { show(); }
        }, function () {
          // Offline (or refused): try again later, after the others.
          setTimeout(function () { waiting.push(item); fetchNext(); }, 5000);
        }).then(function () { active--; status(); fetchNext(); });
      })(item, k);
    }
  }

  function show() {
    var box = $("material-box");
    var sheetView = $("sheet-view");
    if (!view) { box.hidden = true; sheetView.classList.remove("has-material"); return; }
    box.hidden = false;
    sheetView.classList.add("has-material");
    $("mat-pos").textContent = fmt(T.mat_page, {n: page, total: view.n});
    $("mat-prev").disabled = page <= 1;
    $("mat-next").disabled = page >= view.n;
    var url = blobs[key(view.id, page)], img = $("mat-img"), note = $("mat-note");
    img.setAttribute("data-page", String(page));
    if (url) {
      img.src = url; img.hidden = false; note.hidden = true;
      img.alt = fmt(T.mat_page, {n: page, total: view.n});
    } else {
      img.removeAttribute("src"); img.hidden = true; note.hidden = false;
      note.textContent = navigator.onLine ? T.mat_loading : T.mat_missing;
      // Fetch this page before the others.
      waiting.unshift([view.id, page]); fetchNext();
    }
  }

  function route() {
    var m = /^#s=([^&]*)&t=(.*)$/.exec(location.hash), next = null;
    if (m) {
      var entry = (M.teams[decodeURIComponent(m[1])] || {})[decodeURIComponent(m[2])];
      if (entry) { next = {id: entry[0], n: entry[1]}; }
    }
    if (!next || !view || next.id !== view.id) { page = 1; }
    view = next;
    show();
  }

  $("mat-prev").addEventListener("click", function () { if (page > 1) { page--; show(); } });
  $("mat-next").addEventListener("click", function () { if (view && page < view.n) { page++; show(); } });
  window.addEventListener("hashchange", route);
  window.addEventListener("online", fetchNext);
  route();
  status();
  fetchNext();
})();
