/* A form that failed comes back with an error summary at its top: move the focus to it
   (and so into view), for the keyboard, the screen reader and the eye alike. The page's
   address names the form (#transition-form…): browsers clear the focus when they scroll
   to such a fragment after loading, so the focus is set again then, unless the user has
   already moved it. */
(function () {
  "use strict";
  var summary = null;
  function focusSummary() {
    summary = summary || document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    var active = document.activeElement;
    if (active && active !== document.body && active !== summary) { return; }
    summary.focus({ preventScroll: true });
    summary.scrollIntoView({ block: "start" });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
  window.addEventListener("load", function () { setTimeout(focusSummary, 0); });
  window.addEventListener("hashchange", focusSummary);
})();
