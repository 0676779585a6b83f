import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { get } from '../../api.ts';
import { shortDateTime } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import { Link, useLocation } from '../../router.tsx';
import { Badge } from '../../ui.tsx';
import { label, type RailProviderStatus } from './api.ts';
import { type RailKey, useRailT } from './i18n.ts';

const ACTIVE = { borderColor: 'var(--primary)', color: 'var(--primary)', fontWeight: 600 };

let sandboxCache: boolean | undefined;

export function useSandbox(): boolean {
  const [sandbox, setSandbox] = useState(sandboxCache ?? false);
  useEffect(() => {
    if (sandboxCache !== undefined) return;
    get<{ sandbox: boolean }>('/api/rail/providers')
      .then((d) => {
        sandboxCache = d.sandbox;
        setSandbox(d.sandbox);
      })
      .catch(() => {});
  }, []);
  return sandbox;
}

/**
 * The operators and any pause after a block, fresh on every page that shows it; asked again when the
 * pause ends (so the banner goes by itself) and whenever `refresh` is called (after a refusal).
 */
export function useRailProviders() {
  const [providers, setProviders] = useState<RailProviderStatus[]>([]);
  const refresh = useCallback(async () => {
    try {
      const d = await get<{ sandbox: boolean; providers: RailProviderStatus[] }>('/api/rail/providers');
      sandboxCache = d.sandbox;
      setProviders(d.providers);
    } catch {
      // The banner is a courtesy: the pages work (and the server refuses) without it.
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const next = providers
    .map((p) => (p.pausedUntil ? Date.parse(p.pausedUntil) : Number.POSITIVE_INFINITY))
    .reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  useEffect(() => {
    if (next === Number.POSITIVE_INFINITY) return;
    // Ask again when the first pause ends, and at least every minute (another process may end it).
    const id = setTimeout(() => void refresh(), Math.min(60_000, Math.max(1_000, next - Date.now() + 500)));
    return () => clearTimeout(id);
  }, [next, refresh]);
  return { providers, refresh };
}

/** One banner per paused operator: who, until when (Korea time), and the operator's own words. */
export function PausedBanner({ providers }: { providers: RailProviderStatus[] }) {
  const t = useRailT();
  const { lang } = useI18n();
  return (
    <>
      {providers
        .filter((p) => p.pausedUntil)
        .map((p) => {
          const op = lang === 'ko' && p.name === 'korail' ? '코레일' : label(p.name);
          const when = shortDateTime(p.pausedUntil as string, 'Asia/Seoul', lang);
          return (
            <div
              key={p.name}
              className="alert alert-warn"
              role="alert"
              data-testid="rail-paused"
              data-provider={p.name}
            >
              <strong>{t('pause.title', { op })}</strong>
              <div>{t('pause.body', { op, when })}</div>
              {p.pausedReason && <div className="small">{t('pause.reason', { reason: p.pausedReason })}</div>}
            </div>
          );
        })}
    </>
  );
}

const TABS: [string, RailKey][] = [
  ['/rail', 'tabs.search'],
  ['/rail/watches', 'tabs.watches'],
  ['/rail/reservations', 'tabs.reservations'],
  ['/rail/settings', 'tabs.settings'],
];

/** The rail section: its tabs, the sandbox label, and the page. */
export function RailLayout({ title, children }: { title: RailKey; children: ReactNode }) {
  const t = useRailT();
  const { path } = useLocation();
  const sandbox = useSandbox();
  useEffect(() => {
    document.title = `${t(title)} · yeyak`;
  }, [t, title]);
  return (
    <div className="rail">
      <div className="page-head row">
        <h1>
          {t(title)}{' '}
          {sandbox && (
            <span title={t('sandboxNote')} data-testid="sandbox-badge">
              <Badge tone="amber">{t('sandbox')}</Badge>
            </span>
          )}
        </h1>
        <nav className="chips" aria-label="rail">
          {TABS.map(([to, k]) => (
            <Link
              key={to}
              to={to}
              className="chip"
              style={path === to ? ACTIVE : undefined}
              aria-current={path === to ? 'page' : undefined}
            >
              {t(k)}
            </Link>
          ))}
        </nav>
      </div>
      {sandbox && <p className="muted small">{t('sandboxNote')}</p>}
      {children}
    </div>
  );
}
