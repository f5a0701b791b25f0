import type { MsgKey } from '../../messages.ts';
import type { AttendanceRow } from '../../types.ts';

/** How attendance, leave and make-up states read and look in the meeting page. */
export type Markable = 'present' | 'late' | 'excused' | 'absent';
export const MARKS: { value: Markable; key: MsgKey }[] = [
  { value: 'present', key: 'attendance.present' },
  { value: 'late', key: 'attendance.late' },
  { value: 'excused', key: 'attendance.excused' },
  { value: 'absent', key: 'attendance.absent' },
];
export const MAKEUP_KEYS: Record<NonNullable<AttendanceRow['makeup']>['status'], MsgKey> = {
  open: 'makeup.status.open',
  submitted: 'makeup.status.submitted',
  returned: 'makeup.status.returned',
  expired: 'makeup.status.expired',
};
export const MAKEUP_COLORS: Record<NonNullable<AttendanceRow['makeup']>['status'], string> = { open: 'gold', submitted: 'green', returned: 'orange', expired: 'red' };
export const LEAVE_KEYS: Record<NonNullable<AttendanceRow['leaveStatus']>, MsgKey> = { requested: 'leave.requested', approved: 'leave.approved', rejected: 'leave.rejected' };
export const METHOD_KEYS: Record<NonNullable<AttendanceRow['method']>, MsgKey> = { self: 'attendance.method.self', qr: 'attendance.method.qr', marked: 'attendance.method.marked' };
