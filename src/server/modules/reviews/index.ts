/**
 * 季度一评议: the quarterly review of a unit's mobile members — rounds per unit and quarter, the
 * evidence gathered from the data (evidence-repo.ts, a read model), rubrics per organization
 * (rubric.ts), scores and comments (rounds.ts), the member's self-summary and result (my-review.ts)
 * and the xlsx export (export.ts).
 */
import { registerNoticeSource } from '../notify/index.ts';
import { reviewNoticeSource } from './rounds.ts';

registerNoticeSource('review.published', reviewNoticeSource);

export { registerReviewRoutes } from './routes.ts';
export { myReview } from './my-review.ts';
// the demo village's rounds (demo/reviews.ts)
export { gatherEvidence } from './evidence-repo.ts';
export { DEFAULT_RUBRIC } from './rubric.ts';
export { evidencePeriod } from './rounds.ts';
