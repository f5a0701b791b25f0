import type { Database } from '../../db/database.ts';
import { chinaDate, escapeHtml, etagOf, isUuid, publicPage, type PublicPage } from '../../public-page.ts';
import { formatFen } from '../../../shared/money.ts';
import { minutesText } from '../../../shared/minutes.ts';
import { MonthString } from '../../../shared/primitives.ts';
import type { DisclosureSection, DisclosureSnapshot } from '../../../shared/api-disclosure.ts';

/**
 * The public pages of 党务公开: `/open/<orgId>` lists a unit's approved months, newest first, and
 * `/open/<orgId>/<YYYY-MM>` shows one month as it was approved (the snapshot is frozen at approval).
 * Plain HTML, no login, no script (public-page.ts). Anything not approved — a draft, a submitted or
 * returned month, a withdrawn one — is "not found", its existence included. The console's preview
 * renders the same `monthHtml` from the current snapshot, so the secretary approves what the public
 * will see.
 */

export const OPEN_PAGE_SIZE = 12;

export const openPathOf = (orgId: string, month?: string): string => (month ? `/open/${orgId}/${month}` : `/open/${orgId}`);

const PLEDGE_KIND: Record<DisclosureSnapshot['pledges'][number]['kind'], string> = {
  suggestion: '发展建议',
  wealth_tip: '致富信息',
  good_deed: '好事实事',
  job_help: '帮助就业',
};
const OUTCOME: Record<string, string> = { adopted: '已采纳', done: '已办结', in_progress: '推进中', pending: '待跟进', not_feasible: '不可行' };

const monthTitle = (month: string): string => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
const day = (d: string): string => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
const yuan = (fen: number): string => `${formatFen(fen, { grouped: true })} 元`;
const hoursText = (minutes: number): string => minutesText(minutes, 'zh-CN');
const e = escapeHtml;
const goodsText = (goods: string | null, quantity: string | null): string => e([goods, quantity].filter(Boolean).join(' '));

function sectionHtml(section: DisclosureSection, s: DisclosureSnapshot): string {
  switch (section) {
    case 'projects':
      return `<section class="part" id="projects"><h2>志愿服务项目</h2>${
        s.projects.length
          ? `<table class="data"><tr><th>项目</th><th>时间</th><th>地点</th></tr>${s.projects
              .map((p) => `<tr><td>${e(p.title)}${p.teamName ? `<br><small>${e(p.teamName)}</small>` : ''}</td><td>${day(p.startsOn)}${p.endsOn !== p.startsOn ? `—${day(p.endsOn)}` : ''}</td><td>${e(p.place)}</td></tr>`)
              .join('')}</table>`
          : '<p class="empty">本月没有志愿服务项目</p>'
      }</section>`;
    case 'hours':
      return `<section class="part" id="hours"><h2>志愿服务时长</h2>${
        s.hours.teams.length
          ? `<table class="data"><tr><th>服务队</th><th class="n">人数</th><th class="n">次数</th><th class="n">时长</th></tr>${s.hours.teams
              .map((t) => `<tr><td>${t.teamName ? e(t.teamName) : '其他志愿服务'}</td><td class="n">${t.people}</td><td class="n">${t.logs}</td><td class="n">${hoursText(t.minutes)}</td></tr>`)
              .join('')}<tr><th>合计</th><th></th><th class="n">${s.hours.totalLogs}</th><th class="n" data-total-minutes="${s.hours.totalMinutes}">${hoursText(s.hours.totalMinutes)}</th></tr></table>`
          : '<p class="empty">本月没有服务记录</p>'
      }</section>`;
    case 'pledges':
      return `<section class="part" id="pledges"><h2>承诺践诺（我为群众办实事）</h2>${
        s.pledges.length
          ? `<table class="data"><tr><th>承诺</th><th>结果</th></tr>${s.pledges
              .map(
                (p) =>
                  `<tr><td><b>${e(p.memberName)}</b> · ${PLEDGE_KIND[p.kind]}<br>${e(p.text)}</td><td>${OUTCOME[p.outcome] ?? ''}<br><small>${day(p.outcomeOn)}</small>${p.outcomeNote ? `<br><small>${e(p.outcomeNote)}</small>` : ''}</td></tr>`,
              )
              .join('')}</table>`
          : '<p class="empty">本月没有办结的承诺</p>'
      }</section>`;
    case 'donations':
      return `<section class="part" id="donations"><h2>捐款捐物</h2>${
        s.donations.length
          ? s.donations
              .map(
                (c) => `<div class="campaign"><h3>${e(c.title)}</h3>${c.purpose ? `<div class="meta">${e(c.purpose)}</div>` : ''}
<div class="totals"><div>收到捐款<b data-fen="${c.receivedFen}">${yuan(c.receivedFen)}</b></div><div>支出<b data-fen="${c.spentFen}">${yuan(c.spentFen)}</b></div><div>结余<b data-fen="${c.balanceFen}">${yuan(c.balanceFen)}</b></div><div>收到物资<b>${c.goodsEntries} 笔</b></div></div>
<table class="data"><tr><th>捐赠人</th><th>日期</th><th class="n">款物</th></tr>${c.received
                  .map((r) => `<tr><td>${e(r.donor)}</td><td>${day(r.receivedOn)}</td><td class="n">${r.kind === 'money' && r.amountFen !== null ? yuan(r.amountFen) : goodsText(r.goods, r.quantity)}</td></tr>`)
                  .join('') || '<tr><td colspan="3">暂无</td></tr>'}</table>
<table class="data"><tr><th>支出 / 移交</th><th>日期</th><th class="n">款物</th></tr>${c.spending
                  .map((x) => `<tr><td>${e(x.purpose)}</td><td>${day(x.spentOn)}</td><td class="n">${x.kind === 'money' && x.amountFen !== null ? yuan(x.amountFen) : goodsText(x.goods, x.quantity)}</td></tr>`)
                  .join('') || '<tr><td colspan="3">暂无</td></tr>'}</table></div>`,
              )
              .join('')
          : '<p class="empty">本月没有捐款捐物</p>'
      }</section>`;
  }
}

const SECTION_ORDER: DisclosureSection[] = ['projects', 'hours', 'pledges', 'donations'];

/** One month's page: the snapshot without the sections left out, with the secretary's note. */
export function monthHtml(input: { orgId: string; snapshot: DisclosureSnapshot; omitted: readonly DisclosureSection[]; note: string | null; approvedAt: Date | null }, publicUrl: string): string {
  const s = input.snapshot;
  const title = `${s.orgName} · ${monthTitle(s.month)}党务公开`;
  const shown = SECTION_ORDER.filter((x) => !input.omitted.includes(x));
  const base = openPathOf(input.orgId);
  const body = `<header class="unit"><a href="${base}">${e(s.orgName)} · 党务公开</a></header>
<h1>${e(monthTitle(s.month))}党务公开</h1>
<div class="meta">${e(s.orgName)}${input.approvedAt ? ` · ${chinaDate(input.approvedAt)}审核公开` : ' · 预览（尚未公开）'}</div>
${input.note ? `<div class="note">${e(input.note)}</div>` : ''}
${shown.map((x) => sectionHtml(x, s)).join('\n')}`;
  return publicPage({ title, description: `${s.orgName}${monthTitle(s.month)}的志愿服务、承诺践诺和捐款捐物公开`, url: `${publicUrl}${openPathOf(input.orgId, s.month)}`, image: null, type: 'article' }, body);
}

async function publicOrg(db: Database, orgId: string) {
  if (!isUuid(orgId)) return undefined;
  const rows = await db.selectFrom('org').select(['tenant_id', 'id', 'name']).where('id', '=', orgId).where('retired_at', 'is', null).limit(2).execute();
  return rows.length === 1 ? rows[0] : undefined;
}

export async function openListPage(db: Database, orgId: string, pageNo: number, publicUrl: string): Promise<PublicPage | null> {
  const org = await publicOrg(db, orgId);
  if (!org) return null;
  const rows = await db
    .selectFrom('disclosure')
    .select(['month', 'approved_at'])
    .where('tenant_id', '=', org.tenant_id)
    .where('org_id', '=', org.id)
    .where('state', '=', 'approved')
    .orderBy('month', 'desc')
    .limit(OPEN_PAGE_SIZE + 1)
    .offset((pageNo - 1) * OPEN_PAGE_SIZE)
    .execute();
  if (rows.length === 0 && pageNo > 1) return null;
  const more = rows.length > OPEN_PAGE_SIZE;
  const base = openPathOf(org.id);
  const list = rows.length
    ? `<ul class="list">${rows
        .slice(0, OPEN_PAGE_SIZE)
        .map((r) => `<li><a href="${base}/${r.month}"><div><div class="t">${monthTitle(r.month)}党务公开</div><div class="s">${r.approved_at ? `${chinaDate(new Date(r.approved_at))}审核公开` : ''}</div></div></a></li>`)
        .join('')}</ul>`
    : '<p class="empty">还没有公开的内容</p>';
  const nav =
    pageNo > 1 || more
      ? `<nav class="pages">${pageNo > 1 ? `<a href="${base}?page=${pageNo - 1}">‹ 上一页</a>` : '<span></span>'}${more ? `<a href="${base}?page=${pageNo + 1}">下一页 ›</a>` : ''}</nav>`
      : '';
  const html = publicPage(
    { title: `${org.name} · 党务公开`, description: `${org.name}每月的志愿服务、承诺践诺和捐款捐物公开`, url: `${publicUrl}${base}`, image: null, type: 'website' },
    `<header class="unit">${e(org.name)}</header>\n<h1>党务公开</h1>\n${list}\n${nav}`,
  );
  return { html, etag: etagOf(html) };
}

export async function openMonthPage(db: Database, orgId: string, month: string, publicUrl: string): Promise<PublicPage | null> {
  const org = await publicOrg(db, orgId);
  if (!org || !MonthString.safeParse(month).success) return null;
  const row = await db
    .selectFrom('disclosure')
    .select(['sections', 'omitted', 'note', 'approved_at'])
    .where('tenant_id', '=', org.tenant_id)
    .where('org_id', '=', org.id)
    .where('month', '=', month)
    .where('state', '=', 'approved')
    .executeTakeFirst();
  if (!row) return null;
  const html = monthHtml(
    { orgId: org.id, snapshot: row.sections as DisclosureSnapshot, omitted: row.omitted as DisclosureSection[], note: row.note, approvedAt: row.approved_at ? new Date(row.approved_at) : null },
    publicUrl,
  );
  return { html, etag: etagOf(html) };
}
