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

  // Lift video upload: tus (resumable) with a progress bar; then the form posts the upload id.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-tus-upload]") || !window.tus) return;
    var input = form.querySelector('input[type="file"]');
    var file = input && input.files && input.files[0];
    var uploadId = form.querySelector('input[name="upload_id"]');
    if (!file || uploadId.value) return;  // nothing to send first, or already sent
    event.preventDefault();
    if (file.size === 0) {
      showUploadStatus(form, "This file is empty. Choose the video again.", true);
      return;
    }
    if (file.size > Number(form.dataset.maxBytes)) {
      showUploadStatus(form, "That video is larger than " + Math.round(form.dataset.maxBytes / 1048576) + " MB.", true);
      return;
    }
    var progress = form.querySelector(".upload-progress");
    progress.hidden = false;
    form.querySelector('button[type="submit"]').disabled = true;
    var upload = new window.tus.Upload(file, {
      endpoint: form.dataset.tusEndpoint,
      chunkSize: 5 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      metadata: { filename: file.name, filetype: file.type },
      headers: { "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content },
      removeFingerprintOnSuccess: true,
      onProgress: function (sent, total) {
        var percent = Math.floor(sent / total * 100);
        progress.querySelector("progress").value = percent;
        showUploadStatus(form, "Uploading… " + percent + "%");
      },
      onError: function () {
        form.querySelector('button[type="submit"]').disabled = false;
        showUploadStatus(form, "The upload stopped. Tap Post to resume where it left off.", true);
      },
      onSuccess: function () {
        uploadId.value = upload.url.split("/").pop();
        input.value = "";  // the bytes are on the server: post the details only
        showUploadStatus(form, "Uploaded. Posting…");
        form.submit();
      },
    });
    // Resume an upload of this same file that a lost connection interrupted.
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    });
  });

  function showUploadStatus(form, text, isError) {
    var status = form.querySelector(".upload-status");
    form.querySelector(".upload-progress").hidden = false;
    status.textContent = text;
    status.classList.toggle("field-error", !!isError);
  }

  // Likes answer at once; the server's fragment then confirms the count.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form.classList || !form.classList.contains("like")) return;
    var button = form.querySelector(".like-button");
    var pressed = button.getAttribute("aria-pressed") === "true";
    var count = form.querySelector(".like-count");
    button.setAttribute("aria-pressed", pressed ? "false" : "true");
    form.querySelector(".heart").textContent = pressed ? "♡" : "♥";
    count.textContent = String(Number(count.textContent) + (pressed ? -1 : 1));
  });

  // A comment's timestamp plays the video from that moment.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-seek]");
    if (!button) return;
    var page = button.closest(".post-page") || document;
    var video = page.querySelector("video");
    if (!video) return;
    video.currentTime = Number(button.dataset.seek);
    video.play().catch(function () {});
  });

  // Rest timer: time since the last logged set, ticking every second.
  function tickRestTimers() {
    document.querySelectorAll("[data-rest-since]").forEach(function (el) {
      var seconds = Math.max(0, Math.floor((Date.now() - Date.parse(el.dataset.restSince)) / 1000));
      el.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    });
  }
  setInterval(tickRestTimers, 1000);

  // Chats open at the newest message and follow new ones, unless the reader scrolled up.
  var chatPinnedToEnd = true;
  function scrollChatToEnd(force) {
    var live = document.getElementById("live");
    if (!live || !(force || chatPinnedToEnd)) return;
    window.scrollTo(0, document.documentElement.scrollHeight);  // the composer follows
  }
  window.addEventListener("scroll", function () {
    if (!document.getElementById("live")) return;
    var slack = document.documentElement.scrollHeight - window.innerHeight - window.scrollY;
    chatPinnedToEnd = slack < 160;
  }, { passive: true });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.elt && event.detail.elt.id === "live") scrollChatToEnd(false);
  });
  document.addEventListener("htmx:load", function (event) {
    if (event.detail.elt && event.detail.elt.id === "composer") scrollChatToEnd(true);
  });

  document.addEventListener("DOMContentLoaded", function () { detectTimeZone(document); tickRestTimers(); scrollChatToEnd(true); });
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
