import { describe, expect, it } from 'vitest';
import { checkIdNumber, completeIdNumber, idNumberBirthDate, maskIdNumber } from './id-number.ts';

describe('GB 11643 ID numbers', () => {
  it('accepts a number whose check character matches, X included', () => {
    expect(checkIdNumber('11010519491231002X')).toBeNull();
    expect(checkIdNumber('11010519491231002x')).toBeNull();
    expect(checkIdNumber(completeIdNumber('32061219900101123'))).toBeNull();
  });
  it('names the problem', () => {
    expect(checkIdNumber('110105194912310021')).toBe('checksum');
    expect(checkIdNumber('1101051949123100')).toBe('format');
    expect(checkIdNumber(completeIdNumber('32061219900231123'))).toBe('birth_date');
    expect(checkIdNumber(completeIdNumber('32061230000101123'))).toBe('birth_date');
  });
  it('reads the birth date and masks the middle', () => {
    expect(idNumberBirthDate('11010519491231002X')).toBe('1949-12-31');
    expect(maskIdNumber('320612199001011234')).toBe('3206**********1234');
  });
});

describe('an ID number’s birth date and the day it is checked on', () => {
  it('refuses a birth date after the given China day, whatever the device’s date', () => {
    const born2030 = completeIdNumber('32061220300101123');
    expect(checkIdNumber(born2030, '2029-12-31')).toBe('birth_date');
    expect(checkIdNumber(born2030, '2030-01-01')).toBeNull();
    expect(idNumberBirthDate(born2030, '2030-06-01')).toBe('2030-01-01');
  });
});
