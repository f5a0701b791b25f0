/** Texts of signing in and the password: zh-CN is the source, en-US has every key (checked by the type and messages.test.ts). */
const zhCN = {
  'login.subtitle': '流动党员管理 · 书记工作台',
  'login.phone': '手机号',
  'login.phonePlaceholder': '请输入手机号',
  'login.phoneRequired': '请输入手机号',
  'login.password': '密码',
  'login.passwordRequired': '请输入密码',
  'login.submit': '登录',
  'login.failed': '登录失败',
  'password.title': '修改密码',
  'password.current': '当前密码',
  'password.currentRequired': '请输入当前密码',
  'password.new': '新密码',
  'password.newRequired': '请输入新密码',
  'password.tooShort': '新密码至少 8 位',
  'password.confirm': '确认新密码',
  'password.confirmRequired': '请再次输入新密码',
  'password.mismatch': '两次输入的新密码不一致',
  'password.changed': '密码已修改',
} as const;

const enUS: Record<keyof typeof zhCN, string> = {
  'login.subtitle': 'Mobile party members · secretaries’ console',
  'login.phone': 'Phone',
  'login.phonePlaceholder': 'Your phone number',
  'login.phoneRequired': 'Please enter your phone number',
  'login.password': 'Password',
  'login.passwordRequired': 'Please enter your password',
  'login.submit': 'Log in',
  'login.failed': 'Login failed',
  'password.title': 'Change password',
  'password.current': 'Current password',
  'password.currentRequired': 'Please enter your current password',
  'password.new': 'New password',
  'password.newRequired': 'Please enter a new password',
  'password.tooShort': 'At least 8 characters',
  'password.confirm': 'Confirm new password',
  'password.confirmRequired': 'Please repeat the new password',
  'password.mismatch': 'The two new passwords differ',
  'password.changed': 'Password changed',
};

export const messages = { 'zh-CN': zhCN, 'en-US': enUS };
