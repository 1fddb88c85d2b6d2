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

  // A message under the top bar; with ``retry``, a "Try again" button that runs it.
  function flash(message, kind, retry) {
    var region = document.getElementById("flash");
    if (!region) return;
    var p = document.createElement("p");
    p.className = "flash flash-" + (kind || "error");
    p.setAttribute("role", "alert");
    p.textContent = message;
    if (retry) {
      var again = document.createElement("button");
      again.type = "button";
      again.className = "btn btn-small btn-outline flash-retry";
      again.textContent = "Try again";
      again.addEventListener("click", function () { region.replaceChildren(); retry(); });
      p.append(" ", again);
    }
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

  // A post shows its poster as a link to the clip (feed/_cards.html); a tap swaps in the player.
  function swapInPlayer(link) {
    var img = link.querySelector("img"), video = document.createElement("video");
    video.className = "post-video";
    video.controls = true;
    video.playsInline = true;
    video.width = img.getAttribute("width");
    video.height = img.getAttribute("height");
    video.poster = img.currentSrc || img.src;
    video.src = link.href;
    link.replaceWith(video);
    return video;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-video]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    swapInPlayer(link).play().catch(function () {});
  });

  // A comment's timestamp plays the video from that moment.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-seek]");
    if (!button) return;
    var page = button.closest(".post-page") || document;
    var video = page.querySelector("video"), link = page.querySelector("a[data-video]");
    if (!video && link) video = swapInPlayer(link);
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
    var target = event.detail.target || event.detail.elt;
    if (target === document.body) { chatPinnedToEnd = true; scrollChatToEnd(true); return; }  // boosted navigation
    if (event.detail.elt && event.detail.elt.id === "live") scrollChatToEnd(false);
  });
  document.addEventListener("htmx:load", function (event) {
    if (event.detail.elt && event.detail.elt.id === "composer") scrollChatToEnd(true);
  });

  document.addEventListener("DOMContentLoaded", function () { detectTimeZone(document); tickRestTimers(); scrollChatToEnd(true); });
  document.addEventListener("htmx:load", function (event) { detectTimeZone(event.detail.elt); });
  // Every htmx request has a timeout (htmx-config in base.html). When one fails for the
  // network's sake, say so where the person is looking, with a button that sends it again
  // (forms carry their client id, so a second send can't make a second copy). Background polls
  // (hx-trigger "every ...") just try again on their next tick.
  function retryFor(event) {
    var elt = event.detail.elt;
    if (!elt || /\bevery\b/.test(elt.getAttribute("hx-trigger") || "")) return null;
    if (elt.tagName === "FORM") return function () { elt.requestSubmit(); };
    if (elt.matches("a[href], button")) return function () { elt.click(); };
    return function () { location.reload(); };
  }
  document.addEventListener("htmx:timeout", function (event) {
    var retry = retryFor(event);
    if (retry) flash("Meetday took too long to answer. Check your connection.", "error", retry);
  });
  document.addEventListener("htmx:sendError", function (event) {
    var retry = retryFor(event);
    if (retry) flash(navigator.onLine ? "Couldn't reach Meetday. Check your connection." : "You're offline: this needs a connection.", "error", retry);
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 500) flash("Something went wrong on our side.", "error", retryFor(event));
    else flash("That didn't work (" + status + "). Reload the page and try again.");
  });
})();
