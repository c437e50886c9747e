/* The home dashboard's charts (Apache ECharts, served locally). Data come from the page's
   JSON blocks (Django's json_script: escaped, no inline code). Each chart container gets
   data-rendered="1" once drawn, which the end-to-end tests check. Numbers are written by
   vinculoNumbers (vinculo/numbers.js), as the tables beside the charts write them. */
(function () {
  "use strict";

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function chart(id) {
    var node = document.getElementById(id);
    if (!node || typeof echarts === "undefined") { return null; }
    var instance = echarts.init(node, null, { renderer: "canvas" });
    instance.on("finished", function () { node.dataset.rendered = "1"; });
    window.addEventListener("resize", function () { instance.resize(); });
    return instance;
  }

  function number(value, digits) { return window.vinculoNumbers.format(value, digits); }

  function name(entry, language) {
    return (entry.names && entry.names[language]) || entry.id || entry.partner;
  }

  function heat(data, labels) {
    var instance = chart("chart-heat");
    if (!instance) { return; }
    var priorities = data.priorities.map(function (p) { return p.id; });
    var cells = data.heat.map(function (row) {
      return [data.components.indexOf(row.component), priorities.indexOf(row.priority),
              Math.round(row.score)];
    });
    instance.setOption({
      tooltip: { formatter: function (p) { return labels.capability + ": " + number(p.value[2], 0); } },
      grid: { left: 170, right: 20, top: 10, bottom: 60 },
      xAxis: { type: "category", data: data.components.map(function (c) { return labels[c]; }) },
      yAxis: { type: "category", data: data.priorities.map(function (p) { return name(p, data.language); }) },
      visualMap: { min: 0, max: 100, orient: "horizontal", left: "center", bottom: 0, calculable: true,
                   inRange: { color: ["#b2182b", "#f7f7f7", "#2166ac"] } },
      series: [{ type: "heatmap", data: cells,
                 label: { show: true, formatter: function (p) { return number(p.value[2], 0); } } }]
    });
  }

  function worldMap(data, labels, mapUrl) {
    var node = document.getElementById("chart-map");
    if (!node || typeof topojson === "undefined") { return; }
    fetch(mapUrl).then(function (r) { return r.json(); }).then(function (topology) {
      var geo = topojson.feature(topology, topology.objects.countries);
      var byNumeric = {};
      Object.keys(data.iso_numeric).forEach(function (iso3) {
        byNumeric[String(parseInt(data.iso_numeric[iso3], 10))] = iso3;
      });
      geo.features.forEach(function (f) {
        var iso3 = byNumeric[String(parseInt(f.id, 10))];
        f.properties.name = iso3 || ("n" + f.id);
      });
      echarts.registerMap("world", geo);
      var instance = chart("chart-map");
      var values = Object.keys(data.scores).map(function (iso3) {
        return { name: iso3, value: data.scores[iso3] };
      });
      values.push({ name: data.home, value: null, itemStyle: { areaColor: "#444" } });
      instance.setOption({
        tooltip: { trigger: "item", formatter: function (p) {
          return p.name + (p.value ? " — " + labels.score + " " + number(p.value, 3) : ""); } },
        visualMap: { min: 0, max: 1, left: 10, bottom: 10, calculable: true,
                     inRange: { color: ["#fee8c8", "#e34a33"] } },
        series: [{ type: "map", map: "world", roam: true, data: values,
                   emphasis: { label: { show: false } } }]
      });
    });
  }

  function network(data, labels) {
    var instance = chart("chart-network");
    if (!instance) { return; }
    var max = Math.max.apply(null, data.network.map(function (n) { return n.works; }).concat([1]));
    var nodes = [{ name: data.home_name, symbolSize: 46, itemStyle: { color: "#0b5cad" } }];
    var links = [];
    data.network.forEach(function (n) {
      var label = name(n, data.language);
      nodes.push({ name: label, value: n.works, symbolSize: 10 + 30 * Math.sqrt(n.works / max) });
      links.push({ source: data.home_name, target: label, value: n.works,
                   lineStyle: { width: 1 + 6 * n.works / max } });
    });
    instance.setOption({
      tooltip: { formatter: function (p) {
        return p.data && p.data.value ? p.name + ": " + number(p.data.value, 0) + " " + labels.works : p.name; } },
      series: [{ type: "graph", layout: "force", roam: true, data: nodes, links: links,
                 label: { show: true, fontSize: 10 }, force: { repulsion: 160, edgeLength: [60, 160] } }]
    });
  }

  function chainView(data, labels) {
    var note = document.getElementById("chain-note");
    var instance = chart("chart-chain");
    if (!instance) { return; }
    if (!data.chain) {
      instance.setOption({ title: { text: labels.no_chain, left: "center", top: "middle",
                                    textStyle: { fontSize: 13, fontWeight: "normal" } } });
      return;
    }
    var stages = data.chain.stages;
    instance.setOption({
      tooltip: { formatter: function (p) {  // the stage's RCA, not the bar's floor of 0.01
        var rca = p.data && p.data.rca !== undefined ? p.data.rca : p.value;
        return (p.name ? p.name + ": " : "") + labels.rca + " " + number(rca, 2); } },
      grid: { left: 50, right: 20, top: 20, bottom: 70 },
      xAxis: { type: "category", data: stages.map(function (s) { return s.names[data.language] || s.id; }),
               axisLabel: { interval: 0, rotate: 20, fontSize: 10 } },
      yAxis: { type: "log", name: labels.rca, min: 0.01, axisLabel: { formatter: function (v) { return number(v); } } },
      series: [{ type: "bar", data: stages.map(function (s) {
        return { value: Math.max(s.rca, 0.01), rca: s.rca,
                 itemStyle: { color: s.id === data.chain.gap_stage ? "#b2182b" : "#2166ac" } }; }),
        markLine: { data: [{ yAxis: 1 }], lineStyle: { type: "dashed" } } }]
    });
    if (note) {
      var gap = stages.filter(function (s) { return s.id === data.chain.gap_stage; })[0];
      var text = labels.gap_stage + ": " + (gap ? (gap.names[data.language] || gap.id) : "—");
      if (data.chain.next_step) {
        text += " · " + labels.next_step + ": " + data.chain.next_step.product;
      }
      note.textContent = text;
    }
  }

  function coverageView(data, labels) {
    var instance = chart("chart-coverage");
    if (!instance) { return; }
    var c = data.coverage;
    var priorities = data.priorities.map(function (p) { return name(p, data.language); });
    instance.setOption({
      tooltip: { formatter: function (p) { return number(p.value[2], 0) + " " + labels.agreements; } },
      grid: { left: 60, right: 20, top: 10, bottom: 90 },
      xAxis: { type: "category", data: priorities, axisLabel: { interval: 0, rotate: 25, fontSize: 10 } },
      yAxis: { type: "category", data: c.partners },
      visualMap: { min: 0, max: 3, show: false, inRange: { color: ["#fff5f0", "#2166ac"] } },
      series: [{ type: "heatmap", label: { show: true, formatter: function (p) { return number(p.value[2], 0); } },
                 data: c.cells.map(function (cell) {
                   return [c.priorities.indexOf(cell[1]), c.partners.indexOf(cell[0]), cell[2]]; }) }]
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = read("dashboard-data");
    var labels = read("dashboard-i18n");
    if (!data) { return; }
    heat(data, labels);
    worldMap(data, labels, document.getElementById("chart-heat").dataset.mapUrl);
    network(data, labels);
    chainView(data, labels);
    coverageView(data, labels);
  });
}());
