/** The trains a search found: availability per class, and reserve or watch each (or a window). */
import { won } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import { Badge, TableWrap } from '../../ui.tsx';
import { hhmm, type RailTrain, type SeatPolicy, type TrainGroup } from './api.ts';
import { useRailT } from './i18n.ts';

function AvailBadge({ v }: { v: RailTrain['general'] }) {
  const t = useRailT();
  return (
    <Badge tone={v === 'available' ? 'green' : v === 'sold-out' ? 'red' : 'gray'}>{t(`avail.${v}`)}</Badge>
  );
}

export function TrainResults({
  trains,
  route,
  searchedTypes,
  seatPolicy,
  windowTo,
  onWindowTo,
  busy,
  onAct,
}: {
  trains: RailTrain[];
  /** As the form shows them now (the heading follows the form). */
  route: { from: string; to: string; date: string; time: string };
  /** The filter the shown trains were searched with; null for none. */
  searchedTypes: TrainGroup[] | null;
  seatPolicy: SeatPolicy;
  windowTo: string;
  onWindowTo: (v: string) => void;
  busy: boolean;
  onAct: (kind: 'reserve' | 'watch' | 'window', train?: RailTrain) => void;
}) {
  const t = useRailT();
  const { lang } = useI18n();
  return (
    <section className="card" style={{ marginTop: 16 }}>
      {trains.length === 0 ? (
        <p className="empty">{t('search.none')}</p>
      ) : (
        <>
          <div className="actions" style={{ marginBottom: 12 }}>
            <span>
              {route.from} → {route.to} · {route.date} {route.time}
              {searchedTypes &&
                ` · ${t('types.only', { list: searchedTypes.map((g) => t(`group.${g}`)).join('·') })}`}
            </span>
            <span className="muted">{t('search.windowTo')}</span>
            <input
              type="time"
              aria-label={t('search.windowTo')}
              value={windowTo}
              onChange={(e) => onWindowTo(e.target.value)}
              style={{ width: 130 }}
            />
            <button
              type="button"
              className="btn btn-small btn-secondary"
              disabled={busy}
              onClick={() => onAct('window')}
            >
              {t('search.watchWindow')}
            </button>
          </div>
          <TableWrap>
            <table className="table train-table" data-testid="rail-trains">
              <thead>
                <tr>
                  <th>{t('search.train')}</th>
                  <th>{t('search.dep')}</th>
                  <th>{t('search.arr')}</th>
                  <th>{t('search.general')}</th>
                  <th>{t('search.special')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {trains.map((tr) => {
                  const canReserve =
                    !tr.departed &&
                    (seatPolicy.startsWith('general')
                      ? tr.general === 'available' ||
                        (seatPolicy === 'general-first' && tr.special === 'available')
                      : tr.special === 'available' ||
                        (seatPolicy === 'special-first' && tr.general === 'available'));
                  return (
                    <tr
                      key={tr.trainNo}
                      data-train={tr.trainNo}
                      className={tr.departed ? 'row-muted' : undefined}
                    >
                      <td className="train-name">
                        <strong>{tr.type}</strong> {tr.trainNo}
                      </td>
                      <td className="train-dep" data-label={t('search.dep')}>
                        {hhmm(tr.departure)}
                      </td>
                      <td className="train-arr" data-label={t('search.arr')}>
                        {hhmm(tr.arrival)}
                      </td>
                      <td className="train-general" data-label={t('search.general')}>
                        <AvailBadge v={tr.general} />{' '}
                        {tr.standby && <Badge tone="amber">{t('avail.standby')}</Badge>}
                      </td>
                      <td className="train-special" data-label={t('search.special')}>
                        <AvailBadge v={tr.special} />
                      </td>
                      <td className="train-act" style={{ textAlign: 'right', whiteSpace: 'nowrap' }}>
                        {tr.price ? (
                          <span className="muted small train-price" data-testid="train-price">
                            {won(tr.price, lang)}{' '}
                          </span>
                        ) : null}
                        {tr.departed ? (
                          <span className="muted">{t('search.departed')}</span>
                        ) : canReserve ? (
                          <button
                            type="button"
                            className="btn btn-small btn-primary"
                            disabled={busy}
                            onClick={() => onAct('reserve', tr)}
                          >
                            {t('search.reserve')}
                          </button>
                        ) : (
                          <button
                            type="button"
                            className="btn btn-small btn-secondary"
                            disabled={busy}
                            onClick={() => onAct('watch', tr)}
                          >
                            {t('search.watch')}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
    </section>
  );
}
