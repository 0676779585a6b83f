import type { ReactNode } from 'react';
import { Link, useLocation } from './router.tsx';

/** 24×24 outline icons for section tabs (one path each; drawn with currentColor). */
const ICONS = {
  search:
    'M10.5 3a7.5 7.5 0 0 1 5.96 12.05l4.24 4.25-1.41 1.41-4.25-4.24A7.5 7.5 0 1 1 10.5 3Zm0 2a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11Z',
  watch:
    'M12 5c5 0 9 4.5 10 7-1 2.5-5 7-10 7S3 14.5 2 12c1-2.5 5-7 10-7Zm0 2c-3.6 0-6.6 3-7.8 5 1.2 2 4.2 5 7.8 5s6.6-3 7.8-5c-1.2-2-4.2-5-7.8-5Zm0 2a3 3 0 1 1 0 6 3 3 0 0 1 0-6Z',
  ticket:
    'M3 6h18v4a2 2 0 0 0 0 4v4H3v-4a2 2 0 0 0 0-4V6Zm2 2v.6a4 4 0 0 1 0 6.8V16h14v-.6a4 4 0 0 1 0-6.8V8H5Zm9 1h2v2h-2V9Zm0 4h2v2h-2v-2Z',
  settings:
    'M10.3 2h3.4l.5 2.6 1.7.9 2.4-1.1 2.4 2.4-1.1 2.4.9 1.7 2.5.5v3.4l-2.5.5-.9 1.7 1.1 2.4-2.4 2.4-2.4-1.1-1.7.9-.5 2.5h-3.4l-.5-2.5-1.7-.9-2.4 1.1-2.4-2.4 1.1-2.4-.9-1.7L2 13.7v-3.4l2.5-.5.9-1.7-1.1-2.4 2.4-2.4 2.4 1.1 1.7-.9.5-2.5ZM12 8.5a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7Z',
  users:
    'M9 4a4 4 0 1 1 0 8 4 4 0 0 1 0-8Zm0 2a2 2 0 1 0 0 4 2 2 0 0 0 0-4Zm7.5 0a3.5 3.5 0 0 1 0 7v-2a1.5 1.5 0 0 0 0-3V6ZM9 13c4 0 7 2 7 5v2H2v-2c0-3 3-5 7-5Zm0 2c-2.6 0-4.7 1.1-5 3h10c-.3-1.9-2.4-3-5-3Zm8.5-1.7c2.6.5 4.5 2.2 4.5 4.7v2h-4v-2h2c0-1.3-1-2.3-2.5-2.7v-2Z',
  log: 'M4 4h16v16H4V4Zm2 2v12h12V6H6Zm2 2h8v2H8V8Zm0 4h8v2H8v-2Zm0 4h5v2H8v-2Z',
  alert: 'M12 2 23 21H1L12 2Zm0 4L4.5 19h15L12 6Zm-1 4h2v5h-2v-5Zm0 6h2v2h-2v-2Z',
  home: 'M12 3 22 11h-3v10h-5v-6h-4v6H5V11H2l10-8Zm0 2.6L7 9.6V19h1v-6h8v6h1V9.6l-5-4Z',
  card: 'M2 5h20v14H2V5Zm2 2v2h16V7H4Zm0 5v5h16v-5H4Zm2 2h5v1.5H6V14Z',
} as const;

export type IconName = keyof typeof ICONS;

export function Icon({ name, size = 20 }: { name: IconName; size?: number }) {
  return (
    <svg viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" className="icon">
      <path fill="currentColor" fillRule="evenodd" d={ICONS[name]} />
    </svg>
  );
}

export type SectionTab = {
  to: string;
  label: string;
  icon: IconName;
  /** active only on this exact path (a section's first tab is usually the section's root) */
  exact?: boolean;
};

/** The tab whose path best matches: exact tabs by equality, others by the longest prefix. */
export function activeTab(tabs: readonly SectionTab[], path: string): SectionTab | undefined {
  let best: SectionTab | undefined;
  for (const tab of tabs) {
    const hit = tab.exact ? path === tab.to : path === tab.to || path.startsWith(`${tab.to}/`);
    if (hit && (!best || tab.to.length > best.to.length)) best = tab;
  }
  return best;
}

/**
 * A section's own menu (rail, admin, …): chips under the page title on a wide screen, a bar of icon
 * tabs fixed to the bottom under 760 px, where a thumb reaches it (styles.css `.section-tabs`).
 */
export function SectionTabs({ tabs, label }: { tabs: readonly SectionTab[]; label: string }) {
  const { path } = useLocation();
  const active = activeTab(tabs, path);
  return (
    <nav className="section-tabs" aria-label={label} data-testid="section-tabs">
      {tabs.map((tab) => (
        <Link
          key={tab.to}
          to={tab.to}
          className={tab === active ? 'section-tab active' : 'section-tab'}
          aria-current={tab === active ? 'page' : undefined}
        >
          <Icon name={tab.icon} />
          <span>{tab.label}</span>
        </Link>
      ))}
    </nav>
  );
}

/** A section page: its title (and what follows it, e.g. a badge), the section's tabs, then the page. */
export function SectionLayout({
  title,
  after,
  tabs,
  label,
  children,
}: {
  title: string;
  after?: ReactNode;
  tabs: readonly SectionTab[];
  label: string;
  children: ReactNode;
}) {
  return (
    <div className="section">
      <div className="page-head">
        <h1>
          {title} {after}
        </h1>
        <SectionTabs tabs={tabs} label={label} />
      </div>
      {children}
    </div>
  );
}
