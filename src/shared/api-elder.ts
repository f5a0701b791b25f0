import { z } from 'zod';

/**
 * 长辈模式 (larger text, bigger buttons, fewer words in the member app) as the secretary sets it for a
 * member. The member's own choice on the phone wins over it.
 */
export const ElderModeBody = z.object({ elderMode: z.boolean() });
export type ElderModeBody = z.infer<typeof ElderModeBody>;
export const ElderMode = z.object({ elderMode: z.boolean() });
export type ElderMode = z.infer<typeof ElderMode>;
