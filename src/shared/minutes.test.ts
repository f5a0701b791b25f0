import { describe, expect, it } from 'vitest';
import { hoursText, minutesText, minutesToHours } from './minutes.ts';

describe('service minutes shown', () => {
  it('in hours and minutes, in Chinese and English', () => {
    expect(minutesText(0)).toBe('0 分钟');
    expect(minutesText(30, 'zh-CN')).toBe('30 分钟');
    expect(minutesText(60, 'zh-CN')).toBe('1 小时');
    expect(minutesText(90, 'zh-CN')).toBe('1 小时 30 分钟');
    expect(minutesText(1440, 'zh-CN')).toBe('24 小时');
    expect(minutesText(30, 'en-US')).toBe('30 min');
    expect(minutesText(60, 'en-US')).toBe('1 h');
    expect(minutesText(90, 'en-US')).toBe('1 h 30 min');
  });

  it('rounds fractions and shows nothing below zero', () => {
    expect(minutesText(59.6, 'zh-CN')).toBe('1 小时');
    expect(minutesText(-5, 'zh-CN')).toBe('0 分钟');
    expect(minutesText(Number.NaN, 'en-US')).toBe('0 min');
  });

  it('as hours with one decimal for the console', () => {
    expect(hoursText(0)).toBe('0.0');
    expect(hoursText(90)).toBe('1.5');
    expect(hoursText(100)).toBe('1.7');
    expect(hoursText(61)).toBe('1.0');
    expect(minutesToHours(100)).toBe(1.7);
    expect(minutesToHours(30)).toBe(0.5);
  });
});
