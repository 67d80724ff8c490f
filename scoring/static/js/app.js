// Shared behaviour for organizer pages. No inline script (CSP): behaviour hangs on data-*.
(function () {
  "use strict";
  // <form data-confirm="..."> or <button data-confirm="...">: ask before sending.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
