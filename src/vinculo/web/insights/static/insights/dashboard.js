/* The home dashboard's charts (Apache ECharts, served locally). Data come from the page's
   JSON blocks (Django's json_script: escaped, no inline code). Each chart container gets
   data-rendered="1" once drawn, which the end-to-end tests check. Numbers are written by
   vinculoNumbers (vinculo/numbers.js), as the tables beside the charts write them; countries
   by their names in the page's language. A country in the map, the network, the heat map
   or the coverage matrix opens its page when clicked (each chart's table below it holds
   the same links for the keyboard and screen readers). The priority selector submits only
   with its button (WCAG 3.2.2). */
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
    return (entry.names && entry.names[language]) || entry.name || entry.id || entry.partner;
  }

  function open(data, code) {
    if (code && code !== data.home) {
      window.location.href = data.country_url.replace("XXX", encodeURIComponent(code));
    }
  }

  function heat(data, labels) {
    var instance = chart("chart-heat");
    if (!instance) { return; }
    var h = data.heat;
    var highlight = h.highlight;
    var narrow = document.getElementById("chart-heat").clientWidth < 480;
    var cells = h.cells.map(function (cell) {
      var faded = highlight !== null && highlight !== undefined && cell[1] !== highlight;
      return { value: cell, itemStyle: faded ? { opacity: 0.35 } : {} };
    });
    instance.setOption({
      tooltip: vinculoCharts.tooltip({ formatter: function (p) {
        return h.rows[p.value[1]] + " · " + h.columns[p.value[0]] + ": " +
          labels.capability + " " + number(p.value[2], 0); } }),
      // the legend has its own column at the right: it never covers the axis labels
      grid: { left: 10, right: 90, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: h.columns,
               axisLabel: { interval: 0, fontSize: 11, rotate: narrow ? 35 : 0 } },
      yAxis: { type: "category", data: h.rows, inverse: true, triggerEvent: true,
               axisLabel: { formatter: function (value, index) {
                 return index === highlight ? "{strong|" + value + "}" : value; },
                 rich: { strong: { fontWeight: "bold" } } } },
      visualMap: { min: 0, max: 100, orient: "vertical", right: 0, top: "middle",
                   itemHeight: 140, calculable: true, precision: 0,
                   inRange: { color: ["#b2182b", "#f7f7f7", "#2166ac"] } },
      series: [{ type: "heatmap", data: cells,
                 label: { show: true, formatter: function (p) { return number(p.value[2], 0); } } }]
    });
    if (h.by_country) {
      instance.on("click", function (p) {
        var row = p.componentType === "yAxis" ? h.rows.indexOf(p.value) : (p.value || [])[1];
        open(data, h.codes[row]);
      });
    }
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
      var codes = Object.keys(data.scores);
      var shown = codes.map(function (iso3) { return data.scores[iso3]; });
      // the colours span the scores shown, not 0 to 1 (they lie in a narrow band)
      var low = shown.length ? Math.min.apply(null, shown) : 0;
      var high = shown.length ? Math.max.apply(null, shown) : 1;
      if (high <= low) { high = low + 0.001; }
      var values = codes.map(function (iso3) {
        return { name: iso3, value: data.scores[iso3], label: data.names[iso3] || iso3 };
      });
      values.push({ name: data.home, value: null, label: data.home_name,
                    itemStyle: { areaColor: "#444" } });
      instance.setOption({
        tooltip: vinculoCharts.tooltip({ trigger: "item", formatter: function (p) {
          if (!p.data) { return ""; }
          var value = p.data.value;
          return p.data.label + (value !== null && value !== undefined
            ? " — " + labels.score + " " + number(value, 3) : ""); } }),
        // the legend below the map, in its own space
        visualMap: { min: low, max: high, orient: "horizontal", left: "center", bottom: 0,
                     itemWidth: 12, itemHeight: 140, calculable: true,
                     formatter: function (v) { return number(v, 2); },
                     inRange: { color: ["#fee8c8", "#e34a33"] } },
        // no zoom or pan: the mouse wheel scrolls the page
        series: [{ type: "map", map: "world", roam: false, data: values, nameProperty: "name",
                   top: 10, bottom: 50, left: "center",
                   emphasis: { label: { show: false } }, selectedMode: false }]
      });
      instance.on("click", function (p) {
        if (p.data && data.scores[p.name] !== undefined) { open(data, p.name); }
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
      var label = n.name || name(n, data.language);
      nodes.push({ name: label, code: n.partner, value: n.works,
                   symbolSize: 10 + 30 * Math.sqrt(n.works / max) });
      links.push({ source: data.home_name, target: label, value: n.works,
                   lineStyle: { width: 1 + 6 * n.works / max } });
    });
    instance.setOption({
      tooltip: vinculoCharts.tooltip({ formatter: function (p) {
        return p.data && p.data.value ? p.name + ": " + number(p.data.value, 0) + " " + labels.works : p.name; } }),
      series: [{ type: "graph", layout: "force", roam: false, data: nodes, links: links,
                 label: { show: true, fontSize: 10 }, force: { repulsion: 160, edgeLength: [60, 160] } }]
    });
    instance.on("click", function (p) {
      if (p.dataType === "node" && p.data && p.data.code) { open(data, p.data.code); }
    });
  }

  function chainView(data, labels) {
    if (!data.chain) { return; }
    var instance = chart("chart-chain");
    if (!instance) { return; }
    var stages = data.chain.stages;
    instance.setOption({
      tooltip: vinculoCharts.tooltip({ formatter: function (p) {
        var s = stages[p.dataIndex];
        return s.name + ": " + labels.stage_score + " " + number(s.score, 0) + " · " +
          labels.rca + " " + number(s.rca, 2); } }),
      grid: { left: 10, right: 20, top: 20, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: stages.map(function (s) { return s.name; }),
               // stage names wrap within their column: rotated, the first one was cut
               axisLabel: { interval: 0, fontSize: 10, lineHeight: 13, margin: 10, overflow: "break",
                            width: Math.max(48, instance.getWidth() / stages.length - 12) } },
      yAxis: { type: "value", min: 0, max: 100,
               axisLabel: { formatter: function (v) { return number(v, 0); } } },
      series: [{ type: "bar", data: stages.map(function (s) {
        return { value: s.score === null ? 0 : Math.round(s.score * 10) / 10,
                 itemStyle: { color: s.weakest ? "#b2182b" : "#2166ac" } }; }),
        label: { show: true, position: "top", formatter: function (p) { return number(p.value, 0); } } }]
    });
  }

  function coverageView(data, labels) {
    var instance = chart("chart-coverage");
    if (!instance) { return; }
    var c = data.coverage;
    var priorities = data.priorities.map(function (p) { return name(p, data.language); });
    var rows = c.partners.map(function (code) { return (c.names && c.names[code]) || code; });
    var max = Math.max.apply(null, c.cells.map(function (cell) { return cell[2]; }).concat([1]));
    instance.setOption({
      tooltip: vinculoCharts.tooltip({ formatter: function (p) {
        return rows[p.value[1]] + " · " + priorities[p.value[0]] + ": " +
          number(p.value[2], 0) + " " + labels.agreements; } }),
      grid: { left: 10, right: 20, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: priorities, position: "top",
               axisLabel: { interval: 0, rotate: 25, fontSize: 10 } },
      yAxis: { type: "category", data: rows, inverse: true, triggerEvent: true },
      visualMap: { min: 0, max: max, show: false, inRange: { color: ["#ffffff", "#2166ac"] } },
      series: [{ type: "heatmap", itemStyle: { borderColor: "#d8dee6", borderWidth: 1 },
                 // an empty cell is a gap: no "0" printed, only real counts
                 label: { show: true, formatter: function (p) { return p.value[2] ? number(p.value[2], 0) : ""; } },
                 data: c.cells.map(function (cell) {
                   return [c.priorities.indexOf(cell[1]), c.partners.indexOf(cell[0]), cell[2]]; }) }]
    });
    instance.on("click", function (p) {
      var row = p.componentType === "yAxis" ? rows.indexOf(p.value) : (p.value || [])[1];
      open(data, c.partners[row]);
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
