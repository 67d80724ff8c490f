// The organizer's live board: polls the live version four times a second and swaps the
// grid; the operator's clock counts down from the server's time, like the projector's.
// A swap never takes what the organizer is doing away: while a finger or the mouse is
// pressed on the board, a control of the board has the focus, a dialog is open or a form
// is being sent, the new board waits and is put in once they are done (a swap between
// a tap's press and its release would lose the tap: the button is a new one by then).
(function () {
  "use strict";
  var board = document.getElementById("live-board");
  if (!board) { return; }
  var url = board.getAttribute("data-state-url");
  var version = board.getAttribute("data-version");
  var offset = Number(board.getAttribute("data-now-ms") || Date.now()) - Date.now();
  var busy = false;
  var pending = null;  // the newest board not yet shown
  var pressed = 0;  // time of the last press on the board; 0: none
  var leaving = false;  // a form was sent: this page is about to be replaced
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
  function inUse() {
    if (leaving || document.querySelector("dialog[open]")) { return true; }
    // A press holds the board until a moment after its release (the click comes then).
    if (pressed && Date.now() - pressed < 10000) { return true; }
    var focused = document.activeElement;
    return !!(focused && focused !== board && board.contains(focused) &&
              focused.matches("button, input, select, textarea, a[href]") &&
              focused.matches(":focus-visible"));
  }
  function apply() {
    if (pending === null || inUse()) { return; }
    board.innerHTML = pending;
    pending = null;
    board.setAttribute("data-version", version);
    tick();
  }
  board.addEventListener("pointerdown", function () { pressed = Date.now(); });
  function release() {
    if (!pressed) { return; }
    setTimeout(function () { pressed = 0; apply(); }, 400);
  }
  document.addEventListener("pointerup", release);
  document.addEventListener("pointercancel", release);
  document.addEventListener("focusout", function () { setTimeout(apply, 0); });
  // After app.js's confirm: a form sent (not cancelled) leaves the page as it is.
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) { leaving = true; }
  });
  window.addEventListener("pageshow", function () { leaving = false; });
  function poll() {
    if (busy || leaving) { return; }
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
        pending = state.html;
        apply();
      }
    }, function () { busy = false; });
  }
  setInterval(poll, 250);
  setInterval(function () { tick(); apply(); }, 200);
  tick();
})();
