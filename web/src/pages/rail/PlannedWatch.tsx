/**
 * A watch by train numbers, for any date up to a month past the booking window: several trains (the
 * first to free a seat is taken) and a start time. A date not on sale yet waits for the operator's
 * opening (07:00 KST, D-30 SRT / D-31 Korail) and is checked first from then on.
 */
import { type FormEvent, useState } from 'react';
import { ApiError, post } from '../../api.ts';
import { shortDateTime } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { ErrorBox, Field, fieldErrors, useAction } from '../../ui.tsx';
import type { Provider, RailWatch, SeatPolicy } from './api.ts';
import { fromKstInput, trainList } from './EditWatch.tsx';
import { railMessage, useRailT } from './i18n.ts';

const BOOKING_DAYS: Record<Provider, number> = { srt: 30, korail: 31 };

/** When the operator opens sales for `date` (YYYY-MM-DD): 07:00 KST that many days before. */
export function salesOpen(provider: Provider, date: string): Date | undefined {
  const day = Date.parse(`${date}T07:00:00+09:00`);
  return Number.isNaN(day) ? undefined : new Date(day - BOOKING_DAYS[provider] * 86_400_000);
}

export function PlannedWatch({
  trip,
  body,
}: {
  trip: { provider: Provider; from: string; to: string; date: string };
  /** The rest of the watch as the search form has it (passengers, seats, standby). */
  body: { passengers: Record<string, number>; seatPolicy: SeatPolicy } & Record<string, unknown>;
}) {
  const t = useRailT();
  const { lang } = useI18n();
  const [trains, setTrains] = useState('');
  const [startAt, setStartAt] = useState('');
  const [made, setMade] = useState<RailWatch | undefined>();
  const { busy, error, run } = useAction();
  const opens = salesOpen(trip.provider, trip.date);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMade(undefined);
    await run(async () => {
      const d = await post<{ watch: RailWatch }>('/api/rail/watches', {
        ...trip,
        ...body,
        trainNos: trainList(trains),
        ...(startAt ? { startAt: fromKstInput(startAt) } : {}),
      });
      setMade(d.watch);
    });
  };
  const errs = Object.fromEntries(
    Object.entries(fieldErrors(error)).map(([path, message]) => [path, railMessage(message, lang)]),
  );
  const own = (k: string) =>
    errs[`body.${k}`] ?? Object.entries(errs).find(([p]) => p.startsWith(`body.${k}.`))?.[1];
  const placed = ['trainNos', 'startAt'];
  const rest =
    error instanceof ApiError
      ? error.errors.filter(
          (x) => !placed.some((k) => x.path === `body.${k}` || x.path.startsWith(`body.${k}.`)),
        )
      : [];
  const boxError =
    error instanceof ApiError && error.errors.length > 0
      ? rest.length
        ? new ApiError(error.status, railMessage(error.message, lang), { errors: rest })
        : undefined
      : error;
  return (
    <form
      className="card form"
      onSubmit={submit}
      noValidate
      data-testid="rail-planned-watch"
      style={{ marginTop: 16 }}
    >
      <h3 style={{ margin: 0 }}>{t('plan.title')}</h3>
      <p className="muted small" style={{ margin: 0 }}>
        {t('plan.hint')}
      </p>
      {opens && opens.getTime() > Date.now() && (
        <div className="alert alert-info" data-testid="rail-planned-opens">
          {t('plan.opens', { date: trip.date, when: shortDateTime(opens.toISOString(), 'Asia/Seoul', lang) })}
        </div>
      )}
      <div className="grid-2">
        <Field label={t('watches.trainNos')} error={own('trainNos')} hint={t('watches.trainNosHint')}>
          <input
            name="trainNos"
            value={trains}
            placeholder="305, 307"
            onChange={(e) => setTrains(e.target.value)}
          />
        </Field>
        <Field label={t('watches.startAt')} error={own('startAt')} hint={t('watches.startAtHint')}>
          <input
            type="datetime-local"
            name="startAt"
            value={startAt}
            onChange={(e) => setStartAt(e.target.value)}
          />
        </Field>
      </div>
      <ErrorBox error={boxError} />
      {made && (
        <div className="alert alert-success" role="status" data-testid="rail-planned-made">
          {t('search.watching')}{' '}
          {made.startAt &&
            t(made.opensAt ? 'watches.opensAt' : 'watches.startsAt', {
              when: shortDateTime(made.startAt, 'Asia/Seoul', lang),
            })}{' '}
          <Link to="/rail/watches">→</Link>
        </div>
      )}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('plan.submit')}
        </button>
      </div>
    </form>
  );
}
