/* A country page's co-authorship line (Apache ECharts, served locally). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("chart-coauthorship");
    var data = JSON.parse(document.getElementById("coauthorship-data").textContent);
    if (!node || typeof echarts === "undefined") { return; }
    var chart = echarts.init(node);
    chart.on("finished", function () { node.dataset.rendered = "1"; });
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 60, right: 20, top: 20, bottom: 30 },
      xAxis: { type: "category", data: data.map(function (d) { return d[0]; }) },
      yAxis: { type: "value" },
      series: [{ type: "line", data: data.map(function (d) { return d[1]; }), smooth: true }]
    });
  });
}());
