import crypto from 'node:crypto';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { AppError, uniqueViolation } from '../../errors.ts';
import type { FieldCipher } from '../../secrets.ts';
import { maskIdNumber } from '../../../shared/id-number.ts';
import { recordAudit } from '../../audit-log.ts';
import type { ImportProgress } from './import-jobs.ts';
import type { RosterMember } from './import-row.ts';
import { insertMembers } from './repo.ts';

/**
 * Writes the checked members, all or nothing, in one transaction with its audit entry: each gets
 * its id here, its ID number encrypted and masked. A phone or ID number registered by someone else
 * since the check is a conflict, and nothing is written. Returns how many members were written.
 */
export async function writeRoster(
  db: Database,
  cipher: FieldCipher,
  ctx: RequestContext,
  checked: RosterMember[],
  onProgress: (p: ImportProgress) => void,
  total: number,
): Promise<number> {
  const { actor } = ctx;
  onProgress({ phase: 'writing', processed: 0, total });
  const ids = checked.map(() => crypto.randomUUID());
  const members = checked.map((p, i) => ({
    ...p.member,
    id: ids[i] as string,
    id_number_enc: p.idNumber ? cipher.encrypt(p.idNumber) : null,
    id_number_masked: p.idNumber ? maskIdNumber(p.idNumber) : null,
  }));
  const mobilities = checked.flatMap((p, i) => (p.mobility ? [{ ...p.mobility, member_id: ids[i] as string }] : []));
  try {
    await db.transaction().execute(async (tx) => {
      await insertMembers(tx, members, mobilities, (inserted) => onProgress({ phase: 'writing', processed: inserted, total }));
      await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'roster.import', entity: 'member', after: { count: members.length, mobile: mobilities.length } });
    });
  } catch (err) {
    // Another import or edit registered the same phone between the check and the write.
    if (uniqueViolation(err)) throw new AppError('conflict', '有手机号或身份证号刚被其他操作登记，未导入任何数据，请重新上传');
    throw err;
  }
  return members.length;
}
