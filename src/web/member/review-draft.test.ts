import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../../../test/support/memory-storage.ts';

let storage: Storage;

beforeEach(() => {
  storage = memoryStorage();
  vi.stubGlobal('window', { localStorage: storage });
  vi.stubGlobal('localStorage', storage);
});
afterEach(() => vi.unstubAllGlobals());

describe('the self-summary being written, kept on a shared phone', () => {
  it('comes back for the same account and round, never for another account, and goes once sent', async () => {
    const draft = await import('./review-draft.ts');
    storage.setItem('lx_member_account', 'account-a');
    draft.saveSummaryDraft('round-1', '本季度参加了三次线上学习');
    expect(storage.getItem('lx_review_summary:account-a:round-1')).not.toBeNull();
    expect(draft.loadSummaryDraft('round-1')).toBe('本季度参加了三次线上学习');
    expect(draft.loadSummaryDraft('round-2')).toBeNull();

    // another member signed in on the same phone, in the same round, does not see it
    storage.setItem('lx_member_account', 'account-b');
    expect(draft.loadSummaryDraft('round-1')).toBeNull();
    draft.saveSummaryDraft('round-1', '我的小结');
    expect(draft.loadSummaryDraft('round-1')).toBe('我的小结');

    storage.setItem('lx_member_account', 'account-a');
    expect(draft.loadSummaryDraft('round-1')).toBe('本季度参加了三次线上学习');
    draft.forgetSummaryDraft('round-1');
    expect(draft.loadSummaryDraft('round-1')).toBeNull();
    expect(storage.getItem('lx_review_summary:account-b:round-1')).not.toBeNull();
  });

  it('keeps nothing without a signed-in account; sign-out forgets every account’s drafts', async () => {
    const draft = await import('./review-draft.ts');
    draft.saveSummaryDraft('round-1', '没有登录时写的');
    expect(storage.length).toBe(0);
    expect(draft.loadSummaryDraft('round-1')).toBeNull();
    storage.setItem('lx_member_account', 'account-a');
    draft.saveSummaryDraft('round-1', '甲的小结');
    storage.setItem('lx_review_summary:account-b:round-1', JSON.stringify({ text: '乙的小结' }));
    draft.forgetReviewDrafts();
    expect(storage.getItem('lx_review_summary:account-a:round-1')).toBeNull();
    expect(storage.getItem('lx_review_summary:account-b:round-1')).toBeNull();
    expect(storage.getItem('lx_member_account')).toBe('account-a');
  });
});
