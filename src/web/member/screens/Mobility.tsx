import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { explainError, type MobilityForm, type MyProfile, type Region } from '../api.ts';
import { today, useI18n } from '../i18n.ts';
import { writes } from '../mutations.ts';
import { queries } from '../queries.ts';
import { ErrorMessage, Field, ScreenTitle, TopBar } from '../ui.tsx';

interface MobilityProps {
  profile: MyProfile;
  /** The profile in the cache is already the answer (mutations.ts). */
  onSaved: (kind: 'moved' | 'returned') => void;
  onBack: () => void;
  onUnauthenticated: () => void;
}

function blankToNull(value: string): string | null {
  return value.trim() === '' ? null : value.trim();
}

function childrenOf(list: Region[] | undefined, code: string): Region[] {
  return list?.find((r) => r.code === code)?.children ?? [];
}

export function Mobility({ profile, onSaved, onBack, onUnauthenticated }: MobilityProps) {
  const { t } = useI18n();
  const current = profile.member.mobility;

  // The region list is ~140 KB: asked once per visit (queries.ts).
  const regionsQuery = useQuery(queries.regions());
  const regions = regionsQuery.data ?? null;
  const regionsFailed = !regions && regionsQuery.isError && !regionsQuery.isFetching;
  const updateMobility = useMutation(writes.updateMobility);
  const markReturnedCall = useMutation(writes.markReturned);

  const [provinceCode, setProvinceCode] = useState(current?.provinceCode ?? '');
  const [cityCode, setCityCode] = useState(current?.cityCode ?? '');
  const [districtCode, setDistrictCode] = useState(current?.districtCode ?? '');
  const [workplace, setWorkplace] = useState(current?.workplace ?? '');
  const [occupation, setOccupation] = useState(current?.occupation ?? profile.member.occupation ?? '');
  const [since, setSince] = useState(current?.since ?? '');
  const [expectedReturn, setExpectedReturn] = useState(current?.expectedReturn ?? '');
  const [contact, setContact] = useState(current?.contact ?? profile.member.phone);
  const [hostOrg, setHostOrg] = useState(current?.hostOrg ?? '');

  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirmingReturn, setConfirmingReturn] = useState(false);
  const [returnError, setReturnError] = useState<string | null>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (confirmingReturn) confirmRef.current?.scrollIntoView({ block: 'nearest' });
  }, [confirmingReturn]);

  const cities = useMemo(() => childrenOf(regions?.provinces, provinceCode), [regions, provinceCode]);
  const districts = useMemo(() => childrenOf(cities, cityCode), [cities, cityCode]);

  const explain = (e: unknown): string => explainError(e, t.networkError, onUnauthenticated);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (!provinceCode) return setError(t.chooseProvince);
    if (!since) return setError(t.chooseSince);
    const body: MobilityForm = {
      provinceCode,
      cityCode: cityCode || null,
      districtCode: districtCode || null,
      workplace: blankToNull(workplace),
      occupation: blankToNull(occupation),
      since,
      expectedReturn: expectedReturn || null,
      contact: blankToNull(contact),
      hostOrg: blankToNull(hostOrg),
    };
    setBusy(true);
    setError(null);
    try {
      await updateMobility.mutateAsync(body);
      onSaved('moved');
    } catch (e) {
      setError(explain(e));
      setBusy(false);
    }
  };

  const markReturned = async () => {
    if (busy) return;
    setBusy(true);
    setReturnError(null);
    try {
      await markReturnedCall.mutateAsync({ returnedOn: today() });
      onSaved('returned');
    } catch (e) {
      setReturnError(explain(e));
      setBusy(false);
    }
  };

  const regionsLoading = !regions && !regionsFailed;

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.mobilityTitle}</ScreenTitle>
        {current ? (
          <section className="card" aria-labelledby="return-title">
            <h2 id="return-title">{t.returnTitle}</h2>
            <p>{t.returnHint}</p>
            {confirmingReturn ? (
              <div className="confirm" role="group" aria-labelledby="return-question" ref={confirmRef}>
                <p id="return-question" className="confirm-question">
                  {t.confirmReturnQuestion}
                </p>
                <ErrorMessage message={returnError} />
                <button type="button" className="button button-primary" onClick={markReturned} disabled={busy}>
                  {busy ? t.saving : t.confirmReturn}
                </button>
                <button type="button" className="button button-plain" onClick={() => setConfirmingReturn(false)} disabled={busy}>
                  {t.cancel}
                </button>
              </div>
            ) : (
              <button type="button" className="button button-secondary" onClick={() => setConfirmingReturn(true)}>
                {t.returned}
              </button>
            )}
          </section>
        ) : null}
        <form className="card form" onSubmit={submit} noValidate aria-labelledby="mobility-form-title">
          <h2 id="mobility-form-title">{t.mobilityFormTitle}</h2>
          {regionsLoading ? (
            <p className="message message-info" role="status">
              <span className="spinner" aria-hidden="true" />
              {t.loadingRegions}
            </p>
          ) : null}
          {regionsFailed ? (
            <div className="message message-error" role="alert">
              <p>{t.networkError}</p>
              <button type="button" className="button button-secondary" onClick={() => void regionsQuery.refetch()}>
                {t.retry}
              </button>
            </div>
          ) : null}
          <Field id="mobility-province" label={t.province}>
            <select
              id="mobility-province"
              value={provinceCode}
              disabled={!regions}
              onChange={(e) => {
                const code = e.target.value;
                const onlyCity = childrenOf(regions?.provinces, code);
                setProvinceCode(code);
                // Municipalities (北京, 上海…) have a single 市辖区: choose it for the member.
                setCityCode(onlyCity.length === 1 && onlyCity[0] ? onlyCity[0].code : '');
                setDistrictCode('');
              }}
            >
              <option value="">{t.choose}</option>
              {regions?.provinces.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="mobility-city" label={t.city}>
            <select
              id="mobility-city"
              value={cityCode}
              disabled={!regions || cities.length === 0}
              onChange={(e) => {
                setCityCode(e.target.value);
                setDistrictCode('');
              }}
            >
              <option value="">{t.choose}</option>
              {cities.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="mobility-district" label={t.district}>
            <select
              id="mobility-district"
              value={districtCode}
              disabled={!regions || districts.length === 0}
              onChange={(e) => setDistrictCode(e.target.value)}
            >
              <option value="">{t.choose}</option>
              {districts.map((d) => (
                <option key={d.code} value={d.code}>
                  {d.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="mobility-workplace" label={t.workplace} optionalLabel={t.optional}>
            <input id="mobility-workplace" maxLength={100} value={workplace} onChange={(e) => setWorkplace(e.target.value)} />
          </Field>
          <Field id="mobility-occupation" label={t.occupation} optionalLabel={t.optional}>
            <input id="mobility-occupation" maxLength={50} value={occupation} onChange={(e) => setOccupation(e.target.value)} />
          </Field>
          <Field id="mobility-since" label={t.since}>
            <input id="mobility-since" type="date" required max={today()} value={since} onChange={(e) => setSince(e.target.value)} />
          </Field>
          <Field id="mobility-return" label={t.expectedReturn} optionalLabel={t.optional}>
            <input
              id="mobility-return"
              type="date"
              min={since || undefined}
              value={expectedReturn}
              onChange={(e) => setExpectedReturn(e.target.value)}
            />
          </Field>
          <Field id="mobility-contact" label={t.contact} hint={t.contactHint} optionalLabel={t.optional}>
            <input
              id="mobility-contact"
              type="tel"
              maxLength={50}
              aria-describedby="mobility-contact-hint"
              value={contact}
              onChange={(e) => setContact(e.target.value)}
            />
          </Field>
          <Field id="mobility-host-org" label={t.hostOrg} hint={t.hostOrgHint} optionalLabel={t.optional}>
            <input
              id="mobility-host-org"
              maxLength={100}
              aria-describedby="mobility-host-org-hint"
              value={hostOrg}
              onChange={(e) => setHostOrg(e.target.value)}
            />
          </Field>
          <ErrorMessage message={error} />
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy && !confirmingReturn ? t.saving : t.save}
          </button>
        </form>

      </main>
    </>
  );
}
