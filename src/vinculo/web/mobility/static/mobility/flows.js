/* The mobility page's charts (Apache ECharts, served locally; the data in JSON script
   elements, no inline script under the Content-Security-Policy):
   - stays started per year, incoming above the axis and outgoing below;
   - a Sankey diagram of the same flows: the partners that send stays to Mexico at the left,
     Mexico, and the partners it sends stays to at the right; a check box splits both sides
     by priority. Nodes carry an id (a partner can be on both sides) and the name of the
     country or priority in the page's language (from the server).
   Each chart container gets data-rendered="1" once drawn (the end-to-end tests check it);
   the table below the charts holds the same flows for the keyboard and screen readers. */
(function () {
  "use strict";

  var COLOURS = { "in": "#1b7837", "out": "#b35806", home: "#0b5cad", priority: "#6a6a8a" };

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function perYear(numbers) {
    var node = document.getElementById("chart-mobility");
    var data = read("mobility-data");
    if (!node || !data) { return; }
    var chart = echarts.init(node);
    chart.on("finished", function () { node.dataset.rendered = "1"; });
    window.addEventListener("resize", function () { chart.resize(); });
    var format = function (v) { return numbers.format(Math.abs(v), 0); };
    chart.setOption({
      tooltip: vinculoCharts.tooltip({ trigger: "axis", valueFormatter: format }),
      // the legend below the axis labels, in its own space
      legend: { data: [data.labels.incoming, data.labels.outgoing], bottom: 0 },
      grid: { left: 50, right: 20, top: 20, bottom: 60 },
      xAxis: { type: "category", data: data.years },
      yAxis: { type: "value", axisLabel: { formatter: format } },
      series: [
        { name: data.labels.incoming, type: "bar", stack: "flow", data: data.incoming },
        { name: data.labels.outgoing, type: "bar", stack: "flow", data: data.outgoing }
      ]
    });
  }

  function sankeyOption(data, split, numbers, width) {
    var graph = split ? data.by_priority : data;
    var names = {};
    graph.nodes.forEach(function (n) { names[n.id] = n.name; });
    // a label fits between its node and the next column (cut short, with an ellipsis,
    // where it does not: the tooltip and the table have the whole name)
    var columns = split ? 5 : 3;
    var room = Math.max(40, (width - 20) / (columns - 1) - 24);
    var count = function (v) { return numbers.format(v, 0) + " " + data.labels.stays; };
    return {
      tooltip: vinculoCharts.tooltip({ trigger: "item", formatter: function (p) {
        if (p.dataType === "edge") {
          return names[p.data.source] + " → " + names[p.data.target] + ": " + count(p.data.value);
        }
        return p.data ? p.data.name + ": " + count(p.value) : "";
      } }),
      series: [{
        type: "sankey",
        left: 10, right: 10, top: 10, bottom: 10,
        nodeAlign: "justify", nodeGap: 10, draggable: false,
        emphasis: { focus: "adjacency" },
        label: { fontSize: 11, width: room, overflow: "truncate",
                 formatter: function (p) { return p.data ? p.data.name : p.name; } },
        lineStyle: { color: "gradient", curveness: 0.5, opacity: 0.35 },
        data: graph.nodes.map(function (n) {
          var colour = n.priority !== undefined ? COLOURS.priority : COLOURS[n.side];
          // the partners at the right have their names at their left, inside the chart
          return { id: n.id, name: n.name, itemStyle: { color: colour },
                   label: n.side === "out" && n.code ? { position: "left" } : {} };
        }),
        links: graph.links.map(function (l) {
          return { source: l.source, target: l.target, value: l.value };
        })
      }]
    };
  }

  function sankey(numbers) {
    var node = document.getElementById("chart-sankey");
    var data = read("sankey-data");
    if (!node || !data || !data.nodes.length) { return; }
    var chart = echarts.init(node, null, { renderer: "canvas" });
    chart.on("finished", function () { node.dataset.rendered = "1"; });
    var split = document.getElementById("sankey-split");
    var draw = function () {
      node.dataset.rendered = "";
      node.dataset.split = split && split.checked ? "1" : "";
      chart.setOption(sankeyOption(data, Boolean(split && split.checked), numbers, chart.getWidth()),
                      { notMerge: true });
    };
    window.addEventListener("resize", function () { chart.resize(); draw(); });
    draw();
    var options = document.getElementById("sankey-options");
    if (!options || !split) { return; }
    options.hidden = false;
    split.addEventListener("change", draw);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof echarts === "undefined") { return; }
    perYear(window.vinculoNumbers);
    sankey(window.vinculoNumbers);
  });
}());
