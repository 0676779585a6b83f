import { type ReactNode, useEffect } from 'react';
import { type Key, useI18n } from '../../i18n.tsx';
import { type IconName, SectionLayout } from '../../section.tsx';

const TABS: [string, Key, IconName][] = [
  ['/consult', 'consult.tabs.home', 'home'],
  ['/consult/counselors', 'consult.tabs.counselors', 'users'],
  ['/consult/chats', 'consult.tabs.chats', 'log'],
  ['/consult/board', 'consult.tabs.board', 'card'],
  ['/consult/profile', 'consult.tabs.profile', 'settings'],
];

/**
 * Every marketplace page: its title (also the document's), the marketplace's tabs (a bottom bar on a
 * phone, where the app's WebView shows it), then the page.
 */
export function ConsultLayout({
  title,
  after,
  children,
}: {
  title: string;
  after?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${title} · yeyak`;
  }, [title]);
  const tabs = TABS.map(([to, k, icon]) => ({ to, label: t(k), icon, exact: to === '/consult' }));
  return (
    <div className="consult">
      <SectionLayout title={title} after={after} label={t('consult.menu')} tabs={tabs}>
        {children}
      </SectionLayout>
    </div>
  );
}
