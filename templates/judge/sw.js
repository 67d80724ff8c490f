// Keeps the judge pages usable when the venue network drops: pages and assets are
// fetched from the network first and kept; offline, the kept copy is served. The API
// is never cached: its writes are queued by judge.js instead.
"use strict";
var CACHE = "judge-pages-{{ version }}";
var ASSETS = {{ assets|tojson }};
var HOME = {{ home|tojson }};
var LOGOUT = {{ logout|tojson }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(ASSETS.concat([HOME])).catch(function () {});
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf("judge-pages-") === 0 && n !== CACHE;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(request, response) {
  if (response && response.status === 200 && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

function networkFirst(request) {
  var timeout = new Promise(function (resolve, reject) {
    setTimeout(function () { reject(new Error("timeout")); }, 4000);
  });
  return Promise.race([fetch(request), timeout]).then(function (response) {
    return keep(request, response);
  }).catch(function () {
    return caches.match(request).then(function (hit) {
      return hit || new Response("offline", {status: 503, headers: {"Content-Type": "text/plain"}});
    });
  });
}

// Fresh copies of the kept judge pages after writes to the server: a page reloaded
// offline later shows the sheets as the server last had them, not as they were when it
// was first loaded (its stale copy would drop a sheet sent since). A round of refetching
// starts 2 s after a write (its answer is back by then), at most one every 2 s however
// fast drafts are saved; offline it fails and the last good copy stays.
var refreshing = null, again = false;
function refreshPages() {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      var urls = requests.map(function (r) { return r.url; }).filter(function (u) {
        var path = new URL(u).pathname;
        return path.indexOf("/judge/") === 0 && path.indexOf("/judge/sw.js") !== 0;
      });
      if (urls.indexOf(new URL(HOME, self.location.origin).href) < 0) { urls.push(HOME); }
      return Promise.all(urls.map(function (u) {
        return fetch(u, {credentials: "same-origin"}).then(function (response) {
          if (response.status === 200 && response.type === "basic" && !response.redirected) {
            return cache.put(u, response);
          }
        }).catch(function () {});
      }));
    });
  });
}
function refreshSoon() {
  if (refreshing) { again = true; return refreshing; }
  refreshing = new Promise(function (resolve) { setTimeout(resolve, 2000); })
    .then(refreshPages).then(function () {
      refreshing = null;
      if (again) { again = false; return refreshSoon(); }
    });
  return refreshing;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET") {
    if (url.origin !== self.location.origin) { return; }
    if (url.pathname === LOGOUT) {
      // A shared tablet: no copy of this judge's page survives the logout.
      event.waitUntil(caches.delete(CACHE));
    } else if (url.pathname.indexOf("/judge/api/") === 0) {
      // The write itself goes to the network untouched (no respondWith: its timing and
      // answer stay the page's own); the kept pages are refetched once it is through.
      event.waitUntil(refreshSoon());
    }
    return;
  }
  if (url.origin !== self.location.origin || url.pathname.indexOf("/judge/api/") === 0) { return; }
  if (url.pathname.indexOf("/judge/") !== 0 && url.pathname.indexOf("/static/") !== 0) { return; }
  event.respondWith(networkFirst(request));
});

// The page names the sheets worth keeping (every team of the open stage), so a sheet
// never opened before still opens offline.
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.cache) || [];
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (u) {
      return fetch(u, {credentials: "same-origin"}).then(function (r) {
        if (r.status === 200) { return cache.put(u, r); }
      }).catch(function () {});
    }));
  }));
});
