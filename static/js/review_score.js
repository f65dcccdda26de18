// The expert's score form: autosave through htmx (the form's hx-post, triggered by the
// "autosave" event) right after a choice changes, and every 30 seconds while typed text is
// unsaved. Saves go one at a time (hx-sync queues them), each with the version the previous
// one answered, so quick clicks never look like an edit from another window. Pressing "Save"
// or "Submit" while saves are on their way waits for them, for the same reason. A refused
// save (another window saved, the window closed) stops autosaving until the page is reloaded.
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  if (!form || !form.hasAttribute("data-autosave") || !window.htmx) { return; }
  var dirty = false;
  var stopped = false;
  var outstanding = 0;
  var pendingSubmitter = null;
  var submitting = false;

  function save() {
    if (stopped || !dirty) { return; }
    dirty = false;
    outstanding += 1;
    window.htmx.trigger(form, "autosave");
  }
  function submitNow() {
    if (!pendingSubmitter) { return; }
    var submitter = pendingSubmitter;
    pendingSubmitter = null;
    submitting = true;
    form.requestSubmit(submitter);
  }
  form.addEventListener("change", function () { dirty = true; save(); });
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") { dirty = true; }
  });
  window.setInterval(save, 30000);

  form.addEventListener("htmx:afterRequest", function () {
    outstanding = Math.max(0, outstanding - 1);
    if (document.querySelector("#autosave-status [data-stale]")) { stopped = true; }
    if (outstanding === 0) { submitNow(); }
  });
  form.addEventListener("submit", function (event) {
    if (submitting) { return; }
    stopped = true;
    if (outstanding > 0) {
      event.preventDefault();
      pendingSubmitter = event.submitter || form.querySelector("button[type=submit]");
      // Should a save never answer, submit anyway after a while: the server still checks.
      window.setTimeout(function () { outstanding = 0; submitNow(); }, 8000);
    }
  });
})();
