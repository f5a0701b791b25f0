import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../../../test/support/memory-storage.ts';

let storage: Storage;

beforeEach(() => {
  storage = memoryStorage();
  vi.stubGlobal('window', { localStorage: storage });
  vi.stubGlobal('localStorage', storage);
});
afterEach(() => vi.unstubAllGlobals());

describe('the question being written, kept on the phone', () => {
  it('comes back for the same account, goes once sent, and is never shown to another account', async () => {
    const draft = await import('./question-draft.ts');
    storage.setItem('lx_member_account', 'account-a');
    draft.saveQuestionDraft({ body: '孩子入学要准备什么材料？', publishable: true });
    expect(storage.getItem('lx_question_draft:account-a')).not.toBeNull();
    expect(draft.loadQuestionDraft()).toEqual({ body: '孩子入学要准备什么材料？', publishable: true });

    // another member signed in on the same phone does not see it
    storage.setItem('lx_member_account', 'account-b');
    expect(draft.loadQuestionDraft()).toBeNull();

    storage.setItem('lx_member_account', 'account-a');
    draft.forgetQuestionDraft();
    expect(draft.loadQuestionDraft()).toBeNull();
    expect(storage.getItem('lx_question_draft:account-a')).toBeNull();
  });

  it('keeps nothing for an empty text and nothing without a signed-in account; sign-out forgets every draft', async () => {
    const draft = await import('./question-draft.ts');
    draft.saveQuestionDraft({ body: '没有登录时写的', publishable: false });
    expect(storage.length).toBe(0);
    storage.setItem('lx_member_account', 'account-a');
    draft.saveQuestionDraft({ body: '写了一半', publishable: false });
    draft.saveQuestionDraft({ body: '   ', publishable: false });
    expect(draft.loadQuestionDraft()).toBeNull();
    storage.setItem('lx_question_draft:account-b', JSON.stringify({ body: '别人的', publishable: false }));
    storage.setItem('lx_question_draft:account-a', JSON.stringify({ body: '我的', publishable: 'yes' }));
    expect(draft.loadQuestionDraft()).toEqual({ body: '我的', publishable: false });
    draft.forgetQuestionDrafts();
    expect(storage.getItem('lx_question_draft:account-a')).toBeNull();
    expect(storage.getItem('lx_question_draft:account-b')).toBeNull();
    expect(storage.getItem('lx_member_account')).toBe('account-a');
  });
});
