import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../../../test/support/memory-storage.ts';

let local: Storage;
let session: Storage;

beforeEach(() => {
  local = memoryStorage();
  session = memoryStorage();
  vi.stubGlobal('window', { localStorage: local, sessionStorage: session });
  vi.stubGlobal('localStorage', local);
  vi.stubGlobal('sessionStorage', session);
});
afterEach(() => vi.unstubAllGlobals());

describe('民主评议 drafts on a shared phone', () => {
  it('keeps the self-evaluation and the ballot per account and round, never shown to another account, all gone at once', async () => {
    const d = await import('./evaluation-draft.ts');
    local.setItem('lx_member_account', 'account-a');
    d.saveSelfDraft('round-1', '今年按时参加组织生活');
    d.saveBallotDraft('round-1', { receipt: 'r-a', grades: { m1: 'excellent' } });
    expect(local.getItem('lx_evaluation_self:account-a:round-1')).not.toBeNull();
    expect(session.getItem('lx_evaluation_ballot:account-a:round-1')).not.toBeNull();
    expect(d.loadSelfDraft('round-1')).toBe('今年按时参加组织生活');
    expect(d.loadBallotDraft('round-1')).toEqual({ receipt: 'r-a', grades: { m1: 'excellent' } });

    // another member signed in on the same phone sees neither
    local.setItem('lx_member_account', 'account-b');
    expect(d.loadSelfDraft('round-1')).toBeNull();
    expect(d.loadBallotDraft('round-1')).toBeNull();
    d.saveSelfDraft('round-1', '乙的自评');
    d.forgetSelfDraft('round-1');
    local.setItem('lx_member_account', 'account-a');
    expect(d.loadSelfDraft('round-1')).toBe('今年按时参加组织生活');

    // nobody signed in: nothing kept, nothing read
    local.removeItem('lx_member_account');
    d.saveSelfDraft('round-2', '无人登录');
    expect(d.loadSelfDraft('round-2')).toBeNull();

    d.forgetEvaluationDrafts();
    local.setItem('lx_member_account', 'account-a');
    expect(d.loadSelfDraft('round-1')).toBeNull();
    expect(d.loadBallotDraft('round-1')).toBeNull();
    expect(local.length).toBe(1);
    expect(session.length).toBe(0);
  });
});
