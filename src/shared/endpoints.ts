import type { z } from 'zod';
import type * as A from './api.ts';
import type * as Admin from './api-admin.ts';
import type * as Kit from './api-notify-kit.ts';
import type * as Sms from './api-sms.ts';
import type * as Invitations from './api-invitations.ts';
import type * as Robots from './api-robots.ts';
import type * as Reach from './api-reach.ts';
import type * as NoticeMember from './api-notify-member.ts';
import type * as Activation from './api-activation.ts';
import type * as Notify from './api-notify.ts';
import type * as Elder from './api-elder.ts';
import type * as Questions from './api-questions.ts';
import type * as Evaluations from './api-evaluations.ts';
import type * as Reviews from './api-reviews.ts';
import type * as Shares from './api-shares.ts';
import type * as News from './api-news.ts';
import type * as Pledges from './api-pledges.ts';
import type * as Teams from './api-teams.ts';
import type * as Service from './api-service.ts';
import type * as Donations from './api-donations.ts';
import type * as Duty from './api-duty.ts';
import type * as Disclosure from './api-disclosure.ts';

/**
 * The endpoints of the HTTP API as the web apps call them: method, path (`:name` for a parameter) and,
 * by type only, the zod schemas of the query, the body and the answer from src/shared. A web app binds
 * this description to its request function (src/web/common/endpoints.ts) and gets calls typed end to
 * end — `endpoints.members.list({ q: '张' })` answers a `MemberList` — without bundling zod or any
 * schema. `endpoints.test.ts` checks that every endpoint named here is a route of the server with that
 * method; the server's routes declare the same schemas for their validation and documentation.
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The names of the `:name` parameters of a path. */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

export interface Endpoint<M extends Method = Method, P extends string = string, Answer = unknown, Body = never, Query = never> {
  readonly method: M;
  readonly path: P;
  /** Types only: never set at run time. */
  readonly types?: { answer: Answer; body: Body; query: Query };
}

export type AnswerOf<E> = E extends { types?: { answer: infer Answer } } ? Answer : never;
export type BodyOf<E> = E extends { types?: { body: infer Body } } ? Body : never;
export type QueryOf<E> = E extends { types?: { query: infer Query } } ? Query : never;

type Schema = z.ZodType;
type Ok = { ok: true };
type Items<S extends Schema> = { items: z.infer<S>[] };

/** A read: `get('/api/members').answers<typeof MemberList, typeof MemberListQuery>()`. */
function get<P extends string>(path: P) {
  return {
    answers: <Answer extends Schema, Query extends Schema | undefined = undefined>() =>
      ({ method: 'GET', path }) as Endpoint<'GET', P, z.infer<Answer>, never, Query extends Schema ? z.input<Query> : never>,
    returns: <Answer>() => ({ method: 'GET', path }) as Endpoint<'GET', P, Answer>,
  };
}

/** A write: `write('POST', '/api/members').takes<typeof MemberInput>().answers<typeof MemberDetail>()`. */
function write<M extends Exclude<Method, 'GET'>, P extends string>(method: M, path: P) {
  const answers =
    <Body>() =>
    <Answer extends Schema>() =>
      ({ method, path }) as Endpoint<M, P, z.infer<Answer>, Body>;
  const returns =
    <Body>() =>
    <Answer>() =>
      ({ method, path }) as Endpoint<M, P, Answer, Body>;
  return {
    /** the body's schema (its input type: what the caller may send) */
    takes: <Body extends Schema>() => ({ answers: answers<z.input<Body>>(), returns: returns<z.input<Body>>() }),
    /** a write without a body */
    answers: answers<never>(),
    returns: returns<never>(),
  };
}

export const contract = {
  auth: {
    me: get('/api/auth/me').answers<typeof A.MeAccount>(),
    login: write('POST', '/api/auth/login').takes<typeof A.LoginBody>().answers<typeof A.MeAccount>(),
    logout: write('POST', '/api/auth/logout').returns<Ok>(),
    changePassword: write('POST', '/api/auth/password').takes<typeof A.ChangePasswordBody>().returns<Ok>(),
  },
  orgs: {
    list: get('/api/orgs').returns<Items<typeof A.OrgNode>>(),
    create: write('POST', '/api/orgs').takes<typeof A.CreateOrgBody>().answers<typeof A.OrgNode>(),
    rename: write('PATCH', '/api/orgs/:id').takes<typeof A.RenameOrgBody>().answers<typeof A.OrgNode>(),
    move: write('POST', '/api/orgs/:id/move').takes<typeof A.MoveOrgBody>().answers<typeof A.OrgNode>(),
    retire: write('POST', '/api/orgs/:id/retire').answers<typeof A.OrgNode>(),
    leaders: get('/api/orgs/:id/leaders').returns<Items<typeof A.UnitLeader>>(),
    appoint: write('POST', '/api/orgs/:id/leaders').takes<typeof A.AppointBody>().returns<Items<typeof A.UnitLeader>>(),
    dismiss: write('DELETE', '/api/orgs/:id/leaders/:assignmentId').returns<Items<typeof A.UnitLeader>>(),
  },
  grids: {
    list: get('/api/grids').returns<Items<typeof A.Grid>>(),
    create: write('POST', '/api/grids').takes<typeof A.CreateGridBody>().answers<typeof A.Grid>(),
    update: write('PATCH', '/api/grids/:id').takes<typeof A.UpdateGridBody>().answers<typeof A.Grid>(),
  },
  members: {
    list: get('/api/members').answers<typeof A.MemberList, typeof A.MemberListQuery>(),
    get: get('/api/members/:id').answers<typeof A.MemberDetail>(),
    create: write('POST', '/api/members').takes<typeof A.MemberInput>().answers<typeof A.MemberDetail>(),
    update: write('PATCH', '/api/members/:id').takes<typeof A.MemberPatch>().answers<typeof A.MemberDetail>(),
    revealId: write('POST', '/api/members/:id/reveal-id').answers<typeof A.RevealedId>(),
    recordDestination: write('POST', '/api/members/:id/mobility').takes<typeof A.MobilityInput>().answers<typeof A.MemberDetail>(),
    recordReturn: write('POST', '/api/members/:id/return').takes<typeof A.ReturnBody>().answers<typeof A.MemberDetail>(),
    recordContact: write('POST', '/api/members/:id/contact').takes<typeof A.ContactBody>().answers<typeof A.MemberDetail>(),
    confirmLostContact: write('POST', '/api/members/:id/lost-contact').answers<typeof A.MemberDetail>(),
    assignMentor: write('PUT', '/api/members/:id/mentor').takes<typeof A.MentorBody>().answers<typeof A.MemberDetail>(),
    issueLogin: write('POST', '/api/members/:id/login').answers<typeof A.IssuedLogin>(),
    engagement: get('/api/members/:id/engagement').answers<typeof A.Engagement>(),
    timeline: get('/api/members/:id/timeline').answers<typeof A.Timeline, typeof A.TimelineQuery>(),
    deliveries: get('/api/members/:id/deliveries').answers<typeof A.MemberDeliveries>(),
    mentorships: get('/api/members/:id/mentorships').answers<typeof A.MentorshipHistory>(),
  },
  imports: {
    get: get('/api/imports/:id').answers<typeof A.ImportJob>(),
  },
  dashboard: {
    get: get('/api/dashboard').returns<z.infer<typeof Admin.DashboardView>>() as Endpoint<'GET', '/api/dashboard', z.infer<typeof Admin.DashboardView>, never, { orgId?: string }>,
  },
  audit: {
    list: get('/api/audit').answers<typeof Admin.AuditList, typeof A.AuditQuery>(),
  },
  settings: {
    get: get('/api/settings').answers<typeof Admin.TenantSettings>(),
    update: write('PUT', '/api/settings').takes<typeof Admin.TenantSettingsPatch>().answers<typeof Admin.TenantSettings>(),
  },
  regions: {
    get: get('/api/regions').answers<typeof Admin.Regions>(),
  },
  studyItems: {
    list: get('/api/study-items').answers<typeof A.StudyItemList, typeof A.StudyItemQuery>(),
    speech: get('/api/study-items/speech').answers<typeof A.SpeechStatus>(),
    get: get('/api/study-items/:id').answers<typeof A.StudyItem>(),
    create: write('POST', '/api/study-items').takes<typeof A.StudyItemInput>().answers<typeof A.StudyItem>(),
    update: write('PATCH', '/api/study-items/:id').takes<typeof A.StudyItemPatch>().answers<typeof A.StudyItem>(),
    retire: write('POST', '/api/study-items/:id/retire').answers<typeof A.StudyItem>(),
  },
  pushes: {
    list: get('/api/pushes').answers<typeof A.PushList, typeof A.PushQuery>(),
    get: get('/api/pushes/:id').answers<typeof A.PushDetail>(),
    create: write('POST', '/api/pushes').takes<typeof A.PushInput>().answers<typeof A.PushDetail>(),
    update: write('PATCH', '/api/pushes/:id').takes<typeof A.PushPatch>().answers<typeof A.PushDetail>(),
    cancel: write('POST', '/api/pushes/:id/cancel').answers<typeof A.PushDetail>(),
  },
  /** classes and meetings (the word table's `meeting`; the URL keeps its first name) */
  meetings: {
    list: get('/api/sessions').answers<typeof A.SessionList, typeof A.SessionQuery>(),
    get: get('/api/sessions/:id').answers<typeof A.SessionDetail>(),
    plan: write('POST', '/api/sessions').takes<typeof A.SessionInput>().answers<typeof A.CreatedSessions>(),
    update: write('PATCH', '/api/sessions/:id').takes<typeof A.SessionPatch>().answers<typeof A.SessionDetail>(),
    cancel: write('POST', '/api/sessions/:id/cancel').answers<typeof A.SessionDetail>(),
    close: write('POST', '/api/sessions/:id/close').answers<typeof A.SessionDetail>(),
    checkinCode: get('/api/sessions/:id/checkin-code').answers<typeof A.CheckinCode>(),
    markAttendance: write('POST', '/api/sessions/:id/attendance').takes<typeof A.MarkAttendanceBody>().answers<typeof A.SessionDetail>(),
    decideLeave: write('POST', '/api/sessions/:id/leave/:memberId').takes<typeof A.LeaveDecisionBody>().answers<typeof A.SessionDetail>(),
    saveMinutes: write('PUT', '/api/sessions/:id/minutes').takes<typeof A.MinutesBody>().answers<typeof A.SessionDetail>(),
    attach: write('POST', '/api/sessions/:id/attachments').takes<typeof A.AttachmentBody>().answers<typeof A.SessionDetail>(),
    detach: write('DELETE', '/api/sessions/:id/attachments/:attachmentId').answers<typeof A.SessionDetail>(),
    returnMakeup: write('POST', '/api/sessions/:id/makeups/:memberId/return').takes<typeof A.ReturnMakeupBody>().answers<typeof A.SessionDetail>(),
  },
  coverage: {
    get: get('/api/coverage').answers<typeof A.Coverage, typeof A.CoverageQuery>(),
  },
  careTasks: {
    list: get('/api/care-tasks').answers<typeof A.CareTaskList, typeof A.CareTaskQuery>(),
    get: get('/api/care-tasks/:id').answers<typeof A.CareTaskDetail>(),
    create: write('POST', '/api/care-tasks').takes<typeof A.CreateCareTaskBody>().answers<typeof A.CareTaskDetail>(),
    update: write('PATCH', '/api/care-tasks/:id').takes<typeof A.UpdateCareTaskBody>().answers<typeof A.CareTaskDetail>(),
    plan: write('PATCH', '/api/care-tasks/:id/plan').takes<typeof A.CareTaskPatch>().answers<typeof A.CareTaskDetail>(),
  },
  talks: {
    list: get('/api/talks').answers<typeof A.TalkList, typeof A.TalkQuery>(),
    get: get('/api/talks/:id').answers<typeof A.Talk>(),
    record: write('POST', '/api/talks').takes<typeof A.TalkInput>().answers<typeof A.Talk>(),
    update: write('PATCH', '/api/talks/:id').takes<typeof A.TalkPatch>().answers<typeof A.Talk>(),
  },
  mentoring: {
    list: get('/api/mentoring').answers<typeof A.MentoringList, typeof A.MentoringQuery>(),
  },
  drift: {
    list: get('/api/drift').answers<typeof A.DriftList, typeof A.DriftQuery>(),
  },
  deliveries: {
    list: get('/api/deliveries').answers<typeof A.DeliveryList, typeof A.DeliveryQuery>(),
    get: get('/api/deliveries/:id').answers<typeof A.Delivery>(),
    create: write('POST', '/api/deliveries').takes<typeof A.DeliveryInput>().answers<typeof A.Delivery>(),
    update: write('PATCH', '/api/deliveries/:id').takes<typeof A.DeliveryPatch>().answers<typeof A.Delivery>(),
    remove: write('DELETE', '/api/deliveries/:id').returns<Ok>(),
  },
  cards: {
    campaigns: get('/api/card-campaigns').answers<typeof A.CampaignList, typeof A.CampaignQuery>(),
    campaign: get('/api/card-campaigns/:id').answers<typeof A.CampaignDetail>(),
    createCampaign: write('POST', '/api/card-campaigns').takes<typeof A.CampaignInput>().answers<typeof A.CampaignDetail>(),
    removeCampaign: write('DELETE', '/api/card-campaigns/:id').returns<Ok>(),
    updateCards: write('POST', '/api/card-campaigns/:id/cards/bulk').takes<typeof A.CardsBulkPatch>().returns<{ updated: number }>(),
    updateCard: write('PATCH', '/api/cards/:id').takes<typeof A.CardPatch>().answers<typeof A.CardRow>(),
    contactCards: get('/api/contact-cards').answers<typeof A.ContactCards, typeof A.ContactCardQuery>(),
    birthdays: get('/api/birthdays').answers<typeof A.BirthdayList, typeof A.BirthdayQuery>(),
  },
  /** who no channel reaches, and how one member is reached (module reach) */
  reach: {
    unreachable: get('/api/reach/unreachable').answers<typeof Reach.UnreachableList, typeof Reach.UnreachableQuery>(),
    member: get('/api/members/:id/reach').answers<typeof Reach.MemberReach>(),
  },
  /** the member app's own endpoints */
  me: {
    profile: get('/api/me/profile').answers<typeof A.MyProfile>(),
    recordDestination: write('POST', '/api/me/mobility').takes<typeof A.MobilityInput>().answers<typeof A.MyProfile>(),
    recordReturn: write('POST', '/api/me/return').takes<typeof A.ReturnBody>().answers<typeof A.MyProfile>(),
    today: get('/api/me/today').answers<typeof A.Today>(),
    inbox: get('/api/me/inbox').answers<typeof A.Inbox, typeof A.InboxQuery>(),
    openPush: write('POST', '/api/me/inbox/:pushId/open').answers<typeof A.InboxEntry>(),
    reportRead: write('POST', '/api/me/inbox/:pushId/read').takes<typeof A.ReadProgressBody>().answers<typeof A.InboxEntry>(),
    item: get('/api/me/items/:id').answers<typeof A.ReadableItem>(),
    meetings: get('/api/me/sessions').answers<typeof A.MySessions>(),
    checkIn: write('POST', '/api/me/sessions/:id/checkin').takes<typeof A.CheckInBody>().answers<typeof A.MySession>(),
    askLeave: write('POST', '/api/me/sessions/:id/leave').takes<typeof A.LeaveRequestBody>().answers<typeof A.MySession>(),
    makeups: get('/api/me/makeups').returns<z.infer<typeof A.MyMakeup>[]>(),
    submitMakeup: write('POST', '/api/me/makeups/:sessionId').takes<typeof A.SubmitMakeupBody>().answers<typeof A.MyMakeup>(),
    careTasks: get('/api/me/care-tasks').returns<z.infer<typeof A.CareTaskList>>() as Endpoint<'GET', '/api/me/care-tasks', z.infer<typeof A.CareTaskList>, never, { page?: number; pageSize?: number }>,
    mentees: get('/api/me/mentees').answers<typeof A.MyMentees>(),
    cards: get('/api/me/cards').answers<typeof A.MyCards>(),
    openCard: write('POST', '/api/me/cards/:id/open').answers<typeof A.MyCard>(),
    records: get('/api/me/records').answers<typeof A.MyRecords>(),
  },
  /** who has activated the member app (开通情况) */
  activation: {
    get: get('/api/activation').answers<typeof Activation.Activation, typeof Activation.ActivationQuery>(),
    member: get('/api/members/:id/activation').answers<typeof Activation.MemberActivation>(),
  },
  /** the member's own channels (通知方式), this phone's Web Push, the secretary's record of SMS consent */
  noticeChannels: {
    pushKey: get('/api/me/push/key').answers<typeof NoticeMember.PushKey>(),
    subscribe: write('POST', '/api/me/push/subscriptions').takes<typeof NoticeMember.PushSubscriptionBody>().answers<typeof NoticeMember.PushSubscriptionSaved>(),
    unsubscribe: write('DELETE', '/api/me/push/subscriptions').takes<typeof NoticeMember.RemovePushSubscriptionBody>().answers<typeof NoticeMember.PushSubscriptionRemoved>(),
    mine: get('/api/me/notices/channels').answers<typeof NoticeMember.NoticeChannels>(),
    setMine: write('PUT', '/api/me/notices/channels').takes<typeof NoticeMember.NoticeChannelsBody>().answers<typeof NoticeMember.NoticeChannels>(),
    setMemberSms: write('PUT', '/api/members/:id/notice-channels').takes<typeof NoticeMember.MemberNoticeChannelsBody>().answers<typeof NoticeMember.MemberNoticeChannels>(),
  },
  /** the outbox seen from the member app: a notice's link opened (`?n=<id>`) */
  notices: {
    opened: write('POST', '/api/me/notices/:id/opened').answers<typeof Notify.NoticeOpened>(),
  },
  /** group robots per unit (企业微信 / 钉钉 / 飞书) and the channels' health (通知渠道) */
  robots: {
    list: get('/api/notify/robots').answers<typeof Robots.RobotList, typeof Robots.RobotQuery>(),
    create: write('POST', '/api/notify/robots').takes<typeof Robots.RobotInput>().answers<typeof Robots.Robot>(),
    update: write('PATCH', '/api/notify/robots/:id').takes<typeof Robots.RobotPatch>().answers<typeof Robots.Robot>(),
    remove: write('DELETE', '/api/notify/robots/:id').returns<Ok>(),
    test: write('POST', '/api/notify/robots/:id/test').answers<typeof Robots.RobotTestResult>(),
    health: get('/api/notify/health').answers<typeof Robots.ChannelHealth, typeof Robots.HealthQuery>(),
  },
  /** invitation links (the console issues them; the member app opens and redeems them) */
  invitations: {
    issue: write('POST', '/api/members/:id/invitation').answers<typeof Invitations.IssuedInvitation>(),
    revoke: write('DELETE', '/api/members/:id/invitation').returns<Ok>(),
    sheet: write('POST', '/api/invitations/bulk').takes<typeof Invitations.BulkInvitationBody>().answers<typeof Invitations.InvitationSheet>(),
    view: get('/api/invitations/:token').answers<typeof Invitations.InvitationView>(),
    redeem: write('POST', '/api/invitations/:token/redeem').takes<typeof Invitations.RedeemInvitationBody>().returns<Ok>(),
  },
  /** one's own signed-in devices (我的登录设备) */
  devices: {
    list: get('/api/me/devices').answers<typeof Invitations.DeviceList>(),
    signOut: write('DELETE', '/api/me/devices/:id').returns<Ok>(),
    signOutOthers: write('POST', '/api/me/devices/sign-out-others').returns<{ ended: number }>(),
  },
  /** the tenant's SMS provider (短信服务) and signing in with an SMS code (paths under /api/auth) */
  sms: {
    settings: get('/api/notify/sms').answers<typeof Sms.SmsSettings>(),
    save: write('PUT', '/api/notify/sms').takes<typeof Sms.SmsSettingsInput>().answers<typeof Sms.SmsSettings>(),
    test: write('POST', '/api/notify/sms/test').takes<typeof Sms.SmsTestBody>().answers<typeof Sms.SmsTestResult>(),
    methods: get('/api/auth/methods').answers<typeof Sms.AuthMethods>(),
    requestCode: write('POST', '/api/auth/sms-code').takes<typeof Sms.SmsCodeBody>().answers<typeof Sms.SmsCodeSent>(),
    signIn: write('POST', '/api/auth/sms-login').takes<typeof Sms.SmsLoginBody>().answers<typeof A.MeAccount>(),
  },
  /** the WeChat group kit of a push or a class, and what reached whom per channel (微信群工具包, 触达情况) */
  notifyKit: {
    kit: get('/api/notify/kit').answers<typeof Kit.GroupKit, typeof Kit.KitQuery>(),
    mark: write('POST', '/api/notify/kit/mark').takes<typeof Kit.KitMarkBody>().answers<typeof Kit.KitMark>(),
    report: get('/api/notify/report').answers<typeof Kit.ChannelReport, typeof Kit.ReportQuery>(),
  },
  /** 长辈模式 of the member app, as the secretary sets it for a member */
  elderMode: {
    set: write('PUT', '/api/members/:id/elder-mode').takes<typeof Elder.ElderModeBody>().answers<typeof Elder.ElderMode>(),
  },
  /** 每月一互动: the member's feed, posts, comments and likes (/api/me), and the console's topics, hiding and who has shared */
  shares: {
    feed: get('/api/me/shares').answers<typeof Shares.MyShareFeed, typeof Shares.MyShareQuery>(),
    post: get('/api/me/shares/:id').answers<typeof Shares.SharePostDetail>(),
    create: write('POST', '/api/me/shares').takes<typeof Shares.SharePostInput>().answers<typeof Shares.SharePost>(),
    remove: write('DELETE', '/api/me/shares/:id').returns<Ok>(),
    comment: write('POST', '/api/me/shares/:id/comments').takes<typeof Shares.ShareCommentInput>().answers<typeof Shares.ShareComment>(),
    removeComment: write('DELETE', '/api/me/share-comments/:id').returns<Ok>(),
    like: write('PUT', '/api/me/shares/:id/like').answers<typeof Shares.ShareLikeState>(),
    unlike: write('DELETE', '/api/me/shares/:id/like').answers<typeof Shares.ShareLikeState>(),
    list: get('/api/shares').answers<typeof Shares.ShareList, typeof Shares.ShareListQuery>(),
    detail: get('/api/shares/:id').answers<typeof Shares.ConsoleSharePostDetail>(),
    hide: write('POST', '/api/shares/:id/hide').takes<typeof Shares.HideInput>().answers<typeof Shares.ConsoleSharePost>(),
    unhide: write('POST', '/api/shares/:id/unhide').answers<typeof Shares.ConsoleSharePost>(),
    hideComment: write('POST', '/api/share-comments/:id/hide').takes<typeof Shares.HideInput>().answers<typeof Shares.ShareComment>(),
    unhideComment: write('POST', '/api/share-comments/:id/unhide').answers<typeof Shares.ShareComment>(),
    participation: get('/api/shares/participation').answers<typeof Shares.Participation, typeof Shares.ParticipationQuery>(),
    topics: get('/api/share-topics').answers<typeof Shares.ShareTopicList, typeof Shares.ShareTopicQuery>(),
    createTopic: write('POST', '/api/share-topics').takes<typeof Shares.ShareTopicInput>().answers<typeof Shares.ShareTopic>(),
    updateTopic: write('PATCH', '/api/share-topics/:id').takes<typeof Shares.ShareTopicPatch>().answers<typeof Shares.ShareTopic>(),
  },
  /** 季度一评议: quarterly review rounds of a unit's mobile members, rubrics per organization, the member's own */
  reviews: {
    rounds: get('/api/reviews/rounds').answers<typeof Reviews.ReviewRoundList, typeof Reviews.ReviewRoundQuery>(),
    open: write('POST', '/api/reviews/rounds').takes<typeof Reviews.OpenRoundBody>().answers<typeof Reviews.ReviewRound>(),
    round: get('/api/reviews/rounds/:id').answers<typeof Reviews.ReviewRound>(),
    refreshEvidence: write('POST', '/api/reviews/rounds/:id/evidence').answers<typeof Reviews.ReviewRound>(),
    startScoring: write('POST', '/api/reviews/rounds/:id/scoring').answers<typeof Reviews.ReviewRound>(),
    publish: write('POST', '/api/reviews/rounds/:id/publish').answers<typeof Reviews.ReviewRound>(),
    inflow: write('PUT', '/api/reviews/rounds/:id/entries/:memberId/inflow').takes<typeof Reviews.InflowBody>().answers<typeof Reviews.ReviewEntry>(),
    score: write('PUT', '/api/reviews/rounds/:id/entries/:memberId/scores').takes<typeof Reviews.ScoreBody>().answers<typeof Reviews.ReviewEntry>(),
    comment: write('PUT', '/api/reviews/rounds/:id/entries/:memberId/comment').takes<typeof Reviews.CommentBody>().answers<typeof Reviews.ReviewEntry>(),
    rubric: get('/api/reviews/rubrics/:orgId').answers<typeof Reviews.Rubric>(),
    saveRubric: write('PUT', '/api/reviews/rubrics/:orgId').takes<typeof Reviews.RubricBody>().answers<typeof Reviews.Rubric>(),
    mine: get('/api/me/review').answers<typeof Reviews.MyReview>(),
    saveSummary: write('PUT', '/api/me/review/rounds/:id/summary').takes<typeof Reviews.SelfSummaryBody>().answers<typeof Reviews.MyReview>(),
    seen: write('POST', '/api/me/review/rounds/:id/seen').answers<typeof Reviews.MyReview>(),
  },
  /** 民主评议党员: the annual evaluation of a branch (console) */
  evaluations: {
    list: get('/api/evaluations').answers<typeof Evaluations.EvaluationRoundList, typeof Evaluations.EvaluationRoundQuery>(),
    create: write('POST', '/api/evaluations').takes<typeof Evaluations.CreateEvaluationRound>().answers<typeof Evaluations.EvaluationRoundDetail>(),
    get: get('/api/evaluations/:id').answers<typeof Evaluations.EvaluationRoundDetail>(),
    phase: write('POST', '/api/evaluations/:id/phase').takes<typeof Evaluations.EvaluationPhaseChange>().answers<typeof Evaluations.EvaluationRoundDetail>(),
    paper: write('PUT', '/api/evaluations/:id/paper').takes<typeof Evaluations.EvaluationPaperTally>().answers<typeof Evaluations.EvaluationRoundDetail>(),
    proposal: write('PUT', '/api/evaluations/:id/proposal').takes<typeof Evaluations.EvaluationProposal>().answers<typeof Evaluations.EvaluationRoundDetail>(),
    final: write('POST', '/api/evaluations/:id/final').takes<typeof Evaluations.EvaluationFinal>().answers<typeof Evaluations.EvaluationRoundDetail>(),
    cap: get('/api/evaluation-cap').answers<typeof Evaluations.EvaluationCapSetting, typeof Evaluations.EvaluationCapQuery>(),
    setCap: write('PUT', '/api/evaluation-cap').takes<typeof Evaluations.EvaluationCapInput>().answers<typeof Evaluations.EvaluationCapSetting>(),
  },
  /** 民主评议党员: the member's own rounds, self-evaluation and secret ballot */
  myEvaluations: {
    list: get('/api/me/evaluations').answers<typeof Evaluations.MyEvaluationList>(),
    get: get('/api/me/evaluations/:id').answers<typeof Evaluations.MyEvaluationDetail>(),
    self: write('PUT', '/api/me/evaluations/:id/self').takes<typeof Evaluations.SelfEvaluationInput>().answers<typeof Evaluations.MyEvaluationDetail>(),
    vote: write('POST', '/api/me/evaluations/:id/ballot').takes<typeof Evaluations.BallotInput>().answers<typeof Evaluations.BallotCast>(),
  },
  /** 有问必答: one's questions and the unit's FAQ (member app); answering and the FAQ (console, a mentor) */
  questions: {
    ask: write('POST', '/api/me/questions').takes<typeof Questions.AskQuestionBody>().answers<typeof Questions.MyQuestion>(),
    mine: get('/api/me/questions').answers<typeof Questions.MyQuestionList>(),
    myOne: get('/api/me/questions/:id').answers<typeof Questions.MyQuestion>(),
    seen: write('POST', '/api/me/questions/:id/seen').answers<typeof Questions.MyQuestion>(),
    memberFaq: get('/api/me/faq').answers<typeof Questions.MemberFaq>(),
    menteeQuestions: get('/api/me/mentee-questions').answers<typeof Questions.MenteeQuestionList>(),
    list: get('/api/questions').answers<typeof Questions.QuestionList, typeof Questions.QuestionQuery>(),
    get: get('/api/questions/:id').answers<typeof Questions.Question>(),
    answer: write('POST', '/api/questions/:id/answers').takes<typeof Questions.AnswerBody>().answers<typeof Questions.Question>(),
    faq: get('/api/questions/faq').answers<typeof Questions.FaqList, typeof Questions.FaqQuery>(),
    createFaq: write('POST', '/api/questions/faq').takes<typeof Questions.FaqInput>().answers<typeof Questions.FaqEntry>(),
    updateFaq: write('PATCH', '/api/questions/faq/:id').takes<typeof Questions.FaqPatch>().answers<typeof Questions.FaqEntry>(),
    publishFaq: write('POST', '/api/questions/faq/:id/publish').answers<typeof Questions.FaqEntry>(),
    unpublishFaq: write('POST', '/api/questions/faq/:id/unpublish').answers<typeof Questions.FaqEntry>(),
    deleteFaq: write('DELETE', '/api/questions/faq/:id').returns<Ok>(),
  },
  /** News with review (公众号 "闪亮红星", 保密审查): drafts, review, withdrawal, the study library, 通讯员 */
  news: {
    list: get('/api/news').answers<typeof News.NewsList, typeof News.NewsQuery>(),
    units: get('/api/news/units').answers<typeof News.NewsUnits>(),
    get: get('/api/news/:id').answers<typeof News.NewsItem>(),
    create: write('POST', '/api/news').takes<typeof News.NewsInput>().answers<typeof News.NewsItem>(),
    update: write('PATCH', '/api/news/:id').takes<typeof News.NewsPatch>().answers<typeof News.NewsItem>(),
    submit: write('POST', '/api/news/:id/submit').answers<typeof News.NewsItem>(),
    approve: write('POST', '/api/news/:id/approve').takes<typeof News.NewsApproveInput>().answers<typeof News.NewsItem>(),
    sendBack: write('POST', '/api/news/:id/return').takes<typeof News.NewsReturnInput>().answers<typeof News.NewsItem>(),
    withdraw: write('POST', '/api/news/:id/withdraw').answers<typeof News.NewsItem>(),
    toLibrary: write('POST', '/api/news/:id/to-library').answers<typeof News.NewsItem>(),
    editors: get('/api/news-editors').answers<typeof News.NewsEditorList, typeof News.NewsEditorQuery>(),
    addEditor: write('POST', '/api/news-editors').takes<typeof News.NewsEditorInput>().answers<typeof News.NewsEditor>(),
    removeEditor: write('DELETE', '/api/news-editors/:orgId/:accountId').returns<Ok>(),
  },
  /** 志愿服务: projects, sign-ups and one's service logs from the phone (/api/me); projects, sign-ups, logs and hours in the console */
  service: {
    mine: get('/api/me/service').answers<typeof Service.MyService>(),
    myProject: get('/api/me/service/projects/:id').answers<typeof Service.MyServiceProjectDetail>(),
    signup: write('POST', '/api/me/service/tasks/:id/signup').answers<typeof Service.SignupResult>(),
    cancelSignup: write('DELETE', '/api/me/service/signups/:id').answers<typeof Service.CancelSignupResult>(),
    log: write('POST', '/api/me/service/logs').takes<typeof Service.ServiceLogInput>().answers<typeof Service.ServiceLog>(),
    myLogs: get('/api/me/service/logs').answers<typeof Service.ServiceLogPage, typeof Service.MyServiceLogQuery>(),
    teamLogs: get('/api/me/teams/:id/logs').answers<typeof Service.TeamServiceLogs>(),
    projects: get('/api/service/projects').answers<typeof Service.ServiceProjectList, typeof Service.ServiceProjectQuery>(),
    project: get('/api/service/projects/:id').answers<typeof Service.ServiceProject>(),
    createProject: write('POST', '/api/service/projects').takes<typeof Service.ServiceProjectInput>().answers<typeof Service.ServiceProject>(),
    updateProject: write('PATCH', '/api/service/projects/:id').takes<typeof Service.ServiceProjectPatch>().answers<typeof Service.ServiceProject>(),
    signups: get('/api/service/tasks/:id/signups').answers<typeof Service.ServiceSignupList>(),
    logs: get('/api/service/logs').answers<typeof Service.ConsoleServiceLogPage, typeof Service.ServiceLogQuery>(),
    voidLog: write('POST', '/api/service/logs/:id/void').takes<typeof Service.VoidLogInput>().answers<typeof Service.ConsoleServiceLog>(),
    hours: get('/api/service/hours').answers<typeof Service.ServiceHoursReport, typeof Service.ServiceHoursQuery>(),
    unitHours: get('/api/service/hours/units').answers<typeof Service.ServiceUnitHours, typeof Service.ServiceUnitHoursQuery>(),
  },
  /** 网格与服务队: volunteer teams, their members and the people they look after (console); one's own teams (member app) */
  teams: {
    list: get('/api/teams').answers<typeof Teams.TeamList, typeof Teams.TeamQuery>(),
    get: get('/api/teams/:id').answers<typeof Teams.TeamDetail>(),
    create: write('POST', '/api/teams').takes<typeof Teams.CreateTeamBody>().answers<typeof Teams.TeamDetail>(),
    update: write('PATCH', '/api/teams/:id').takes<typeof Teams.UpdateTeamBody>().answers<typeof Teams.TeamDetail>(),
    retire: write('POST', '/api/teams/:id/retire').answers<typeof Teams.TeamDetail>(),
    addMember: write('POST', '/api/teams/:id/members').takes<typeof Teams.AddTeamMemberBody>().answers<typeof Teams.TeamDetail>(),
    removeMember: write('DELETE', '/api/teams/:id/members/:rowId').answers<typeof Teams.TeamDetail>(),
    recipients: get('/api/teams/:id/recipients').answers<typeof Teams.CareRecipientList>(),
    addRecipient: write('POST', '/api/teams/:id/recipients').takes<typeof Teams.CareRecipientInput>().answers<typeof Teams.CareRecipient>(),
    updateRecipient: write('PATCH', '/api/care-recipients/:id').takes<typeof Teams.CareRecipientPatch>().answers<typeof Teams.CareRecipient>(),
    retireRecipient: write('POST', '/api/care-recipients/:id/retire').returns<Ok>(),
    mine: get('/api/me/teams').answers<typeof Teams.MyTeams>(),
    myOne: get('/api/me/teams/:id').answers<typeof Teams.MyTeamDetail>(),
  },
  /** 我为群众办实事: one's 四个一 pledges and job offers (member app); follow-up, outcome, counts, period and job matching (console) */
  pledges: {
    mine: get('/api/me/pledges').answers<typeof Pledges.MyPledges>(),
    save: write('PUT', '/api/me/pledges').takes<typeof Pledges.MyPledgesInput>().answers<typeof Pledges.MyPledges>(),
    myJobs: get('/api/me/jobs').answers<typeof Pledges.MyJobOffers>(),
    offerJob: write('POST', '/api/me/jobs').takes<typeof Pledges.JobOfferInput>().answers<typeof Pledges.MyJobOffer>(),
    closeMyJob: write('POST', '/api/me/jobs/:id/close').answers<typeof Pledges.MyJobOffer>(),
    list: get('/api/pledges').answers<typeof Pledges.PledgeList, typeof Pledges.PledgeQuery>(),
    summary: get('/api/pledges/summary').answers<typeof Pledges.PledgeSummary, typeof Pledges.PledgeUnitQuery>(),
    notPledged: get('/api/pledges/not-pledged').answers<typeof Pledges.NotPledgedList, typeof Pledges.PledgeUnitQuery>(),
    period: get('/api/pledges/period').answers<typeof Pledges.PledgePeriod, typeof Pledges.PledgePeriodQuery>(),
    setPeriod: write('PUT', '/api/pledges/period').takes<typeof Pledges.PledgePeriodInput>().answers<typeof Pledges.PledgePeriod>(),
    get: get('/api/pledges/:id').answers<typeof Pledges.Pledge>(),
    followUp: write('PUT', '/api/pledges/:id/follow-up').takes<typeof Pledges.PledgeFollowUpInput>().answers<typeof Pledges.Pledge>(),
    outcome: write('PUT', '/api/pledges/:id/outcome').takes<typeof Pledges.PledgeOutcomeInput>().answers<typeof Pledges.Pledge>(),
    offers: get('/api/jobs/offers').answers<typeof Pledges.JobOfferList, typeof Pledges.JobsQuery>(),
    seekers: get('/api/jobs/seekers').answers<typeof Pledges.JobSeekerList, typeof Pledges.JobsQuery>(),
    addSeeker: write('POST', '/api/jobs/seekers').takes<typeof Pledges.JobSeekerInput>().answers<typeof Pledges.JobSeeker>(),
    closeSeeker: write('POST', '/api/jobs/seekers/:id/close').answers<typeof Pledges.JobSeeker>(),
    matches: get('/api/jobs/matches').answers<typeof Pledges.JobMatchList, typeof Pledges.JobsQuery>(),
    match: write('POST', '/api/jobs/matches').takes<typeof Pledges.JobMatchInput>().answers<typeof Pledges.JobMatch>(),
    updateMatch: write('PATCH', '/api/jobs/matches/:id').takes<typeof Pledges.JobMatchPatch>().answers<typeof Pledges.JobMatch>(),
  },
  /** 捐款捐物: campaigns, receipts, spending, voiding (the ledger's xlsx is a plain link: /api/donations/:id/export) */
  donations: {
    list: get('/api/donations').answers<typeof Donations.CampaignList, typeof Donations.CampaignQuery>(),
    create: write('POST', '/api/donations').takes<typeof Donations.CampaignInput>().answers<typeof Donations.Campaign>(),
    ledger: get('/api/donations/:id').answers<typeof Donations.Ledger>(),
    update: write('PATCH', '/api/donations/:id').takes<typeof Donations.CampaignPatch>().answers<typeof Donations.Campaign>(),
    addReceipt: write('POST', '/api/donations/:id/receipts').takes<typeof Donations.ReceiptInput>().answers<typeof Donations.Ledger>(),
    addSpending: write('POST', '/api/donations/:id/spendings').takes<typeof Donations.SpendingInput>().answers<typeof Donations.Ledger>(),
    voidReceipt: write('POST', '/api/donation-receipts/:id/void').takes<typeof Donations.VoidInput>().answers<typeof Donations.Ledger>(),
    voidSpending: write('POST', '/api/donation-spendings/:id/void').takes<typeof Donations.VoidInput>().answers<typeof Donations.Ledger>(),
  },
  /** 值守: rosters, shifts by week, who served; the member app's sign-ups and swaps */
  duty: {
    rosters: get('/api/duty/rosters').answers<typeof Duty.RosterList, typeof Duty.RosterQuery>(),
    createRoster: write('POST', '/api/duty/rosters').takes<typeof Duty.RosterInput>().answers<typeof Duty.Roster>(),
    week: get('/api/duty/rosters/:id').answers<typeof Duty.RosterWeek, typeof Duty.WeekQuery>(),
    addShift: write('POST', '/api/duty/rosters/:id/shifts').takes<typeof Duty.ShiftInput>().answers<typeof Duty.DutyShift>(),
    markServed: write('POST', '/api/duty/assignments/:id/served').takes<typeof Duty.ServedInput>().returns<Ok>(),
    mine: get('/api/me/duty').answers<typeof Duty.MyDuty>(),
    signUp: write('POST', '/api/me/duty/shifts/:id/signup').answers<typeof Duty.SignupResult>(),
    cancel: write('DELETE', '/api/me/duty/assignments/:id').returns<Ok>(),
    comrades: get('/api/me/duty/assignments/:id/comrades').answers<typeof Duty.Comrades>(),
    askSwap: write('POST', '/api/me/duty/assignments/:id/swap').takes<typeof Duty.SwapInput>().answers<typeof Duty.SwapResult>(),
    acceptSwap: write('POST', '/api/me/duty/swaps/:id/accept').answers<typeof Duty.SwapResult>(),
    withdrawSwap: write('POST', '/api/me/duty/swaps/:id/withdraw').answers<typeof Duty.SwapResult>(),
    declineSwap: write('POST', '/api/me/duty/swaps/:id/decline').answers<typeof Duty.SwapResult>(),
  },
  /** 党务公开: a unit's month drafted from the data, left-out sections and a note, review as news; the public pages are HTML at /open/<orgId> */
  disclosure: {
    list: get('/api/disclosures').answers<typeof Disclosure.DisclosureList, typeof Disclosure.DisclosureQuery>(),
    units: get('/api/disclosures/units').answers<typeof Disclosure.DisclosureUnits>(),
    get: get('/api/disclosures/:id').answers<typeof Disclosure.Disclosure>(),
    preview: get('/api/disclosures/:id/preview').answers<typeof Disclosure.DisclosurePreview>(),
    generate: write('POST', '/api/disclosures').takes<typeof Disclosure.DisclosureInput>().answers<typeof Disclosure.Disclosure>(),
    update: write('PATCH', '/api/disclosures/:id').takes<typeof Disclosure.DisclosurePatch>().answers<typeof Disclosure.Disclosure>(),
    submit: write('POST', '/api/disclosures/:id/submit').answers<typeof Disclosure.Disclosure>(),
    approve: write('POST', '/api/disclosures/:id/approve').takes<typeof Disclosure.DisclosureApproveInput>().answers<typeof Disclosure.Disclosure>(),
    sendBack: write('POST', '/api/disclosures/:id/return').takes<typeof Disclosure.DisclosureReturnInput>().answers<typeof Disclosure.Disclosure>(),
    withdraw: write('POST', '/api/disclosures/:id/withdraw').answers<typeof Disclosure.Disclosure>(),
  },
} as const;

export type Contract = typeof contract;
