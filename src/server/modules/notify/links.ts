/**
 * Deep links. Every notice opens the member app at `<public url>/m/<path>`; with the notification's
 * id as `?n=<id>` the app marks that notification opened (POST /api/me/notices/:id/opened). The
 * outbox keeps only the path (`notification.link`), so the link is built when it is sent and a
 * change of the public address never leaves old rows pointing elsewhere.
 */
export function noticeLink(publicUrl: string, path: string, notificationId?: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  const clean = path.replace(/^\/+/, '').replace(/^m\//, '');
  const url = `${base}/m/${clean}`;
  if (!notificationId) return url;
  return `${url}${url.includes('?') ? '&' : '?'}n=${encodeURIComponent(notificationId)}`;
}
