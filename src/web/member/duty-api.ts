import type { AnswerOf } from '../../shared/endpoints.ts';
import { contract } from '../../shared/endpoints.ts';
import { fillPath } from '../common/endpoints.ts';
import { request } from '../common/http.ts';

/**
 * 值守 as the member app calls it: one's duty (revalidated with the server's ETag), the comrades one
 * may ask to swap, and the writes. The writes need signal: a place on a shift is contested, so the
 * member learns at once whether it is theirs (a full shift or one taken twice answers 409).
 */
export type MyDuty = AnswerOf<typeof contract.duty.mine>;
export type MyDutyShift = MyDuty['mine'][number];
export type SwapOffer = MyDuty['offers'][number];
export type Comrades = AnswerOf<typeof contract.duty.comrades>;

const wait = { timeoutMs: 20_000, cache: 'no-store' as const };

export const dutyApi = {
  mine: (signal?: AbortSignal) => request<MyDuty>('GET', contract.duty.mine.path, { timeoutMs: 20_000, cache: 'no-cache', ...(signal ? { signal } : {}) }),
  comrades: (assignmentId: string, signal?: AbortSignal) =>
    request<Comrades>('GET', fillPath(contract.duty.comrades.path, { id: assignmentId }), { timeoutMs: 20_000, cache: 'no-cache', ...(signal ? { signal } : {}) }),
  signUp: (shiftId: string) => request<AnswerOf<typeof contract.duty.signUp>>('POST', fillPath(contract.duty.signUp.path, { id: shiftId }), { body: {}, ...wait }),
  cancel: (assignmentId: string) => request<{ ok: true }>('DELETE', fillPath(contract.duty.cancel.path, { id: assignmentId }), wait),
  askSwap: (assignmentId: string, body: { toMemberId: string | null; note: string }) =>
    request<AnswerOf<typeof contract.duty.askSwap>>('POST', fillPath(contract.duty.askSwap.path, { id: assignmentId }), { body, ...wait }),
  acceptSwap: (swapId: string) => request<AnswerOf<typeof contract.duty.acceptSwap>>('POST', fillPath(contract.duty.acceptSwap.path, { id: swapId }), { body: {}, ...wait }),
  withdrawSwap: (swapId: string) => request<AnswerOf<typeof contract.duty.withdrawSwap>>('POST', fillPath(contract.duty.withdrawSwap.path, { id: swapId }), { body: {}, ...wait }),
  declineSwap: (swapId: string) => request<AnswerOf<typeof contract.duty.declineSwap>>('POST', fillPath(contract.duty.declineSwap.path, { id: swapId }), { body: {}, ...wait }),
};
