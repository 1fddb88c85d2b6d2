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

  // Plate calculator: answers as you type, offline too (static/js/plates.js, the same
  // algorithm as the server's), and keeps the URL in step so a reload shows the same.
  var PLATE_SIZES = [[22.5, "xl"], [19, "l"], [14, "m"], [9, "s"], [4, "xs"], [2, "xxs"]];
  function plateLook(plate, colours) {
    var kg = plate.units / 1e10, size = "tiny";
    for (var i = 0; i < PLATE_SIZES.length; i++) { if (kg >= PLATE_SIZES[i][0]) { size = PLATE_SIZES[i][1]; break; } }
    var colour = plate.unit === "kg" ? (colours[plate.weight] || "iron") : "iron";
    return "plate plate-" + size + " plate-" + colour;
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }
  function renderPlates(form) {
    var P = window.MeetdayPlates, out = document.getElementById("plate-result");
    if (!P || !out) return;
    var colours = JSON.parse(document.getElementById("plate-colours").textContent);
    var data = new FormData(form), unit = data.get("unit"), plateUnit = data.get("plate_unit");
    var target = String(data.get("target") || "").trim().replace(",", ".");
    out.replaceChildren();
    if (!target) { out.append(el("p", "hint", "Type a target load: the plates for each side appear here, heaviest first.")); return; }
    var pairs = {};
    form.querySelectorAll('[data-plate-unit="' + plateUnit + '"] input').forEach(function (input) {
      pairs[input.dataset.denomination] = input.value.trim() === "" ? 0 : input.value.trim();
    });
    var answer;
    try {
      answer = P.load(target, unit, String(data.get("bar") || "0").replace(",", "."),
                      String(data.get("collar") || "0").replace(",", "."), P.inventory(pairs, plateUnit));
    } catch (error) {
      if (!(error instanceof P.PlateError)) throw error;
      var fault = el("p", "field-error", error.message); fault.setAttribute("role", "alert"); out.append(fault); return;
    }
    var labels = function (found) { return found.perSide.map(function (p) { return p.weight; }); };
    var best = answer.best, achieved = P.format(best.achievedUnits, unit);
    var head = el("p", "plate-achieved"), strong = el("strong", null, achieved + " " + unit);
    strong.dataset.achieved = achieved;
    head.append(strong, " ", el("span", answer.exact ? "badge pr" : "badge", answer.exact ? "exact" : "nearest"));
    var drawing = el("div", "bar-drawing");
    drawing.setAttribute("role", "img");
    drawing.setAttribute("aria-label", "Per side: " + (labels(best).join(", ") || "no plates"));
    drawing.append(el("span", "bar-sleeve"));
    best.perSide.forEach(function (p) { var s = el("span", plateLook(p, colours), p.weight); s.dataset.weight = p.weight; drawing.append(s); });
    drawing.append(el("span", "bar-end"));
    var perSide = el("p", "plate-per-side", "Per side: "), list = el("strong", null, labels(best).join(" + ") || "nothing, just the bar");
    list.dataset.perSide = labels(best).join(",");
    perSide.append(list, best.perSide.length ? " " + best.perSide[0].unit : "");
    out.append(head, drawing, perSide);
    if (!answer.exact) {
      var options = el("ul", "plate-options");
      [["Below", answer.below], ["Above", answer.above]].forEach(function (pair) {
        if (!pair[1]) return;
        var item = el("li"), value = P.format(pair[1].achievedUnits, unit), title = el("strong", null, pair[0] + ": ");
        var number = el("span", null, value); number.dataset.achieved = value;
        title.append(number, " " + unit);
        item.dataset.option = pair[0].toLowerCase();
        item.append(title, " · " + (labels(pair[1]).join(" + ") || "bar only"));
        options.append(item);
      });
      out.append(options);
    }
  }
  function wirePlateCalculator(root) {
    var form = root.querySelector && root.querySelector("form[data-plate-calculator]");
    if (!form || form.dataset.wired) return;
    form.dataset.wired = "1";
    var presets = JSON.parse(document.getElementById("plate-presets").textContent);
    function showGrid() {
      var plateUnit = new FormData(form).get("plate_unit");
      form.querySelectorAll("[data-plate-unit]").forEach(function (grid) { grid.hidden = grid.dataset.plateUnit !== plateUnit; });
    }
    form.addEventListener("input", function (event) {
      var t = event.target;
      if (t.name === "preset" && presets[t.value]) {
        var preset = presets[t.value];
        form.querySelector('input[name="plate_unit"][value="' + preset.unit + '"]').checked = true;
        form.querySelectorAll('[data-plate-unit="' + preset.unit + '"] input').forEach(function (input) {
          input.value = preset.plates[input.dataset.denomination] || 0;
        });
        if (new FormData(form).get("unit") === preset.unit) { form.elements.bar.value = preset.bar; form.elements.collar.value = preset.collar; }
        showGrid();
      } else if (t.dataset && t.dataset.denomination !== undefined) {
        form.elements.preset.value = "custom";
      } else if (t.name === "plate_unit") {
        form.elements.preset.value = "custom";
        showGrid();
      } else if (t.name === "unit") {  // same bar and collars, said in the other unit
        ["bar", "collar"].forEach(function (name) {
          var input = form.elements[name], from = t.value === "kg" ? "lb" : "kg", value = input.value.trim().replace(",", ".");
          if (!value) return;
          try { input.value = window.MeetdayPlates.format(window.MeetdayPlates.toUnits(value, from), t.value); } catch (e) { /* leave what was typed */ }
        });
      }
      renderPlates(form);
      var query = new URLSearchParams(new FormData(form)).toString();
      history.replaceState(history.state, "", form.action + "?" + query);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); renderPlates(form); });
    var save = document.querySelector("form[data-save-gym]");
    if (save) save.addEventListener("submit", function () {  // post the inputs as they stand now
      save.querySelectorAll("[data-copy]").forEach(function (input) { input.remove(); });
      new FormData(form).forEach(function (value, name) {
        var copy = el("input"); copy.type = "hidden"; copy.name = name; copy.value = value;
        copy.setAttribute("data-copy", ""); save.append(copy);
      });
    });
    if (form.elements.target.value) renderPlates(form);
  }
  document.addEventListener("DOMContentLoaded", function () { wirePlateCalculator(document); });
  document.addEventListener("htmx:load", function (event) { wirePlateCalculator(event.detail.elt); });

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
    var target = event.detail.target || event.detail.elt;
    if (target === document.body) { chatPinnedToEnd = true; scrollChatToEnd(true); return; }  // boosted navigation
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
