import { createContext, useContext } from 'react';

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

  homeTitle: '我的',
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

  homeTitle: 'Me',
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

/** Today in the phone's own time zone, as 'YYYY-MM-DD'. */
export function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
