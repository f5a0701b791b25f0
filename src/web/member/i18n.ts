import { createContext, useContext } from 'react';
import { addDays, chinaDay, chinaWallClock } from '../../shared/china-time.ts';

/** Simple words for members, some of them over 80. Chinese is the default. */
const zh = {
  appName: '连心',
  slogan: '离乡不离党，流动不流失',
  switchLanguage: 'English',
  loading: '正在加载…',
  retry: '重试',
  back: '返回',
  cancel: '取消',
  networkError: '网络不好，请稍后再试',
  offlineShowingSaved: '网络不通，下面是上次保存的信息',

  loginTitle: '登录',
  phone: '手机号',
  password: '密码',
  login: '登录',
  loggingIn: '正在登录…',
  loginHelp: '忘记密码请联系支部书记',
  loginMissing: '请输入手机号和密码',

  homeTitle: '今日',
  statusFull: '正式党员',
  statusProbationary: '预备党员',
  branch: '所在支部',
  group: '党小组',
  grid: '网格',
  none: '暂无',
  mentorTitle: '我的联系人',
  noMentor: '支部还没有为您安排联系人',
  call: '拨打电话',
  secretaryTitle: '支部书记',
  callSecretary: '拨打书记电话',
  destinationTitle: '我的流向',
  notAway: '未登记外出',
  updateDestination: '更新我的流向',
  changePassword: '修改密码',
  logout: '退出登录',
  loggingOut: '正在退出…',
  savedDestination: '已保存您的流向',
  savedReturn: '已登记返乡，欢迎回家',
  savedPassword: '密码已修改',

  mobilityTitle: '更新我的流向',
  mobilityFormTitle: '填写外出信息',
  province: '省份',
  city: '城市',
  district: '区县',
  choose: '请选择',
  loadingRegions: '正在加载地区列表…',
  workplace: '工作单位',
  occupation: '职业',
  since: '外出时间',
  expectedReturn: '预计返乡',
  contact: '联系方式',
  contactHint: '在外地能联系到您的电话',
  hostOrg: '流入地党组织',
  hostOrgHint: '如果在外地参加了党组织，请填写名称',
  optional: '（选填）',
  save: '保存',
  saving: '正在保存…',
  chooseProvince: '请选择省份',
  chooseSince: '请填写外出时间',
  returnTitle: '已经回到家乡？',
  returnHint: '回到村里长期居住后，请点下面的按钮。',
  returned: '我已返乡',
  confirmReturnQuestion: '确认您已经回到家乡了吗？',
  confirmReturn: '确认返乡',

  passwordTitle: '修改密码',
  currentPassword: '当前密码',
  newPassword: '新密码',
  newPasswordHint: '至少 8 位',
  repeatPassword: '确认新密码',
  submitPassword: '确认修改',
  passwordTooShort: '新密码至少 8 位',
  passwordMismatch: '两次输入的新密码不一样',

  // {n}, {date}, {time}: filled in by fill()
  todayTitle: '今日学习',
  checkinOpenTitle: '现在可以签到',
  checkIn: '签到',
  checkingIn: '正在签到…',
  checkedInAt: '签到时间 {time}',
  reminder: '提醒',
  reminderHint: '这条还没学完，请抽空学习',
  unread: '未读',
  readMark: '已读 ✓',
  aboutMinutes: '约 {n} 分钟',
  noStudyToday: '今天的学习都完成了',
  makeupsTitle: '待补学',
  makeupDue: '请在 {date} 前完成',
  makeupSentBack: '被退回，请修改',
  doMakeup: '去补学',
  nextSessionTitle: '下次课程',
  meetingLink: '会议链接',
  addToCalendar: '加入日历',
  details: '查看详情',
  careTasksLink: '{n} 件跟进任务',
  todayStale: '网络不通，下面是上次保存的今日学习',

  kind_article: '文章',
  kind_audio: '音频',
  kind_video: '视频',
  kind_pdf: 'PDF 文件',
  session_online_class: '云课堂',
  session_members_meeting: '党员大会',
  session_committee_meeting: '支委会',
  session_group_meeting: '党小组会',
  session_party_lecture: '党课',
  session_theme_day: '主题党日',
  mode_online: '线上',
  mode_on_site: '现场',
  mode_both: '线上和现场',
  status_invited: '待参加',
  status_present: '已签到',
  status_late: '迟到',
  status_excused: '请假',
  status_absent: '缺席',
  status_made_up: '已补学',
  leave_requested: '请假待批准',
  leave_approved: '已准假',
  leave_rejected: '请假未批准',

  studyTitle: '学习',
  unreadCount: '{n} 条未读',
  inboxEmpty: '还没有收到学习内容',
  more: '更多',

  author: '作者',
  readRule: '读到文末，或学满 {n} 分钟，就算已读',
  readRuleSeconds: '读到文末，或学满 {n} 秒，就算已读',
  openPdf: '打开 PDF 文件',
  openVideo: '打开视频观看',
  openAudio: '打开音频收听',
  endOfItem: '— 全文完 —',
  noContent: '暂无内容',

  sessionsTitle: '课程',
  upcoming: '即将开始',
  recent: '最近的课程',
  noSessions: '暂时没有课程',
  time: '时间',
  place: '地点',
  mode: '方式',
  agenda: '议程',
  materials: '学习材料',
  replay: '观看回放',
  sessionNotFound: '没有找到这次课程',
  leaveTitle: '不能参加？请假',
  leaveReason: '请假原因',
  leaveHint: '至少 2 个字',
  leaveSubmit: '提交请假',
  leaveTooShort: '请写明请假原因',
  leaveSent: '请假已提交，等待书记批准',

  checkinTitle: '扫码签到',
  checkinLogin: '请先登录，登录后自动为您签到',
  checkinWorking: '正在为您签到…',
  checkinSuccess: '签到成功',
  checkinFailed: '签到没有成功',
  tryAgain: '再试一次',
  goHome: '回到首页',

  makeupTitle: '补学',
  missed_absent: '您缺席了这次课程',
  missed_excused: '您请假了这次课程',
  dueOn: '截止日期',
  makeup_open: '待完成',
  makeup_submitted: '已提交，等待书记审阅',
  makeup_returned: '被退回，请修改后重新提交',
  makeup_expired: '已过期，请联系支部书记',
  returnNote: '书记的意见',
  reflection: '学习心得',
  reflectionHint: '写下您的体会，至少 20 字',
  charCount: '已写 {n} 字',
  charsMissing: '还差 {n} 字',
  reflectionTooShort: '心得至少 20 字，还差 {n} 字',
  questionN: '问题 {n}：{q}',
  answersMissing: '请回答每一个问题',
  submitMakeup: '提交补学',
  submitting: '正在提交…',
  makeupNotFound: '没有找到这次补学',
  mySubmission: '我提交的心得',

  tasksTitle: '跟进任务',
  careTasksOverdue: '{n} 件已逾期',

  birthdayTitle: '政治生日快乐',
  birthdayGreeting: '今天是您入党 {n} 周年的政治生日，家乡党组织祝您政治生日快乐！',
  birthdayJoined: '{date} 入党',
  cardsBanner: '您收到 {n} 张节日贺卡',
  talksOverdueLink: '{n} 位联系对象该谈心了',
  myMentees: '我的联系对象',

  recordsTitle: '关于我的记录',
  recordsHint: '组织上记录了哪些关于您的情况，您都可以查看',

  noticesTitle: '通知方式',
  noticesHint: '有新的学习、开会通知时，怎么提醒您',

  // the tab bar, 首页 and 我的
  tabBar: '主要栏目',
  tabHome: '首页',
  tabStudy: '学习',
  tabSessions: '课程',
  tabShares: '互动',
  tabMe: '我的',
  hello: '{name}，您好',
  moreStudy: '还有 {n} 条 · 全部学习',
  moreTitle: '更多',
  meTitle: '我的',
  settingsTitle: '设置',
  elderMode: '长辈模式',
  elderModeHint: '字更大、按钮更大',
  language: '语言 / Language',
  languageChinese: '中文',
  languageEnglish: 'English',
  logoutWaiting: '还有 {n} 条没发出去，退出后会丢失',
  logoutAnyway: '仍然退出',
} as const;

export type MessageKey = keyof typeof zh;
export type Dictionary = Record<MessageKey, string>;

const en: Dictionary = {
  appName: 'Lianxin',
  slogan: 'Away from home, never away from the Party',
  switchLanguage: '中文',
  loading: 'Loading…',
  retry: 'Try again',
  back: 'Back',
  cancel: 'Cancel',
  networkError: 'Poor network. Please try again later.',
  offlineShowingSaved: 'No network. Showing the information saved last time.',

  loginTitle: 'Sign in',
  phone: 'Phone number',
  password: 'Password',
  login: 'Sign in',
  loggingIn: 'Signing in…',
  loginHelp: 'Forgot your password? Ask your branch secretary.',
  loginMissing: 'Please enter your phone number and password',

  homeTitle: 'Today',
  statusFull: 'Full member',
  statusProbationary: 'Probationary member',
  branch: 'Branch',
  group: 'Party group',
  grid: 'Grid',
  none: 'None',
  mentorTitle: 'My contact person',
  noMentor: 'Your branch has not assigned a contact person yet',
  call: 'Call',
  secretaryTitle: 'Branch secretary',
  callSecretary: 'Call secretary',
  destinationTitle: 'Where I am now',
  notAway: 'Not registered as away',
  updateDestination: 'Update where I am',
  changePassword: 'Change password',
  logout: 'Sign out',
  loggingOut: 'Signing out…',
  savedDestination: 'Your new place has been saved',
  savedReturn: 'Your return has been recorded. Welcome home!',
  savedPassword: 'Your password has been changed',

  mobilityTitle: 'Update where I am',
  mobilityFormTitle: 'Where you are now',
  province: 'Province',
  city: 'City',
  district: 'District',
  choose: 'Please choose',
  loadingRegions: 'Loading the list of places…',
  workplace: 'Workplace',
  occupation: 'Occupation',
  since: 'Away since',
  expectedReturn: 'Expected return',
  contact: 'Contact',
  contactHint: 'A phone number where you can be reached',
  hostOrg: 'Party organization where you are',
  hostOrgHint: 'If you joined a Party organization there, write its name',
  optional: '(optional)',
  save: 'Save',
  saving: 'Saving…',
  chooseProvince: 'Please choose a province',
  chooseSince: 'Please fill in when you left',
  returnTitle: 'Back home?',
  returnHint: 'When you are living in the village again, press the button below.',
  returned: 'I am back home',
  confirmReturnQuestion: 'Are you sure you are back home?',
  confirmReturn: 'Yes, I am back',

  passwordTitle: 'Change password',
  currentPassword: 'Current password',
  newPassword: 'New password',
  newPasswordHint: 'At least 8 characters',
  repeatPassword: 'Confirm new password',
  submitPassword: 'Change password',
  passwordTooShort: 'The new password needs at least 8 characters',
  passwordMismatch: 'The two new passwords are different',

  todayTitle: "Today's study",
  checkinOpenTitle: 'Check-in is open now',
  checkIn: 'Check in',
  checkingIn: 'Checking in…',
  checkedInAt: 'Checked in at {time}',
  reminder: 'Reminder',
  reminderHint: 'Not read yet. Please take a moment for it.',
  unread: 'Unread',
  readMark: 'Read ✓',
  aboutMinutes: 'About {n} min',
  noStudyToday: "Today's study is all done",
  makeupsTitle: 'Make-ups to do',
  makeupDue: 'Finish by {date}',
  makeupSentBack: 'Sent back, please revise',
  doMakeup: 'Make it up',
  nextSessionTitle: 'Next class',
  meetingLink: 'Meeting link',
  addToCalendar: 'Add to calendar',
  details: 'Details',
  careTasksLink: '{n} follow-up tasks',
  todayStale: "No network. Showing today's study saved last time.",

  kind_article: 'Article',
  kind_audio: 'Audio',
  kind_video: 'Video',
  kind_pdf: 'PDF file',
  session_online_class: 'Online class',
  session_members_meeting: "Members' meeting",
  session_committee_meeting: 'Committee meeting',
  session_group_meeting: 'Group meeting',
  session_party_lecture: 'Party lecture',
  session_theme_day: 'Theme day',
  mode_online: 'Online',
  mode_on_site: 'On site',
  mode_both: 'Online and on site',
  status_invited: 'Invited',
  status_present: 'Checked in',
  status_late: 'Late',
  status_excused: 'On leave',
  status_absent: 'Absent',
  status_made_up: 'Made up',
  leave_requested: 'Leave requested',
  leave_approved: 'Leave approved',
  leave_rejected: 'Leave not approved',

  studyTitle: 'Study',
  unreadCount: '{n} unread',
  inboxEmpty: 'No study content yet',
  more: 'More',

  author: 'Author',
  readRule: 'It counts as read when you reach the end or study for {n} minutes',
  readRuleSeconds: 'It counts as read when you reach the end or study for {n} seconds',
  openPdf: 'Open the PDF file',
  openVideo: 'Open the video',
  openAudio: 'Open the audio',
  endOfItem: '— The end —',
  noContent: 'No content',

  sessionsTitle: 'Classes',
  upcoming: 'Coming up',
  recent: 'Recent classes',
  noSessions: 'No classes for now',
  time: 'Time',
  place: 'Place',
  mode: 'How',
  agenda: 'Agenda',
  materials: 'Study materials',
  replay: 'Watch the replay',
  sessionNotFound: 'This class was not found',
  leaveTitle: 'Cannot come? Ask for leave',
  leaveReason: 'Reason',
  leaveHint: 'At least 2 characters',
  leaveSubmit: 'Ask for leave',
  leaveTooShort: 'Please write the reason',
  leaveSent: 'Leave requested. Waiting for the secretary.',

  checkinTitle: 'Check in by QR code',
  checkinLogin: 'Please sign in first. You will be checked in right after.',
  checkinWorking: 'Checking you in…',
  checkinSuccess: 'Checked in',
  checkinFailed: 'Check-in did not work',
  tryAgain: 'Try again',
  goHome: 'Back to home',

  makeupTitle: 'Make-up',
  missed_absent: 'You missed this class',
  missed_excused: 'You were on leave for this class',
  dueOn: 'Due',
  makeup_open: 'To do',
  makeup_submitted: 'Sent. Waiting for the secretary.',
  makeup_returned: 'Sent back. Please revise and send again.',
  makeup_expired: 'Expired. Please contact your branch secretary.',
  returnNote: "Secretary's note",
  reflection: 'What I learned',
  reflectionHint: 'Write your thoughts, at least 20 characters',
  charCount: '{n} characters',
  charsMissing: '{n} more needed',
  reflectionTooShort: 'At least 20 characters, {n} more needed',
  questionN: 'Question {n}: {q}',
  answersMissing: 'Please answer every question',
  submitMakeup: 'Send make-up',
  submitting: 'Sending…',
  makeupNotFound: 'This make-up was not found',
  mySubmission: 'What I sent',

  tasksTitle: 'Follow-up tasks',
  careTasksOverdue: '{n} overdue',

  birthdayTitle: 'Happy political birthday',
  birthdayGreeting: 'Today you have been a Party member for {n} years. Your home Party organization wishes you a happy political birthday!',
  birthdayJoined: 'Joined on {date}',
  cardsBanner: 'Holiday cards for you: {n}',
  talksOverdueLink: 'Members due a talk: {n}',
  myMentees: 'Members I keep in touch with',

  recordsTitle: 'What is recorded about me',
  recordsHint: 'You can see everything the Party organization has recorded about you',

  noticesTitle: 'How I am notified',
  noticesHint: 'How you are told about new study items and meetings',

  tabBar: 'Main sections',
  tabHome: 'Home',
  tabStudy: 'Study',
  tabSessions: 'Classes',
  tabShares: 'Share',
  tabMe: 'Me',
  hello: 'Hello, {name}',
  moreStudy: '{n} more · All study',
  moreTitle: 'More',
  meTitle: 'Me',
  settingsTitle: 'Settings',
  elderMode: 'Elder mode',
  elderModeHint: 'Larger text and buttons',
  language: '语言 / Language',
  languageChinese: '中文',
  languageEnglish: 'English',
  logoutWaiting: '{n} actions have not been sent yet; signing out loses them',
  logoutAnyway: 'Sign out anyway',
};

export type Language = 'zh-CN' | 'en-US';
export const dictionaries: Record<Language, Dictionary> = { 'zh-CN': zh, 'en-US': en };

const STORAGE_KEY = 'lx_member_lang';

export function loadLanguage(): Language {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en-US' ? 'en-US' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function saveLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Private mode or full storage: the choice lasts for this visit only.
  }
}

export interface I18n {
  language: Language;
  t: Dictionary;
  setLanguage: (language: Language) => void;
}

export const I18nContext = createContext<I18n>({ language: 'zh-CN', t: zh, setLanguage: () => undefined });

export function useI18n(): I18n {
  return useContext(I18nContext);
}

/** 'YYYY-MM-DD' → 2024年3月1日 / 1 Mar 2024, without a date library. */
export function formatDate(date: string, language: Language): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!match) return date;
  const [, y, m, d] = match;
  const month = Number(m);
  const day = Number(d);
  if (language === 'zh-CN') return `${y}年${month}月${day}日`;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${day} ${months[month - 1] ?? m} ${y}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Today in China, as 'YYYY-MM-DD': the day the server checks dates against, wherever the phone's
 * own zone is set (shared/china-time.ts).
 */
export function today(): string {
  return chinaDate();
}

/** Fills `{name}` placeholders of a message. */
export function fill(message: string, values: Record<string, string | number>): string {
  return message.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

/**
 * Wall-clock parts of an instant in China Standard Time (UTC+8, no daylight saving): the server's
 * "today" and every class time are meant in it, wherever the phone's own zone is set.
 */
function chinaTime(iso: string): Date | null {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : chinaWallClock(ms);
}

/** 'YYYY-MM-DD' of a wall-clock time from chinaTime. */
function dayOf(wallClock: Date): string {
  return wallClock.toISOString().slice(0, 10);
}

const WEEKDAYS: Record<Language, string[]> = {
  'zh-CN': ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
  'en-US': ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
};

/** 19:30 */
export function formatTime(iso: string): string {
  const d = chinaTime(iso);
  return d ? `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` : iso;
}

/** 12月1日 周二 19:30 / Tue 1 Dec 19:30; the year only when it is not this year. */
export function formatDateTime(iso: string, language: Language): string {
  const d = chinaTime(iso);
  if (!d) return iso;
  let day = formatDate(dayOf(d), language);
  if (chinaWallClock(Date.now()).getUTCFullYear() === d.getUTCFullYear()) {
    day = language === 'zh-CN' ? day.replace(/^\d{4}年/, '') : day.replace(/ \d{4}$/, '');
  }
  const weekday = WEEKDAYS[language][d.getUTCDay()] ?? '';
  return language === 'zh-CN' ? `${day} ${weekday} ${formatTime(iso)}` : `${weekday} ${day}, ${formatTime(iso)}`;
}

/** From 19:30 to 21:00 on the same day, or both full when the days differ. */
export function formatTimeRange(startIso: string, endIso: string, language: Language): string {
  const start = chinaTime(startIso);
  const end = chinaTime(endIso);
  const sameDay = start && end && dayOf(start) === dayOf(end);
  return `${formatDateTime(startIso, language)} – ${sameDay ? formatTime(endIso) : formatDateTime(endIso, language)}`;
}

/** 'YYYY-MM-DD' of today in China Standard Time, plus `days`. */
export function chinaDate(days = 0): string {
  return addDays(chinaDay(Date.now()), days);
}

/** The calendar day of an instant in China Standard Time, written like formatDate. */
export function formatDay(iso: string, language: Language): string {
  const d = chinaTime(iso);
  return d ? formatDate(dayOf(d), language) : iso;
}
