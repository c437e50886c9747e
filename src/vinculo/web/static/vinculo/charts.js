/* Chart tooltips under the Content-Security-Policy (vinculo.web.csp), for every ECharts
   chart of the pages. ECharts writes a tooltip's markup with style="" attributes (its own
   layout, the coloured markers, the arrow of an item's tooltip), and the policy refuses
   them. vinculoCharts.tooltip(options) gives a chart's tooltip options that need none:
   confined to the chart (a confined tooltip has no arrow); a formatter's text put in as
   text (never as HTML: names come from data); without a formatter, the series' name,
   marker and value as DOM nodes, styled through element.style, which the policy allows.
   valueFormatter still writes the values (vinculoNumbers.format, as the pages do). */
(function () {
  "use strict";
  function textBox(text) {
    var box = document.createElement("div");
    box.textContent = text;
    return box;
  }
  function defaultNodes(params, value) {
    var list = Array.isArray(params) ? params : [params];
    var box = document.createElement("div");
    if (list.length && list[0].name !== undefined && list[0].name !== "") {
      var title = document.createElement("div");
      title.className = "chart-tip-title";
      title.textContent = list[0].name;
      box.appendChild(title);
    }
    list.forEach(function (p) {
      var line = document.createElement("div");
      var marker = document.createElement("span");
      marker.className = "chart-tip-marker";
      marker.style.backgroundColor = typeof p.color === "string" ? p.color : "#888";
      line.appendChild(marker);
      var named = p.seriesName && String(p.seriesName).indexOf("series\u0000") !== 0;
      line.appendChild(document.createTextNode((named ? p.seriesName + ": " : "") + value(p.value)));
      box.appendChild(line);
    });
    return box;
  }
  function tooltip(options) {
    var merged = { confine: true };
    Object.keys(options || {}).forEach(function (key) { merged[key] = options[key]; });
    var format = merged.formatter;
    var value = merged.valueFormatter || function (v) { return String(v); };
    delete merged.valueFormatter;
    if (typeof format === "function") {
      merged.formatter = function (params) {
        var out = format(params);
        return typeof out === "string" ? (out ? textBox(out) : "") : out;
      };
    } else if (format === undefined) {
      merged.formatter = function (params) { return defaultNodes(params, value); };
    }
    return merged;
  }
  window.vinculoCharts = { tooltip: tooltip };
}());
