import { useEffect, useState } from 'react';
import { useAuth } from './auth.tsx';
import { useI18n } from './i18n.tsx';
import { navigate } from './router.tsx';
import { ErrorBox, useAction } from './ui.tsx';

/** The published password of the demo accounts (the server lists which accounts still use it). */
const DEMO_PASSWORD = 'yeyak-demo';

export type DemoInfo = { demo: boolean; accounts: string[] };

// One /health call per page load, shared by the banner and the pages.
let pending: Promise<DemoInfo> | undefined;
function loadDemo(): Promise<DemoInfo> {
  pending ??= fetch('/health')
    .then((r) => r.json())
    .then((b: { data?: { demo?: unknown; demoAccounts?: unknown } }) => ({
      demo: b?.data?.demo === true,
      accounts: Array.isArray(b?.data?.demoAccounts) ? b.data.demoAccounts.map(String) : [],
    }))
    .catch(() => ({ demo: false, accounts: [] }));
  return pending;
}

/** Whether the server runs in demo mode, and the demo accounts open to anyone. */
export function useDemo(): DemoInfo {
  const [info, setInfo] = useState<DemoInfo>({ demo: false, accounts: [] });
  useEffect(() => {
    let live = true;
    void loadDemo().then((i) => live && setInfo(i));
    return () => {
      live = false;
    };
  }, []);
  return info;
}

/** Shown on every page in demo mode: this is a sandbox, not a real service. */
export function DemoBanner() {
  const { t } = useI18n();
  const { demo } = useDemo();
  if (!demo) return null;
  return (
    <div className="demo-banner" role="note" data-testid="demo-banner">
      {t('demo.banner')}
    </div>
  );
}

const ROLE_KEY = {
  'user@yeyak.local': 'demo.asBuyer',
  'organizer@yeyak.local': 'demo.asOrganizer',
  'admin@yeyak.local': 'demo.asAdmin',
  'counselor@yeyak.local': 'demo.asCounselor',
} as const;

/** One-click logins into the demo accounts, then on to `next` (the mailbox by default). */
export function DemoLogins({ next = '/mailbox' }: { next?: string }) {
  const { t } = useI18n();
  const { login } = useAuth();
  const { demo, accounts } = useDemo();
  const { busy, error, run } = useAction();
  if (!demo || accounts.length === 0) return null;
  return (
    <div className="demo-accounts" data-testid="demo-logins">
      <div className="muted small">{t('demo.oneClick')}</div>
      <div className="chips">
        {accounts.map((email) => (
          <button
            key={email}
            type="button"
            className="chip"
            disabled={busy}
            onClick={() =>
              run(async () => {
                await login(email, DEMO_PASSWORD);
                navigate(next);
              })
            }
          >
            {email in ROLE_KEY ? t(ROLE_KEY[email as keyof typeof ROLE_KEY]) : email}
          </button>
        ))}
      </div>
      <ErrorBox error={error} />
    </div>
  );
}
