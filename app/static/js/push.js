// Web Push on this device ("Notifications on this device" on the profile page): subscribe
// through the service worker with the server's VAPID key and send the subscription to the
// server, or undo both. Loaded only by templates/push/_settings.html.
(function () {
  "use strict";

  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  var WORKER_WAIT_MS = 10000;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // JSON in and out; a non-2xx answer rejects with the server's {"error": "..."} message.
  function request(url, body) {
    var options = { credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      options.method = "POST";
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRFToken"] = csrfToken();
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          throw new Error(data.error || "The server couldn't do that (" + response.status + "). Try again.");
        }
        return data;
      });
    });
  }

  function keyBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4);
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function sameKey(subscription, key) {
    var current = subscription.options && subscription.options.applicationServerKey;
    if (!current) return true;  // the browser doesn't say: assume it is ours
    var a = new Uint8Array(current), b = keyBytes(key);
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  // navigator.serviceWorker.ready never settles while no worker is active: give up visibly.
  function workerReady() {
    return Promise.race([
      navigator.serviceWorker.ready,
      new Promise(function (resolve, reject) {
        setTimeout(function () {
          reject(new Error("The app's background worker hasn't started yet. Reload the page and try again."));
        }, WORKER_WAIT_MS);
      }),
    ]);
  }

  function setup(section) {
    if (section.dataset.pushReady || !supported) return;  // the server's text covers no support
    section.dataset.pushReady = "1";
    var status = section.querySelector("[data-push-status]");
    var actions = section.querySelector("[data-push-actions]");
    var button = section.querySelector("[data-push-toggle]");
    var key = null, registration = null, current = null;

    function say(text) { status.textContent = text; }

    function render(subscription) {
      current = subscription;
      if (!subscription && Notification.permission === "denied") {
        say("Notifications are blocked for this site. Allow them in the browser's site settings, then reload.");
        actions.hidden = true;
        return;
      }
      say(subscription
        ? "On: meet reminders and new messages arrive on this device."
        : "Off: meet reminders and new messages appear only under the bell.");
      button.textContent = subscription ? "Turn off" : "Turn on";
      actions.hidden = false;
    }

    function turnOn() {
      return Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") return null;
        var options = { userVisibleOnly: true, applicationServerKey: keyBytes(key) };
        return registration.pushManager.subscribe(options).then(function (subscription) {
          return request(section.dataset.subscribeUrl, subscription.toJSON()).then(
            function () { return subscription; },
            function (error) {  // not stored by the server: don't leave the browser half on
              return subscription.unsubscribe().then(function () { throw error; });
            }
          );
        });
      });
    }

    // Browser first: once it has unsubscribed, the server's copy answers 410 at the next push
    // and is removed then, even if telling the server now fails.
    function turnOff() {
      var endpoint = current.endpoint;
      return current.unsubscribe().then(function () {
        return request(section.dataset.unsubscribeUrl, { endpoint: endpoint });
      }).then(function () { return null; });
    }

    button.addEventListener("click", function () {
      button.disabled = true;
      (current ? turnOff() : turnOn())
        .then(render, function (error) { say(error.message); })
        .then(function () { button.disabled = false; });
    });

    say("Checking this device…");
    Promise.all([request(section.dataset.keyUrl), workerReady()])
      .then(function (values) {
        key = values[0].public_key;
        registration = values[1];
        return registration.pushManager.getSubscription();
      })
      .then(function (subscription) {
        if (subscription && !sameKey(subscription, key)) {  // made with an older server key
          return subscription.unsubscribe().then(function () { return null; });
        }
        return subscription;
      })
      .then(function (subscription) {
        if (!subscription || Notification.permission !== "granted") return render(null);
        // Sent again on every visit: keeps the server's copy current, and a device someone
        // else signed in on follows the person signed in now.
        return request(section.dataset.subscribeUrl, subscription.toJSON()).then(function () {
          render(subscription);
        });
      })
      .catch(function (error) { say(error.message); });
  }

  function init(root) {
    if (root.matches && root.matches("[data-push-settings]")) setup(root);
    if (root.querySelectorAll) root.querySelectorAll("[data-push-settings]").forEach(setup);
  }

  // htmx runs this file again each time a boosted navigation swaps the profile page in.
  if (!window.meetdayPushListening) {
    window.meetdayPushListening = true;
    document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
