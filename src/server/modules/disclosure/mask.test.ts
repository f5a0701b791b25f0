import { describe, expect, it } from 'vitest';
import { maskMobiles, maskMobilesDeep } from './mask.ts';

describe('mobile numbers in 党务公开 text', () => {
  it('masks a mobile number written in one run or split 3-4-4, wherever it stands', () => {
    expect(maskMobiles('有事请打13812345678')).toBe('有事请打138****5678');
    expect(maskMobiles('电话 139 1234 5678，或 137-1234-5678')).toBe('电话 139****5678，或 137****5678');
    expect(maskMobiles('+8615912345678')).toBe('+86159****5678');
    expect(maskMobiles('两个：13812345678/19912345678')).toBe('两个：138****5678/199****5678');
  });

  it('leaves what is not a mobile number as typed', () => {
    for (const text of ['2026-03-01', '座机 0512-5812 3456', '12345678901', '收到 1,380 元', '第 3 批 120 袋', '']) expect(maskMobiles(text)).toBe(text);
    // already masked stays so
    expect(maskMobiles('138****5678')).toBe('138****5678');
  });

  it('masks every string of a snapshot at any depth, numbers and nulls as they are', () => {
    const value = { a: '13812345678', n: 13812345678, x: null, list: [{ purpose: '联系 13612345678', amountFen: 500 }] };
    expect(maskMobilesDeep(value)).toEqual({ a: '138****5678', n: 13812345678, x: null, list: [{ purpose: '联系 136****5678', amountFen: 500 }] });
  });
});
