import { describe, expect, it } from 'vitest';
import { describeUserAgent } from './api-invitations.ts';

/** 我的登录设备 names a device by its user agent: the app a link was opened in comes first. */
describe('describeUserAgent', () => {
  it.each([
    [
      'Mozilla/5.0 (Linux; Android 12; V2118A Build/SP1A.210812.003; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/101.0.4951.74 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
      { browser: 'wechat', device: 'android_phone' },
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.10 MicroMessenger/7.0.1 Language/zh ColorScheme/Light',
      { browser: 'wecom', device: 'iphone' },
    ],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1', { browser: 'safari', device: 'iphone' }],
    [
      'Mozilla/5.0 (Linux; Android 10; HarmonyOS; ALN-AL00; HMSCore 6.12.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.4.300 Mobile Safari/537.36',
      { browser: 'chrome', device: 'harmony_phone' },
    ],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0', { browser: 'edge', device: 'windows' }],
    ['Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', { browser: 'chrome', device: 'android_tablet' }],
    ['Mozilla/5.0 (Linux; U; Android 11; zh-CN; PDEM10 Build/RKQ1.200903.002) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.108 UCBrowser/15.1.8.1208 Mobile Safari/537.36', { browser: 'uc', device: 'android_phone' }],
    ['', { browser: 'other', device: 'other' }],
  ])('%s', (ua, expected) => {
    expect(describeUserAgent(ua)).toEqual(expected);
  });

  it('says nothing it cannot tell when there is no user agent', () => {
    expect(describeUserAgent(null)).toEqual({ browser: 'other', device: 'other' });
  });
});
