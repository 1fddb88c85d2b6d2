// The offline write queue's rules, without I/O: shared by the service worker (sw.js is built
// as this file + sw.js) and by Node's tests (tests/js/test_sync_policy.mjs).
var MeetdaySync = (function () {
  "use strict";

  // Retries: exponential backoff with "equal jitter" (half fixed, half random), as in
  // AWS's "Exponential Backoff And Jitter" (Brooker, 2015): 1 s, 2 s, 4 s ... capped at
  // 5 minutes; after MAX_ATTEMPTS failed tries the write is shown to the user to retry or
  // discard instead of being tried forever.
  var BASE_MS = 1000;
  var CAP_MS = 5 * 60 * 1000;
  var MAX_ATTEMPTS = 8;

  /** Milliseconds to wait before try number ``attempt + 1`` (attempt >= 1 failures so far).
   *  ``random`` is a number in [0, 1) (Math.random in the worker; fixed in tests). */
  function backoffMs(attempt, random) {
    var ceiling = Math.min(CAP_MS, BASE_MS * Math.pow(2, Math.max(0, attempt - 1)));
    return Math.round(ceiling / 2 + (ceiling / 2) * random);
  }

  /** What a replay's HTTP status means for the queued write:
   *  "done" (2xx, or a 3xx redirect after a successful form post: fetch's opaque redirect
   *  has status 0), "signed-out" (401: keep it until the person signs in again),
   *  "retry" (5xx, 408, 429: the server or the path to it is having trouble),
   *  "rejected" (any other 4xx: validation or permission; retrying can't help). */
  function classify(status) {
    if (status === 0 || (status >= 200 && status < 400)) return "done";
    if (status === 401) return "signed-out";
    if (status === 408 || status === 429 || status >= 500) return "retry";
    return "rejected";
  }

  /** The fields of a urlencoded form body as a plain object, without the CSRF token
   *  (what the page needs to show a pending write). Repeated names keep the last value. */
  function fields(body) {
    var out = {};
    new URLSearchParams(body).forEach(function (value, name) {
      if (name !== "csrf_token") out[name] = value;
    });
    return out;
  }

  /** The same body with today's CSRF token: a write queued before a browser restart carries
   *  the token of a session that may have been renewed since. */
  function withToken(body, token) {
    var params = new URLSearchParams(body);
    if (token) params.set("csrf_token", token);
    return params.toString();
  }

  /** A short reason from an HTML error answer: the first field error or flash message, or
   *  the status when the page says nothing readable. */
  function reason(status, html) {
    var match = /class="(?:field-error|flash flash-error)"[^>]*>([^<]{1,300})</.exec(html || "");
    if (match) {
      return match[1].replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">").replace(/&amp;/g, "&").trim();
    }
    if (status === 403) return "You're not allowed to do that any more.";
    if (status === 404) return "It no longer exists.";
    return "Meetday refused it (HTTP " + status + ").";
  }

  return { BASE_MS: BASE_MS, CAP_MS: CAP_MS, MAX_ATTEMPTS: MAX_ATTEMPTS, backoffMs: backoffMs,
           classify: classify, fields: fields, withToken: withToken, reason: reason };
})();
if (typeof module !== "undefined") module.exports = MeetdaySync;
