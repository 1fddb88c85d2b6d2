// Meetday's service worker, built by scripts/build-sw.mjs (Workbox 7 and idb from npm, served
// from our own static files). It:
// - precaches the app shell (CSS, JS, icons, the offline page) of this build;
// - serves pages network first (4 s), falling back to the copy saved when the page was last
//   seen, marked with when it was saved so the page can say "data may be out of date";
// - queues writes made offline (forms marked data-offline send X-Meetday-Offline) in
//   IndexedDB and replays them in order with backoff; the server's client ids make a replay
//   of something that already landed a no-op;
// - clears the saved pages and the queue on sign-out.
/* global workbox, idb, MeetdaySync */
importScripts("__WB_DIR__/workbox-sw.js", "__IDB__");
workbox.setConfig({ modulePathPrefix: "__WB_DIR__/", debug: false });
// Workbox loads its modules lazily on first use; touch them all now, while importScripts is
// still allowed (it isn't after install).
const { core, precaching, routing, strategies, expiration } = workbox;

const BUILD = "__BUILD__";
const STATIC_GEN = "__STATIC_GEN__";
const STATIC = "__STATIC__";
const OFFLINE_URL = "__OFFLINE__";
const SIGN_OUT_URL = "__SIGN_OUT__";
const CSRF_URL = "__CSRF__";
const PAGES = "meetday-pages-" + BUILD;
const PAGES_PREFIX = "meetday-pages-";
const SYNC_TAG = "meetday-writes";
const SEND_TIMEOUT_MS = 10000; // a write that gets no answer in 10 s is queued
const INLINE_WAIT_MS = 30000; // backoffs up to this are waited out in the same replay
// Pages never kept offline: sign-in and admin screens, media streams, the API.
const NOT_SAVED = ["/auth/", "/admin", "/ai/", "/media/", "/api/", "/push/"];

core.setCacheNameDetails({ prefix: "meetday" });

// ---- App shell ---------------------------------------------------------------------------
precaching.precacheAndRoute(self.__WB_MANIFEST);
precaching.cleanupOutdatedCaches();

// Bundles of earlier builds (content-hashed names never change meaning): cache first, so a
// page saved under an earlier build still finds its own CSS and JS.
routing.registerRoute(
  ({ url }) => url.origin === location.origin && url.pathname.startsWith(STATIC_GEN),
  new strategies.CacheFirst({
    cacheName: "meetday-assets",
    plugins: [new expiration.ExpirationPlugin({ maxEntries: 60, maxAgeSeconds: 60 * 24 * 3600 })],
  }),
);
routing.registerRoute(
  ({ url }) => url.origin === location.origin && url.pathname.startsWith(STATIC),
  new strategies.StaleWhileRevalidate({ cacheName: "meetday-static" }),
);

// ---- Pages -------------------------------------------------------------------------------
function isPage({ request, url }) {
  if (url.origin !== location.origin || request.method !== "GET") return false;
  if (NOT_SAVED.some((prefix) => url.pathname.startsWith(prefix))) return false;
  return (
    request.mode === "navigate" ||
    request.headers.get("HX-Boosted") === "true" ||
    request.headers.get("HX-History-Restore-Request") === "true"
  );
}

const onlyWholePages = {
  // A 200 HTML page that wasn't a redirect (e.g. to sign-in): anything else isn't worth keeping.
  cacheWillUpdate: async ({ response }) =>
    response &&
    response.status === 200 &&
    !response.redirected &&
    (response.headers.get("Content-Type") || "").startsWith("text/html")
      ? response
      : null,
};

const markSaved = {
  // Only called when the network failed or was too slow: say when this copy was saved.
  cachedResponseWillBeUsed: async ({ cachedResponse }) => {
    if (!cachedResponse) return cachedResponse;
    const date = cachedResponse.headers.get("Date");
    const savedAt = date ? new Date(date).toISOString() : "";
    const headers = new Headers(cachedResponse.headers);
    headers.set("X-Meetday-Saved-At", savedAt);
    headers.delete("Content-Length");
    const html = (await cachedResponse.text()).replace(
      "<head>",
      '<head><meta name="meetday-saved-at" content="' + savedAt + '">',
    );
    return new Response(html, { status: 200, statusText: "OK", headers });
  },
};

routing.registerRoute(
  isPage,
  new strategies.NetworkFirst({
    cacheName: PAGES,
    networkTimeoutSeconds: 4,
    matchOptions: { ignoreVary: true }, // boosted (htmx) and plain loads get the same page
    plugins: [
      onlyWholePages,
      markSaved,
      new expiration.ExpirationPlugin({ maxEntries: 60, maxAgeSeconds: 30 * 24 * 3600 }),
    ],
  }),
);

routing.setCatchHandler(async ({ request }) => {
  if (request.mode === "navigate" || request.headers.get("HX-Boosted") === "true") {
    const offline = await precaching.matchPrecache(OFFLINE_URL);
    if (offline) return offline;
  }
  return Response.error();
});

// ---- Install, activate, update -----------------------------------------------------------
self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "SKIP_WAITING") self.skipWaiting();
  else if (message.type === "status") event.waitUntil(broadcast());
  else if (message.type === "replay") event.waitUntil(replay());
  else if (message.type === "retry") event.waitUntil(retryFailed(message.id));
  else if (message.type === "discard") event.waitUntil(discard(message.id));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // Pages saved under another build point at that build's CSS and JS: drop them, then
      // fetch the same pages again for this build (best effort, after taking control).
      const again = [];
      for (const name of await caches.keys()) {
        if (!name.startsWith(PAGES_PREFIX) || name === PAGES) continue;
        const cache = await caches.open(name);
        for (const request of await cache.keys()) again.push(request.url);
        await caches.delete(name);
      }
      await self.clients.claim();
      if (again.length) refetch(again.slice(0, 60));
    })(),
  );
});

async function refetch(urls) {
  const cache = await caches.open(PAGES);
  await Promise.all(
    urls.map(async (url) => {
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (await onlyWholePages.cacheWillUpdate({ response })) await cache.put(url, response);
      } catch (error) {
        /* offline: it'll be saved on the next visit */
      }
    }),
  );
}

// ---- Push (reminders, messages): the in-app notification stays the source of truth ---------
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "Meetday", {
      body: data.body || "",
      tag: data.tag || undefined,
      icon: STATIC + "icons/icon-192.png",
      badge: STATIC + "icons/icon-192.png",
      data: { url: data.url || "/" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", location.origin);
  if (target.origin !== location.origin) return;
  event.waitUntil(
    (async () => {
      for (const client of await self.clients.matchAll({ type: "window" })) {
        if ("focus" in client) {
          await client.focus();
          return client.navigate(target.href);
        }
      }
      return self.clients.openWindow(target.href);
    })(),
  );
});

// ---- Offline writes ----------------------------------------------------------------------
// One object store, "writes", ordered by seq; each row:
// {seq, id (the form's client id), kind, url, body (urlencoded), contentType, user,
//  queuedAt, attempts, nextAt, state: "pending" | "failed", error}
const database = idb.openDB("meetday-sync", 1, {
  upgrade(db) {
    const store = db.createObjectStore("writes", { keyPath: "seq", autoIncrement: true });
    store.createIndex("id", "id", { unique: true });
  },
});

let syncing = false;
let signedOut = false;

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "POST") return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (url.pathname === SIGN_OUT_URL) {
    event.respondWith(signOut(request));
    return;
  }
  const kind = request.headers.get("X-Meetday-Offline");
  const type = request.headers.get("Content-Type") || "";
  if (kind && type.startsWith("application/x-www-form-urlencoded")) {
    event.respondWith(sendOrQueue(request, kind));
  }
});

async function sendOrQueue(request, kind) {
  const body = await request.clone().text();
  const db = await database;
  const ahead = await db.count("writes");
  if (!ahead) {
    // Nothing waiting: try the network. With writes waiting, this one queues behind them so
    // the server gets them in the order they were made (set 3 after set 2).
    try {
      return await fetch(request, { signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
    } catch (error) {
      /* offline, or no answer in time: it may have landed; the client id makes that safe */
    }
  }
  const fields = MeetdaySync.fields(body);
  const id = fields.client_id || crypto.randomUUID();
  try {
    await db.add("writes", {
      id,
      kind,
      url: request.url,
      body,
      contentType: request.headers.get("Content-Type"),
      user: request.headers.get("X-Meetday-User") || "",
      queuedAt: Date.now(),
      attempts: 0,
      nextAt: 0,
      state: "pending",
      error: null,
    });
  } catch (error) {
    if (error.name !== "ConstraintError") throw error; // the same client id: already queued
  }
  await askForSync();
  await broadcast();
  replay(); // online but the server is unreachable or slow: start trying now
  return new Response("", {
    status: 202,
    headers: { "HX-Reswap": "none", "X-Meetday-Queued": id },
  });
}

async function askForSync() {
  try {
    if (self.registration.sync) await self.registration.sync.register(SYNC_TAG);
  } catch (error) {
    /* no Background Sync: pages ask for a replay on 'online' and on load */
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(replay());
});

let running = null;
// One replay at a time per worker, however many tabs and sync events ask for it.
function replay() {
  if (!running) {
    running = drain().finally(() => {
      running = null;
      syncing = false;
      return broadcast();
    });
  }
  return running;
}

async function nextPending(db) {
  let cursor = await db.transaction("writes").store.openCursor();
  while (cursor) {
    if (cursor.value.state === "pending") return cursor.value;
    cursor = await cursor.continue();
  }
  return null;
}

async function session() {
  // The current session's CSRF token and user (the queue may predate a browser restart).
  const response = await fetch(CSRF_URL, { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) throw new Error("csrf " + response.status);
  return response.json();
}

async function drain() {
  const db = await database;
  let current = null;
  for (;;) {
    const write = await nextPending(db);
    if (!write) return;
    const wait = write.nextAt - Date.now();
    if (wait > INLINE_WAIT_MS) {
      setTimeout(replay, wait); // best effort; pages also ask again when they load
      return;
    }
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    syncing = true;
    await broadcast();
    let response;
    try {
      current = current || (await session());
      if (write.user && current.user && String(current.user) !== write.user) {
        signedOut = true; // someone else is signed in here: keep it for its owner
        return;
      }
      response = await fetch(write.url, {
        method: "POST",
        body: MeetdaySync.withToken(write.body, current.token),
        headers: {
          "Content-Type": write.contentType,
          "X-CSRFToken": current.token,
          "HX-Request": "true",
          "X-Meetday-Replay": "1",
        },
        credentials: "same-origin",
        redirect: "manual",
      });
    } catch (error) {
      return; // still offline: the next sync event, 'online' or page load tries again
    }
    const verdict = MeetdaySync.classify(response.status);
    if (verdict === "done") {
      signedOut = false;
      await db.delete("writes", write.seq);
    } else if (verdict === "signed-out") {
      signedOut = true;
      return;
    } else if (verdict === "rejected") {
      write.state = "failed";
      write.error = MeetdaySync.reason(response.status, await response.text());
      await db.put("writes", write);
    } else {
      write.attempts += 1;
      if (write.attempts >= MeetdaySync.MAX_ATTEMPTS) {
        write.state = "failed";
        write.error = "Meetday couldn't save this after " + write.attempts + " tries.";
      } else {
        write.nextAt = Date.now() + MeetdaySync.backoffMs(write.attempts, Math.random());
      }
      await db.put("writes", write);
    }
    await broadcast();
  }
}

async function retryFailed(id) {
  const db = await database;
  const write = await db.getFromIndex("writes", "id", id);
  if (!write) return broadcast();
  Object.assign(write, { state: "pending", attempts: 0, nextAt: 0, error: null });
  await db.put("writes", write);
  return replay();
}

async function discard(id) {
  const db = await database;
  const write = await db.getFromIndex("writes", "id", id);
  if (write) await db.delete("writes", write.seq);
  return broadcast();
}

async function broadcast() {
  const db = await database;
  const writes = (await db.getAll("writes")).map((write) => ({
    id: write.id,
    kind: write.kind,
    path: new URL(write.url).pathname,
    fields: MeetdaySync.fields(write.body),
    state: write.state,
    error: write.error,
    attempts: write.attempts,
    nextAt: write.nextAt,
  }));
  const status = { type: "sync-status", build: BUILD, writes, syncing, signedOut };
  for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) {
    client.postMessage(status);
  }
}

async function clearPrivate() {
  for (const name of await caches.keys()) {
    if (name.startsWith(PAGES_PREFIX)) await caches.delete(name);
  }
  const db = await database;
  await db.clear("writes");
  signedOut = false;
  // No pushes for whoever signed out: the push service then answers 410 and the server
  // forgets the subscription.
  try {
    const subscription = await self.registration.pushManager.getSubscription();
    if (subscription) await subscription.unsubscribe();
  } catch (error) {
    /* no push here */
  }
}

async function signOut(request) {
  // The server ends the session; this device forgets the pages and writes it kept.
  try {
    const response = await fetch(request);
    await clearPrivate();
    return response;
  } catch (error) {
    await clearPrivate();
    return (await precaching.matchPrecache(OFFLINE_URL)) || Response.error();
  }
}
