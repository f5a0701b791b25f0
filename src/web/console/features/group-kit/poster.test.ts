import { describe, expect, it } from 'vitest';
import { posterText, wrapLines } from './poster.ts';

// One unit per character: wide enough for five.
const measure = (s: string) => Array.from(s).length;

describe('the group poster', () => {
  it('cuts Chinese text into lines at any character, ending the last allowed line with …', () => {
    expect(wrapLines('学习贯彻党的二十届三中全会精神', measure, 5, 4)).toEqual(['学习贯彻党', '的二十届三', '中全会精神']);
    expect(wrapLines('学习贯彻党的二十届三中全会精神', measure, 5, 2)).toEqual(['学习贯彻党', '的二十届…']);
    expect(wrapLines('  短  ', measure, 5, 2)).toEqual(['短']);
  });

  it('says when in China time whatever the browser\'s zone: a class its start, a push its day', () => {
    const kit = { label: '课程', title: '云课堂', when: '2026-12-31T16:30:00.000Z', orgName: '第一党支部' };
    expect(posterText('meeting', kit)).toMatchObject({ label: '课程', when: '时间：2027-01-01 00:30', unit: '第一党支部' });
    expect(posterText('push', { ...kit, label: '每日学习' }).when).toBe('日期：2027-01-01');
    expect(posterText('push', { ...kit, when: null }).when).toBeNull();
  });
});
