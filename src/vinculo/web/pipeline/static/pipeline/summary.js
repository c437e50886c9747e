/* The pipeline summary's charts (Apache ECharts, served locally) from the page's JSON block;
   each container gets data-rendered="1" once drawn. Counts are written by vinculoNumbers
   (vinculo/numbers.js), as the pages write them. */
(function () {
  "use strict";
  function draw() {
    var node = document.getElementById("pipeline-data");
    if (!node || typeof echarts === "undefined") { return; }
    var data = JSON.parse(node.textContent);
    var numbers = window.vinculoNumbers;
    function bars(id, rows, horizontal) {
      var element = document.getElementById(id);
      if (!element) { return; }
      var chart = echarts.init(element, null, { renderer: "canvas" });
      chart.on("finished", function () { element.dataset.rendered = "1"; });
      var names = rows.map(function (r) { return r[0]; });
      var values = rows.map(function (r) { return r[1]; });
      var category = { type: "category", data: names, inverse: horizontal };
      var axis = { type: "value", axisLabel: { formatter: function (v) { return numbers.format(v); } } };
      chart.setOption({
        tooltip: vinculoCharts.tooltip({ valueFormatter: function (v) { return numbers.format(v, 0); } }),
        grid: { left: horizontal ? 180 : 40, right: 20, top: 10, bottom: 30 },
        xAxis: horizontal ? axis : category,
        yAxis: horizontal ? category : axis,
        series: [{ type: "bar", data: values }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    }
    bars("chart-funnel", data.funnel, true);
    bars("chart-priorities", data.priorities, true);
    bars("chart-countries", data.countries, true);
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
