/* The mobility page's chart: stays started per year, incoming above the axis and outgoing
   below (Apache ECharts, served locally; the data in a JSON script element, no inline
   script under the Content-Security-Policy). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("chart-mobility");
    var source = document.getElementById("mobility-data");
    if (!node || !source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(node);
    chart.on("finished", function () { node.dataset.rendered = "1"; });
    var numbers = window.vinculoNumbers;
    var format = function (v) { return numbers.format(Math.abs(v), 0); };
    chart.setOption({
      tooltip: vinculoCharts.tooltip({ trigger: "axis", valueFormatter: format }),
      legend: { data: [data.labels.incoming, data.labels.outgoing] },
      grid: { left: 50, right: 20, top: 30, bottom: 30 },
      xAxis: { type: "category", data: data.years },
      yAxis: { type: "value", axisLabel: { formatter: format } },
      series: [
        { name: data.labels.incoming, type: "bar", stack: "flow", data: data.incoming },
        { name: data.labels.outgoing, type: "bar", stack: "flow", data: data.outgoing }
      ]
    });
  });
}());
