import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { ApiError, api, del, get, post } from '../../api.ts';
import { shortDateTime } from '../../format.ts';
import { type Lang, useI18n } from '../../i18n.tsx';
import { serverMessage } from '../../messages.ts';
import { Badge, ErrorBox, Field, fieldErrors, Loading, useAction, useConfirm, useLoad } from '../../ui.tsx';
import {
  chosenGroups,
  hhmm,
  label,
  type RailWatch,
  type SeatPolicy,
  TRAIN_GROUPS_OF,
  type TrainGroup,
  ymd,
} from './api.ts';
import { type RailT, railMessage, useRailT } from './i18n.ts';
import { PausedBanner, RailLayout, useRailProviders } from './Layout.tsx';
import { PASSENGER_TYPES, PassengerFields, type PassengerType } from './Passengers.tsx';
import { TrainTypesField } from './TrainTypes.tsx';

const TONE = {
  waiting: 'gray',
  trying: 'blue',
  reserved: 'green',
  failed: 'red',
  stopped: 'gray',
  standby: 'amber',
  standbyEnded: 'gray',
} as const;
const live = (w: RailWatch) => w.status === 'waiting' || w.status === 'trying';
/** A watch that holds a standby request (예약대기) the operator has not answered yet. */
const standbyOpen = (w: RailWatch) => !!w.reservation?.standby && w.reservation.status === 'held';
/**
 * What the card says: a standby request is not a seat, so it is not shown as reserved; one that
 * ended without a seat (and did not send its watch back to work) says so.
 */
function shownStatus(w: RailWatch): keyof typeof TONE {
  if (w.status !== 'reserved' || !w.reservation?.standby) return w.status;
  return w.reservation.status === 'held' ? 'standby' : 'standbyEnded';
}

const CHANNELS = ['email', 'discord', 'slack', 'telegram', 'kakao'] as const;
const POLICIES = ['general-first', 'general-only', 'special-first', 'special-only'] as const;
const POSITIONS = ['any', 'window', 'aisle'] as const;
const SELECTIONS = ['earliest', 'latest', 'random'] as const;
/** The fields the edit form shows next to their input; other server errors go to the box below. */
const PLACED = [
  'timeFrom',
  'timeTo',
  'trainNo',
  'passengers',
  'seatPolicy',
  'seatPosition',
  'selection',
  'trainTypes',
  'standby',
  'notify',
  'deadline',
  'stopBeforeMinutes',
];

// Rail times are Korea's wall clock whatever the browser's zone (the operators sell in KST).
const KST_MS = 9 * 3_600_000;
const toKstInput = (iso: string | null) =>
  iso ? new Date(new Date(iso).getTime() + KST_MS).toISOString().slice(0, 16) : '';
const fromKstInput = (v: string) => (v ? `${v}:00+09:00` : null);

function Check({
  checked,
  onChange,
  children,
  name,
}: {
  checked: boolean;
  onChange: (v: boolean) => void;
  children: ReactNode;
  name?: string;
}) {
  return (
    <label className="actions" style={{ gap: 6 }}>
      <input
        type="checkbox"
        name={name}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        style={{ width: 'auto' }}
      />
      {children}
    </label>
  );
}

/** Every setting of a live watch that can still change (not the operator, route or date). */
function EditWatch({ w, onDone, onCancel }: { w: RailWatch; onDone: () => void; onCancel: () => void }) {
  const t = useRailT();
  const { lang } = useI18n();
  const [mode, setMode] = useState<'window' | 'train'>(w.trainNo ? 'train' : 'window');
  const [from, setFrom] = useState(hhmm(w.timeFrom));
  const [to, setTo] = useState(hhmm(w.timeTo));
  const [trainNo, setTrainNo] = useState(w.trainNo ?? '');
  const [passengers, setPassengers] = useState<Record<PassengerType, string>>(
    () =>
      Object.fromEntries(PASSENGER_TYPES.map((k) => [k, String(w.passengers[k] ?? 0)])) as Record<
        PassengerType,
        string
      >,
  );
  const [seatPolicy, setSeatPolicy] = useState<SeatPolicy>(w.seatPolicy);
  const [seatPosition, setSeatPosition] = useState<RailWatch['seatPosition']>(w.seatPosition);
  const [selection, setSelection] = useState(w.selection);
  const [types, setTypes] = useState<TrainGroup[]>(() => chosenGroups(w.provider, w.trainTypes));
  const offered = TRAIN_GROUPS_OF[w.provider];
  const [standby, setStandby] = useState(w.standby);
  const [notify, setNotify] = useState<string[]>(w.notify);
  const [deadline, setDeadline] = useState(toKstInput(w.deadline));
  const [stopBefore, setStopBefore] = useState(String(w.stopBeforeMinutes));
  const { busy, error, run } = useAction();

  const save = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      await patch(`/api/rail/watches/${w.id}`, {
        ...(mode === 'train' ? { trainNo: trainNo.trim() } : { timeFrom: from, timeTo: to, trainNo: null }),
        // Empty boxes count as 0; anything else goes as typed so the server names what is wrong.
        passengers: Object.fromEntries(PASSENGER_TYPES.map((k) => [k, Number(passengers[k] || 0)])),
        seatPolicy,
        seatPosition,
        // Every family ticked is no filter (null); none ticked goes as [] so the server names it.
        ...(mode === 'window'
          ? {
              selection,
              ...(offered.length > 1 ? { trainTypes: types.length === offered.length ? null : types } : {}),
            }
          : {}),
        standby,
        notify: CHANNELS.filter((c) => notify.includes(c)),
        deadline: fromKstInput(deadline),
        ...(stopBefore.trim() ? { stopBeforeMinutes: Number(stopBefore) } : {}),
      });
      onDone();
    });
  };

  const errs = Object.fromEntries(
    Object.entries(fieldErrors(error)).map(([path, message]) => [path, railMessage(message, lang)]),
  );
  // A field's own error, or the first one inside it (`body.passengers.adult`, `body.notify.0`).
  const errOf = (k: string) =>
    errs[`body.${k}`] ??
    Object.entries(errs).find(([path]) => path.startsWith(`body.${k}.`))?.[1] ??
    undefined;
  const unplaced =
    error instanceof ApiError
      ? error.errors.filter(
          (e) => !PLACED.some((k) => e.path === `body.${k}` || e.path.startsWith(`body.${k}.`)),
        )
      : [];
  const boxError =
    error instanceof ApiError && error.errors.length > 0
      ? unplaced.length
        ? new ApiError(error.status, error.message, { errors: unplaced })
        : undefined
      : error;
  const grid = { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))', gap: 14 };

  return (
    <form
      className="form"
      noValidate
      onSubmit={save}
      data-testid="rail-watch-edit"
      style={{ marginTop: 12, paddingTop: 12, borderTop: '1px solid var(--line)' }}
    >
      <div className="actions" role="radiogroup" aria-label={t('watches.mode')}>
        <span className="field-label">{t('watches.mode')}</span>
        {(['window', 'train'] as const).map((m) => (
          <label key={m} className="actions" style={{ gap: 6 }}>
            <input
              type="radio"
              name={`mode-${w.id}`}
              value={m}
              checked={mode === m}
              onChange={() => setMode(m)}
              style={{ width: 'auto' }}
            />
            {t(m === 'window' ? 'watches.modeWindow' : 'watches.modeTrain')}
          </label>
        ))}
      </div>
      <div style={grid}>
        {mode === 'window' ? (
          <>
            <Field label={t('watches.timeFrom')} error={errOf('timeFrom')}>
              <input type="time" name="timeFrom" value={from} onChange={(e) => setFrom(e.target.value)} />
            </Field>
            <Field label={t('watches.timeTo')} error={errOf('timeTo')}>
              <input type="time" name="timeTo" value={to} onChange={(e) => setTo(e.target.value)} />
            </Field>
            <Field label={t('watches.selection')} error={errOf('selection')}>
              <select
                name="selection"
                value={selection}
                onChange={(e) => setSelection(e.target.value as RailWatch['selection'])}
              >
                {SELECTIONS.map((s) => (
                  <option key={s} value={s}>
                    {t(`select.${s}`)}
                  </option>
                ))}
              </select>
            </Field>
          </>
        ) : (
          <Field label={t('watches.trainNo')} error={errOf('trainNo')}>
            <input
              name="trainNo"
              inputMode="numeric"
              value={trainNo}
              onChange={(e) => setTrainNo(e.target.value)}
            />
          </Field>
        )}
      </div>
      {mode === 'window' && offered.length > 1 && (
        <TrainTypesField
          provider={w.provider}
          value={types}
          onChange={setTypes}
          error={errOf('trainTypes')}
        />
      )}
      <PassengerFields
        legend={t('watches.passengers')}
        values={passengers}
        onChange={(k, v) => setPassengers((p) => ({ ...p, [k]: v }))}
        errors={errs}
        groupError={errs['body.passengers'] && serverMessage(errs['body.passengers'], lang)}
        testId="rail-watch-passengers"
      />
      <div style={grid}>
        <Field label={t('search.seat')} error={errOf('seatPolicy')}>
          <select
            name="seatPolicy"
            value={seatPolicy}
            onChange={(e) => setSeatPolicy(e.target.value as SeatPolicy)}
          >
            {POLICIES.map((p) => (
              <option key={p} value={p}>
                {t(`policy.${p}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('watches.position')} error={errOf('seatPosition')}>
          <select
            name="seatPosition"
            value={seatPosition}
            onChange={(e) => setSeatPosition(e.target.value as RailWatch['seatPosition'])}
          >
            {POSITIONS.map((p) => (
              <option key={p} value={p}>
                {t(`position.${p}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('watches.deadline')} error={errOf('deadline')} hint={t('watches.deadlineHint')}>
          <input
            type="datetime-local"
            name="deadline"
            value={deadline}
            onChange={(e) => setDeadline(e.target.value)}
          />
        </Field>
        <Field label={t('watches.stopBefore')} error={errOf('stopBeforeMinutes')}>
          <input
            type="number"
            name="stopBeforeMinutes"
            min={0}
            max={1440}
            value={stopBefore}
            onChange={(e) => setStopBefore(e.target.value)}
          />
        </Field>
      </div>
      <Check name="standby" checked={standby} onChange={setStandby}>
        {t('search.standby')}
      </Check>
      {errOf('standby') && <div className="field-error">{errOf('standby')}</div>}
      <div className={`field${errOf('notify') ? ' field-invalid' : ''}`}>
        <span className="field-label">{t('watches.notify')}</span>
        <div className="actions" style={{ gap: 16 }}>
          {CHANNELS.map((c) => (
            <Check
              key={c}
              name={`notify-${c}`}
              checked={notify.includes(c)}
              onChange={(on) => setNotify((n) => (on ? [...n, c] : n.filter((x) => x !== c)))}
            >
              {t(`channel.${c}`)}
            </Check>
          ))}
        </div>
        {errOf('notify') ? (
          <span className="field-error">{errOf('notify')}</span>
        ) : (
          <span className="field-hint">{t('watches.notifyHint')}</span>
        )}
      </div>
      <ErrorBox error={boxError} />
      <div className="actions">
        <button type="submit" className="btn btn-small btn-primary" disabled={busy}>
          {t('watches.save')}
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={onCancel}>
          {t('watches.cancel')}
        </button>
      </div>
    </form>
  );
}

const patch = (path: string, body: unknown) => api('PATCH', path, body);

/** The watch's hold: a standby request waiting or ended, or a seat with its payment deadline. */
function WatchReservation({ r }: { r: NonNullable<RailWatch['reservation']> }) {
  const t = useRailT();
  const { lang } = useI18n();
  const train = `${t('res.pnr', { pnr: r.pnr })} · ${r.trainType} ${r.trainNo} ${hhmm(r.departure)}`;
  if (r.standby)
    return (
      <div
        className={`alert ${r.status === 'held' ? 'alert-warn' : 'alert-info'}`}
        data-testid="rail-watch-standby"
        style={{ marginTop: 8 }}
      >
        {train} · {t(r.status === 'held' ? 'watches.standbyNote' : 'watches.standbyEndedNote')}
      </div>
    );
  return (
    <div className="alert alert-success" data-testid="rail-watch-reservation" style={{ marginTop: 8 }}>
      {train} · {r.seats.map((s) => `${s.car}-${s.seat}`).join(', ')}
      {r.paymentDeadline &&
        r.status === 'held' &&
        ` · ${t('watches.payBy', { when: shortDateTime(r.paymentDeadline, 'Asia/Seoul', lang) })}`}
    </div>
  );
}

/** The last result in the reader's language; a standby request is not called "reserved". */
function lastResult(w: RailWatch, t: RailT, lang: Lang): string {
  const text = w.lastResult ?? '';
  if (w.reservation?.standby && /^reserved /.test(text))
    return t('watches.standbyPlaced', { pnr: w.reservation.pnr });
  return railMessage(text, lang);
}

/** "train 305: 1 seat left, 2 asked": a train with seats, but too few for the whole party. */
function shortageText(x: RailWatch['shortage'][number], t: RailT): string {
  if (x.seatsLeft === null) return t('watches.shortUnknown', { train: x.trainNo, asked: x.asked });
  return t(x.seatsLeft === 1 ? 'watches.shortOne' : 'watches.short', {
    train: x.trainNo,
    left: x.seatsLeft,
    asked: x.asked,
  });
}
/**
 * The shortage note on a phone: each train on a line of its own above the why, Korean words kept
 * whole when the line wraps (the browser would otherwise split 않습니/다), long numbers still wrap.
 * Sized here because .alert's own size overrides the .small class.
 */
const SHORTAGE_STYLE = {
  marginTop: 8,
  fontSize: '0.85rem',
  lineHeight: 1.5,
  wordBreak: 'keep-all',
  overflowWrap: 'anywhere',
} as const;

/** What the watch will reserve, in words: passengers, seats, channels, when it gives up. */
function terms(w: RailWatch, t: RailT, lang: Lang): string[] {
  return [
    ...(w.trainTypes && !w.trainNo
      ? [
          t('types.only', {
            list: chosenGroups(w.provider, w.trainTypes)
              .map((g) => t(`group.${g}`))
              .join('·'),
          }),
        ]
      : []),
    ...PASSENGER_TYPES.filter((k) => (w.passengers[k] ?? 0) > 0).map(
      (k) => `${t(`pax.${k}`)} ${w.passengers[k]}`,
    ),
    t(`policy.${w.seatPolicy}`),
    ...(w.seatPosition !== 'any' ? [t(`position.${w.seatPosition}`)] : []),
    ...(w.standby ? [t('watches.standbyOn')] : []),
    w.notify.length
      ? CHANNELS.filter((c) => w.notify.includes(c))
          .map((c) => t(`channel.${c}`))
          .join('·')
      : t('watches.noNotify'),
    ...(w.deadline ? [t('watches.until', { when: shortDateTime(w.deadline, 'Asia/Seoul', lang) })] : []),
    t('watches.stopsBefore', { n: w.stopBeforeMinutes }),
  ];
}

export function RailWatchesPage() {
  const t = useRailT();
  const { lang } = useI18n();
  const { data, error, loading, reload } = useLoad(
    () => get<{ watches: RailWatch[] }>('/api/rail/watches'),
    [],
  );
  const [editing, setEditing] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();
  const confirm = useConfirm();
  const { providers, refresh: refreshProviders } = useRailProviders();
  // Live state: poll while any watch is still working or waits for the operator's standby answer.
  const anyLive = data?.watches.some((w) => live(w) || standbyOpen(w)) ?? false;
  // Watches failing (a block stops them all) may mean an operator pause: ask for the banner again.
  const failed = data?.watches.filter((w) => w.status === 'failed').length ?? 0;
  useEffect(() => {
    if (failed) void refreshProviders();
  }, [failed, refreshProviders]);
  useEffect(() => {
    if (!anyLive) return;
    const id = setInterval(() => void reload(), 2000);
    return () => clearInterval(id);
  }, [anyLive, reload]);

  const stop = async (w: RailWatch) => {
    if (!(await confirm.ask(t('watches.stopAsk')))) return;
    try {
      await post(`/api/rail/watches/${w.id}/stop`);
      await reload();
    } catch (err) {
      setActionError(err);
    }
  };
  const remove = async (w: RailWatch) => {
    try {
      await del(`/api/rail/watches/${w.id}`);
      await reload();
    } catch (err) {
      setActionError(err);
    }
  };

  return (
    <RailLayout title="watches.title">
      {confirm.element}
      <PausedBanner providers={providers} />
      <ErrorBox error={error ?? actionError} onRetry={reload} />
      {loading && !data ? (
        <Loading />
      ) : data?.watches.length === 0 ? (
        <p className="empty card">{t('watches.empty')}</p>
      ) : (
        <div className="tickets">
          {data?.watches.map((w) => (
            <article
              key={w.id}
              className="card"
              data-testid="rail-watch"
              data-watch={w.id}
              data-status={w.status}
              data-shown={shownStatus(w)}
            >
              <div className="row">
                <div>
                  <Badge tone={TONE[shownStatus(w)]}>{t(`status.${shownStatus(w)}`)}</Badge>{' '}
                  <strong>
                    {label(w.provider)} {w.from} → {w.to}
                  </strong>{' '}
                  {ymd(w.date)}{' '}
                  {w.trainNo
                    ? t('watches.train', { no: w.trainNo })
                    : `${hhmm(w.timeFrom)}–${hhmm(w.timeTo)}`}
                  {!w.trainNo && <span className="muted small"> · {t(`select.${w.selection}`)}</span>}
                  <div className="muted small" data-testid="rail-watch-terms">
                    {terms(w, t, lang).join(' · ')}
                  </div>
                </div>
                <div className="actions">
                  {live(w) && (
                    <>
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => setEditing(editing === w.id ? undefined : w.id)}
                      >
                        {t('watches.edit')}
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-danger-ghost"
                        onClick={() => stop(w)}
                      >
                        {t('watches.stop')}
                      </button>
                    </>
                  )}
                  {!live(w) && (
                    <button type="button" className="btn btn-small btn-ghost" onClick={() => remove(w)}>
                      {t('watches.delete')}
                    </button>
                  )}
                </div>
              </div>
              <div className="muted small" data-testid="rail-watch-progress">
                {t('watches.attempts', { n: w.attempts })}
                {w.lastPollAt &&
                  ` · ${t('watches.lastPoll', { when: shortDateTime(w.lastPollAt, 'Asia/Seoul', lang) })}`}
                {w.lastResult && ` · ${lastResult(w, t, lang)}`}
              </div>
              {live(w) && w.shortage.length > 0 && (
                <div className="alert alert-info" data-testid="rail-watch-shortage" style={SHORTAGE_STYLE}>
                  {w.shortage.map((x) => (
                    <strong key={x.trainNo} style={{ display: 'block' }}>
                      {shortageText(x, t)}
                    </strong>
                  ))}
                  <span style={{ display: 'block' }}>{t('watches.shortWhy')}</span>
                </div>
              )}
              {w.failReason && w.status !== 'reserved' && (
                <div className="field-error">{railMessage(w.failReason, lang)}</div>
              )}
              {w.reservation && <WatchReservation r={w.reservation} />}
              {editing === w.id && live(w) && (
                <EditWatch
                  key={w.id}
                  w={w}
                  onCancel={() => setEditing(undefined)}
                  onDone={() => {
                    setEditing(undefined);
                    void reload();
                  }}
                />
              )}
            </article>
          ))}
        </div>
      )}
    </RailLayout>
  );
}
