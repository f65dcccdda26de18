// The expert's score form: autosave through htmx (the form's hx-post, triggered by the
// "autosave" event) right after a choice changes, and every 30 seconds while typed text is
// unsaved. A refused save (stale version, window closed) stops autosaving until reload.
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  if (!form || !form.hasAttribute("data-autosave") || !window.htmx) { return; }
  var dirty = false;
  var stopped = false;
  function save() {
    if (stopped || !dirty) { return; }
    dirty = false;
    window.htmx.trigger(form, "autosave");
  }
  form.addEventListener("change", function () { dirty = true; save(); });
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") { dirty = true; }
  });
  window.setInterval(save, 30000);
  form.addEventListener("htmx:afterSwap", function () {
    if (document.querySelector("#autosave-status [data-stale]")) { stopped = true; }
  });
  // Leaving with unsaved typing: save first (a real submit button press is not affected).
  form.addEventListener("submit", function () { stopped = true; });
})();
