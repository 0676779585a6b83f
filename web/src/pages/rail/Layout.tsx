import { type ReactNode, useEffect, useState } from 'react';
import { get } from '../../api.ts';
import { Link, useLocation } from '../../router.tsx';
import { Badge } from '../../ui.tsx';
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
