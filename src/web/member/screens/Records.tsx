import { useQuery } from '@tanstack/react-query';
import type { MemberDelivery, Talk } from '../api.ts';
import { fill, formatDate } from '../i18n.ts';
import { useCareI18n, type CareDictionary } from '../i18n-care.ts';
import { queries } from '../queries.ts';
import { shown } from '../shown.ts';
import { LoadFailed, LoadingMessage, ScreenTitle, TopBar } from '../ui.tsx';
import './care.css';

interface RecordsProps {
  onBack: () => void;
}

const SITUATION = ['work', 'family', 'health', 'thoughts'] as const;
const ITEM_KINDS = ['books', 'materials', 'badge', 'other'] as const;

/** A handed-over item: the standard kinds in the member's language, free words as written. */
function itemLabel(t: CareDictionary, item: string): string {
  const kind = ITEM_KINDS.find((k) => k === item);
  return kind ? t[`item_${kind}` as const] : item;
}

/**
 * 关于我的记录: what the branch recorded about the member (talks, hardship, visits). Sensitive, so
 * it is never kept on the phone: without signal the member is asked to try again.
 */
export function Records({ onBack }: RecordsProps) {
  const { t } = useCareI18n();
  const query = useQuery(queries.records());
  const state = shown(query, t.networkError);
  const load = () => void query.refetch();

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.recordsTitle}</ScreenTitle>
        <p className="records-intro">{t.recordsIntro}</p>
        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' && state.message ? <LoadFailed message={state.message} onRetry={load} /> : null}
        {state.kind === 'loaded' ? (
          <>
            <section className="card" aria-labelledby="records-talks" data-testid="records-talks" data-count={state.data.talks.length}>
              <h2 id="records-talks">{t.recordsTalks}</h2>
              {state.data.talks.length === 0 ? <p className="muted">{t.recordsNoTalks}</p> : null}
              <ul className="plain-list">
                {state.data.talks.map((talk) => (
                  <TalkEntry key={talk.id} talk={talk} />
                ))}
              </ul>
            </section>

            <section className="card" aria-labelledby="records-hardship" data-testid="records-hardship">
              <h2 id="records-hardship">{t.recordsHardship}</h2>
              {state.data.hardshipNote ? <p className="pre-wrap">{state.data.hardshipNote}</p> : <p className="muted">{t.recordsNoHardship}</p>}
            </section>

            <section className="card" aria-labelledby="records-visits" data-testid="records-visits" data-count={state.data.deliveries.length}>
              <h2 id="records-visits">{t.recordsVisits}</h2>
              {state.data.deliveries.length === 0 ? <p className="muted">{t.recordsNoVisits}</p> : null}
              <ul className="plain-list">
                {state.data.deliveries.map((visit) => (
                  <VisitEntry key={visit.deliveryId} visit={visit} />
                ))}
              </ul>
            </section>
          </>
        ) : null}
      </main>
    </>
  );
}

function TalkEntry({ talk }: { talk: Talk }) {
  const { t, language } = useCareI18n();
  return (
    <li className="row-block" data-testid={`record-talk-${talk.id}`}>
      <p className="record-head">
        {formatDate(talk.talkedOn, language)}
        <span className="tag tag-plain">{t[`channel_${talk.channel}` as const]}</span>
      </p>
      <p className="muted">{fill(t.talkBy, { name: talk.talkerName })}</p>
      <p className="pre-wrap record-summary">{talk.summary}</p>
      <dl className="facts record-facts">
        {SITUATION.map((key) => {
          const value = talk[key];
          return value ? (
            <div key={key}>
              <dt>{t[`situation_${key}` as const]}</dt>
              <dd className="pre-wrap">{value}</dd>
            </div>
          ) : null;
        })}
        {talk.concerns ? (
          <div>
            <dt>{t.talkConcerns}</dt>
            <dd className="pre-wrap">{talk.concerns}</dd>
          </div>
        ) : null}
      </dl>
    </li>
  );
}

function VisitEntry({ visit }: { visit: MemberDelivery }) {
  const { t, language } = useCareI18n();
  const list = (values: string[]) => values.join(language === 'zh-CN' ? '、' : ', ');
  return (
    <li className="row-block" data-testid={`record-visit-${visit.deliveryId}`}>
      <p className="record-head">
        {formatDate(visit.tripOn, language)} · {visit.placeName}
      </p>
      {visit.travellers.length > 0 ? <p className="muted">{fill(t.visitBy, { names: list(visit.travellers) })}</p> : null}
      {visit.items.length > 0 ? <p>{fill(t.visitItems, { items: list(visit.items.map((item) => itemLabel(t, item))) })}</p> : null}
      {visit.handedTo ? <p>{fill(t.visitHandedTo, { name: visit.handedTo })}</p> : null}
      {visit.words ? (
        <dl className="facts record-facts">
          <div>
            <dt>{t.visitWords}</dt>
            <dd className="pre-wrap">{visit.words}</dd>
          </div>
        </dl>
      ) : null}
    </li>
  );
}
