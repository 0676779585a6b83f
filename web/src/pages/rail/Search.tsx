import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, get, post } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { ErrorBox, Field, fieldErrors, useAction } from '../../ui.tsx';
import {
  chosenGroups,
  kstToday,
  type Provider,
  type RailReservation,
  type RailTrain,
  type SeatPolicy,
  TRAIN_GROUPS_OF,
  type TrainGroup,
} from './api.ts';
import { DIRECTIONS, POSITIONS } from './EditWatch.tsx';
import { railMessage, useRailT } from './i18n.ts';
import { PausedBanner, RailLayout, useRailProviders } from './Layout.tsx';
import { type Pending, RailProgress, ReservedCard, trainName } from './Outcome.tsx';
import { PassengerFields, type PassengerType } from './Passengers.tsx';
import { PlannedWatch } from './PlannedWatch.tsx';
import { TrainResults } from './TrainResults.tsx';
import { TrainTypesField } from './TrainTypes.tsx';

/** The fields that show their server error next to them. */
const PLACED = ['from', 'to', 'date', 'time', 'passengers', 'trainTypes'];

type Form = {
  provider: Provider;
  from: string;
  to: string;
  date: string;
  time: string;
  passengers: Record<PassengerType, number>;
  /** The families ticked in the filter; all of the operator's means no filter. */
  types: TrainGroup[];
  seatPolicy: SeatPolicy;
  seatPosition: (typeof POSITIONS)[number];
  seatDirection: (typeof DIRECTIONS)[number];
  selection: 'earliest' | 'latest' | 'random';
  standby: boolean;
};

const DEFAULTS: Record<Provider, { from: string; to: string }> = {
  srt: { from: '수서', to: '부산' },
  korail: { from: '서울', to: '부산' },
};

export function RailSearchPage() {
  const t = useRailT();
  const { lang } = useI18n();
  const [form, setForm] = useState<Form>({
    provider: 'srt',
    ...DEFAULTS.srt,
    date: kstToday(1),
    time: '06:00',
    passengers: { adult: 1, child: 0, senior: 0, disability1to3: 0, disability4to6: 0, toddler: 0 },
    types: [...TRAIN_GROUPS_OF.srt],
    seatPolicy: 'general-first',
    seatPosition: 'any',
    seatDirection: 'any',
    selection: 'earliest',
    standby: false,
  });
  const [stations, setStations] = useState<string[]>([]);
  const [trains, setTrains] = useState<RailTrain[] | undefined>();
  /** The filter the shown trains were searched with (the form may have changed since). */
  const [searchedTypes, setSearchedTypes] = useState<TrainGroup[] | null>(null);
  const { busy, error, run } = useAction();
  const [notice, setNotice] = useState<{ text: string; link: string } | undefined>();
  /** The slow call under way (what the page says while it waits). */
  const [pending, setPending] = useState<Pending | undefined>();
  /** The seat the last reservation won. */
  const [reserved, setReserved] = useState<RailReservation | undefined>();
  const [windowTo, setWindowTo] = useState('23:59');
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const { providers, refresh: refreshProviders } = useRailProviders();

  useEffect(() => {
    get<{ stations: string[] }>(`/api/rail/stations?provider=${form.provider}`)
      .then((d) => setStations(d.stations))
      .catch(() => setStations([]));
  }, [form.provider]);

  // A toddler typed for Korail does not follow a switch to SRT, which has no such ticket.
  const passengers = form.provider === 'korail' ? form.passengers : { ...form.passengers, toddler: 0 };
  const trip = { provider: form.provider, from: form.from, to: form.to, date: form.date };
  // SRT runs one family only, so it gets no filter; every family ticked is no filter either.
  const offered = TRAIN_GROUPS_OF[form.provider];
  const filtered = offered.length > 1 && chosenGroups(form.provider, form.types).length < offered.length;
  // Seat wishes go with a reserve or a watch; a direction only to Korail (SRT takes none).
  const seats = {
    seatPolicy: form.seatPolicy,
    seatPosition: form.seatPosition,
    ...(form.provider === 'korail' ? { seatDirection: form.seatDirection } : {}),
  };
  const trainTypes: { trainTypes?: TrainGroup[] } = filtered
    ? { trainTypes: chosenGroups(form.provider, form.types) }
    : {};

  async function search(e?: FormEvent) {
    e?.preventDefault();
    if (e) {
      setNotice(undefined);
      setReserved(undefined);
    }
    setPending({ kind: 'search', provider: form.provider, since: Date.now() });
    await run(
      async () => {
        const d = await post<{ trains: RailTrain[] }>('/api/rail/search', {
          ...trip,
          time: form.time,
          passengers,
          ...trainTypes,
        });
        setTrains(d.trains);
        setSearchedTypes(trainTypes.trainTypes ?? null);
      },
      () => {
        setTrains(undefined);
        // A refusal may be the operator blocking us: the banner then says until when.
        void refreshProviders();
      },
    );
    setPending(undefined);
  }

  async function act(kind: 'reserve' | 'watch' | 'window', train?: RailTrain) {
    setNotice(undefined);
    setReserved(undefined);
    setPending(
      kind === 'reserve' && train
        ? {
            kind: 'reserve',
            provider: form.provider,
            train: trainName(form.provider, train.type, train.trainNo),
            since: Date.now(),
          }
        : { kind: 'watch', provider: form.provider, since: Date.now() },
    );
    await run(
      async () => {
        if (kind === 'reserve' && train) {
          const d = await post<{ reservation: RailReservation }>('/api/rail/reserve', {
            ...trip,
            trainNo: train.trainNo,
            passengers,
            ...seats,
          });
          setReserved(d.reservation);
          setPending(undefined);
          await search();
        } else {
          await post('/api/rail/watches', {
            ...trip,
            ...(kind === 'watch' && train
              ? { trainNo: train.trainNo }
              : { timeFrom: form.time, timeTo: windowTo, ...trainTypes }),
            passengers,
            ...seats,
            selection: form.selection,
            standby: form.standby,
          });
          setNotice({ text: t('search.watching'), link: '/rail/watches' });
        }
      },
      () => void refreshProviders(),
    );
    setPending(undefined);
  }

  const errs = Object.fromEntries(
    Object.entries(fieldErrors(error)).map(([path, message]) => [path, railMessage(message, lang)]),
  );
  // A field's own error, or the first one inside it (`body.trainTypes.0`).
  const bodyErr = (k: string) =>
    errs[`body.${k}`] ?? Object.entries(errs).find(([path]) => path.startsWith(`body.${k}.`))?.[1];
  // Errors shown next to their field stay out of the box; the server writes in English, and known
  // refusals (a block, a pause) are put into Korean.
  const unplaced =
    error instanceof ApiError
      ? error.errors.filter(
          (e) => !PLACED.some((k) => e.path === `body.${k}` || e.path.startsWith(`body.${k}.`)),
        )
      : [];
  const shownError =
    error instanceof ApiError
      ? error.errors.length > 0 && unplaced.length === 0
        ? undefined
        : new ApiError(error.status, railMessage(error.message, lang), { ...error.data, errors: unplaced })
      : error;
  const suggestions =
    error instanceof ApiError && Array.isArray(error.data?.suggestions)
      ? (error.data.suggestions as string[])
      : [];

  return (
    <RailLayout title="search.title">
      <PausedBanner providers={providers} />
      <form className="card form" onSubmit={search} data-testid="rail-search">
        <datalist id="rail-stations">
          {stations.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <div className="grid-2">
          <Field label={t('search.provider')}>
            <select
              value={form.provider}
              onChange={(e) => {
                const p = e.target.value as Provider;
                setForm((f) => ({ ...f, provider: p, ...DEFAULTS[p], types: [...TRAIN_GROUPS_OF[p]] }));
              }}
            >
              <option value="srt">SRT</option>
              <option value="korail">Korail (KTX)</option>
            </select>
          </Field>
          <Field label={t('search.date')} error={bodyErr('date')}>
            <input
              type="date"
              name="date"
              value={form.date}
              onChange={(e) => set('date', e.target.value)}
              required
            />
          </Field>
          <Field label={t('search.from')} error={bodyErr('from')}>
            <input
              name="from"
              list="rail-stations"
              value={form.from}
              onChange={(e) => set('from', e.target.value)}
              required
            />
          </Field>
          <Field label={t('search.to')} error={bodyErr('to')}>
            <input
              name="to"
              list="rail-stations"
              value={form.to}
              onChange={(e) => set('to', e.target.value)}
              required
            />
          </Field>
          <Field label={t('search.time')} error={bodyErr('time')}>
            <input type="time" name="time" value={form.time} onChange={(e) => set('time', e.target.value)} />
          </Field>
          <Field label={t('search.seat')}>
            <select value={form.seatPolicy} onChange={(e) => set('seatPolicy', e.target.value as SeatPolicy)}>
              {(['general-first', 'general-only', 'special-first', 'special-only'] as const).map((p) => (
                <option key={p} value={p}>
                  {t(`policy.${p}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('watches.position')}>
            <select
              name="seatPosition"
              value={form.seatPosition}
              onChange={(e) => set('seatPosition', e.target.value as Form['seatPosition'])}
            >
              {POSITIONS.map((p) => (
                <option key={p} value={p}>
                  {t(`position.${p}`)}
                </option>
              ))}
            </select>
          </Field>
          {form.provider === 'korail' && (
            <Field label={t('watches.direction')}>
              <select
                name="seatDirection"
                value={form.seatDirection}
                onChange={(e) => set('seatDirection', e.target.value as Form['seatDirection'])}
              >
                {DIRECTIONS.map((p) => (
                  <option key={p} value={p}>
                    {t(`direction.${p}`)}
                  </option>
                ))}
              </select>
            </Field>
          )}
        </div>
        <PassengerFields
          provider={form.provider}
          legend={t('search.passengers')}
          values={form.passengers}
          onChange={(k, v) => set('passengers', { ...form.passengers, [k]: Number(v) })}
          errors={errs}
          groupError={errs['body.passengers']}
          testId="rail-search-passengers"
          inputWidth={110}
        />
        {offered.length > 1 && (
          <TrainTypesField
            provider={form.provider}
            value={form.types}
            onChange={(types) => set('types', types)}
            error={bodyErr('trainTypes')}
          />
        )}
        <div className="actions">
          <Field label={t('watches.selection')}>
            <select
              value={form.selection}
              onChange={(e) => set('selection', e.target.value as Form['selection'])}
              style={{ width: 170 }}
            >
              {(['earliest', 'latest', 'random'] as const).map((x) => (
                <option key={x} value={x}>
                  {t(`select.${x}`)}
                </option>
              ))}
            </select>
          </Field>
          <label className="actions" style={{ alignSelf: 'end', paddingBottom: 10 }}>
            <input
              type="checkbox"
              checked={form.standby}
              onChange={(e) => set('standby', e.target.checked)}
              style={{ width: 'auto' }}
            />
            {t('search.standby')}
          </label>
          <button type="submit" className="btn btn-primary" disabled={busy} style={{ alignSelf: 'end' }}>
            {t('search.submit')}
          </button>
        </div>
      </form>

      {suggestions.length > 0 && (
        <div className="alert alert-info" data-testid="station-suggestions">
          {suggestions.map((s) => (
            <button
              key={s}
              type="button"
              className="chip"
              onClick={() => {
                const field = bodyErr('from') ? 'from' : 'to';
                set(field, s);
              }}
            >
              {s}
            </button>
          ))}
        </div>
      )}
      {pending && <RailProgress pending={pending} />}
      <ErrorBox error={shownError} />
      {reserved && <ReservedCard r={reserved} />}
      {notice && (
        <div className="alert alert-success" role="status">
          {notice.text} <Link to={notice.link}>→</Link>
        </div>
      )}

      {trains && (
        <TrainResults
          trains={trains}
          route={form}
          searchedTypes={searchedTypes}
          seatPolicy={form.seatPolicy}
          windowTo={windowTo}
          onWindowTo={setWindowTo}
          busy={busy}
          onAct={act}
        />
      )}
      <PlannedWatch trip={trip} body={{ passengers, ...seats, standby: form.standby }} />
    </RailLayout>
  );
}
