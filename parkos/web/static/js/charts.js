// Render every [data-echarts] element from the JSON option in the <script> it names.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-echarts]").forEach(function (el) {
    var source = document.getElementById(el.dataset.echarts);
    if (!source || typeof echarts === "undefined") return;
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(JSON.parse(source.textContent));
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
