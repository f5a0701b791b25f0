/** Minutes as hours with one decimal ("1.5"), for the console's tables and totals: src/shared/minutes.ts. */
export { hoursText as hours, minutesToHours } from '../../../../shared/minutes.ts';
