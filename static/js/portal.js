// Site-wide behaviour, loaded on every page.
(function () {
  "use strict";
  // A table box that scrolls sideways must be scrollable from the keyboard too: when nothing
  // inside it can take focus, the box itself takes it (WCAG 2.1.1; axe's scrollable-region-focusable).
  var focusable = "a[href], button, input, select, textarea, [tabindex]";
  document.querySelectorAll(".table-responsive").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth && !box.querySelector(focusable)) {
      box.tabIndex = 0;
    }
  });
  // WeChat's in-app browser (its user agent says MicroMessenger) may offer only photos for a
  // PDF input and blocks many downloads: the page says so and how to open the system browser.
  if (/MicroMessenger/i.test(navigator.userAgent)) {
    document.querySelectorAll("[data-wechat-notice]").forEach(function (notice) {
      notice.hidden = false;
    });
  }
})();
