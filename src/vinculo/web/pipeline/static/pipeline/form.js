/* The opportunity form's live panel: after a pause in typing, the title, description, post
   and host country are posted (with the CSRF token) to the suggest URL, which answers with
   server-rendered, escaped HTML: the suggested priorities and possible duplicates. */
(function () {
  "use strict";
  var form = document.getElementById("opportunity-form");
  var panel = document.getElementById("suggestions");
  if (!form || !panel || !window.fetch) { return; }
  var timer = null;
  var last = "";

  function refresh() {
    var data = new FormData();
    ["csrfmiddlewaretoken", "title", "description", "post", "host_country"].forEach(function (name) {
      var field = form.elements[name];
      if (field) { data.append(name, field.value); }
    });
    var key = [data.get("title"), data.get("description"), data.get("post"), data.get("host_country")].join("\u0001");
    if (key === last) { return; }
    last = key;
    fetch(form.dataset.suggestUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null) { panel.innerHTML = html; panel.dataset.updated = "1"; }
    }).catch(function () { /* the panel is a help, the form works without it */ });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 100);
  });
})();
