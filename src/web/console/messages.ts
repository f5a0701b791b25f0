import { messages as common } from './common-messages.ts';
import { messages as session } from './features/session/messages.ts';
import { messages as members } from './features/members/messages.ts';
import { messages as orgs } from './features/orgs/messages.ts';
import { messages as roster } from './features/import/messages.ts';
import { messages as audit } from './features/audit/messages.ts';
import { messages as settings } from './features/settings/messages.ts';
import { messages as dashboard } from './features/dashboard/messages.ts';
import { messages as study } from './features/study/messages.ts';
import { messages as pushes } from './features/pushes/messages.ts';
import { messages as meetings } from './features/meetings/messages.ts';
import { messages as coverage } from './features/coverage/messages.ts';
import { messages as care } from './features/care/messages.ts';
import { messages as talks } from './features/talks/messages.ts';
import { messages as deliveries } from './features/deliveries/messages.ts';
import { messages as cards } from './features/cards/messages.ts';
import { messages as channels } from './features/channels/messages.ts';
import { messages as notifySms } from './features/notify-sms/messages.ts';
import { messages as reach } from './features/reach/messages.ts';
import { messages as activation } from './features/activation/messages.ts';
import { messages as groupKit } from './features/group-kit/messages.ts';
import { messages as questions } from './features/questions/messages.ts';
import { messages as reviews } from './features/reviews/messages.ts';
import { messages as shares } from './features/shares/messages.ts';
import { messages as evaluations } from './features/evaluations/messages.ts';
import { messages as news } from './features/news/messages.ts';
import { messages as disclosure } from './features/disclosure/messages.ts';
import { messages as pledges } from './features/pledges/messages.ts';
import { messages as teams } from './features/teams/messages.ts';
import { messages as donations } from './features/donations/messages.ts';
import { messages as duty } from './features/duty/messages.ts';
import { messages as service } from './features/service/messages.ts';

/**
 * The console's dictionary, merged from each feature's texts (features/<area>/messages.ts, and
 * common-messages.ts for the shell). zh-CN is the source; each file's type makes en-US name every key,
 * and messages.test.ts checks that both languages have the same keys and placeholders and that no key
 * is defined twice. `{name}` placeholders are filled by `t(key, { name })`.
 */
export const messageParts = { common, session, members, orgs, roster, audit, settings, dashboard, study, pushes, meetings, coverage, care, talks, deliveries, cards, channels, notifySms, reach, activation, groupKit, shares, questions, evaluations, news, reviews, pledges, disclosure, teams, donations, duty, service } as const;

type Part = (typeof messageParts)[keyof typeof messageParts];
type KeysOf<P> = P extends { 'zh-CN': infer Z } ? keyof Z & string : never;
export type MsgKey = KeysOf<Part>;
export type Lang = 'zh-CN' | 'en-US';
type Dict = Record<MsgKey, string>;

function merged(lang: Lang): Dict {
  return Object.assign({}, ...Object.values(messageParts).map((part) => part[lang])) as Dict;
}

export const messages: Record<Lang, Dict> = { 'zh-CN': merged('zh-CN'), 'en-US': merged('en-US') };
