import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { del, type EventView, get, type MyHold, type Reservation, type WaitlistEntry } from '../../api.ts';
import { dateTime, shortDateTime, won } from '../../format.ts';
import { type Key, useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { Badge, ErrorBox, Loading, PageTitle, useConfirm, useLoad } from '../../ui.tsx';
import { Poster } from './Events.tsx';
import { MailedNote, MyHolds } from './MyHolds.tsx';

/** "YQ1.12.<wbr>signature": a narrow column breaks the code at its dots, never one character alone. */
function TicketCode({ code }: { code: string }) {
  const dot = code.lastIndexOf('.') + 1;
  return (
    <>
      {code.slice(0, dot)}
      <wbr />
      {code.slice(dot)}
    </>
  );
}

export function QrImage({ text, size = 200 }: { text: string; size?: number }) {
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(text, { width: size * 2, margin: 1, errorCorrectionLevel: 'M' })
      .then((url) => live && setSrc(url))
      .catch(() => live && setSrc(undefined));
    return () => {
      live = false;
    };
  }, [text, size]);
  return src ? (
    <img className="qr" src={src} width={size} height={size} alt={text} data-testid="ticket-qr" />
  ) : (
    <div className="qr qr-placeholder" style={{ width: size, height: size }} />
  );
}

function TicketCard({ r, onCancel }: { r: Reservation; onCancel: (r: Reservation) => void }) {
  const { t, lang } = useI18n();
  const status = r.deleted ? 'cancelled' : r.checkedInAt ? 'checkedIn' : 'confirmed';
  const tone = status === 'cancelled' ? 'red' : status === 'checkedIn' ? 'blue' : 'green';
  return (
    <article className={`ticket card ticket-${status}`} data-testid="ticket" data-reservation={r.id}>
      <div className="ticket-main">
        <Poster event={{ posterUrl: r.posterUrl, title: r.eventTitle }} className="poster-thumb" />
        <div className="ticket-info">
          <div className="ticket-head">
            <Badge tone={tone}>{t(`my.status.${status}` as Key)}</Badge>
            <span className="muted small">{t('hold.reservationNo', { id: r.id })}</span>
          </div>
          <h3>
            <Link to={`/events/${encodeURIComponent(r.eventCode)}`}>{r.eventTitle}</Link>
          </h3>
          <div>{dateTime(r.startsAt, r.timezone, lang)}</div>
          {r.venue && <div className="muted">{r.venue}</div>}
          <div>
            {r.ticketTypeName} × {r.quantity} · <strong>{won(r.totalPrice, lang)}</strong>
          </div>
          {r.cancelledAt && (
            <div className="muted small">
              {t('my.cancelledAt', { when: shortDateTime(r.cancelledAt, r.timezone, lang) })}
            </div>
          )}
          {r.checkedInAt && (
            <div className="muted small">
              {t('my.checkedInAt', { when: shortDateTime(r.checkedInAt, r.timezone, lang) })}
            </div>
          )}
          {!r.deleted && !r.checkedInAt && (
            <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => onCancel(r)}>
              {t('my.cancel')}
            </button>
          )}
        </div>
      </div>
      {r.ticketCode && !r.deleted && (
        <div className="ticket-qr">
          <QrImage text={r.ticketCode} size={150} />
          <div className="muted small">{t('my.showQr')}</div>
          <div className="ticket-code" data-testid="ticket-code" title={t('my.code')}>
            <TicketCode code={r.ticketCode} />
          </div>
        </div>
      )}
    </article>
  );
}

export function MyTicketsPage() {
  const { t, lang } = useI18n();
  const confirm = useConfirm();
  const [actionError, setActionError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const { data, error, loading, reload } = useLoad(async () => {
    const [a, b, c] = await Promise.all([
      get<{ reservations: Reservation[] }>('/api/reservations'),
      get<{ entries: WaitlistEntry[] }>('/api/waitlist'),
      get<{ holds: MyHold[] }>('/api/holds'),
    ]);
    // Waiting list entries do not carry their event's time zone; the public list has it for events to come.
    const zones = new Map<string, string>();
    if (b.entries.length) {
      const list = await get<{ events: EventView[] }>('/api/events').catch(() => ({ events: [] }));
      for (const e of list.events) zones.set(e.id, e.timezone);
    }
    return { reservations: a.reservations, entries: b.entries, zones, holds: c.holds };
  }, []);

  const cancel = async (r: Reservation) => {
    if (!(await confirm.ask(t('my.cancelAsk', { title: r.eventTitle, n: r.quantity })))) return;
    setActionError(undefined);
    try {
      await del(`/api/reservations/${r.id}`);
      setNotice(t('my.cancelled'));
      await reload();
    } catch (err) {
      setActionError(err);
    }
  };

  const leave = async (w: WaitlistEntry) => {
    if (!(await confirm.ask(t('my.leaveAsk')))) return;
    setActionError(undefined);
    try {
      await del(`/api/waitlist/${w.id}`);
      await reload();
    } catch (err) {
      setActionError(err);
    }
  };

  const live = data?.reservations.filter((r) => !r.deleted) ?? [];
  const gone = data?.reservations.filter((r) => r.deleted) ?? [];
  const entries = data?.entries.filter((w) => w.status !== 'left') ?? [];

  return (
    <section>
      {confirm.element}
      <PageTitle k="my.title" />
      {loading && <Loading />}
      <ErrorBox error={error ?? actionError} onRetry={reload} />
      {notice && (
        <div className="alert alert-success" role="status">
          <span>{notice}</span> <MailedNote />
        </div>
      )}
      {data && (
        <>
          <MyHolds holds={data.holds} onRunOut={reload} />
          <h2>{t('my.reservations')}</h2>
          {data.reservations.length === 0 && (
            <p className="empty">
              {t('my.empty')} <Link to="/">{t('my.browse')}</Link>
            </p>
          )}
          <div className="tickets">
            {[...live, ...gone].map((r) => (
              <TicketCard key={r.id} r={r} onCancel={cancel} />
            ))}
          </div>
          <h2>{t('my.waitlist')}</h2>
          {entries.length === 0 && <p className="empty">{t('my.waitlistEmpty')}</p>}
          <div className="waitlist">
            {entries.map((w) => (
              <div key={w.id} className="card waitlist-entry" data-testid="waitlist-entry">
                <div>
                  <strong>{w.eventTitle}</strong>
                  <div className="muted">
                    {dateTime(w.startsAt, data.zones.get(w.eventId) ?? 'Asia/Seoul', lang)}
                  </div>
                  <div>
                    {w.ticketTypeName} × {w.quantity}
                  </div>
                </div>
                <div className="waitlist-state">
                  <Badge tone={w.status === 'offered' ? 'green' : w.status === 'waiting' ? 'blue' : 'gray'}>
                    {t(`wl.${w.status}` as Key)}
                  </Badge>
                  {w.status === 'waiting' && w.position !== null && (
                    <span>{t('my.position', { n: w.position })}</span>
                  )}
                  {w.status === 'offered' && w.hold && (
                    <>
                      <span>
                        {t('my.offer', {
                          when: shortDateTime(w.hold.expiresAt, data.zones.get(w.eventId), lang),
                        })}
                      </span>
                      <Link className="btn btn-primary btn-small" to={`/holds/${w.hold.id}`}>
                        {t('my.openOffer')}
                      </Link>
                    </>
                  )}
                  {(w.status === 'waiting' || w.status === 'offered') && (
                    <button type="button" className="btn btn-small btn-ghost" onClick={() => leave(w)}>
                      {t('my.leave')}
                    </button>
                  )}
                </div>
              </div>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
