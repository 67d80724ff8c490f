// The projector: polls the live version every second and swaps the content when it changes.
(function () {
  "use strict";
  var root = document.getElementById("projector");
  if (!root) { return; }
  var url = root.getAttribute("data-state-url");
  var version = root.getAttribute("data-version");
  var busy = false;
  setInterval(function () {
    if (busy) { return; }
    busy = true;
    var sep = url.indexOf("?") < 0 ? "?" : "&";
    fetch(url + sep + "v=" + encodeURIComponent(version), {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        busy = false;
        if (state && state.changed) {
          version = String(state.version);
          root.innerHTML = state.html;
        }
      }, function () { busy = false; });
  }, 1000);
})();
