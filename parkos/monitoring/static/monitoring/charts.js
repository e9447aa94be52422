// Monitoring charts (no inline scripts: CSP). Titles and series names come translated in data-* attributes.
(function () {
  "use strict";

  function dashboard() {
    var config = document.getElementById("monitoring-dashboard");
    var source = document.getElementById("dashboard-data");
    if (!config || !source || !window.echarts) { return; }
    var charts = {};
    function chart(id) {
      charts[id] = charts[id] || echarts.init(document.getElementById(id));
      return charts[id];
    }
    function title(id) { return { text: document.getElementById(id).dataset.title, textStyle: { fontSize: 14 } }; }
    function draw(data) {
      chart("chart-load").setOption({
        title: title("chart-load"),
        tooltip: { trigger: "axis" }, grid: { left: 56, right: 16, top: 48, bottom: 32 },
        xAxis: { type: "category", data: data.load.hours }, yAxis: { type: "value", name: "kWh" },
        series: [{ type: "line", smooth: true, areaStyle: { opacity: 0.15 }, showSymbol: false, data: data.load.kwh }]
      });
      chart("chart-top").setOption({
        title: title("chart-top"),
        tooltip: {}, grid: { left: 150, right: 24, top: 48, bottom: 24 },
        xAxis: { type: "value" }, yAxis: { type: "category", data: data.top.names, axisLabel: { width: 140, overflow: "truncate" } },
        series: [{ type: "bar", data: data.top.kwh }]
      });
      chart("chart-daily").setOption({
        title: title("chart-daily"),
        tooltip: { trigger: "axis" }, grid: { left: 64, right: 16, top: 48, bottom: 32 },
        xAxis: { type: "category", data: data.daily.days }, yAxis: { type: "value" },
        series: [{ type: "bar", data: data.daily.kwh }]
      });
      document.querySelectorAll("[data-kpi]").forEach(function (el) {
        var value = data[el.dataset.kpi];
        if (value !== undefined) { el.textContent = typeof value === "number" ? value.toLocaleString() : value; }
      });
      document.querySelector("[data-testid=updated]").textContent = data.updated;
    }
    draw(JSON.parse(source.textContent));
    setInterval(function () {
      fetch(config.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(draw);
    }, 30000);
    window.addEventListener("resize", function () { Object.values(charts).forEach(function (c) { c.resize(); }); });
  }

  function series() {
    var el = document.getElementById("chart-series");
    if (!window.echarts || !el) { return; }
    var names = el.dataset;
    fetch(el.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) {
      var lines = [{ name: d.counter ? names.usage : names.mean, type: d.labels.length > 60 ? "line" : "bar", showSymbol: false, data: d.values }];
      if (!d.counter) {
        lines.push({ name: names.min, type: "line", showSymbol: false, lineStyle: { opacity: 0.4 }, data: d.min });
        lines.push({ name: names.max, type: "line", showSymbol: false, lineStyle: { opacity: 0.4 }, data: d.max });
      }
      echarts.init(el).setOption({
        tooltip: { trigger: "axis" }, legend: { top: 4 }, grid: { left: 64, right: 16, top: 40, bottom: 56 },
        xAxis: { type: "category", data: d.labels }, yAxis: { type: "value", name: d.unit },
        dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }], series: lines
      });
    });
  }

  window.addEventListener("load", function () { dashboard(); series(); });
})();
