import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * What the public pages (no login, outside /api: a unit's news at /news/<unit>, its 党务公开 at
 * /open/<unit>) share: plain server-rendered HTML that needs no script and opens well in WeChat's
 * browser, one style block allowed by its hash under a CSP that allows nothing else inline, Open
 * Graph tags so a shared link shows a title and a text, and `public, no-cache` with an ETag (any
 * cache keeps the page but asks again each time, so a withdrawn page is gone at once).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const STYLE = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:#f6f6f6;color:#222;font:17px/1.75 -apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;-webkit-text-size-adjust:100%}
main{max-width:680px;margin:0 auto;background:#fff;min-height:100vh;padding:20px 18px 40px}
header.unit{color:#b71c1c;font-weight:600;font-size:15px;margin-bottom:12px}
header.unit a{color:inherit;text-decoration:none}
h1{font-size:22px;line-height:1.4;margin:0 0 8px}
.meta{color:#888;font-size:14px;margin-bottom:16px}
.cover{width:100%;height:auto;border-radius:6px;margin-bottom:16px;display:block}
article img{max-width:100%;height:auto}
article table{border-collapse:collapse;max-width:100%;display:block;overflow-x:auto}
article td,article th{border:1px solid #ddd;padding:4px 8px}
article blockquote{margin:0;padding:4px 12px;border-left:3px solid #e0a0a0;color:#555}
ul.list{list-style:none;padding:0;margin:0}
ul.list li{border-bottom:1px solid #eee}
ul.list a{display:flex;gap:12px;padding:14px 0;color:inherit;text-decoration:none;min-height:56px}
ul.list img{width:96px;height:72px;object-fit:cover;border-radius:4px;flex:none}
ul.list .t{font-size:17px;font-weight:600;line-height:1.4}
ul.list .s{color:#777;font-size:14px;margin-top:4px}
nav.pages{display:flex;justify-content:space-between;margin-top:20px;font-size:16px}
nav.pages a{color:#b71c1c;padding:10px 0}
.empty{color:#888;text-align:center;padding:48px 0}
footer{color:#aaa;font-size:13px;text-align:center;margin-top:32px}
section.part{margin:22px 0}
section.part h2{font-size:18px;margin:0 0 8px;padding-left:8px;border-left:4px solid #b71c1c}
.note{background:#fff8e1;border-radius:6px;padding:10px 12px;margin:12px 0;white-space:pre-wrap}
table.data{width:100%;border-collapse:collapse;font-size:15px;margin:6px 0}
table.data th,table.data td{border-bottom:1px solid #eee;padding:6px 4px;text-align:left;vertical-align:top}
table.data td.n,table.data th.n{text-align:right;white-space:nowrap}
.totals{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.totals div{flex:1 1 40%;background:#fafafa;border-radius:6px;padding:8px 10px}
.totals b{display:block;font-size:18px}
h3{font-size:17px;margin:16px 0 4px}
`.trim();

/** The one style block, allowed by its hash: the pages run under a CSP with no inline anything else. */
const STYLE_HASH = crypto.createHash('sha256').update(STYLE).digest('base64');
export const PUBLIC_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "img-src 'self' https:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface PageMeta {
  title: string;
  description: string;
  url: string;
  image: string | null;
  type: 'article' | 'website';
}

/** A whole page: the head with its Open Graph tags and the style, the body inside <main>. */
export function publicPage(meta: PageMeta, body: string): string {
  const og = [
    `<meta property="og:type" content="${meta.type}">`,
    `<meta property="og:title" content="${escapeHtml(meta.title)}">`,
    `<meta property="og:description" content="${escapeHtml(meta.description)}">`,
    `<meta property="og:url" content="${escapeHtml(meta.url)}">`,
    ...(meta.image ? [`<meta property="og:image" content="${escapeHtml(meta.image)}">`] : []),
  ].join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(meta.title)}</title>
<meta name="description" content="${escapeHtml(meta.description)}">
${og}
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
<footer>闪亮红星</footer>
</main>
</body>
</html>
`;
}

/** 2026年5月3日: the China day of a moment, whatever the server's zone. */
export const chinaDate = (d: Date): string => {
  const s = new Date(d.getTime() + 8 * 3600_000).toISOString();
  return `${s.slice(0, 4)}年${Number(s.slice(5, 7))}月${Number(s.slice(8, 10))}日`;
};

export interface PublicPage {
  html: string;
  /** what the page shows changes the ETag */
  etag: string;
}

export const etagOf = (html: string): string => `W/"${crypto.createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`;

/** Public content: any cache keeps it but asks again every time (a 304 by its ETag), so a withdrawn page is gone at once. */
export const PUBLIC_CACHE = 'public, no-cache';
/** Nothing on these pages uses any browser feature. */
const PUBLIC_PERMISSIONS = 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), browsing-topics=()';

const NOT_FOUND_HTML = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>页面不存在</title></head><body><p>页面不存在，或内容已撤下。</p></body></html>`;

/** Sends a public page with its headers, a 304 when the ETag matches, or the plain 404 page. */
export function sendPublicPage(req: FastifyRequest, reply: FastifyReply, p: PublicPage | null): FastifyReply {
  reply.header('content-security-policy', PUBLIC_CSP).header('permissions-policy', PUBLIC_PERMISSIONS).header('x-content-type-options', 'nosniff');
  if (!p) return reply.status(404).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_FOUND_HTML);
  reply.header('cache-control', PUBLIC_CACHE).header('etag', p.etag).header('vary', 'accept-encoding');
  if (req.headers['if-none-match'] === p.etag) return reply.status(304).send();
  return reply.type('text/html; charset=utf-8').send(p.html);
}
