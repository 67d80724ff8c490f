// Setup pages: the live rubric check on the stage form (no inline script: CSP).
(function () {
  "use strict";
  var form = document.getElementById("stage-form");
  if (!form) { return; }

  // Exact decimal arithmetic on scaled integers (scores have at most 3 decimals,
  // weights at most 4): never sum binary floats for what the organizer reads.
  var SCALE = 10000;
  function parse(text) {
    text = (text || "").trim();
    if (!/^[0-9]+(\.[0-9]{1,4})?$/.test(text)) { return null; }
    var parts = text.split(".");
    var frac = (parts[1] || "").padEnd(4, "0");
    return parseInt(parts[0], 10) * SCALE + parseInt(frac, 10);
  }
  function show(n) {
    var whole = Math.floor(n / SCALE);
    var frac = String(n % SCALE).padStart(4, "0").replace(/0+$/, "");
    return frac ? whole + "." + frac : String(whole);
  }
  function fill(template, key, value) { return template.replace("{" + key + "}", value); }

  var body = document.querySelector("#criteria-table tbody");
  var totalBox = document.getElementById("check-total");
  var weightBox = document.getElementById("check-weights");

  function check() {
    var total = 0;
    body.querySelectorAll("tr.criterion-row").forEach(function (row) {
      var max = row.querySelector(".js-max");
      var step = row.querySelector(".js-step");
      var remove = row.querySelector(".js-remove");
      var err = row.querySelector(".js-row-error");
      err.textContent = "";
      if (remove && remove.checked) { row.classList.add("removed"); return; }
      row.classList.remove("removed");
      if (!max.value.trim()) { return; }
      var m = parse(max.value), s = parse(step.value || "1");
      // The server's message on this row, while the row is as it was sent, is the one
      // shown: the live check would only say the same thing a second time.
      var said = Array.prototype.some.call(row.querySelectorAll(".error:not(.js-row-error)"),
                                           function (e) { return e.textContent.trim() !== ""; });
      if (m === null || s === null || s === 0) {
        if (!said) { err.textContent = form.dataset.msgNumber; }
        return;
      }
      if (m % s !== 0 && !said) { err.textContent = form.dataset.msgMultiple; }
      total += m;
    });
    totalBox.textContent = fill(form.dataset.msgTotal, "total", show(total));
    var other = parse(form.dataset.otherWeights) || 0;
    var w = parse(form.querySelector(".js-weight input, input.js-weight, input[name=weight]").value);
    var sum = other + (w === null ? 0 : w);
    var ok = sum === SCALE;
    weightBox.textContent = ok ? form.dataset.msgSumOk : fill(form.dataset.msgSumBad, "sum", show(sum));
    weightBox.className = ok ? "check-ok" : "check-bad";
  }

  document.getElementById("add-criterion").addEventListener("click", function () {
    var rows = body.querySelectorAll("tr.criterion-row");
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    var index = rows.length;  // FieldList entries are numbered from 0
    copy.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(/^criteria-\d+-/, "criteria-" + index + "-");
      input.id = input.name;
      if (input.type === "checkbox") { input.checked = false; }
      else { input.value = input.classList.contains("js-step") ? "0.5" : ""; }
    });
    copy.querySelectorAll(".error").forEach(function (e) { e.textContent = ""; });
    var number = copy.querySelector(".row-number");
    if (number) { number.firstChild.textContent = String(index + 1); }
    body.appendChild(copy);
    copy.querySelector("input.key-input").focus();
    check();
  });

  // Once a row is edited, the server's messages on it are out of date: the live check
  // takes over (on the tbody, so this runs before the form's own check below).
  body.addEventListener("input", function (event) {
    var row = event.target.closest("tr.criterion-row");
    if (!row) { return; }
    row.querySelectorAll(".error:not(.js-row-error)").forEach(function (e) { e.remove(); });
  });
  form.addEventListener("input", check);
  form.addEventListener("change", check);
  check();
})();
