// The organizer's live board: polls the live version four times a second and swaps the
// grid; the operator's clock counts down from the server's time, like the projector's.
(function () {
  "use strict";
  var board = document.getElementById("live-board");
  if (!board) { return; }
  var url = board.getAttribute("data-state-url");
  var version = board.getAttribute("data-version");
  var offset = Number(board.getAttribute("data-now-ms") || Date.now()) - Date.now();
  var busy = false;
  function tick() {
    var clock = document.getElementById("op-clock");
    if (!clock) { return; }
    var left = Number(clock.getAttribute("data-remaining-ms"));
    if (clock.getAttribute("data-running") === "true") {
      left -= Date.now() + offset - Number(clock.getAttribute("data-now-ms"));
    }
    var s = Math.floor(Math.abs(left) / 1000);
    clock.textContent = (left < 0 ? "+" : "") + Math.floor(s / 60) + ":" +
      (s % 60 < 10 ? "0" : "") + (s % 60);
    clock.classList.toggle("op-over", left <= 0);
    clock.classList.toggle("op-warning", left > 0 &&
      left <= Number(clock.getAttribute("data-warning-ms")));
  }
  function poll() {
    if (busy) { return; }
    busy = true;
    var sep = url.indexOf("?") < 0 ? "?" : "&";
    var sent = Date.now();
    fetch(url + sep + "v=" + encodeURIComponent(version), {credentials: "same-origin",
      headers: {"Accept": "application/json"}}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (state) {
      busy = false;
      if (state && typeof state.now === "number") {
        offset = state.now - (sent + Date.now()) / 2;
      }
      if (state && state.changed) {
        version = String(state.version);
        board.setAttribute("data-version", version);
        board.innerHTML = state.html;
        tick();
      }
    }, function () { busy = false; });
  }
  setInterval(poll, 250);
  setInterval(tick, 200);
  tick();
})();
