/** The edit form of a live watch: every setting that can still change. */
import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError, api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { serverMessage } from '../../messages.ts';
import { ErrorBox, Field, fieldErrors, useAction } from '../../ui.tsx';
import {
  chosenGroups,
  hhmm,
  type RailWatch,
  type SeatPolicy,
  TRAIN_GROUPS_OF,
  type TrainGroup,
} from './api.ts';
import { railMessage, useRailT } from './i18n.ts';
import { PASSENGER_TYPES, PassengerFields, type PassengerType } from './Passengers.tsx';
import { TrainTypesField } from './TrainTypes.tsx';

export const CHANNELS = ['email', 'discord', 'slack', 'telegram', 'kakao'] as const;
const POLICIES = ['general-first', 'general-only', 'special-first', 'special-only'] as const;
export const POSITIONS = ['any', 'window', 'aisle'] as const;
export const DIRECTIONS = ['any', 'forward', 'backward'] as const;
/** "305, 307 309" → ["305", "307", "309"]: what the trains box sends. */
export const trainList = (v: string) => v.split(/[\s,]+/).filter(Boolean);
const SELECTIONS = ['earliest', 'latest', 'random'] as const;
/** The fields the edit form shows next to their input; other server errors go to the box below. */
const PLACED = [
  'timeFrom',
  'timeTo',
  'trainNo',
  'trainNos',
  'passengers',
  'seatDirection',
  'startAt',
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
export const fromKstInput = (v: string) => (v ? `${v}:00+09:00` : null);

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
export function EditWatch({
  w,
  onDone,
  onCancel,
}: {
  w: RailWatch;
  onDone: () => void;
  onCancel: () => void;
}) {
  const t = useRailT();
  const { lang } = useI18n();
  const [mode, setMode] = useState<'window' | 'train'>(w.trainNo ? 'train' : 'window');
  const [from, setFrom] = useState(hhmm(w.timeFrom));
  const [to, setTo] = useState(hhmm(w.timeTo));
  const [trainNo, setTrainNo] = useState(w.trainNos.join(', '));
  const [seatDirection, setSeatDirection] = useState<RailWatch['seatDirection']>(w.seatDirection);
  const [startAt, setStartAt] = useState(toKstInput(w.startAt));
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
        ...(mode === 'train'
          ? { trainNos: trainList(trainNo) }
          : { timeFrom: from, timeTo: to, trainNo: null }),
        // Empty boxes count as 0; anything else goes as typed so the server names what is wrong.
        passengers: Object.fromEntries(PASSENGER_TYPES.map((k) => [k, Number(passengers[k] || 0)])),
        seatPolicy,
        seatPosition,
        ...(w.provider === 'korail' ? { seatDirection } : {}),
        startAt: fromKstInput(startAt),
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
          <Field
            label={t('watches.trainNos')}
            error={errOf('trainNos') ?? errOf('trainNo')}
            hint={t('watches.trainNosHint')}
          >
            <input name="trainNos" value={trainNo} onChange={(e) => setTrainNo(e.target.value)} />
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
        provider={w.provider}
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
        {w.provider === 'korail' && (
          <Field label={t('watches.direction')} error={errOf('seatDirection')}>
            <select
              name="seatDirection"
              value={seatDirection}
              onChange={(e) => setSeatDirection(e.target.value as RailWatch['seatDirection'])}
            >
              {DIRECTIONS.map((p) => (
                <option key={p} value={p}>
                  {t(`direction.${p}`)}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label={t('watches.startAt')} error={errOf('startAt')} hint={t('watches.startAtHint')}>
          <input
            type="datetime-local"
            name="startAt"
            value={startAt}
            onChange={(e) => setStartAt(e.target.value)}
          />
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
