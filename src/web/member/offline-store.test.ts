import { describe, expect, it } from 'vitest';
import { FullNotice, imagesOf, ITEM_LIMITS, MEDIA_LIMITS, oldest, planKeep, type Held } from './offline-store.ts';

const held = (key: string, bytes: number, seq: number): Held => ({ key, bytes, seq });

describe('what the phone drops to keep a new item or file (oldest first)', () => {
  it('drops nothing while within the count and the bytes', () => {
    expect(planKeep([held('a', 10, 1), held('b', 10, 2)], { key: 'c', bytes: 10 }, { maxCount: 3, maxBytes: 30 })).toEqual({ fits: true, drop: [] });
  });

  it('drops the oldest when the count would pass the limit, whatever order they are listed in', () => {
    const now = [held('new', 1, 9), held('old', 1, 1), held('mid', 1, 5)];
    expect(planKeep(now, { key: 'x', bytes: 1 }, { maxCount: 3, maxBytes: 100 })).toEqual({ fits: true, drop: ['old'] });
    expect(planKeep(now, { key: 'x', bytes: 1 }, { maxCount: 2, maxBytes: 100 })).toEqual({ fits: true, drop: ['old', 'mid'] });
  });

  it('drops the oldest until the bytes fit, and only as many as needed', () => {
    const now = [held('a', 10, 1), held('b', 10, 2), held('c', 10, 3)];
    expect(planKeep(now, { key: 'd', bytes: 15 }, { maxCount: 10, maxBytes: 40 })).toEqual({ fits: true, drop: ['a'] });
    expect(planKeep(now, { key: 'd', bytes: 25 }, { maxCount: 10, maxBytes: 40 })).toEqual({ fits: true, drop: ['a', 'b'] });
  });

  it('a thing kept again replaces itself: its old size does not count', () => {
    const now = [held('a', 10, 1), held('b', 20, 2)];
    expect(planKeep(now, { key: 'b', bytes: 25 }, { maxCount: 2, maxBytes: 35 })).toEqual({ fits: true, drop: [] });
    expect(planKeep(now, { key: 'b', bytes: 30 }, { maxCount: 2, maxBytes: 35 })).toEqual({ fits: true, drop: ['a'] });
  });

  it('something larger than the whole budget is not kept, and nothing is dropped for it', () => {
    expect(planKeep([held('a', 10, 1)], { key: 'big', bytes: 41 }, { maxCount: 10, maxBytes: 40 })).toEqual({ fits: false, drop: [] });
    expect(planKeep([held('a', 1, 1)], { key: 'x', bytes: MEDIA_LIMITS.maxBytes + 1 }, MEDIA_LIMITS).fits).toBe(false);
  });

  it('a hundred items at most: the 101st pushes out the first kept', () => {
    const hundred = Array.from({ length: ITEM_LIMITS.maxCount }, (_, i) => held(`item-${i}`, 1_000, i + 1));
    expect(planKeep(hundred, { key: 'item-new', bytes: 1_000 }, ITEM_LIMITS)).toEqual({ fits: true, drop: ['item-0'] });
  });

  it('after the phone says it is full, the oldest goes first', () => {
    expect(oldest([held('b', 1, 7), held('a', 1, 3), held('c', 1, 9)])).toEqual(['a']);
    expect(oldest([held('b', 1, 7), held('a', 1, 3), held('c', 1, 9)], 2)).toEqual(['a', 'b']);
    expect(oldest([])).toEqual([]);
  });
});

describe('images of a kept article', () => {
  it('are our own files, each once; outside images and other links are left alone', () => {
    const html =
      '<p>正文</p><img src="/api/files/0d6f-1" alt="a" loading="lazy"><img alt="b" src=\'/api/files/0d6f-2\'>' +
      '<img src="/api/files/0d6f-1"><img src="https://example.org/x.jpg"><a href="/api/files/0d6f-3">附件</a>';
    expect(imagesOf(html)).toEqual(['/api/files/0d6f-1', '/api/files/0d6f-2']);
    expect(imagesOf(null)).toEqual([]);
  });
});

describe('"phone storage full" is told once per visit and account', () => {
  it('is shown when the phone first refuses, not again until something was kept since', () => {
    const notice = new FullNotice();
    let changes = 0;
    notice.subscribe(() => (changes += 1));
    notice.full();
    expect(notice.shown).toBe(true);
    notice.dismiss();
    notice.full();
    expect(notice.shown).toBe(false);
    // the phone had room again, then filled up: news again
    notice.kept();
    notice.full();
    expect(notice.shown).toBe(true);
    expect(changes).toBe(3);
  });

  it('another account signing in (or signing out) is told afresh, and does not see the last one’s notice', () => {
    const notice = new FullNotice();
    notice.full();
    notice.newAccount();
    expect(notice.shown).toBe(false);
    notice.full();
    expect(notice.shown).toBe(true);
  });
});
