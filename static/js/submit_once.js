// Forms marked data-submit-once disable their buttons once sent, so a double click sends one
// request (the server is idempotent as well).
(function () {
  "use strict";
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      // Disable after the browser has collected the form data (a disabled button is not sent).
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
          button.disabled = true;
          button.setAttribute("aria-disabled", "true");
        });
      }, 0);
    });
  });
})();
