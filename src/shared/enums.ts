/**
 * The fixed lists of the contract (kinds, statuses, roles…), as plain arrays: the zod schemas build
 * their enums from these (`z.enum(ORG_KINDS)`), and the web apps import them for their menus, filters
 * and labels without bundling zod. Order is the order shown.
 */

// org tree and members
export const ORG_KINDS = ['committee', 'general_branch', 'branch', 'group'] as const;
export const MEMBER_STATUSES = ['full', 'probationary'] as const;
export const GENDERS = ['male', 'female'] as const;
export const LEADER_ROLES = ['secretary', 'group_leader'] as const;

// learning: study items, pushes, meetings (three meetings and one lesson, the online class)
/**
 * What an upload is for (its accepted types and size): study materials and attachments (secretaries and
 * group leaders); a member's shared post (photos, a short voice recording) and news (images), by any
 * account with a member record or a role.
 */
export const UPLOAD_PURPOSES = ['study', 'attachment', 'share', 'news', 'service'] as const;
export const STUDY_ITEM_KINDS = ['article', 'audio', 'video', 'pdf'] as const;
export const STUDY_CATEGORIES = ['party_history', 'theory', 'policy', 'micro_lecture', 'home_news', 'other'] as const;
export const PUSH_AUDIENCES = ['subtree', 'mobile', 'list'] as const;
export const PUSH_STATUSES = ['planned', 'delivered', 'cancelled'] as const;
export const SESSION_KINDS = ['online_class', 'members_meeting', 'committee_meeting', 'group_meeting', 'party_lecture', 'theme_day'] as const;
export const SESSION_MODES = ['online', 'on_site', 'both'] as const;
export const SESSION_STATUSES = ['planned', 'closed', 'cancelled'] as const;
export const ATTENDANCE_STATUSES = ['invited', 'present', 'late', 'excused', 'absent', 'made_up'] as const;
export const LEAVE_STATUSES = ['requested', 'approved', 'rejected'] as const;
export const ATTACHMENT_KINDS = ['minutes', 'photo', 'other'] as const;
export const MAKEUP_STATUSES = ['open', 'submitted', 'returned', 'expired'] as const;

// care: talks, care tasks, trips, cards, the drift radar
export const TALK_CHANNELS = ['phone', 'video', 'wechat', 'in_person'] as const;
export const TALK_DUE_STATES = ['ok', 'due_soon', 'overdue', 'never', 'no_cadence'] as const;
export const CARE_TASK_KINDS = ['absence_streak', 'unread_streak', 'follow_up', 'visit', 'hardship', 'lost_contact', 'unreachable', 'other'] as const;
export const CARE_TASK_STATUSES = ['open', 'snoozed', 'done', 'dropped'] as const;
export const CARE_TASK_EVENT_KINDS = ['created', 'note', 'snoozed', 'reopened', 'done', 'dropped', 'reassigned', 'due_changed', 'merged'] as const;
export const DELIVERY_ITEMS = ['books', 'materials', 'badge', 'other'] as const;
export const CARD_OCCASIONS = ['spring_festival', 'dragon_boat', 'mid_autumn', 'custom'] as const;
export const CARD_CHANNELS = ['ecard', 'post', 'both'] as const;
export const CARD_POST_STATUSES = ['none', 'pending', 'posted', 'delivered', 'returned'] as const;
export const DRIFT_REASON_KINDS = ['no_talk', 'reading_falling', 'not_reading', 'absences', 'inactive_app', 'lost_contact_suspected', 'lost_contact', 'no_share'] as const;

// reaching members: activation, channels, SMS templates
export const ACTIVATION_STATUSES = ['active', 'invited', 'none'] as const;
export const REACH_MISSING = ['app', 'robot', 'sms', 'webpush'] as const;
export const HEALTH_CHANNELS = ['sms', 'webpush', 'wecom', 'dingtalk', 'feishu'] as const;
export const SMS_TEMPLATE_KEYS = ['study', 'meeting', 'reminder', 'login_code'] as const;

// 季度一评议: the quarterly review of mobile members
export const REVIEW_ROUND_STATUSES = ['open', 'scoring', 'published', 'closed'] as const;
/** what a rubric item shows beside it: evidence gathered from the data for the quarter */
export const REVIEW_EVIDENCE_KINDS = ['classes', 'pushes', 'shares', 'questions', 'talks', 'service', 'pledges'] as const;

// 每月一互动: what a shared post is about (学习心得, 工作见闻, 家乡建言, 城市见闻, 其他)
export const SHARE_KINDS = ['study', 'work', 'home_advice', 'city', 'other'] as const;
/** a post's and a comment's longest text, and its most photos (the phone checks them before sending) */
export const SHARE_BODY_MAX = 2000;
export const SHARE_COMMENT_MAX = 500;
export const SHARE_PHOTOS_MAX = 9;

// News with review: a news item's states (草稿, 审核中, 已通过, 已退回)
export const NEWS_STATUSES = ['draft', 'in_review', 'approved', 'returned'] as const;

// 民主评议党员 (the annual evaluation): phases in order, and the four grades (优秀/合格/基本合格/不合格)
export const EVALUATION_PHASES = ['study', 'self', 'peer', 'ballot', 'proposal', 'notice', 'final'] as const;
export const EVALUATION_GRADES = ['excellent', 'qualified', 'basic', 'unqualified'] as const;

// 网格与志愿服务队: a team's kind (陪伴, 环境, 敲门, 帮办, 其他) and a person looked after's category
// (独居老人, 留守儿童, 残疾人, 其他)
export const TEAM_KINDS = ['companion', 'environment', 'knock', 'errand', 'other'] as const;
export const CARE_RECIPIENT_CATEGORIES = ['elderly_alone', 'left_behind_child', 'disabled', 'other'] as const;

// 志愿服务: a project's states (进行中, 已结束, 已取消) and a service log's limits (the phone checks them before sending)
export const SERVICE_PROJECT_STATUSES = ['open', 'closed', 'cancelled'] as const;
export const SERVICE_LOG_MINUTES_MAX = 1440;
export const SERVICE_LOG_PHOTOS_MAX = 6;
/** a log's day may be at most this many days before today (China days) */
export const SERVICE_LOG_MAX_DAYS_BACK = 90;

// 四个一承诺: the four kinds (一条发展建议, 一个致富信息, 一件好事实事, 帮一户就业), a pledge's outcome
// (待跟进, 推进中, 已采纳, 已办结, 不可行; "became real" is adopted or done), a pledge's length, and a
// job match's states (已推荐, 已上岗, 未成)
export const PLEDGE_KINDS = ['suggestion', 'wealth_tip', 'good_deed', 'job_help'] as const;
export const PLEDGE_OUTCOMES = ['pending', 'in_progress', 'adopted', 'done', 'not_feasible'] as const;
export const PLEDGE_BODY_MAX = 500;
export const JOB_MATCH_STATUSES = ['proposed', 'hired', 'declined'] as const;

/** 捐款捐物 (donations): an entry is money (fen) or goods; a campaign is open or closed. */
export const DONATION_KINDS = ['money', 'goods'] as const;
export const DONATION_CAMPAIGN_STATUSES = ['open', 'closed'] as const;
/** 值守 (duty): what the secretary marked of an assignment afterwards; a swap's states. */
export const DUTY_SERVED = ['served', 'absent'] as const;
export const DUTY_SWAP_STATUSES = ['open', 'accepted', 'withdrawn', 'declined'] as const;

// 党务公开: a disclosure's states (草稿, 待审核, 已公开, 已退回; the review of news), the sections a
// secretary may leave out (服务项目, 服务时长, 承诺践诺, 捐款捐物) and the note's longest text
export const DISCLOSURE_STATES = ['draft', 'submitted', 'approved', 'returned'] as const;
export const DISCLOSURE_SECTIONS = ['projects', 'hours', 'pledges', 'donations'] as const;
export const DISCLOSURE_NOTE_MAX = 500;
