// The desk page's copy, for a desk opened again while the server is down (decision 0033).
// Registered by static/desk-offline.js with the desk page as its scope, and served from
// /desk/sw.js (app/desk/offline_views.py) with the static folder's path in its query.
//
// Network first, always: the copy answers a navigation to the desk page only when the server
// cannot be reached, and the page then says it is a copy (data-page="copy"), decides from the
// snapshot in IndexedDB, and loads itself again from the server once it answers. Nothing else
// is kept: no API answer, no other page, no photo; the static files the desk page loads are.
// The copy belongs to the account signed in: a desk page the server does not give (the login
// instead, someone else's role) empties it, and so does the login page (static/desk-forget.js).
"use strict";

const CACHE = "aiddesk-desk-v1";
const DESK = new URL(self.registration.scope).pathname;
const STATIC = new URL(self.location.href).searchParams.get("static") || "/static/";
const ASSETS = new Set(["script", "style", "image", "font"]);
const PAGE_WAIT_MS = 10000; // a server that takes longer to give the desk page is down (frozen)
const ASSET_WAIT_MS = 4000;
const COPY_MS = 60000; // after the copy was served, its files come from the copy first
let copyServedAt = 0;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (url.pathname === DESK && url.search === "") event.respondWith(page(request));
    return;
  }
  // Only what the page loads as a file of its own: the heartbeat, the snapshot and the journal
  // are fetch() calls (no destination) and must meet the network, never a copy.
  if (url.pathname.startsWith(STATIC) && ASSETS.has(request.destination)) {
    event.respondWith(asset(request));
  }
});

// The page asks, once it is shown from the server, that the copy and its files be kept.
self.addEventListener("message", function (event) {
  const data = event.data || {};
  const port = event.ports && event.ports[0];
  if (!Array.isArray(data.keep)) return;
  event.waitUntil(keep(data.keep, data.page === true).then(
    () => port && port.postMessage("kept"),
    () => port && port.postMessage("failed"),
  ));
});

function within(promise, ms) {
  return Promise.race([
    promise,
    new Promise((resolve, reject) => setTimeout(() => reject(new Error("no answer")), ms)),
  ]);
}

function isOwn(response) {
  return response.ok && response.type === "basic" && !response.redirected;
}

async function page(request) {
  const network = fetch(request);
  let response;
  try {
    response = await within(network, PAGE_WAIT_MS);
  } catch (error) {
    const copy = await caches.match(DESK, { cacheName: CACHE, ignoreVary: true });
    if (copy) {
      copyServedAt = Date.now();
      return marked(copy);
    }
    // Nothing to give instead: a slow server is still waited for, a refusal is the
    // browser's own "cannot reach" page.
    return network.catch(() => Response.error());
  }
  copyServedAt = 0;
  if (isOwn(response)) {
    const cache = await caches.open(CACHE);
    await cache.put(DESK, response.clone());
  } else if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
    // The server answered that no one, or no desk account, is signed in here: the copy goes.
    await caches.delete(CACHE);
  }
  return response;
}

// The copy says it is one, so that the page knows its form's token and session may be old.
async function marked(copy) {
  const html = (await copy.text()).replace('data-page="live"', 'data-page="copy"');
  const headers = new Headers(copy.headers);
  headers.delete("Content-Length");
  return new Response(html, { status: 200, statusText: "OK", headers: headers });
}

async function asset(request) {
  const cache = await caches.open(CACHE);
  if (Date.now() - copyServedAt < COPY_MS) {
    const kept = await cache.match(request, { ignoreVary: true });
    if (kept) return kept;
  }
  const network = fetch(request);
  try {
    const response = await within(network, ASSET_WAIT_MS);
    if (isOwn(response)) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreVary: true });
    return kept || network.catch(() => Response.error());
  }
}

async function keep(urls, fetchPage) {
  const cache = await caches.open(CACHE);
  for (const address of urls) {
    const url = new URL(address, self.location.href);
    if (url.origin !== self.location.origin || !url.pathname.startsWith(STATIC)) continue;
    if (!(await cache.match(url.href, { ignoreVary: true }))) await cache.add(url.href);
  }
  // A desk page that did not pass through this worker (the first one, before it was
  // installed) is fetched once here; the later ones are kept as they pass (page() above).
  if (fetchPage || !(await cache.match(DESK, { ignoreVary: true }))) {
    const response = await fetch(DESK, { credentials: "same-origin", redirect: "manual" });
    if (!isOwn(response)) throw new Error("no desk page to keep");
    await cache.put(DESK, response);
  }
}
