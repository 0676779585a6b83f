import { useEffect, useState } from 'react';
import { post } from '../../../api.ts';
import { shortDateTime } from '../../../format.ts';
import { type Key, useI18n } from '../../../i18n.tsx';
import { usePoll } from '../../../poll.ts';
import { Link, navigate } from '../../../router.tsx';
import { ErrorBox, Loading, useAction } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { useChatPollMs } from './ChatRoom.tsx';
import { TZ, type Updates } from './parts.tsx';

/** The signed-in user's chats, newest first, with unread counts (polled). */
export function ChatList() {
  const { t, lang } = useI18n();
  const [data, setData] = useState<Updates>();
  const poll = usePoll<Updates>('/api/consult/chat/updates', {
    intervalMs: useChatPollMs(),
    hiddenIntervalMs: 60_000,
    onData: setData,
  });
  const action = useAction();
  const inquiry = () =>
    action.run(async () => {
      const { room } = await post<{ room: { id: string } }>('/api/consult/chat/rooms', { kind: 'inquiry' });
      navigate(`/consult/chats/${room.id}`);
    });
  const name = (r: Updates['rooms'][number]) =>
    r.kind === 'inquiry'
      ? r.me === 'user'
        ? t('consult.chat.inquiryTitle')
        : r.user.name
      : r.me === 'counselor'
        ? r.user.name
        : (r.counselor?.name ?? '');
  return (
    <ConsultLayout
      title={t('consult.chat.title')}
      after={
        <button type="button" className="btn btn-small" onClick={inquiry} disabled={action.busy}>
          {t('consult.chat.inquiry')}
        </button>
      }
    >
      <ErrorBox error={action.error} />
      {!data ? (
        poll.failures ? (
          <ErrorBox error={new Error(t('common.network'))} onRetry={poll.refresh} />
        ) : (
          <Loading />
        )
      ) : data.rooms.length === 0 ? (
        <p className="empty">{t('consult.chat.empty')}</p>
      ) : (
        <ul className="chat-list" data-testid="chat-list">
          {data.rooms.map((r) => (
            <li key={r.id}>
              <Link to={`/consult/chats/${r.id}`} className="chat-list-item" data-testid="chat-list-item">
                <span className="chat-avatar" aria-hidden="true">
                  {r.counselor?.image && r.me !== 'counselor' ? (
                    <img src={r.counselor.image} alt="" />
                  ) : (
                    name(r).slice(0, 1)
                  )}
                </span>
                <span className="chat-list-body">
                  <span className="chat-list-head">
                    <strong>{name(r)}</strong>
                    {r.lastMessage && (
                      <time className="muted small" dateTime={r.lastMessage.at}>
                        {shortDateTime(r.lastMessage.at, TZ, lang)}
                      </time>
                    )}
                  </span>
                  <span className="chat-list-last muted">
                    {r.lastMessage?.kind === 'image'
                      ? t('consult.chat.image')
                      : r.lastMessage?.kind === 'request'
                        ? t('consult.chat.requestLine')
                        : r.lastMessage?.kind === 'system'
                          ? t(`consult.chat.sys.${r.lastMessage.text}` as Key)
                          : (r.lastMessage?.text ?? '')}
                  </span>
                </span>
                {r.unread > 0 && (
                  <span
                    className="chat-unread"
                    title={t('consult.chat.unread', { n: r.unread })}
                    data-testid="chat-unread"
                  >
                    {r.unread}
                  </span>
                )}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </ConsultLayout>
  );
}

/** `/consult/counselors/:id/chat`: opens (or finds) the room with that counselor and goes there. */
export function OpenChat({ counselorId }: { counselorId: string }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>();
  // Opening is idempotent on the server (one room per pair), so a second run only finds the room.
  useEffect(() => {
    post<{ room: { id: string } }>('/api/consult/chat/rooms', { counselorId })
      .then(({ room }) => navigate(`/consult/chats/${room.id}`, { replace: true }))
      .catch(setError);
  }, [counselorId]);
  return (
    <ConsultLayout title={t('consult.chat.title')}>
      {error ? <ErrorBox error={error} /> : <Loading />}
    </ConsultLayout>
  );
}
