import type { Database } from '../../db/database.ts';
import { chinaDate, escapeHtml, etagOf, isUuid, PUBLIC_CSP, publicPage, type PublicPage } from '../../public-page.ts';
import { sanitizeArticleHtml } from '../library/index.ts';

/**
 * The public pages of a unit's news (公众号 "闪亮红星"): plain server-rendered HTML that needs no
 * login and no script, opens well in WeChat's browser and shares with a title, a text and a cover
 * (Open Graph). Only the approved copy of an item that is live (approved, not withdrawn) is ever
 * read here; anything else is "not found", so a draft is never revealed, not even its existence.
 */

export const PUBLIC_PAGE_SIZE = 10;
export { escapeHtml, isUuid, PUBLIC_CSP, type PublicPage };

/** Our own images (`/api/files/<id>`) are served to the public through the unit's news file route. */
const publicImages = (html: string, orgId: string): string => html.replace(/src="\/api\/files\/([0-9a-f-]{36})"/gi, (_m, id: string) => `src="/news/${orgId}/files/${id.toLowerCase()}"`);

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
  const html = publicPage(
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
  const html = publicPage(
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
