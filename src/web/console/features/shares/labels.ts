import type { MsgKey } from '../../messages.ts';
import type { ShareKind } from '../../../../shared/api-shares.ts';

export const KIND_KEY: Record<ShareKind, MsgKey> = {
  study: 'share.kind.study',
  work: 'share.kind.work',
  home_advice: 'share.kind.home_advice',
  city: 'share.kind.city',
  other: 'share.kind.other',
};
export const KIND_COLOR: Record<ShareKind, string> = { study: 'red', work: 'blue', home_advice: 'green', city: 'purple', other: 'default' };
