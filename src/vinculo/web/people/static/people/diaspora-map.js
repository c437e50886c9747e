/* The dashboard card "Mexico's researchers abroad" as a world map (Apache ECharts on the
   Natural Earth countries that the partner map uses, both served locally): each host
   country coloured by its number of researchers in the diaspora, Mexico in grey. The data
   are the card's own rows, already scoped to the user's role (a JSON script element, no
   inline script under the Content-Security-Policy); the table beside the map holds the
   same figures and links for the keyboard and screen readers. A country opens its
   diaspora page when clicked. The container gets data-rendered="1" once drawn. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("chart-diaspora");
    var source = document.getElementById("diaspora-map-data");
    if (!node || !source || typeof echarts === "undefined" || typeof topojson === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var numbers = window.vinculoNumbers;
    fetch(node.dataset.mapUrl).then(function (r) { return r.json(); }).then(function (topology) {
      var geo = topojson.feature(topology, topology.objects.countries);
      // the map's features carry ISO 3166-1 numeric ids; the data name them by ISO3
      var byNumeric = {};
      data.countries.concat([data.home]).forEach(function (c) {
        if (c.numeric) { byNumeric[String(parseInt(c.numeric, 10))] = c.code; }
      });
      geo.features.forEach(function (f) {
        f.properties.name = byNumeric[String(parseInt(f.id, 10))] || ("n" + f.id);
      });
      echarts.registerMap("diaspora-world", geo);
      var chart = echarts.init(node, null, { renderer: "canvas" });
      chart.on("finished", function () { node.dataset.rendered = "1"; });
      window.addEventListener("resize", function () { chart.resize(); });
      var counts = data.countries.map(function (c) { return c.count; });
      var high = Math.max.apply(null, counts.concat([1]));
      var values = data.countries.map(function (c) {
        return { name: c.code, value: c.count, label: c.name };
      });
      values.push({ name: data.home.code, value: null, label: data.home.name,
                    itemStyle: { areaColor: "#444" } });
      chart.setOption({
        tooltip: vinculoCharts.tooltip({ trigger: "item", formatter: function (p) {
          if (!p.data) { return ""; }
          var value = p.data.value;
          return p.data.label + (value !== null && value !== undefined
            ? ": " + numbers.format(value, 0) + " " + data.labels.researchers : ""); } }),
        // the legend below the map, in its own space; from 0 to the largest count
        visualMap: { min: 0, max: high, orient: "horizontal", left: "center", bottom: 0,
                     itemWidth: 12, itemHeight: 140, calculable: true,
                     formatter: function (v) { return numbers.format(v, 0); },
                     inRange: { color: ["#deebf7", "#08519c"] } },
        // no zoom or pan: the mouse wheel scrolls the page
        series: [{ type: "map", map: "diaspora-world", roam: false, data: values,
                   nameProperty: "name", top: 10, bottom: 50, left: "center",
                   emphasis: { label: { show: false } }, selectedMode: false }]
      });
      chart.on("click", function (p) {
        if (p.data && p.data.value !== null && p.data.value !== undefined) {
          window.location.href = data.country_url.replace("XXX", encodeURIComponent(p.name));
        }
      });
    });
  });
}());
