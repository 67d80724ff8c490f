// The projector: polls the live version four times a second, swaps the content when it
// changes, and counts the presentation clock down from the server's time (never this
// computer's clock alone: each answer carries the server's time, and the offset to it is
// kept, so a reload or a second projector shows the same second).
(function () {
  "use strict";
  var root = document.getElementById("projector");
  if (!root) { return; }
  var url = root.getAttribute("data-state-url");
  var version = root.getAttribute("data-version");
  var busy = false;
  // offset = server time - local time, from the page itself, then from every poll.
  var offset = Number(root.getAttribute("data-now-ms")) - Date.now();
  var bestRtt = Infinity;

  function serverNow() { return Date.now() + offset; }

  function text(ms) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var m = Math.floor(s / 60);
    s = s % 60;
    return (ms < 0 ? "+" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function tick() {
    var clock = document.getElementById("pj-clock");
    if (!clock) { return; }
    var left = Number(clock.getAttribute("data-remaining-ms"));
    if (clock.getAttribute("data-running") === "true") {
      left -= serverNow() - Number(clock.getAttribute("data-now-ms"));
    }
    // A running clock shows the second it is in (8:00 until a whole second has gone).
    var shown = left > 0 ? Math.ceil(left / 1000) * 1000 : Math.floor(left / 1000) * 1000;
    clock.textContent = text(shown);
    var warn = Number(clock.getAttribute("data-warning-ms"));
    clock.classList.toggle("pj-warning", left > 0 && left <= warn);
    clock.classList.toggle("pj-over", left <= 0);
    var note = document.getElementById("pj-clock-note");
    if (note) { note.textContent = left <= 0 ? clock.getAttribute("data-over-text") : ""; }
  }

  function poll() {
    if (busy) { return; }
    busy = true;
    var sep = url.indexOf("?") < 0 ? "?" : "&";
    var sent = Date.now();
    fetch(url + sep + "v=" + encodeURIComponent(version), {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        busy = false;
        if (!state) { return; }
        var got = Date.now();
        // Trust the quickest round trip most: its midpoint is closest to the server's now.
        if (typeof state.now === "number" && got - sent <= bestRtt * 1.5 + 20) {
          bestRtt = Math.min(bestRtt, got - sent);
          offset = state.now - (sent + got) / 2;
        }
        if (state.changed) {
          version = String(state.version);
          root.setAttribute("data-version", version);
          root.innerHTML = state.html;
          tick();
        }
      }, function () { busy = false; });
  }
  tick();
  setInterval(poll, 250);
  setInterval(tick, 100);
})();
