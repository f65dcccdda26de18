// The nomination form: character counters, the maturity warning, "add a row" for parts lists,
// and autosave (htmx posts the form to the autosave endpoint when it has unsaved changes).
(function () {
  "use strict";
  var form = document.getElementById("nomination-form");
  if (!form) { return; }

  // --- Character counters ---------------------------------------------------------------
  var counterTemplate = form.getAttribute("data-counter-template") || "{count} / {limit}";
  function updateCounter(field) {
    var counter = document.querySelector('[data-charcount-for="' + field.id + '"]');
    if (!counter) { return; }
    var limit = parseInt(field.getAttribute("data-charcount"), 10);
    var count = Array.from(field.value.replace(/\r\n/g, "\n")).length;
    counter.textContent = counterTemplate.replace("{count}", count).replace("{limit}", limit);
    counter.classList.toggle("over", count > limit);
  }
  form.querySelectorAll("[data-charcount]").forEach(function (field) {
    updateCounter(field);
    field.addEventListener("input", function () { updateCounter(field); });
  });

  // --- Maturity against the category (a warning, not an error) ----------------------------
  var messagesNode = document.getElementById("maturity-messages");
  var warning = document.getElementById("maturity-warning");
  var messages = messagesNode ? JSON.parse(messagesNode.textContent) : {};
  function updateMaturity() {
    if (!warning) { return; }
    var checked = form.querySelector("input[data-category-code]:checked");
    var code = checked ? checked.getAttribute("data-category-code") : "";
    var trlField = form.querySelector("[name=trl]");
    var statusField = form.querySelector("[name=application_status]");
    var trl = trlField && trlField.value ? parseInt(trlField.value, 10) : 0;
    var status = statusField ? statusField.value : "";
    var found = [];
    if (code === "cutting_edge") {
      if (trl > 4) { found = found.concat(messages.cutting_edge_trl || []); }
      if (status === "pilot" || status === "mass_production") { found = found.concat(messages.cutting_edge_status || []); }
    } else if (code === "innovative") {
      if (trl && trl < 6) { found = found.concat(messages.innovative_trl || []); }
      if (status === "research" || status === "prototype") { found = found.concat(messages.innovative_status || []); }
    }
    warning.replaceChildren.apply(warning, found.map(function (text) {
      var p = document.createElement("p");
      p.className = "mb-0";
      p.textContent = text;
      return p;
    }));
    warning.hidden = found.length === 0;
  }
  form.addEventListener("change", function (event) {
    var name = event.target.name;
    if (name === "category" || name === "trl" || name === "application_status") { updateMaturity(); }
  });

  // --- Parts lists: add a row -------------------------------------------------------------
  form.querySelectorAll("[data-formset-add]").forEach(function (button) {
    button.addEventListener("click", function () {
      var prefix = button.getAttribute("data-formset-add");
      var total = form.querySelector("#id_" + prefix + "-TOTAL_FORMS");
      var template = document.getElementById(prefix + "-empty");
      var rows = document.getElementById(prefix + "-rows");
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("input, select, textarea");
      if (first) { first.focus(); }
    });
  });

  // --- Autosave ---------------------------------------------------------------------------
  if (!form.hasAttribute("data-autosave") || !window.htmx) { return; }
  var dirty = false;
  var stopped = false;
  var timer = null;
  function save() {
    if (!dirty || stopped) { return; }
    window.htmx.trigger(form, "autosave");
  }
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 2000);
  });
  window.setInterval(save, 30000);
  form.addEventListener("htmx:beforeRequest", function () { dirty = false; });
  form.addEventListener("htmx:afterSwap", function () {
    // Another tab saved a newer version: stop, so this one never overwrites it.
    if (document.querySelector("#autosave-status [data-stale]")) { stopped = true; }
  });
  form.addEventListener("htmx:responseError", function () { dirty = true; });
  form.addEventListener("submit", function () { stopped = true; });
})();
