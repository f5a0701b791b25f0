import type { Database } from '../db/database.ts';
import { seedQuestionsDemo } from './questions.ts';
import { seedNewsDemo } from './news.ts';
import { seedSharesDemo } from './shares.ts';
import { seedReviewsDemo } from './reviews.ts';
import { seedEvaluationsDemo } from './evaluations.ts';
import { seedTeamsDemo } from './teams.ts';
import { seedServiceDemo } from './service.ts';
import { seedDonationsDemo } from './donations.ts';
import { seedDutyDemo } from './duty.ts';
import { seedPledgesDemo } from './pledges.ts';
import { seedDisclosureDemo } from './disclosure.ts';

/**
 * The demo village's community and service: questions, news, sharing, the quarterly review and
 * 民主评议, then grids' teams, service, donations, duty and pledges. Booting and the scope tests
 * seed them through this one list, in this order: the service demo reads the teams the teams demo
 * made, and 党务公开 drafts last month from everything before it, so it comes last.
 */
export async function seedCommunityDemos(db: Database, tenantId: string): Promise<void> {
  await seedQuestionsDemo(db, tenantId);
  await seedNewsDemo(db, tenantId);
  await seedSharesDemo(db, tenantId);
  await seedReviewsDemo(db, tenantId);
  await seedEvaluationsDemo(db, tenantId);
  await seedTeamsDemo(db, tenantId);
  await seedServiceDemo(db, tenantId);
  await seedDonationsDemo(db, tenantId);
  await seedDutyDemo(db, tenantId);
  await seedPledgesDemo(db, tenantId);
  await seedDisclosureDemo(db, tenantId);
}
