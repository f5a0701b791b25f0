import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../../../test/support/memory-storage.ts';
import { parseMinutes } from './service-draft.ts';

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
    draft.saveServiceDraft(form, '2026-03-02');
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
    draft.saveServiceDraft({ ...form, recipientLabel: '王奶奶(化名)', contactPhone: '13900000000' } as typeof form, '2026-03-02');
    const kept = storage.getItem('lx_service_draft:account-a') ?? '';
    expect(kept).toContain('r1');
    expect(kept).not.toContain('王奶奶');
    expect(kept).not.toContain('13900000000');
  });

  it('keeps nothing without content or without a signed-in account; reads a damaged copy defensively; sign-out forgets every draft', async () => {
    const draft = await import('./service-draft.ts');
    draft.saveServiceDraft(form, '2026-03-02');
    expect(storage.length).toBe(0);
    storage.setItem('lx_member_account', 'account-a');
    draft.saveServiceDraft({ ...draft.blankServiceForm('p1'), remote: true }, '2026-03-02');
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
  it('keeps the day it was written: a fresh form\'s "today" is written in, so reopening it the next morning (or month) does not move it', async () => {
    const draft = await import('./service-draft.ts');
    storage.setItem('lx_member_account', 'account-a');
    // written at 23:50 on the last day of March, China time, without signal
    draft.saveServiceDraft({ ...draft.blankServiceForm('p1'), minutes: '30', what: '陪王奶奶聊天' }, '2026-03-31');
    expect(JSON.parse(storage.getItem('lx_service_draft:account-a') ?? '{}').form.servedOn).toBe('2026-03-31');
    // reopened on 1 April: still dated the day it was done
    expect(draft.loadServiceDraft()?.form.servedOn).toBe('2026-03-31');
    // a day the member chose stays as chosen
    draft.saveServiceDraft({ ...form, servedOn: '2026-03-20' }, '2026-03-31');
    expect(draft.loadServiceDraft()?.form.servedOn).toBe('2026-03-20');
    expect(draft.datedServiceForm(draft.blankServiceForm(null), '2026-02-29').servedOn).toBe('2026-02-29');
    expect(draft.blankServiceForm(null).servedOn).toBe('');
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
});
