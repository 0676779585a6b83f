/*
 * yeyak's service worker for Web Push: shows what the server sent ({title, body, link, kind}, the
 * payload src/platform/push encrypts) and opens its link (a path in this site) on a click.
 */
self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: 'yeyak', body: event.data ? event.data.text() : '' };
  }
  const link =
    typeof data.link === 'string' && data.link.startsWith('/') && !data.link.startsWith('//')
      ? data.link
      : '/notifications';
  event.waitUntil(
    self.registration.showNotification(data.title || 'yeyak', {
      body: data.body || '',
      icon: '/favicon.svg',
      data: { link },
      tag: data.kind === 'marketing' ? 'marketing' : undefined,
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const link = event.notification.data?.link || '/';
  event.waitUntil(self.clients.openWindow(link));
});
