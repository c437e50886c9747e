/* A form that failed comes back with an error summary at its top: move the focus to it
   (and so into view), for the keyboard, the screen reader and the eye alike. */
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    summary.focus({ preventScroll: true });
    summary.scrollIntoView({ block: "start" });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
