// The draw on the projector: reveal the order one team at a time (no inline script: CSP).
(function () {
  "use strict";
  var list = document.getElementById("draw-list");
  if (!list) { return; }
  var items = Array.prototype.slice.call(list.querySelectorAll(".pd-item"));
  var progress = document.getElementById("draw-progress");
  var shown = 0;

  function render() {
    items.forEach(function (item, i) {
      item.hidden = i >= shown;
      item.classList.toggle("latest", i === shown - 1);
    });
    if (progress) {
      progress.textContent = progress.getAttribute("data-template")
        .replace("{shown}", shown).replace("{total}", items.length);
    }
    var latest = items[shown - 1];
    if (latest && latest.scrollIntoView) { latest.scrollIntoView({block: "nearest"}); }
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
    }
  });
  document.addEventListener("click", next);
  render();
})();
