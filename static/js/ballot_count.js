// An approval ballot counts its choices as they are ticked and refuses one beyond the quota at
// once (the server refuses it too, for a browser without JavaScript).
(function () {
  "use strict";
  var form = document.querySelector("form[data-ballot-quota]");
  if (!form) {
    return;
  }
  var quota = parseInt(form.getAttribute("data-ballot-quota"), 10);
  var counter = form.querySelector("[data-ballot-counter]");
  var chosen = form.querySelector("[data-ballot-chosen]");
  var full = form.querySelector("[data-ballot-full]");
  var boxes = form.querySelectorAll("input[type=checkbox][name=choice]");

  function count() {
    var ticked = 0;
    boxes.forEach(function (box) {
      if (box.checked) {
        ticked += 1;
      }
    });
    return ticked;
  }

  function show() {
    chosen.textContent = String(count());
  }

  boxes.forEach(function (box) {
    box.addEventListener("click", function (event) {
      if (box.checked && count() > quota) {
        event.preventDefault(); // the box stays unticked
        full.hidden = false;
      } else {
        full.hidden = true;
      }
      window.setTimeout(show, 0);
    });
  });
  counter.hidden = false;
  show();
})();
