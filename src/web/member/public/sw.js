/*
 * Lianxin members' app service worker (scope /m/).
 * Keeps the app shell on the phone so the app opens without signal.
 * The build fills PRECACHE, ASSETS and VERSION (see vite.member.config.ts); never caches /api.
 * PRECACHE is the first screen's files only, taken from the HTTP cache the page has just filled
 * (hashed files are immutable), so installing costs no second download on a weak signal. The
 * screens loaded lazily (the reader, classes, make-ups, ...) are fetched once the worker activates,
 * which is after the page's load event, so they never compete with the first screen, and are there
 * when the member opens an article without a signal. A screen opened before that is stored on use.
 */
const VERSION = 'dev';
const PRECACHE = [];
const ASSETS = [];
const CACHE = 'lx-member-' + VERSION;
const SHELL = new URL('./', self.registration.scope).href;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // Hashed files never change under their name: the copy just downloaded is right. The page and the
      // manifest are revalidated (a 304 when unchanged).
      .then((cache) => cache.addAll(PRECACHE.map((path) => new Request(new URL(path, self.registration.scope), { cache: path.startsWith('assets/') ? 'default' : 'no-cache' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => keys.filter((key) => key.startsWith('lx-member-') && key !== CACHE))
      .then((old) => carryOver(old).then(() => Promise.all(old.map((key) => caches.delete(key)))))
      .then(() => fetchTheRest())
      .then(() => self.clients.claim()),
  );
});

/** The built files not stored yet (the lazy screens), fetched together; a failure leaves them to be stored on use. */
function fetchTheRest() {
  return caches
    .open(CACHE)
    .then((cache) =>
      Promise.all(
        ASSETS.map((path) => {
          const request = new Request(new URL(path, self.registration.scope));
          return cache.match(request).then((have) => have || cache.add(request).catch(() => undefined));
        }),
      ),
    )
    .catch(() => undefined);
}

/** Screens already opened stay available offline after an update: chunks this build still has move to the new cache. */
function carryOver(oldCaches) {
  const wanted = new Set(ASSETS.map((path) => new URL(path, self.registration.scope).href));
  return caches.open(CACHE).then((cache) =>
    Promise.all(
      oldCaches.map((key) =>
        caches.open(key).then((old) =>
          old.keys().then((requests) =>
            Promise.all(
              requests
                .filter((request) => wanted.has(request.url))
                .map((request) => cache.match(request).then((have) => have || old.match(request).then((response) => response && cache.put(request, response)))),
            ),
          ),
        ),
      ),
    ),
  ).catch(() => undefined);
}

/**
 * The page as stored for offline starts: without the headers that belong to the visit it came with. A
 * signed-in page may carry `Link: rel=preload` of that account's profile and today; a cookie never goes
 * into a cache either.
 */
function shellCopy(response) {
  const headers = new Headers(response.headers);
  headers.delete('link');
  headers.delete('set-cookie');
  return response.blob().then((body) => new Response(body, { status: response.status, statusText: response.statusText, headers: headers }));
}

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
            caches.open(CACHE).then((cache) => shellCopy(copy).then((shell) => cache.put(SHELL, shell)));
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

/*
 * 本机通知 (Web Push): the server sends { title, body, url } encrypted for this browser; the
 * notification opens the notice's deep link (/m/<path>?n=<id>, which records the open). A tab of
 * the app already open is brought forward and sent there instead of opening another.
 */
self.addEventListener('push', (event) => {
  let notice = {};
  try {
    notice = event.data ? event.data.json() : {};
  } catch {
    notice = { body: event.data ? event.data.text() : '' };
  }
  const title = typeof notice.title === 'string' && notice.title ? notice.title : '连心';
  const body = typeof notice.body === 'string' ? notice.body : '';
  const url = typeof notice.url === 'string' ? notice.url : SHELL;
  event.waitUntil(
    self.registration.showNotification(title, {
      body: body,
      icon: new URL('icons/icon-192.png', self.registration.scope).href,
      badge: new URL('icons/icon-192.png', self.registration.scope).href,
      data: { url: url },
      // one notification per link: the same notice sent twice replaces itself
      tag: url,
    }),
  );
});

/** The link to open: an http(s) address, else the app's start. */
function noticeUrl(data) {
  try {
    const url = new URL(data && data.url, self.registration.scope);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : SHELL;
  } catch {
    return SHELL;
  }
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = noticeUrl(event.notification.data);
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url.startsWith(self.registration.scope));
      if (open && new URL(target).origin === self.location.origin) {
        // navigate() works only on a tab this worker controls: otherwise a new tab opens the link
        return open
          .focus()
          .then((client) => (client || open).navigate(target))
          .then((client) => client || self.clients.openWindow(target))
          .catch(() => self.clients.openWindow(target));
      }
      return self.clients.openWindow(target);
    }),
  );
});

/*
 * Kept media (src/web/member/offline-store.ts): images of the articles kept on the phone, and audio
 * the member chose to keep, live in a cache per account ('lx-kept-media-<account>'). Our own files
 * (/api/files/…) come from the network as always; when the network fails they come from there, and
 * only from the cache of the account the phone keeps things for: the app writes that account in its
 * IndexedDB store ('lx-kept', store 'meta', key 'account'), which this worker reads (never writes).
 * Nothing is stored here: the app decides what is kept and empties the caches on sign-out.
 */
const KEPT_MEDIA_PREFIX = 'lx-kept-media-';

/** The account the app keeps things for, or null (nothing kept, signed out, or no IndexedDB). */
function keptAccount() {
  return new Promise((resolve) => {
    if (typeof indexedDB === 'undefined') return resolve(null);
    let open;
    try {
      open = indexedDB.open('lx-kept');
    } catch {
      return resolve(null);
    }
    // The store does not exist yet: not created here (the app creates it with its tables).
    open.onupgradeneeded = () => open.transaction.abort();
    open.onerror = () => resolve(null);
    open.onblocked = () => resolve(null);
    open.onsuccess = () => {
      const db = open.result;
      try {
        const get = db.transaction('meta').objectStore('meta').get('account');
        get.onsuccess = () => {
          db.close();
          resolve(typeof get.result === 'string' ? get.result : null);
        };
        get.onerror = () => {
          db.close();
          resolve(null);
        };
      } catch {
        db.close();
        resolve(null);
      }
    };
  });
}

function keptMedia(request) {
  return keptAccount().then((account) => {
    if (!account) return undefined;
    const name = KEPT_MEDIA_PREFIX + account;
    return caches.has(name).then((has) => (has ? caches.open(name).then((cache) => cache.match(request.url, { ignoreVary: true })) : undefined));
  });
}

/** An audio or video player asks for a range of bytes: the kept file answers with that part (206), read as a slice of the file, never whole. */
function keptPart(request, response) {
  const m = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get('range') || '');
  if (!m || (m[1] === '' && m[2] === '')) return response;
  return response.blob().then((body) => {
    const size = body.size;
    const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
    const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (start > end || start >= size) return new Response(null, { status: 416, headers: { 'content-range': 'bytes */' + size } });
    return new Response(body.slice(start, end + 1), {
      status: 206,
      headers: {
        'content-type': response.headers.get('content-type') || 'application/octet-stream',
        'content-range': 'bytes ' + start + '-' + end + '/' + size,
        'content-length': String(end - start + 1),
        'accept-ranges': 'bytes',
      },
    });
  });
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith('/api/files/')) return;
  event.respondWith(
    fetch(request).catch((error) => keptMedia(request).then((kept) => (kept ? keptPart(request, kept) : Promise.reject(error)))),
  );
});
