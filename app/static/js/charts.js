// Progress charts (uPlot): data comes from the data-chart attribute as JSON. Loaded after
// uPlot by the pages with charts (the "charts" bundle in app/assets.py), at the end of the body.
(function () {
  "use strict";

  // A boosted navigation runs the scripts of the new body again: the second run draws the new
  // page's charts and adds no second listener.
  if (window.MeetdayCharts) { window.MeetdayCharts.draw(document); return; }

  function drawCharts(root) {
    if (!window.uPlot) return;
    var css = getComputedStyle(document.documentElement);
    var accent = css.getPropertyValue("--accent").trim() || "#c8341d";
    var muted = css.getPropertyValue("--muted").trim() || "#5d6068";
    var line = css.getPropertyValue("--line").trim() || "#dedbd3";
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      el.dataset.drawn = "1";
      var data = JSON.parse(el.dataset.chart);
      var unit = el.dataset.unit || "kg";
      var axis = { stroke: muted, grid: { stroke: line, width: 1 }, ticks: { stroke: line } };
      new window.uPlot({
        width: Math.max(el.clientWidth, 240), height: 200,
        scales: { x: { time: true } },
        series: [{}, { label: "e1RM", stroke: accent, width: 2, spanGaps: true,
                       value: function (u, v) { return v == null ? "–" : v + " " + unit; } },
                 { label: "Top set", stroke: muted, width: 0, points: { show: true, size: 6, fill: muted },
                   value: function (u, v) { return v == null ? "–" : v + " " + unit; } }],
        axes: [axis, Object.assign({ size: 48 }, axis)],
      }, [data.x].concat(data.series.map(function (s) { return s.values; })), el);
    });
  }
  window.MeetdayCharts = { draw: drawCharts };
  drawCharts(document);  // a deferred script: the page is parsed
  document.addEventListener("htmx:load", function (event) { drawCharts(event.detail.elt); });
})();
