import crypto from 'node:crypto';
import type { Database } from '../../db/database.ts';
import { sanitizeArticleHtml } from '../library/index.ts';

/**
 * The public pages of a unit's news (公众号 "闪亮红星"): plain server-rendered HTML that needs no
 * login and no script, opens well in WeChat's browser and shares with a title, a text and a cover
 * (Open Graph). Only the approved copy of an item that is live (approved, not withdrawn) is ever
 * read here; anything else is "not found", so a draft is never revealed, not even its existence.
 */

export const PUBLIC_PAGE_SIZE = 10;
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

interface PageMeta {
  title: string;
  description: string;
  url: string;
  image: string | null;
  type: 'article' | 'website';
}

function page(meta: PageMeta, body: string): string {
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

/** Our own images (`/api/files/<id>`) are served to the public through the unit's news file route. */
const publicImages = (html: string, orgId: string): string => html.replace(/src="\/api\/files\/([0-9a-f-]{36})"/gi, (_m, id: string) => `src="/news/${orgId}/files/${id.toLowerCase()}"`);

const chinaDate = (d: Date): string => {
  const s = new Date(d.getTime() + 8 * 3600_000).toISOString();
  return `${s.slice(0, 4)}年${Number(s.slice(5, 7))}月${Number(s.slice(8, 10))}日`;
};

async function publicOrg(db: Database, orgId: string) {
  if (!isUuid(orgId)) return undefined;
  const rows = await db.selectFrom('org').select(['tenant_id', 'id', 'name']).where('id', '=', orgId).where('retired_at', 'is', null).limit(2).execute();
  return rows.length === 1 ? rows[0] : undefined;
}

const live = (db: Database, tenantId: string, orgId: string) =>
  db
    .selectFrom('news_item')
    .where('tenant_id', '=', tenantId)
    .where('org_id', '=', orgId)
    .where('published_version', 'is not', null)
    .where('withdrawn_at', 'is', null);

export interface PublicPage {
  html: string;
  /** what the page shows changes the ETag */
  etag: string;
}

const etagOf = (html: string): string => `W/"${crypto.createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`;

export async function newsListPage(db: Database, orgId: string, pageNo: number, publicUrl: string): Promise<PublicPage | null> {
  const org = await publicOrg(db, orgId);
  if (!org) return null;
  const rows = await live(db, org.tenant_id, org.id)
    .select(['id', 'published_title', 'published_summary', 'published_cover_file_id', 'first_published_at'])
    .orderBy('first_published_at', 'desc')
    .orderBy('id')
    .limit(PUBLIC_PAGE_SIZE + 1)
    .offset((pageNo - 1) * PUBLIC_PAGE_SIZE)
    .execute();
  if (rows.length === 0 && pageNo > 1) return null;
  const more = rows.length > PUBLIC_PAGE_SIZE;
  const items = rows.slice(0, PUBLIC_PAGE_SIZE);
  const base = `/news/${org.id}`;
  const list = items.length
    ? `<ul class="list">${items
        .map(
          (r) =>
            `<li><a href="${base}/${r.id}">${r.published_cover_file_id ? `<img src="${base}/files/${r.published_cover_file_id}" alt="" loading="lazy">` : ''}<div><div class="t">${escapeHtml(r.published_title ?? '')}</div><div class="s">${r.first_published_at ? chinaDate(new Date(r.first_published_at)) : ''}${r.published_summary ? ` · ${escapeHtml(r.published_summary)}` : ''}</div></div></a></li>`,
        )
        .join('')}</ul>`
    : '<p class="empty">还没有发布的新闻</p>';
  const nav =
    pageNo > 1 || more
      ? `<nav class="pages">${pageNo > 1 ? `<a href="${base}?page=${pageNo - 1}">‹ 上一页</a>` : '<span></span>'}${more ? `<a href="${base}?page=${pageNo + 1}">下一页 ›</a>` : ''}</nav>`
      : '';
  const title = `${org.name} · 新闻`;
  const html = page(
    { title, description: `${org.name}发布的新闻`, url: `${publicUrl}${base}`, image: null, type: 'website' },
    `<header class="unit">${escapeHtml(org.name)}</header>\n<h1>新闻</h1>\n${list}\n${nav}`,
  );
  return { html, etag: etagOf(html) };
}

export async function newsArticlePage(db: Database, orgId: string, itemId: string, publicUrl: string): Promise<PublicPage | null> {
  const org = await publicOrg(db, orgId);
  if (!org || !isUuid(itemId)) return null;
  const r = await live(db, org.tenant_id, org.id)
    .select(['id', 'published_title', 'published_summary', 'published_body_html', 'published_cover_file_id', 'first_published_at', 'published_at'])
    .where('id', '=', itemId)
    .executeTakeFirst();
  if (!r || r.published_title === null || r.published_body_html === null) return null;
  const base = `/news/${org.id}`;
  const cover = r.published_cover_file_id ? `${base}/files/${r.published_cover_file_id}` : null;
  const title = r.published_title;
  const when = r.first_published_at ? chinaDate(new Date(r.first_published_at)) : '';
  const body = publicImages(sanitizeArticleHtml(r.published_body_html), org.id);
  const html = page(
    { title, description: r.published_summary ?? '', url: `${publicUrl}${base}/${r.id}`, image: cover ? `${publicUrl}${cover}` : null, type: 'article' },
    `<header class="unit"><a href="${base}">${escapeHtml(org.name)}</a></header>
<h1>${escapeHtml(title)}</h1>
<div class="meta">${escapeHtml(org.name)} · ${when}</div>
${cover ? `<img class="cover" src="${cover}" alt="">` : ''}
<article>${body}</article>`,
  );
  return { html, etag: etagOf(html) };
}

/**
 * A file the public may read: the approved cover or an approved body image of a live item of
 * this unit. Any other file — of a draft, a pending version, a withdrawn item, or not news at
 * all — is "not found".
 */
export async function publicNewsFile(db: Database, orgId: string, fileId: string) {
  const org = await publicOrg(db, orgId);
  if (!org || !isUuid(fileId)) return undefined;
  const id = fileId.toLowerCase();
  const used = await live(db, org.tenant_id, org.id)
    .select('id')
    .where((eb) => eb.or([eb('published_cover_file_id', '=', id), eb(eb.val(id), '=', eb.fn.any('published_body_file_ids'))]))
    .limit(1)
    .executeTakeFirst();
  if (!used) return undefined;
  return db
    .selectFrom('stored_file')
    .select(['id', 'storage_key', 'mime_type', 'size_bytes', 'sha256'])
    .where('tenant_id', '=', org.tenant_id)
    .where('id', '=', id)
    .executeTakeFirst();
}
