// The organizer's live board: polls the live version every second and swaps the grid.
(function () {
  "use strict";
  var board = document.getElementById("live-board");
  if (!board) { return; }
  var url = board.getAttribute("data-state-url");
  var version = board.getAttribute("data-version");
  var busy = false;
  function poll() {
    if (busy) { return; }
    busy = true;
    var sep = url.indexOf("?") < 0 ? "?" : "&";
    fetch(url + sep + "v=" + encodeURIComponent(version), {credentials: "same-origin",
      headers: {"Accept": "application/json"}}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (state) {
      busy = false;
      if (state && state.changed) {
        version = String(state.version);
        board.setAttribute("data-version", version);
        board.innerHTML = state.html;
      }
    }, function () { busy = false; });
  }
  setInterval(poll, 1000);
})();
