/* The countries index filters as one types (the form works without JavaScript too: GET q).
   Each row carries its names in both languages and its code, without accents and in lower
   case (data-search, folded by the server as the ?q= filter folds them). */
(function () {
  "use strict";

  function fold(text) {
    return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var field = document.getElementById("country-filter");
    var rows = document.querySelectorAll("#countries tbody tr[data-search]");
    var count = document.getElementById("countries-shown");
    if (!field || !rows.length) { return; }
    field.addEventListener("input", function () {
      var words = fold(field.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.getAttribute("data-search");
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      if (count) { count.textContent = window.vinculoNumbers.format(shown, 0); }
    });
  });
}());
