// Offline: registers the service worker (/sw.js), shows the sync indicator and the writes
// waiting to be sent, says when a page came from this device ("saved 2 h ago"), and offers a
// new version when one is waiting. A form opts in with attributes:
//   data-offline="<kind>"   what it writes: set, complete, comment, like, message, machine, profile;
//   data-pending-text       how a write waiting to be sent is shown: {field} is a field's value,
//                           [ ... ] is dropped when a field in it is empty;
//   data-offline-match      fields that must equal the write's for it to show under this form;
//   data-offline-fallback   this form shows the writes of its kind no other form matched;
//   data-offline-clear      fields emptied once the write is kept on the device.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;

  var status = { writes: [], syncing: false, signedOut: false };
  var shown = {};  // client ids drawn as pending in this page
  var updateAsked = false;

  function meta(name) {
    var node = document.querySelector('meta[name="' + name + '"]');
    return node ? node.content : null;
  }
  function byId(id) { return document.getElementById(id); }
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function tell(message) {
    navigator.serviceWorker.ready.then(function (reg) { if (reg.active) reg.active.postMessage(message); });
  }
  function node(tag, className, text) {
    var n = document.createElement(tag);
    if (className) n.className = className;
    if (text != null) n.textContent = text;
    return n;
  }

  // "{load} kg × {reps}[ @ {rpe}]": {name} is a field; a [...] part is dropped when a field in
  // it is empty.
  function fill(template, fields) {
    var one = function (text) { return text.replace(/\{(\w+)\}/g, function (m, name) { return fields[name] || ""; }); };
    return one(template.replace(/\[([^\]]*)\]/g, function (m, part) {
      var names = part.match(/\{(\w+)\}/g) || [];
      return names.every(function (n) { return fields[n.slice(1, -1)]; }) ? part : "";
    })).trim();
  }

  function pathOf(form) { return new URL(form.action, location.href).pathname; }

  function formFor(write) {
    var forms = Array.prototype.filter.call(document.querySelectorAll('form[data-offline="' + write.kind + '"]'), function (form) {
      return pathOf(form) === write.path && (write.kind === "like" || form.dataset.pendingText);
    });
    var fallback = null;
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      if (form.hasAttribute("data-offline-fallback")) { fallback = fallback || form; continue; }
      var match = (form.dataset.offlineMatch || "").split(" ").filter(Boolean);
      if (match.every(function (name) { return form.elements[name] && form.elements[name].value === (write.fields[name] || ""); })) return form;
    }
    return fallback;
  }

  function listFor(form) {
    var list = form.dataset.pendingList && byId(form.dataset.pendingList);
    if (!list) {
      list = node("ul", "pending-list");
      form.parentNode.insertBefore(list, form);
    }
    return list;
  }

  function describe(write) {
    var f = write.fields;
    var what = f.body || (f.load ? f.load + " × " + (f.reps || "") : "") || f.name || f.notes || "";
    return (LABELS[write.kind] || "A change") + (what ? ": " + what : "");
  }
  var LABELS = { set: "A set", complete: "Completing a workout", comment: "A comment", like: "A like",
                 message: "A message", machine: "A machine note", profile: "Your profile" };

  function drawWrite(write) {
    var form = formFor(write), item = document.querySelector('[data-pending-id="' + CSS.escape(write.id) + '"]');
    if (write.kind === "like" && form) {  // the heart says what will be sent
      var button = form.querySelector(".like-button"), liked = write.fields.liked === "1";
      if (button) { button.setAttribute("aria-pressed", String(liked)); form.querySelector(".heart").textContent = liked ? "♥" : "♡"; }
    }
    if (!item) {
      if (!form || !form.dataset.pendingText) return;
      item = node("li", "pending");
      item.dataset.pendingId = write.id;
      item.append(node("span", "pending-what", fill(form.dataset.pendingText, write.fields)), " ", node("span", "pending-state"));
      listFor(form).append(item);
    }
    shown[write.id] = true;
    item.dataset.state = write.state;
    item.querySelector(".pending-state").textContent = write.state === "failed" ? "Not saved" : "Waiting to sync";
  }

  function drawProblems(failed) {
    var region = byId("sync-problems");
    if (!region) return;
    region.replaceChildren();
    region.hidden = !failed.length;
    failed.forEach(function (write) {
      var row = node("div", "sync-problem");
      row.append(node("p", null, describe(write) + ". " + (write.error || "")));
      var retry = node("button", "btn btn-small btn-outline", "Retry"), drop = node("button", "btn btn-small btn-quiet", "Discard");
      retry.type = drop.type = "button";
      retry.dataset.syncRetry = drop.dataset.syncDiscard = write.id;
      row.append(retry, " ", drop);
      region.append(row);
    });
  }

  function drawIndicator() {
    var badge = byId("sync-status");
    if (!badge) return;
    var pending = status.writes.filter(function (w) { return w.state === "pending"; }).length;
    var failed = status.writes.length - pending, state, text;
    if (!navigator.onLine) { state = "offline"; text = "Offline" + (pending ? " · " + pending + " pending" : ""); }
    else if (status.signedOut && pending) { state = "signed-out"; text = "Sign in to save " + pending; }
    else if (status.syncing) { state = "syncing"; text = "Syncing…"; }
    else if (pending) { state = "pending"; text = pending + " pending"; }
    else if (failed) { state = "failed"; text = failed + " not saved"; }
    else { state = "saved"; text = "All saved"; }
    badge.dataset.state = state;
    badge.textContent = text;
    badge.hidden = false;
  }

  function render() {
    var ids = {};
    status.writes.forEach(function (w) { ids[w.id] = true; drawWrite(w); });
    var landed = false;
    Object.keys(shown).forEach(function (id) {
      if (ids[id]) return;
      delete shown[id];
      var item = document.querySelector('[data-pending-id="' + CSS.escape(id) + '"]');
      if (item) { item.dataset.state = "saved"; item.querySelector(".pending-state").textContent = "Saved"; landed = true; }
    });
    drawProblems(status.writes.filter(function (w) { return w.state === "failed"; }));
    drawIndicator();
    if (landed) refreshWhenIdle();
  }

  // Once queued writes land, show the page as the server now has it, unless the person is
  // typing into it.
  function refreshWhenIdle() {
    var active = document.activeElement;
    var busy = active && active.form && active.value;
    if (busy || !window.htmx || status.writes.some(function (w) { return w.state === "pending"; })) return;
    window.htmx.ajax("GET", location.href, { target: "#main", select: "#main", swap: "outerHTML", headers: { "HX-Boosted": "true" } });
  }

  // "Data may be out of date (saved 2 h ago)" on pages the service worker served from here.
  function ago(iso) {
    var seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
    if (!isFinite(seconds)) return "earlier";
    if (seconds < 60) return "just now";
    if (seconds < 3600) return Math.floor(seconds / 60) + " min ago";
    if (seconds < 86400) return Math.floor(seconds / 3600) + " h ago";
    return Math.floor(seconds / 86400) + " d ago";
  }
  function showSavedAt(iso) {
    var banner = byId("stale-banner");
    if (!banner) return;
    banner.hidden = !iso;
    if (iso) {
      var time = banner.querySelector("time");
      time.dateTime = iso;
      time.textContent = ago(iso);
    }
  }

  navigator.serviceWorker.addEventListener("message", function (event) {
    if (!event.data || event.data.type !== "sync-status") return;
    status = event.data;
    render();
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.dataset || !form.dataset.offline) return;
    event.detail.headers["X-Meetday-Offline"] = form.dataset.offline;
    event.detail.headers["X-Meetday-User"] = meta("meetday-user") || "";
    // A message without an attachment goes urlencoded, which the device can keep offline.
    var files = form.querySelectorAll('input[type="file"]');
    if (form.getAttribute("enctype") === "multipart/form-data" && !Array.prototype.some.call(files, function (i) { return i.files.length; })) {
      form.removeAttribute("enctype");
      event.detail.headers["Content-Type"] = "application/x-www-form-urlencoded";
      form.dataset.multipart = "1";
    }
  });
  document.addEventListener("htmx:beforeSend", function (event) {
    var form = event.detail.elt;
    if (form && form.dataset && form.dataset.multipart) {  // htmx has read it: put it back
      queueMicrotask(function () { form.setAttribute("enctype", "multipart/form-data"); delete form.dataset.multipart; });
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr, form = event.detail.elt;
    if (!xhr) return;
    var config = event.detail.requestConfig || {};
    var page = event.detail.boosted || (config.headers && config.headers["HX-Boosted"] === "true");
    if (page && config.verb === "get") {
      showSavedAt(xhr.getResponseHeader("X-Meetday-Saved-At"));  // a whole page: from here or not
    }
    if (!xhr.getResponseHeader("X-Meetday-Queued") || !form.dataset) return;
    // Kept on this device: ready the form for the next one (a new client id, so "Repeat"
    // twice is two sets), and empty what shouldn't be sent twice.
    if (form.elements.client_id) form.elements.client_id.value = uuid();
    (form.dataset.offlineClear || "").split(" ").filter(Boolean).forEach(function (name) {
      if (form.elements[name]) form.elements[name].value = "";
    });
    if (navigator.onLine) tell({ type: "replay" });
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.dataset.syncRetry) tell({ type: "retry", id: target.dataset.syncRetry });
    else if (target.dataset.syncDiscard) tell({ type: "discard", id: target.dataset.syncDiscard });
    else if (target.closest("[data-reload]")) location.reload();
    else if (target.closest("[data-update]")) {
      navigator.serviceWorker.getRegistration().then(function (reg) {
        if (reg && reg.waiting) { updateAsked = true; reg.waiting.postMessage({ type: "SKIP_WAITING" }); }
        else location.reload();
      });
    }
  });

  // Signing out forgets this device's saved pages and queue: say so while writes wait.
  var warnedSignOut = false;
  document.addEventListener("submit", function (event) {
    if (!event.target.matches("[data-sign-out]")) return;
    var pending = status.writes.length;
    if (!pending || warnedSignOut) return;
    event.preventDefault();
    warnedSignOut = true;
    var region = byId("flash"), p = node("p", "flash flash-error", pending + (pending === 1 ? " change hasn't" : " changes haven't") +
      " reached Meetday yet. Get a connection and wait for \u201cAll saved\u201d, or sign out again to discard them.");
    p.setAttribute("role", "alert");
    if (region) region.replaceChildren(p);
  }, true);

  // Links marked data-offline-prefetch (today's session) are saved on the device as soon as
  // the page linking them is seen, so they open with no signal.
  function prefetch(root) {
    if (!navigator.serviceWorker.controller || !navigator.onLine || !root.querySelectorAll) return;
    root.querySelectorAll("a[data-offline-prefetch]").forEach(function (link) {
      if (link.dataset.prefetched) return;
      link.dataset.prefetched = "1";
      fetch(link.href, { credentials: "same-origin", headers: { "HX-Request": "true", "HX-Boosted": "true" } })
        .catch(function () { delete link.dataset.prefetched; });
    });
  }
  document.addEventListener("htmx:load", function (event) { prefetch(event.detail.elt); });

  function showUpdate() {
    var prompt = byId("update-prompt");
    if (prompt) prompt.hidden = false;
  }

  navigator.serviceWorker.addEventListener("controllerchange", function () {
    if (updateAsked) location.reload();
    else prefetch(document);  // the first visit: the worker has just taken over
  });

  window.addEventListener("online", function () { drawIndicator(); tell({ type: "replay" }); });
  window.addEventListener("offline", drawIndicator);

  function start() {
    showSavedAt(meta("meetday-saved-at"));
    var url = meta("meetday-sw");
    if (!url) return;
    navigator.serviceWorker.register(url, { scope: "/" }).then(function (reg) {
      if (reg.waiting && navigator.serviceWorker.controller) showUpdate();
      reg.addEventListener("updatefound", function () {
        var worker = reg.installing;
        if (!worker) return;
        worker.addEventListener("statechange", function () {
          if (worker.state === "installed" && navigator.serviceWorker.controller) showUpdate();
        });
      });
    }).catch(function () { /* no service worker (e.g. not built): the app works online */ });
    tell({ type: "status" });
    if (navigator.onLine) tell({ type: "replay" });
    prefetch(document);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
