// The "brief being prepared" page: polls the preparation's status (JSON) and opens the
// brief once it is ready (without JavaScript, the page's meta refresh does the same).
(function () {
  "use strict";
  var box = document.getElementById("brief-preparation");
  if (!box) return;
  var statusUrl = box.getAttribute("data-status-url");
  var briefUrl = box.getAttribute("data-brief-url");
  var bar = document.getElementById("brief-progress");
  var label = document.getElementById("brief-percent");
  var refresh = document.querySelector('meta[http-equiv="refresh"]');
  if (refresh) refresh.remove();

  function show(status) {
    if (bar) {
      bar.max = status.total;
      bar.value = status.done;
      bar.textContent = status.percent + " %";
    }
    if (label) {
      label.textContent = status.percent + " %" + (status.step_label ? " · " + status.step_label : "");
    }
  }

  function poll() {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.ready || status.state === "failed" || status.state === "none") {
          window.location.replace(briefUrl); // the brief, or the page that says why not
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
