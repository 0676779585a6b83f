import { useEffect, useState } from 'react';
import type { ConsentName, Consents } from '../../../../src/platform/push/consents.ts';
import type { DeviceView } from '../../../../src/platform/push/devices.ts';
import { del, get, post, put } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { ErrorBox, Loading, useAction, useLoad } from '../../ui.tsx';

const SERVICE_WORKER = '/push-sw.js';

/** A consent's time as Koreans and the law count it: Korea time, to the minute. */
const kst = (iso: string, lang: string) =>
  new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-GB', {
    timeZone: 'Asia/Seoul',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));

/** The VAPID key as PushManager wants it (bytes, not base64url). */
function keyBytes(b64url: string): Uint8Array<ArrayBuffer> {
  const b64 = b64url
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(b64url.length / 4) * 4, '=');
  const out = new Uint8Array(new ArrayBuffer(atob(b64).length));
  out.set(Array.from(atob(b64), (c) => c.charCodeAt(0)));
  return out;
}

type BrowserState = 'idle' | 'enabled' | 'unsupported' | 'denied' | 'noServer' | 'failed';

/** `/account/notifications`: the consents (with when), push on this browser, and the devices. */
export function PushSettingsPage() {
  const { t, lang } = useI18n();
  const consents = useLoad(() => get<{ consents: Consents }>('/api/me/consents'), []);
  const devices = useLoad(() => get<{ devices: DeviceView[] }>('/api/push/devices'), []);
  const action = useAction();
  const [saved, setSaved] = useState(false);
  const [browser, setBrowser] = useState<BrowserState>('idle');
  const [why, setWhy] = useState('');
  useEffect(() => {
    document.title = `${t('push.title')} · yeyak`;
  }, [t]);
  const supported = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

  // The box follows the click at once; the server's answer (with the time) replaces it, and a
  // refusal puts back what the server holds.
  const change = (name: ConsentName, given: boolean) => {
    consents.setData(
      (d) => d && { ...d, consents: { ...d.consents, [name]: { ...d.consents[name], given } } },
    );
    return action.run(async () => {
      setSaved(false);
      try {
        consents.setData(await put<{ consents: Consents }>('/api/me/consents', { [name]: given }));
      } catch (err) {
        await consents.reload();
        throw err;
      }
      setSaved(true);
    });
  };

  const enable = () =>
    action.run(async () => {
      if (!supported) return setBrowser('unsupported');
      const { publicKey } = await get<{ publicKey: string | null }>('/api/push/vapid-key');
      if (!publicKey) return setBrowser('noServer');
      if ((await Notification.requestPermission()) !== 'granted') return setBrowser('denied');
      try {
        const reg = await navigator.serviceWorker.register(SERVICE_WORKER);
        await navigator.serviceWorker.ready;
        const sub =
          (await reg.pushManager.getSubscription()) ??
          (await reg.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: keyBytes(publicKey),
          }));
        await post('/api/push/devices', {
          kind: 'webpush',
          subscription: sub.toJSON(),
          label: navigator.userAgent.includes('Mobile') ? 'Mobile browser' : 'Browser',
        });
      } catch (err) {
        setWhy(err instanceof Error ? err.message : String(err));
        return setBrowser('failed');
      }
      if (!consents.data?.consents.push.given)
        consents.setData(await put('/api/me/consents', { push: true }));
      setBrowser('enabled');
      await devices.reload();
    });

  const remove = (id: string) =>
    action.run(async () => {
      await del(`/api/push/devices/${id}`);
      await devices.reload();
    });

  if (!consents.data)
    return consents.error ? <ErrorBox error={consents.error} onRetry={consents.reload} /> : <Loading />;
  const c = consents.data.consents;
  const state = (name: ConsentName) =>
    c[name].at
      ? t(c[name].given ? 'push.given' : 'push.withdrawn', { at: kst(c[name].at as string, lang) })
      : t('push.never');
  const rows: { name: ConsentName; disabled?: boolean }[] = [
    { name: 'push' },
    { name: 'marketing' },
    { name: 'night', disabled: !c.marketing.given },
  ];

  return (
    <section className="push-settings" data-testid="push-settings">
      <h1>{t('push.title')}</h1>
      <div className="card">
        <h2>{t('push.consents')}</h2>
        <p className="muted">{t('push.consentsHint')}</p>
        <ul className="consent-list">
          {rows.map(({ name, disabled }) => (
            <li key={name} className="consent-row" data-testid={`consent-${name}`}>
              <label>
                <input
                  type="checkbox"
                  checked={c[name].given}
                  disabled={action.busy || (disabled && !c[name].given)}
                  onChange={(e) => change(name, e.target.checked)}
                />
                <span>{t(`push.c.${name}`)}</span>
              </label>
              <span className="muted consent-time" data-testid={`consent-${name}-time`}>
                {state(name)}
              </span>
              {name === 'night' && disabled && !c.night.given && (
                <span className="muted consent-note">{t('push.c.nightNeedsMarketing')}</span>
              )}
            </li>
          ))}
        </ul>
        {saved && (
          <p className="ok" role="status" data-testid="consent-saved">
            {t('push.saved')}
          </p>
        )}
      </div>
      <div className="card">
        <h2>{t('push.browser')}</h2>
        <p className="muted">{t('push.browserHint')}</p>
        <button
          type="button"
          className="btn btn-primary"
          disabled={action.busy}
          onClick={enable}
          data-testid="push-enable"
        >
          {t('push.enable')}
        </button>
        {browser !== 'idle' && (
          <p className={browser === 'enabled' ? 'ok' : 'warn'} role="status" data-testid="push-browser-state">
            {browser === 'failed' ? t('push.failed', { why }) : t(`push.${browser}`)}
          </p>
        )}
      </div>
      <div className="card">
        <h2>{t('push.devices')}</h2>
        {!devices.data?.devices.length ? (
          <p className="muted" data-testid="push-no-devices">
            {t('push.noDevices')}
          </p>
        ) : (
          <ul className="device-list">
            {devices.data.devices.map((d) => (
              <li key={d.id} className="device-row" data-testid="push-device">
                <span>
                  <strong>{t(`push.kind.${d.kind}`)}</strong> {d.label}{' '}
                  <span className="muted">{d.hint}</span>
                </span>
                <span className="muted">{t('push.since', { at: kst(d.createdAt, lang) })}</span>
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  disabled={action.busy}
                  onClick={() => remove(d.id)}
                >
                  {t('common.remove')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {action.error ? <ErrorBox error={action.error} /> : null}
    </section>
  );
}
