// The draw on the projector: reveal the order one team at a time (no inline script: CSP).
// The whole list fits the screen: the columns and the type size are chosen from the
// screen's size, the number of teams and the longest name, so nothing ever scrolls.
// The key hints are for the operator: "?" or H shows them, the hall never sees them.
(function () {
  "use strict";
  // The page follows the draw by itself: when the live version moves, the page's own
  // address is asked again, and a different draw (made, redone, a seed shown first)
  // reloads it; nobody touches the projector computer between seed and order.
  var body = document.body;
  var stateUrl = body.getAttribute("data-state-url");
  var version = body.getAttribute("data-version");
  var polling = false;
  function follow() {
    if (polling || !stateUrl) { return; }
    polling = true;
    fetch(stateUrl + (stateUrl.indexOf("?") < 0 ? "?" : "&") + "v=" +
          encodeURIComponent(version), {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (!state || !state.changed) { polling = false; return null; }
        version = String(state.version);
        return fetch(location.href, {cache: "no-store"}).then(function (r) {
          return r.ok ? r.text() : "";
        }).then(function (html) {
          polling = false;
          var m = /data-draw="([0-9a-f]+)"/.exec(html);
          if (m && m[1] !== body.getAttribute("data-draw")) { location.reload(); }
        });
      })
      .catch(function () { polling = false; });
  }
  setInterval(follow, 1000);
  var list = document.getElementById("draw-list");
  if (!list) { return; }
  var items = Array.prototype.slice.call(list.querySelectorAll(".pd-item"));
  var progress = document.getElementById("draw-progress");
  var help = document.getElementById("draw-help");
  var shown = 0;

  function widest() {
    // Width in "em" of the longest line: CJK characters count one, others about half.
    var most = 4;
    items.forEach(function (item) {
      var name = item.querySelector(".pd-name").textContent;
      var key = item.querySelector(".pd-key").textContent;
      var em = 0;
      for (var i = 0; i < name.length; i++) { em += name.charCodeAt(i) > 0x2e80 ? 1 : 0.6; }
      most = Math.max(most, em + 0.55 * 0.6 * key.length + 4.2);
    });
    return most;
  }

  function fit() {
    var n = Math.max(items.length, 1);
    var style = getComputedStyle(list);
    var h = list.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    var w = list.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    var em = widest();
    var best = {font: 0, cols: 1, rows: n};
    for (var cols = 1; cols <= 6; cols++) {
      var rows = Math.ceil(n / cols);
      var gapY = h * 0.008;
      var byHeight = (h - gapY * (rows - 1)) / rows / 1.3;
      var byWidth = (w - (cols - 1) * window.innerWidth * 0.02) / cols / em;
      var font = Math.min(byHeight, byWidth, window.innerHeight * 0.075);
      if (font > best.font + 0.5) { best = {font: font, cols: cols, rows: rows}; }
    }
    list.style.setProperty("--cols", best.cols);
    list.style.setProperty("--rows", best.rows);
    // The estimate above is close; measured names decide. All items are shown while
    // measuring (no paint happens before render() hides them again).
    var font = Math.floor(best.font);
    items.forEach(function (item) { item.hidden = false; });
    for (var tries = 0; tries < 30 && font > 8; tries++) {
      list.style.setProperty("--font", font + "px");
      var cut = items.some(function (item) {
        var name = item.querySelector(".pd-name");
        return name.scrollWidth > name.clientWidth + 1;
      });
      if (!cut) { break; }
      font = Math.floor(font * 0.95);
    }
    render();
  }

  function render() {
    items.forEach(function (item, i) {
      item.hidden = i >= shown;
      item.classList.toggle("latest", i === shown - 1);
    });
    if (progress) {
      progress.textContent = progress.getAttribute("data-template")
        .replace("{shown}", shown).replace("{total}", items.length);
    }
  }
  function next() { if (shown < items.length) { shown += 1; render(); } }
  function back() { if (shown > 0) { shown -= 1; render(); } }

  document.addEventListener("keydown", function (event) {
    if (event.key === " " || event.key === "ArrowRight" || event.key === "ArrowDown" ||
        event.key === "Enter" || event.key === "PageDown") {
      event.preventDefault(); next();
    } else if (event.key === "ArrowLeft" || event.key === "ArrowUp" || event.key === "PageUp") {
      event.preventDefault(); back();
    } else if (event.key === "a" || event.key === "A") {
      shown = items.length; render();
    } else if ((event.key === "?" || event.key === "h" || event.key === "H") && help) {
      help.hidden = !help.hidden;
    }
  });
  document.addEventListener("click", next);
  window.addEventListener("resize", fit);
  fit();
})();
