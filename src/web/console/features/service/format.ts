/** Minutes as hours with one decimal ("1.5"), for the console's tables and totals. */
export const hours = (minutes: number): string => (Math.round((minutes / 60) * 10) / 10).toFixed(1);
