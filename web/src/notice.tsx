import { useEffect, useState } from 'react';

// The public runtime settings, read once per page load and again every minute, so a notice an
// admin posts reaches open pages without a reload.
export function usePublicSettings(): Record<string, unknown> {
  const [settings, setSettings] = useState<Record<string, unknown>>({});
  useEffect(() => {
    let live = true;
    const load = () =>
      fetch('/api/settings')
        .then((r) => r.json())
        .then((b: { data?: { settings?: Record<string, unknown> } }) => {
          if (live && b?.data?.settings) setSettings(b.data.settings);
        })
        .catch(() => {});
    void load();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, 60_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  return settings;
}

/** The operator's notice (setting site.notice) above every page; shown as text, never as markup. */
export function SiteNotice() {
  const notice = usePublicSettings()['site.notice'];
  if (typeof notice !== 'string' || notice === '') return null;
  return (
    <div className="site-notice" role="status" data-testid="site-notice">
      {notice}
    </div>
  );
}
