/* Draws the dashboard's charts with ECharts from the JSON block the page carries
   (<script type="application/json" id="dashboard-charts">, written by json_script, never
   executed). Every number is also in the table under its chart. A click on a bar opens
   the filtered list behind it. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || !window.echarts) { return; }
  var charts = JSON.parse(source.textContent);
  var colors = ["#b3261e", "#1f6feb", "#e0b400", "#1e7b34", "#6f42c1", "#8c959f"];
  var drawn = [];
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var spec = charts[box.getAttribute("data-chart")];
    if (!spec) { return; }
    var several = spec.series.length > 1;
    box.classList.add("drawn");
    if (spec.type === "line") {
      drawn.push(drawLine(box, spec));
      return;
    }
    box.style.height = (spec.categories.length * 30 + (several ? 70 : 40)) + "px";
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption({
      color: colors,
      animation: false,
      // richText: the tooltip is drawn on the canvas, not written as styled HTML (CSP).
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      legend: several ? { top: 0, type: "scroll" } : { show: false },
      grid: { left: 8, right: 24, top: several ? 30 : 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category", inverse: true, data: spec.categories,
        axisLabel: { width: 130, overflow: "truncate" }
      },
      series: spec.series.map(function (serie) {
        return {
          name: serie.name, type: "bar", data: serie.data,
          stack: spec.stack ? "total" : undefined,
          cursor: serie.links ? "pointer" : "default"
        };
      })
    });
    chart.on("click", function (event) {
      var serie = spec.series[event.seriesIndex];
      var url = serie && serie.links && serie.links[event.dataIndex];
      if (url) { window.location.href = url; }
    });
    drawn.push(chart);
  });
  // A daily series: days along the x axis; a series with "axis": 1 (bytes) on the right.
  function drawLine(box, spec) {
    box.style.height = "280px";
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    var right = spec.series.some(function (serie) { return serie.axis === 1; });
    chart.setOption({
      color: colors,
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 8, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.categories, boundaryGap: false },
      yAxis: right ? [{ type: "value", minInterval: 1 }, { type: "value", minInterval: 1 }]
        : { type: "value", minInterval: 1 },
      series: spec.series.map(function (serie) {
        return {
          name: serie.name, type: "line", data: serie.data, showSymbol: false,
          yAxisIndex: right ? (serie.axis || 0) : 0
        };
      })
    });
    return chart;
  }
  window.addEventListener("resize", function () {
    drawn.forEach(function (chart) { chart.resize(); });
  });
})();
