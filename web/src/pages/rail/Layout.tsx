import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { get } from '../../api.ts';
import { shortDateTime } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import { type IconName, SectionLayout } from '../../section.tsx';
import { Badge } from '../../ui.tsx';
import { label, type RailProviderStatus } from './api.ts';
import { type RailKey, useRailT } from './i18n.ts';

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

const TABS: [string, RailKey, IconName][] = [
  ['/rail', 'tabs.search', 'search'],
  ['/rail/watches', 'tabs.watches', 'watch'],
  ['/rail/reservations', 'tabs.reservations', 'ticket'],
  ['/rail/settings', 'tabs.settings', 'settings'],
];

/** The rail section: its tabs (a bottom bar on a phone), the sandbox label, and the page. */
export function RailLayout({ title, children }: { title: RailKey; children: ReactNode }) {
  const t = useRailT();
  const { lang } = useI18n();
  const sandbox = useSandbox();
  useEffect(() => {
    document.title = `${t(title)} · yeyak`;
  }, [t, title]);
  const tabs = TABS.map(([to, k, icon]) => ({ to, label: t(k), icon, exact: to === '/rail' }));
  return (
    <div className="rail">
      <SectionLayout
        title={t(title)}
        label={lang === 'ko' ? '열차 메뉴' : 'Rail menu'}
        tabs={tabs}
        after={
          sandbox && (
            <span title={t('sandboxNote')} data-testid="sandbox-badge">
              <Badge tone="amber">{t('sandbox')}</Badge>
            </span>
          )
        }
      >
        {sandbox && <p className="muted small">{t('sandboxNote')}</p>}
        {children}
      </SectionLayout>
    </div>
  );
}
