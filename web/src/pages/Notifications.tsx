import { useCallback, useEffect, useState } from 'react';
import type { InAppNotice } from '../../../src/platform/notify/inapp.ts';
import { get, post } from '../api.ts';
import { shortDateTime } from '../format.ts';
import { type Lang, useI18n } from '../i18n.tsx';
import { usePoll } from '../poll.ts';
import { Link, navigate } from '../router.tsx';
import { Badge, ErrorBox, Loading, useAction } from '../ui.tsx';

// This page's words and the bell's; kept here so the notifications are one file.
const words = {
  ko: {
    title: '알림',
    // The count shown on the bell is a word of its name, outside brackets (voice control matches it).
    bell: (n: number) => (n ? `알림: 읽지 않음 ${n}` : '알림'),
    empty: '알림이 없습니다.',
    unread: (n: number) => `읽지 않은 알림 ${n}개`,
    isNew: '새 알림',
    readAll: '모두 읽음으로 표시',
    more: '더 보기',
    settings: '알림 설정',
  },
  en: {
    title: 'Notifications',
    bell: (n: number) => (n ? `Notifications: ${n} unread` : 'Notifications'),
    empty: 'No notifications.',
    unread: (n: number) => `${n} unread`,
    isNew: 'New',
    readAll: 'Mark all as read',
    more: 'More',
    settings: 'Notification settings',
  },
} satisfies Record<Lang, unknown>;

type Page = { notifications: InAppNotice[]; nextBefore: string | null; unread: number };

/** Told when this page changes what is read, so the bell counts again at once. */
const CHANGED = 'yeyak:notifications';
const changed = () => window.dispatchEvent(new Event(CHANGED));

/** The server only keeps paths in this site; checked again here so a click never leaves the site. */
const safeLink = (link: string | null) =>
  link?.startsWith('/') && !link.startsWith('//') && !link.startsWith('/\\') ? link : undefined;

const POLL_MS = 30_000;

/**
 * The bell in the top bar (logged-in users): the unread count, asked for every 30 seconds while the
 * page is visible (usePoll: none while hidden, at once when shown, 304 when unchanged), linking to
 * /notifications.
 */
export function NotificationBell() {
  const { lang } = useI18n();
  const w = words[lang === 'ko' ? 'ko' : 'en'];
  const [unread, setUnread] = useState(0);
  const { refresh } = usePoll<{ unread: number }>('/api/notifications/unread', {
    intervalMs: POLL_MS,
    onData: (d) => setUnread(d.unread),
  });
  useEffect(() => {
    window.addEventListener(CHANGED, refresh);
    return () => window.removeEventListener(CHANGED, refresh);
  }, [refresh]);
  return (
    <Link to="/notifications" className="bell" aria-label={w.bell(unread)} data-testid="bell">
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
        />
      </svg>
      {unread > 0 && (
        <span className="bell-count" data-testid="bell-count">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </Link>
  );
}

/**
 * `/notifications`: the user's notices, newest first; a click marks one read and opens its link.
 * `titled={false}` when a section's layout shows the title already (`/consult/notifications`).
 */
export function NotificationsPage({ titled = true }: { titled?: boolean }) {
  const { lang } = useI18n();
  const w = words[lang === 'ko' ? 'ko' : 'en'];
  const [page, setPage] = useState<Page>();
  const [error, setError] = useState<unknown>();
  const action = useAction();
  useEffect(() => {
    document.title = `${w.title} · yeyak`;
  }, [w.title]);
  const load = useCallback(async () => {
    try {
      setPage(await get<Page>('/api/notifications?limit=20'));
      setError(undefined);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const more = () =>
    action.run(async () => {
      if (!page?.nextBefore) return;
      const next = await get<Page>(
        `/api/notifications?limit=20&before=${encodeURIComponent(page.nextBefore)}`,
      );
      setPage({ ...next, notifications: [...page.notifications, ...next.notifications] });
    });
  const open = (n: InAppNotice) =>
    action.run(async () => {
      if (!n.readAt) {
        const { unread } = await post<{ unread: number }>(`/api/notifications/${n.id}/read`);
        const readAt = new Date().toISOString();
        setPage(
          (p) =>
            p && {
              ...p,
              unread,
              notifications: p.notifications.map((x) => (x.id === n.id ? { ...x, readAt } : x)),
            },
        );
        changed();
      }
      const to = safeLink(n.link);
      if (to) navigate(to);
    });
  const readAll = () =>
    action.run(async () => {
      await post('/api/notifications/read-all');
      changed();
      await load();
    });

  if (!page) return error ? <ErrorBox error={error} onRetry={load} /> : <Loading />;
  return (
    <section className="notifications" data-testid="notifications">
      {titled && <h1>{w.title}</h1>}
      <p className="notifications-bar">
        <span className="muted" data-testid="unread-count">
          {w.unread(page.unread)}
        </span>
        <button
          type="button"
          className="btn btn-small"
          disabled={action.busy || page.unread === 0}
          onClick={readAll}
        >
          {w.readAll}
        </button>
        <Link
          to="/account/notifications"
          className="btn btn-small btn-ghost"
          data-testid="push-settings-link"
        >
          {w.settings}
        </Link>
      </p>
      {action.error ? <ErrorBox error={action.error} /> : null}
      {page.notifications.length === 0 ? (
        <p data-testid="notifications-empty">{w.empty}</p>
      ) : (
        <ul className="notification-list">
          {page.notifications.map((n) => (
            <li key={n.id}>
              <button
                type="button"
                className={n.readAt ? 'notification' : 'notification unread'}
                data-testid="notification"
                data-unread={n.readAt ? undefined : 'true'}
                disabled={action.busy}
                onClick={() => open(n)}
              >
                <span className="notification-head">
                  <strong className="notification-title">{n.title}</strong>
                  {!n.readAt && <Badge tone="blue">{w.isNew}</Badge>}
                </span>
                <span className="notification-body">{n.body}</span>
                <time className="notification-time muted" dateTime={n.createdAt}>
                  {shortDateTime(n.createdAt, undefined, lang)}
                </time>
              </button>
            </li>
          ))}
        </ul>
      )}
      {page.nextBefore && (
        <p>
          <button type="button" className="btn btn-ghost" disabled={action.busy} onClick={more}>
            {w.more}
          </button>
        </p>
      )}
    </section>
  );
}
