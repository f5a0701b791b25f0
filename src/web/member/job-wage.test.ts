import { describe, expect, it } from 'vitest';
import { parseWageYuan } from './job-wage.ts';

describe('a wage as typed on 岗位信息', () => {
  it('takes ASCII and full-width digits alike', () => {
    expect(parseWageYuan('4500')).toBe(4500);
    expect(parseWageYuan('４５００')).toBe(4500);
    expect(parseWageYuan('4５0０')).toBe(4500);
    expect(parseWageYuan(' 6000 元')).toBe(6000);
    expect(parseWageYuan('0')).toBe(0);
  });

  it('refuses what is not a whole number of yuan', () => {
    for (const bad of ['', '元', '4500.5', '-10', '四千五', '12345678', '4,500']) expect(parseWageYuan(bad), bad).toBeNull();
  });
});
