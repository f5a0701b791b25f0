/**
 * A monthly wage in whole yuan as a member types it on 岗位信息: digits, full-width ones too (as
 * Chinese keyboards give them: ４５００), spaces and a trailing 元 allowed; 0 to 9,999,999, else null.
 */
export function parseWageYuan(text: string): number | null {
  const plain = text
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48))
    .replace(/\s+/g, '')
    .replace(/元$/, '');
  return /^\d{1,7}$/.test(plain) ? Number(plain) : null;
}
