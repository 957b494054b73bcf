/* Draws a grant's daily calls and rows against its daily quota with ECharts, from the
   JSON block the page carries (<script type="application/json" id="usage-chart">,
   written by json_script, never executed). Every number is also in the table below. */
(function () {
  "use strict";
  var source = document.getElementById("usage-chart");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var drawn = [];
  document.querySelectorAll("[data-usage]").forEach(function (box) {
    var what = box.getAttribute("data-usage");
    var quota = data[what + "_quota"];
    box.classList.add("drawn");
    box.style.height = "260px";
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    var serie = {
      name: data.labels[what], type: "bar", data: data[what], color: "#1f6feb"
    };
    if (quota) {
      serie.markLine = {
        symbol: "none", silent: true, lineStyle: { color: "#b3261e", type: "dashed" },
        label: {
          // grouped as the page groups its figures (1,000 in both languages)
          position: "insideEndTop",
          formatter: data.labels.quota + " " + quota.toLocaleString("en-US")
        },
        data: [{ yAxis: quota }]
      };
    }
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", minInterval: 1, max: quota ? function (v) {
        return Math.max(v.max, quota);
      } : null },
      series: [serie]
    });
    drawn.push(chart);
  });
  window.addEventListener("resize", function () {
    drawn.forEach(function (chart) { chart.resize(); });
  });
})();
