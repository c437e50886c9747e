/* A country page's co-authorship line (Apache ECharts, served locally); numbers written by
   vinculoNumbers (vinculo/numbers.js), as the pages and the briefs write them. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("chart-coauthorship");
    var data = JSON.parse(document.getElementById("coauthorship-data").textContent);
    if (!node || typeof echarts === "undefined") { return; }
    var chart = echarts.init(node);
    chart.on("finished", function () { node.dataset.rendered = "1"; });
    var numbers = window.vinculoNumbers;
    chart.setOption({
      tooltip: vinculoCharts.tooltip({ trigger: "axis", valueFormatter: function (v) { return numbers.format(v, 0); } }),
      grid: { left: 60, right: 20, top: 20, bottom: 30 },
      xAxis: { type: "category", data: data.map(function (d) { return d[0]; }) },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return numbers.format(v); } } },
      series: [{ type: "line", data: data.map(function (d) { return d[1]; }), smooth: true }]
    });
  });
}());
