import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../../../test/support/memory-storage.ts';
import { formatMinutes, parseMinutes } from './service-draft.ts';

let storage: Storage;

beforeEach(() => {
  storage = memoryStorage();
  vi.stubGlobal('window', { localStorage: storage });
  vi.stubGlobal('localStorage', storage);
});
afterEach(() => vi.unstubAllGlobals());

const form = {
  projectId: 'p1',
  taskId: 't1',
  teamId: null,
  recipientId: 'r1',
  servedOn: '2026-03-01',
  minutes: '30',
  remote: true,
  what: '打电话聊了聊身体，提醒按时吃药。',
  photos: [{ fileId: 'f1', url: '/api/files/f1' }],
};

describe('the service log being written, kept on the phone', () => {
  it('comes back for the same account, goes once sent, and is never shown to another account', async () => {
    const draft = await import('./service-draft.ts');
    storage.setItem('lx_member_account', 'account-a');
    draft.saveServiceDraft(form);
    expect(draft.loadServiceDraft()?.form).toEqual(form);

    storage.setItem('lx_member_account', 'account-b');
    expect(draft.loadServiceDraft()).toBeNull();

    storage.setItem('lx_member_account', 'account-a');
    draft.forgetServiceDraft();
    expect(draft.loadServiceDraft()).toBeNull();
    expect(storage.getItem('lx_service_draft:account-a')).toBeNull();
  });

  it('keeps the person looked after by id only: a label handed in with the form never reaches the phone', async () => {
    const draft = await import('./service-draft.ts');
    storage.setItem('lx_member_account', 'account-a');
    draft.saveServiceDraft({ ...form, recipientLabel: '王奶奶(化名)', contactPhone: '13900000000' } as typeof form);
    const kept = storage.getItem('lx_service_draft:account-a') ?? '';
    expect(kept).toContain('r1');
    expect(kept).not.toContain('王奶奶');
    expect(kept).not.toContain('13900000000');
  });

  it('keeps nothing without content or without a signed-in account; reads a damaged copy defensively; sign-out forgets every draft', async () => {
    const draft = await import('./service-draft.ts');
    draft.saveServiceDraft(form);
    expect(storage.length).toBe(0);
    storage.setItem('lx_member_account', 'account-a');
    draft.saveServiceDraft({ ...draft.blankServiceForm('p1'), remote: true });
    expect(storage.getItem('lx_service_draft:account-a')).toBeNull();

    storage.setItem(
      'lx_service_draft:account-a',
      JSON.stringify({ form: { what: '打扫了院子', servedOn: '3月1日', minutes: 60, remote: 'yes', photos: [{ fileId: 'f' }, ...Array.from({ length: 9 }, () => ({ fileId: 'g', url: 'u' }))] } }),
    );
    expect(draft.loadServiceDraft()?.form).toEqual({
      projectId: null,
      taskId: null,
      teamId: null,
      recipientId: null,
      servedOn: '',
      minutes: '',
      remote: false,
      what: '打扫了院子',
      photos: Array.from({ length: 6 }, () => ({ fileId: 'g', url: 'u' })),
    });

    storage.setItem('lx_service_draft:account-b', JSON.stringify({ form }));
    draft.forgetServiceDrafts();
    expect(storage.getItem('lx_service_draft:account-a')).toBeNull();
    expect(storage.getItem('lx_service_draft:account-b')).toBeNull();
    expect(storage.getItem('lx_member_account')).toBe('account-a');
  });
});

describe('minutes as typed', () => {
  it('takes whole minutes from 1 to 1440, full-width digits and a trailing unit', () => {
    expect(parseMinutes('30')).toBe(30);
    expect(parseMinutes(' 45 ')).toBe(45);
    expect(parseMinutes('９０')).toBe(90);
    expect(parseMinutes('120分钟')).toBe(120);
    expect(parseMinutes('60 min')).toBe(60);
    expect(parseMinutes('1440')).toBe(1440);
  });

  it('refuses nothing, zero, negatives, fractions, words and more than a day', () => {
    for (const bad of ['', '0', '-5', '1.5', '半小时', '1441', '99999', '3e1', '0x1e']) expect(parseMinutes(bad), bad).toBeNull();
  });

  it('are shown in hours and minutes in both languages', () => {
    expect(formatMinutes(30, 'zh-CN')).toBe('30 分钟');
    expect(formatMinutes(90, 'zh-CN')).toBe('1 小时 30 分钟');
    expect(formatMinutes(120, 'zh-CN')).toBe('2 小时');
    expect(formatMinutes(0, 'zh-CN')).toBe('0 分钟');
    expect(formatMinutes(90, 'en-US')).toBe('1 h 30 min');
    expect(formatMinutes(60, 'en-US')).toBe('1 h');
  });
});
