import { chinaDateTime } from '../../../../shared/china-time.ts';
import type { Robot } from '../../../../shared/api-robots.ts';

export const KIND_COLOR: Record<Robot['kind'], string> = { wecom: 'green', dingtalk: 'blue', feishu: 'purple' };

/** An instant as the secretary reads it: China's wall clock, whatever the computer's zone. */
export const at = (iso: string | null): string => (iso ? chinaDateTime(new Date(iso)) : '—');
