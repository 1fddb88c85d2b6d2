// The offline queue's rules (app/static/sw/policy.js), run by `node --test tests/js/`.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const policy = require("../../app/static/sw/policy.js");

test("backoff follows 'equal jitter': half of min(cap, base * 2^n) fixed, half random", () => {
  // Brooker, "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015):
  //   temp = min(cap, base * 2 ** attempt); sleep = temp / 2 + random_between(0, temp / 2)
  // with base 1 s and cap 300 s, counting the first retry as attempt 0.
  const cases = [
    [1, 0, 500], [1, 1, 1000], [2, 0, 1000], [2, 0.5, 1500], [3, 0, 2000], [4, 1, 8000],
    [9, 0, 128000], [10, 0, 150000], [10, 1, 300000], [30, 0.25, 187500],
  ];
  for (const [attempt, random, expected] of cases) {
    assert.equal(policy.backoffMs(attempt, random), expected, `attempt ${attempt}, random ${random}`);
  }
});

test("backoff never exceeds the cap and never drops below half of it once capped", () => {
  for (let attempt = 1; attempt < 64; attempt++) {
    for (const random of [0, 0.3, 0.999]) {
      const wait = policy.backoffMs(attempt, random);
      assert.ok(wait <= 5 * 60 * 1000 && wait >= 500, `${attempt}: ${wait}`);
    }
  }
});

test("a replay's status decides: done, retry, rejected or wait for sign-in (RFC 9110)", () => {
  const expected = {
    0: "done", 200: "done", 201: "done", 204: "done", 303: "done",
    401: "signed-out",
    408: "retry", 429: "retry", 500: "retry", 502: "retry", 503: "retry", 504: "retry",
    400: "rejected", 403: "rejected", 404: "rejected", 409: "rejected", 413: "rejected", 422: "rejected",
  };
  for (const [status, verdict] of Object.entries(expected)) {
    assert.equal(policy.classify(Number(status)), verdict, `HTTP ${status}`);
  }
});

test("a queued body keeps its fields and client id, with today's CSRF token", () => {
  const body = "csrf_token=old&client_id=0f8fad5b-d9cb-469f-a165-70867728950e&load=102.5&note=caf%C3%A9+%26+co";
  assert.deepEqual(policy.fields(body), {
    client_id: "0f8fad5b-d9cb-469f-a165-70867728950e", load: "102.5", note: "café & co",
  });
  const renewed = new URLSearchParams(policy.withToken(body, "new"));
  assert.equal(renewed.get("csrf_token"), "new");
  assert.equal(renewed.get("note"), "café & co");
  assert.equal(renewed.get("client_id"), "0f8fad5b-d9cb-469f-a165-70867728950e");
});

test("the reason shown for a refused write is the page's own error, unescaped", () => {
  const html = '<p class="field-error" id="reps-error">Reps must be between 1 and 100 &amp; whole.</p>';
  assert.equal(policy.reason(422, html), "Reps must be between 1 and 100 & whole.");
  assert.equal(policy.reason(404, "<h1>Not found</h1>"), "It no longer exists.");
  assert.equal(policy.reason(413, ""), "Meetday refused it (HTTP 413).");
});
