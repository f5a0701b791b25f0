/**
 * The GET routes with an id in their path and the table whose rows they answer about, so a sweep can
 * call each one for every row of the tenant (src/server/list-scope.test.ts checks that every such
 * route is here or named there as carrying nobody; src/server/recipient-privacy.test.ts walks them too).
 *
 * Answers about one thing that carry people (a campaign's cards, a push's recipients, a meeting's
 * invitees, a trip's members, a member's mentors and timeline, a unit's leaders): each route with
 * the rows of the tenant it is asked about, whoever may see them.
 */
export const ONE_THING: { route: string; ids: string }[] = [
  { route: '/api/card-campaigns/:id', ids: 'card_campaign' },
  { route: '/api/care-tasks/:id', ids: 'care_task' },
  { route: '/api/deliveries/:id', ids: 'delivery' },
  { route: '/api/members/:id', ids: 'member' },
  { route: '/api/members/:id/activation', ids: 'member' },
  { route: '/api/members/:id/deliveries', ids: 'member' },
  { route: '/api/members/:id/engagement', ids: 'member' },
  { route: '/api/members/:id/mentorships', ids: 'member' },
  { route: '/api/members/:id/reach', ids: 'member' },
  { route: '/api/members/:id/timeline', ids: 'member' },
  { route: '/api/orgs/:id/leaders', ids: 'org' },
  { route: '/api/pushes/:id', ids: 'push' },
  { route: '/api/sessions/:id', ids: 'study_session' },
  { route: '/api/study-items/:id', ids: 'study_item' },
  { route: '/api/talks/:id', ids: 'talk' },
  { route: '/api/news/:id', ids: 'news_item' },
  { route: '/api/reviews/rounds/:id', ids: 'review_round' },
  { route: '/api/shares/:id', ids: 'share_post' },
  { route: '/api/me/shares/:id', ids: 'share_post' },
  { route: '/api/questions/:id', ids: 'question' },
  { route: '/api/me/questions/:id', ids: 'question' },
  { route: '/api/evaluations/:id', ids: 'evaluation_round' },
  { route: '/api/me/evaluations/:id', ids: 'evaluation_round' },
  { route: '/api/pledges/:id', ids: 'pledge' },
  { route: '/api/disclosures/:id', ids: 'disclosure' },
  { route: '/api/disclosures/:id/preview', ids: 'disclosure' },
  { route: '/api/donations/:id', ids: 'donation_campaign' },
  { route: '/api/duty/rosters/:id', ids: 'duty_roster' },
  { route: '/api/me/duty/assignments/:id/comrades', ids: 'duty_assignment' },
  { route: '/api/teams/:id', ids: 'service_team' },
  { route: '/api/teams/:id/recipients', ids: 'service_team' },
  { route: '/api/me/teams/:id', ids: 'service_team' },
  { route: '/api/me/teams/:id/logs', ids: 'service_team' },
  { route: '/api/me/service/projects/:id', ids: 'service_project' },
  { route: '/api/service/projects/:id', ids: 'service_project' },
  { route: '/api/service/tasks/:id/signups', ids: 'service_task' },
];
