// Plate calculator: answers as you type, offline too (static/js/plates.js, the same algorithm
// as the server's), and keeps the URL in step so a reload shows the same. Loaded after
// plates.js by the calculator page (the "plates" bundle in app/assets.py).
(function () {
  "use strict";

  // A boosted navigation runs the scripts of the new body again: the second run wires the new
  // page's form and adds no second listener.
  if (window.MeetdayPlateCalculator) { window.MeetdayPlateCalculator.wire(document); return; }

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
  window.MeetdayPlateCalculator = { wire: wirePlateCalculator };
  wirePlateCalculator(document);  // a deferred script: the page is parsed
  document.addEventListener("htmx:load", function (event) { wirePlateCalculator(event.detail.elt); });
})();
