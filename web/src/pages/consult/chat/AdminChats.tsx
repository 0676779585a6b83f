import { useState } from 'react';
import type { AdminRoomView, ReportView } from '../../../../../src/modules/consult/chat-admin.ts';
import { get, post } from '../../../api.ts';
import { shortDateTime } from '../../../format.ts';
import { type Key, useI18n } from '../../../i18n.tsx';
import { usePoll } from '../../../poll.ts';
import { Link } from '../../../router.tsx';
import { Badge, ErrorBox, Loading, useAction } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { Composer } from './ChatRoom.tsx';
import { Bubble, type RoomPage, TZ } from './parts.tsx';

type AdminList = { rooms: AdminRoomView[]; more: boolean };
type AdminRoom = RoomPage & { reports: ReportView[] };

/** `/consult/admin/chats`: every room, reported ones first; inquiries are answered from the room. */
export function AdminChats() {
  const { t, lang } = useI18n();
  const [kind, setKind] = useState<'' | 'counselor' | 'inquiry'>('');
  const [data, setData] = useState<AdminList>();
  const poll = usePoll<AdminList>(`/api/consult/admin/chats${kind ? `?kind=${kind}` : ''}`, {
    intervalMs: 15_000,
    onData: setData,
  });
  return (
    <ConsultLayout title={t('consult.admin.chats')}>
      <div className="chips">
        {(['', 'counselor', 'inquiry'] as const).map((k) => (
          <button
            key={k || 'all'}
            type="button"
            className={`chip${kind === k ? ' chip-active' : ''}`}
            aria-pressed={kind === k}
            onClick={() => setKind(k)}
          >
            {k ? t(`consult.admin.kind.${k}` as Key) : t('consult.admin.all')}
          </button>
        ))}
      </div>
      {!data ? (
        poll.failures ? (
          <ErrorBox error={new Error(t('common.network'))} onRetry={poll.refresh} />
        ) : (
          <Loading />
        )
      ) : (
        <ul className="chat-list" data-testid="admin-chat-list">
          {data.rooms.map((r) => (
            <li key={r.id}>
              <Link to={`/consult/admin/chats/${r.id}`} className="chat-list-item">
                <span className="chat-list-body">
                  <span className="chat-list-head">
                    <strong>
                      {r.user.name}
                      {r.counselor ? ` ↔ ${r.counselor.name}` : ''}
                    </strong>
                    {r.lastMessage && (
                      <time className="muted small">{shortDateTime(r.lastMessage.at, TZ, lang)}</time>
                    )}
                  </span>
                  <span className="chat-list-last muted">{r.lastMessage?.text ?? ''}</span>
                </span>
                <span className="chat-badges">
                  <Badge tone={r.kind === 'inquiry' ? 'blue' : 'gray'}>
                    {t(`consult.admin.kind.${r.kind}` as Key)}
                  </Badge>
                  {r.openReports > 0 && (
                    <Badge tone="red">{t('consult.admin.reports', { n: r.openReports })}</Badge>
                  )}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </ConsultLayout>
  );
}

/** One room for admins: read-only for consultations, with an answer box for inquiries. */
export function AdminChatRoom({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const [data, setData] = useState<AdminRoom>();
  const poll = usePoll<AdminRoom>(`/api/consult/admin/chats/${id}`, { intervalMs: 5_000, onData: setData });
  const action = useAction();
  const resolve = () =>
    action.run(async () => {
      await post(`/api/consult/admin/chats/${id}/resolve`);
      setData(await get<AdminRoom>(`/api/consult/admin/chats/${id}`));
    });
  if (!data) return poll.failures ? <ErrorBox error={new Error(t('common.notFound'))} /> : <Loading />;
  const requests = Object.fromEntries(data.requests.map((r) => [r.id, r]));
  const open = data.reports.filter((r) => !r.resolvedAt);
  const title = `${data.room.user.name}${data.room.counselor ? ` ↔ ${data.room.counselor.name}` : ''}`;
  return (
    <ConsultLayout title={title}>
      {open.length > 0 && (
        <div className="alert alert-warn">
          <strong>{t('consult.admin.reports', { n: open.length })}</strong>
          <ul>
            {open.map((r) => (
              <li key={r.id}>
                {shortDateTime(r.createdAt, TZ, lang)} · {r.reason}
              </li>
            ))}
          </ul>
          <button type="button" className="btn btn-small" disabled={action.busy} onClick={resolve}>
            {t('consult.admin.resolve')}
          </button>
        </div>
      )}
      <ul className="chat-messages">
        {data.messages.map((m) => (
          <Bubble
            key={m.id}
            m={{ ...m, mine: m.from === 'admin' }}
            request={m.requestId ? requests[m.requestId] : undefined}
            otherName={m.from === 'counselor' ? (data.room.counselor?.name ?? '') : data.room.user.name}
            onChanged={poll.refresh}
          />
        ))}
      </ul>
      {data.room.kind === 'inquiry' ? (
        <Composer roomId={id} onSent={poll.refresh} />
      ) : (
        <p className="muted small">{t('consult.admin.readOnly')}</p>
      )}
      <ErrorBox error={action.error} />
    </ConsultLayout>
  );
}
