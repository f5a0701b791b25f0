import { z } from 'zod';

/** The outbox as the member app sees it: marking a notice opened from its deep link (`?n=<id>`). */
export const NoticeIdParams = z.object({ id: z.uuid() });

/** When the notice was first opened (a second open keeps the first moment). */
export const NoticeOpened = z.object({ openedAt: z.string() });
export type NoticeOpened = z.infer<typeof NoticeOpened>;
