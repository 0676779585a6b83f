import { useEffect, useState } from 'react';
import { api, del, get, post } from '../../api.ts';
import { shortDateTime } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import { Badge, ErrorBox, Loading, useConfirm, useLoad } from '../../ui.tsx';
import { hhmm, label, type RailWatch, ymd } from './api.ts';
import { useRailT } from './i18n.ts';
import { RailLayout } from './Layout.tsx';

const TONE = { waiting: 'gray', trying: 'blue', reserved: 'green', failed: 'red', stopped: 'gray' } as const;
const live = (w: RailWatch) => w.status === 'waiting' || w.status === 'trying';

function EditWatch({ w, onDone }: { w: RailWatch; onDone: () => void }) {
  const t = useRailT();
  const [selection, setSelection] = useState(w.selection);
  const [from, setFrom] = useState(hhmm(w.timeFrom));
  const [to, setTo] = useState(hhmm(w.timeTo));
  const [error, setError] = useState<unknown>();
  const save = async () => {
    try {
      await patch(`/api/rail/watches/${w.id}`, {
        selection,
        ...(w.trainNo ? {} : { timeFrom: from, timeTo: to }),
      });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="actions" style={{ marginTop: 8 }}>
      {!w.trainNo && (
        <>
          <input
            type="time"
            aria-label="from"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            style={{ width: 120 }}
          />
          <input
            type="time"
            aria-label="to"
            value={to}
            onChange={(e) => setTo(e.target.value)}
            style={{ width: 120 }}
          />
        </>
      )}
      <select
        aria-label={t('watches.selection')}
        value={selection}
        onChange={(e) => setSelection(e.target.value as RailWatch['selection'])}
        style={{ width: 180 }}
      >
        {(['earliest', 'latest', 'random'] as const).map((s) => (
          <option key={s} value={s}>
            {t(`select.${s}`)}
          </option>
        ))}
      </select>
      <button type="button" className="btn btn-small btn-primary" onClick={save}>
        {t('watches.save')}
      </button>
      <ErrorBox error={error} />
    </div>
  );
}

const patch = (path: string, body: unknown) => api('PATCH', path, body);

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
  // Live state: poll while any watch is still working.
  const anyLive = data?.watches.some(live) ?? false;
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
      <ErrorBox error={error ?? actionError} onRetry={reload} />
      {loading && !data ? (
        <Loading />
      ) : data?.watches.length === 0 ? (
        <p className="empty card">{t('watches.empty')}</p>
      ) : (
        <div className="tickets">
          {data?.watches.map((w) => (
            <article key={w.id} className="card" data-testid="rail-watch" data-status={w.status}>
              <div className="row">
                <div>
                  <Badge tone={TONE[w.status]}>{t(`status.${w.status}`)}</Badge>{' '}
                  <strong>
                    {label(w.provider)} {w.from} → {w.to}
                  </strong>{' '}
                  {ymd(w.date)}{' '}
                  {w.trainNo
                    ? t('watches.train', { no: w.trainNo })
                    : `${hhmm(w.timeFrom)}–${hhmm(w.timeTo)}`}
                  <span className="muted small"> · {t(`select.${w.selection}`)}</span>
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
                {w.lastResult && ` · ${w.lastResult}`}
              </div>
              {w.failReason && w.status !== 'reserved' && <div className="field-error">{w.failReason}</div>}
              {w.reservation && (
                <div className="alert alert-success" style={{ marginTop: 8 }}>
                  {t('res.pnr', { pnr: w.reservation.pnr })} · {w.reservation.trainType}{' '}
                  {w.reservation.trainNo} {hhmm(w.reservation.departure)} ·{' '}
                  {w.reservation.seats.map((s) => `${s.car}-${s.seat}`).join(', ')}
                </div>
              )}
              {editing === w.id && live(w) && (
                <EditWatch
                  w={w}
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
