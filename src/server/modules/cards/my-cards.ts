import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { notFound } from '../../errors.ts';
import type { MyCard } from '../../../shared/api-care.ts';
import { requireMember } from '../../directory/index.ts';
import { anniversaryYears } from './dates.ts';
import { greetingRow, markCardOpened, myCard, myCards } from './repo.ts';

// The member's side of cards (member app): the e-cards received, and the greetings on the home page.

function presentMyCard(r: { id: string; occasion: MyCard['occasion']; title: string; greeting: string; signature: string; sent_at: Date | null; opened_at: Date | null }): MyCard {
  return {
    id: r.id,
    occasion: r.occasion,
    title: r.title,
    greeting: r.greeting,
    signature: r.signature,
    sentAt: (r.sent_at as Date).toISOString(),
    openedAt: r.opened_at ? r.opened_at.toISOString() : null,
  };
}

/** The e-cards the caller received, newest first. */
export async function listMyCards(db: Database, ctx: RequestContext): Promise<{ items: MyCard[] }> {
  const memberId = requireMember(ctx);
  const rows = await myCards(db, ctx.actor.tenantId, memberId);
  return { items: rows.map(presentMyCard) };
}

/** The caller opens one of their e-cards: the first opening is kept. Someone else's card is not found. */
export async function openMyCard(db: Database, ctx: RequestContext, cardId: string): Promise<MyCard> {
  const memberId = requireMember(ctx);
  if (!(await markCardOpened(db, ctx.actor.tenantId, memberId, cardId))) throw notFound('贺卡');
  return presentMyCard(await myCard(db, ctx.actor.tenantId, memberId, cardId));
}

/**
 * For the member app's home: the political birthday when `today` (China) is the caller's joining
 * anniversary, and how many received e-cards are still unopened.
 */
export async function myGreetings(
  db: Executor,
  ctx: RequestContext,
  today: string,
): Promise<{ politicalBirthday: { years: number; joinDate: string } | null; unopenedCards: number }> {
  const memberId = requireMember(ctx);
  const row = await greetingRow(db, ctx.actor.tenantId, memberId);
  const joinDate = row?.join_date ?? null;
  const years = joinDate ? anniversaryYears(joinDate, today) : null;
  return { politicalBirthday: joinDate && years !== null ? { years, joinDate } : null, unopenedCards: row?.unopened ?? 0 };
}
