/* The service worker of the attendance page (docs/web.md, "Offline"):
   served from /sw.js so that its scope covers every page, though it keeps
   only the leaders' attendance pages and the static files. piirid writes
   the hashed static names in place of PIIRI_STATIC when it starts, so a new
   release is new bytes here: the browser installs the new worker, which
   keeps the new files and drops the old ones. */
"use strict";
var STATIC = PIIRI_STATIC;
var STATIC_CACHE = "piiri-static-" + STATIC.map(function (p) { return p.split(".")[1]; }).join("-");
var PAGES_CACHE = "piiri-pages";
var ATTENDANCE = /^\/(fi|sv|en)\/sessions\/[0-9a-f-]{36}\/attendance$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC_CACHE).then(function (c) { return c.addAll(STATIC); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("piiri-static-") === 0 && k !== STATIC_CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

/* The page as the network gives it, kept for when there is none. */
function keepPage(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(PAGES_CACHE).then(function (c) { return c.put(request.url, copy); });
    }
    return response;
  });
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  var url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (STATIC.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(req).then(function (hit) { return hit || fetch(req); }));
  } else if (ATTENDANCE.test(url.pathname) && url.search === "") {
    event.respondWith(keepPage(req).catch(function () {
      return caches.open(PAGES_CACHE).then(function (c) { return c.match(req.url); })
        .then(function (hit) { return hit || Response.error(); });
    }));
  }
});

/* The page asks to keep a fresh copy of itself (after its changes were
   saved, and when the worker first starts), or to forget every page (on
   signing out). */
self.addEventListener("message", function (event) {
  var msg = event.data || {};
  if (msg.keep && ATTENDANCE.test(new URL(msg.keep, self.location.origin).pathname)) {
    event.waitUntil(keepPage(new Request(msg.keep, { credentials: "same-origin" })).catch(function () {}));
  } else if (msg.forget) {
    event.waitUntil(caches.delete(PAGES_CACHE));
  }
});
