/*
 * Lianxin members' app service worker (scope /m/).
 * Keeps the app shell on the phone so the app opens without signal.
 * The build fills PRECACHE and VERSION (see vite.member.config.ts); never caches /api.
 */
const VERSION = 'dev';
const PRECACHE = [];
const CACHE = 'lx-member-' + VERSION;
const SHELL = new URL('./', self.registration.scope).href;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((path) => new Request(new URL(path, self.registration.scope), { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith('lx-member-') && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Data is always live: no /api response is ever stored.
  if (url.pathname.startsWith('/api/')) return;
  if (!url.href.startsWith(self.registration.scope)) return;

  if (request.mode === 'navigate') {
    // Fresh page when the network answers (new builds arrive), the stored shell when it does not.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && (response.headers.get('content-type') || '').includes('text/html')) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(SHELL, copy));
          }
          return response;
        })
        .catch(() => caches.open(CACHE).then((cache) => cache.match(SHELL)).then((cached) => cached || Response.error())),
    );
    return;
  }

  // Built assets have hashed names, so a stored copy is always right.
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(request).then(
        (cached) =>
          cached ||
          fetch(request).then((response) => {
            if (response.ok && url.pathname.includes('/assets/')) cache.put(request, response.clone());
            return response;
          }),
      ),
    ),
  );
});
