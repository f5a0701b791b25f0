import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../../../test/support/memory-storage.ts';

let storage: Storage;
let root: { dataset: Record<string, string> };

/** elder.ts as a phone starts it: it reads what the phone kept when it loads. */
async function start(kept: Record<string, string> = {}) {
  storage = memoryStorage(kept);
  root = { dataset: {} };
  vi.stubGlobal('window', {});
  vi.stubGlobal('localStorage', storage);
  vi.stubGlobal('document', { documentElement: root });
  vi.resetModules();
  return import('./elder.ts');
}

beforeEach(() => vi.unstubAllGlobals());
afterEach(() => vi.unstubAllGlobals());

describe('长辈模式 on the phone', () => {
  it('is off on a new phone and follows the secretary’s setting while the member has not chosen', async () => {
    const elder = await start();
    expect(elder.isElderMode()).toBe(false);
    expect(root.dataset.elder).toBe('off');
    elder.applyServerElderMode(true);
    expect(elder.isElderMode()).toBe(true);
    expect(root.dataset.elder).toBe('on');
    // remembered, so the next start opens in it before the profile has loaded
    const again = await start({ lx_member_elder_server: storage.getItem('lx_member_elder_server') ?? '' });
    expect(again.isElderMode()).toBe(true);
    expect(root.dataset.elder).toBe('on');
  });

  it('keeps the member’s own choice over the secretary’s, across starts', async () => {
    const elder = await start({ lx_member_elder_server: 'on' });
    elder.setElderMode(false);
    expect(elder.isElderMode()).toBe(false);
    elder.applyServerElderMode(true);
    expect(elder.isElderMode()).toBe(false);
    expect(root.dataset.elder).toBe('off');
    const again = await start({ lx_member_elder: storage.getItem('lx_member_elder') ?? '', lx_member_elder_server: 'on' });
    expect(again.isElderMode()).toBe(false);
    again.setElderMode(true);
    again.applyServerElderMode(false);
    expect(again.isElderMode()).toBe(true);
    expect(root.dataset.elder).toBe('on');
  });

  it('forgets the secretary’s setting for the member who signs out, not the phone’s own choice', async () => {
    const elder = await start();
    elder.applyServerElderMode(true);
    elder.forgetServerElderMode();
    expect(elder.isElderMode()).toBe(false);
    expect(storage.getItem('lx_member_elder_server')).toBeNull();
    elder.setElderMode(true);
    elder.forgetServerElderMode();
    expect(elder.isElderMode()).toBe(true);
  });

  it('works without storage (some WeChat privacy settings): the choice lasts for the visit', async () => {
    const elder = await start();
    vi.stubGlobal('localStorage', {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    });
    elder.setElderMode(true);
    expect(elder.isElderMode()).toBe(true);
    expect(root.dataset.elder).toBe('on');
  });
});
