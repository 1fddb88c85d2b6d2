// Meetday's own browser code: small progressive enhancements on top of htmx.
(function () {
  "use strict";

  // Fill the time zone select from the browser on a first visit (server default is UTC).
  function detectTimeZone(root) {
    root.querySelectorAll('select[data-detect-time-zone="true"]').forEach(function (select) {
      var zone;
      try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
      if (zone && select.querySelector('option[value="' + CSS.escape(zone) + '"]')) {
        select.value = zone;
      }
    });
  }

  function flash(message, kind) {
    var region = document.getElementById("flash");
    if (!region) return;
    var p = document.createElement("p");
    p.className = "flash flash-" + (kind || "error");
    p.setAttribute("role", "alert");
    p.textContent = message;
    region.replaceChildren(p);
  }

  // Switching kg/lb converts the masses already typed, so "90" kg becomes "198.42" lb
  // rather than being re-read as 90 lb. 1 lb = 0.45359237 kg exactly.
  var KG_PER_LB = 0.45359237;
  document.addEventListener("change", function (event) {
    var radio = event.target;
    if (radio.name !== "mass_unit" || !radio.checked || !radio.form) return;
    var toLb = radio.value === "lb";
    radio.form.querySelectorAll("input[data-mass]").forEach(function (input) {
      var value = parseFloat(input.value.replace(",", "."));
      if (!isFinite(value)) return;
      var converted = toLb ? value / KG_PER_LB : value * KG_PER_LB;
      input.value = String(Math.round(converted * 100) / 100);
    });
  });

  // Progress charts (uPlot): data comes from the data-chart attribute as JSON.
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
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:load", function (event) { drawCharts(event.detail.elt); });

  // Rest timer: time since the last logged set, ticking every second.
  function tickRestTimers() {
    document.querySelectorAll("[data-rest-since]").forEach(function (el) {
      var seconds = Math.max(0, Math.floor((Date.now() - Date.parse(el.dataset.restSince)) / 1000));
      el.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    });
  }
  setInterval(tickRestTimers, 1000);

  document.addEventListener("DOMContentLoaded", function () { detectTimeZone(document); tickRestTimers(); });
  document.addEventListener("htmx:load", function (event) { detectTimeZone(event.detail.elt); });
  document.addEventListener("htmx:timeout", function () {
    flash("The server took too long to answer. Check your connection and try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    flash("Couldn't reach Meetday. Check your connection and try again.");
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    flash(status >= 500 ? "Something went wrong on our side. Try again in a moment."
                        : "That didn't work (" + status + "). Reload the page and try again.");
  });
})();
