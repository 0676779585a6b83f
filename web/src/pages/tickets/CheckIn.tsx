import jsQRModule from 'jsqr';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type CheckinResult, type EventView, get, post, type Reservation } from '../../api.ts';
import { dateTime, shortDateTime } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { ErrorBox, Loading, PageTitle, useAction, useLoad } from '../../ui.tsx';

type Decode = (
  data: Uint8ClampedArray,
  width: number,
  height: number,
  opts?: { inversionAttempts?: string },
) => {
  data: string;
} | null;
// jsqr ships CommonJS with a default export; take whichever the bundler hands over.
const jsQR: Decode =
  (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

function CameraIcon() {
  return (
    <svg
      width="18"
      height="18"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden="true"
    >
      <path d="M4 8h3l2-3h6l2 3h3a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V9a1 1 0 0 1 1-1z" />
      <circle cx="12" cy="13.5" r="3.5" />
    </svg>
  );
}

type Outcome = { result: CheckinResult; ticket?: Reservation; message: string; code: string; at: number };

/** Reads QR codes from the camera; calls onCode for each decoded text. */
function Scanner({ onCode }: { onCode: (text: string) => void }) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [failed, setFailed] = useState(false);
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  const stop = useCallback(() => {
    setStream((s) => {
      for (const track of s?.getTracks() ?? []) track.stop();
      return null;
    });
  }, []);

  const start = async () => {
    setFailed(false);
    if (!navigator.mediaDevices?.getUserMedia) {
      setFailed(true);
      return;
    }
    try {
      const s = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: 'environment' },
        audio: false,
      });
      setStream(s);
    } catch {
      setFailed(true);
    }
  };

  useEffect(() => {
    const v = video.current;
    if (!stream || !v) return;
    v.srcObject = stream;
    void v.play().catch(() => undefined);
    let frame = 0;
    let last = 0;
    const tick = (time: number) => {
      frame = requestAnimationFrame(tick);
      if (time - last < 150) return; // about 7 scans a second is plenty
      last = time;
      const c = canvas.current;
      if (!c || v.readyState < 2 || !v.videoWidth) return;
      const scale = Math.min(1, 640 / v.videoWidth);
      c.width = Math.round(v.videoWidth * scale);
      c.height = Math.round(v.videoHeight * scale);
      const g = c.getContext('2d', { willReadFrequently: true });
      if (!g) return;
      g.drawImage(v, 0, 0, c.width, c.height);
      const img = g.getImageData(0, 0, c.width, c.height);
      const found = jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });
      if (found?.data) onCodeRef.current(found.data);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [stream]);

  useEffect(() => () => stop(), [stop]);

  return (
    <div className="scanner">
      {stream ? (
        <>
          <div className="scanner-view">
            <video ref={video} muted playsInline />
            <div className="scanner-frame" aria-hidden="true" />
          </div>
          <p className="muted small">{t('checkin.scanning')}</p>
          <button type="button" className="btn btn-small" onClick={stop}>
            {t('checkin.stopCamera')}
          </button>
        </>
      ) : (
        <button type="button" className="btn" onClick={start}>
          <CameraIcon /> {t('checkin.startCamera')}
        </button>
      )}
      {failed && <div className="alert alert-warn">{t('checkin.noCamera')}</div>}
      <canvas ref={canvas} hidden />
    </div>
  );
}

function useResultTitle() {
  const { t } = useI18n();
  return (result: CheckinResult) =>
    result === 'checked-in'
      ? t('checkin.ok')
      : result === 'already'
        ? t('checkin.already')
        : result === 'cancelled'
          ? t('checkin.cancelled')
          : result === 'other-event'
            ? t('checkin.otherEvent')
            : t('checkin.invalid');
}

function ResultPanel({ o, timeZone }: { o: Outcome; timeZone: string }) {
  const { t, lang } = useI18n();
  const tone = o.result === 'checked-in' ? 'green' : o.result === 'already' ? 'amber' : 'red';
  const title = useResultTitle()(o.result);
  const r = o.ticket;
  const icon = tone === 'green' ? '✔' : tone === 'amber' ? '!' : '✖';
  return (
    <div
      className={`checkin-result result-${tone}`}
      data-testid="checkin-result"
      data-result={o.result}
      role="status"
    >
      <div className="checkin-icon" aria-hidden="true">
        {icon}
      </div>
      <div className="checkin-body">
        <div className="result-title">{title}</div>
        {o.result === 'already' && r?.checkedInAt && (
          <div className="checkin-when">
            {t('checkin.alreadyAt', { when: shortDateTime(r.checkedInAt, timeZone, lang) })}
          </div>
        )}
        {o.result === 'invalid' && <div>{t('checkin.invalidDetail')}</div>}
        {o.result === 'other-event' && r && <div>{r.eventTitle}</div>}
        {r && (
          <dl className="checkin-details">
            <dt>{t('checkin.reservation')}</dt>
            <dd>{r.id}</dd>
            <dt>{t('checkin.ticket')}</dt>
            <dd>
              <strong>
                {r.ticketTypeName} × {r.quantity}
              </strong>
            </dd>
            <dt>{t('checkin.when')}</dt>
            <dd>{dateTime(r.startsAt, r.timezone, lang)}</dd>
            <dt>{t('checkin.holder')}</dt>
            <dd>{r.email}</dd>
          </dl>
        )}
        <div className="muted small checkin-code">{o.code}</div>
      </div>
    </div>
  );
}

export function CheckInPage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const [code, setCode] = useState('');
  const { busy, error, run } = useAction();
  const [outcome, setOutcome] = useState<Outcome>();
  const [history, setHistory] = useState<Outcome[]>([]);
  const lastScan = useRef<{ code: string; at: number }>({ code: '', at: 0 });
  const input = useRef<HTMLInputElement>(null);
  const resultTitle = useResultTitle();
  const {
    data,
    error: loadError,
    loading,
    reload,
  } = useLoad(() => get<{ event: EventView }>(`/api/events/${id}`), [id]);

  const check = useCallback(
    async (raw: string) => {
      const qr = raw.trim();
      if (!qr) return;
      await run(async () => {
        let o: Outcome;
        try {
          const d = await post<{ result: CheckinResult; ticket: Reservation }>('/api/checkin', {
            qr,
            eventId: id,
          });
          o = { result: d.result, ticket: d.ticket, message: '', code: qr, at: Date.now() };
        } catch (err) {
          const result =
            err instanceof ApiError ? (err.data?.result as CheckinResult | undefined) : undefined;
          if (!result || !(err instanceof ApiError)) throw err;
          o = {
            result,
            ticket: err.data?.ticket as Reservation | undefined,
            message: err.message,
            code: qr,
            at: Date.now(),
          };
        }
        setOutcome(o);
        setHistory((h) => [o, ...h].slice(0, 10));
        setCode('');
      });
      // Ready for the next code whatever came of this one.
      input.current?.focus();
    },
    [id, run],
  );

  const onScan = useCallback(
    (text: string) => {
      const now = Date.now();
      // The camera sees the same code many times a second: check it once, again only after a pause.
      if (text === lastScan.current.code && now - lastScan.current.at < 4000) return;
      lastScan.current = { code: text, at: now };
      void check(text);
    },
    [check],
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void check(code);
  };

  if (loading) return <Loading />;
  if (!data) return <ErrorBox error={loadError} onRetry={reload} />;
  const e = data.event;

  return (
    <section className="checkin-page">
      <div className="page-head row">
        <div>
          <PageTitle>
            {t('checkin.title')} · {e.title}
          </PageTitle>
          <div className="muted small">
            {e.code}
            {e.venue ? ` · ${e.venue}` : ''}
          </div>
        </div>
        <Link className="btn btn-ghost" to={`/organizer/events/${id}/sales`}>
          {t('org.sales')}
        </Link>
      </div>
      <div className="checkin-grid">
        <div className="card">
          <h2>{t('checkin.paste')}</h2>
          <form onSubmit={submit} className="form checkin-form">
            <label className="field">
              <span className="field-label">{t('checkin.pasteLabel')}</span>
              <input
                ref={input}
                name="qr"
                value={code}
                onChange={(ev) => setCode(ev.target.value)}
                autoComplete="off"
                spellCheck={false}
                placeholder="YQ1.123.…"
              />
            </label>
            <button type="submit" className="btn btn-primary" disabled={busy || !code.trim()}>
              {t('checkin.check')}
            </button>
          </form>
          <h2>{t('checkin.camera')}</h2>
          <Scanner onCode={onScan} />
        </div>
        <div>
          <ErrorBox error={error} />
          {outcome ? (
            <ResultPanel o={outcome} timeZone={e.timezone} />
          ) : (
            <div className="checkin-result result-idle">
              <div className="checkin-icon" aria-hidden="true">
                ⌁
              </div>
              <div className="muted">{t('checkin.scanning')}</div>
            </div>
          )}
          {history.length > 1 && (
            <ul className="checkin-history">
              {history.slice(1).map((h) => (
                <li key={h.at} className={`dot-${h.result}`}>
                  <span>{shortDateTime(new Date(h.at).toISOString(), e.timezone, lang)}</span>{' '}
                  <span>
                    {h.ticket ? `#${h.ticket.id} ${h.ticket.ticketTypeName} × ${h.ticket.quantity}` : h.code}
                  </span>{' '}
                  <span className="muted">{resultTitle(h.result)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
