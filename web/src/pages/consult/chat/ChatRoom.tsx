import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, del, get, post } from '../../../api.ts';
import { localInputToIso } from '../../../format.ts';
import { useI18n } from '../../../i18n.tsx';
import { usePublicSettings } from '../../../notice.tsx';
import { usePoll } from '../../../poll.ts';
import { Link } from '../../../router.tsx';
import { ErrorBox, Field, Loading, useAction, useConfirm, useLoad } from '../../../ui.tsx';
import { ImageUpload } from '../../../upload.tsx';
import { ConsultLayout } from '../Layout.tsx';
import {
  Bubble,
  type ItemView,
  type MessageView,
  mergeMessages,
  points,
  type RequestView,
  type RoomPage,
  TZ,
  type Updates,
} from './parts.tsx';

/** Seconds between polls while the page is hidden. */
const HIDDEN_POLL_MS = 30_000;

export function useChatPollMs() {
  const s = usePublicSettings()['consult.chatPollSeconds'];
  return (typeof s === 'number' && s > 0 ? s : 3) * 1000;
}

/** One chat: the messages (polled), the composer, payment request cards, block and report. */
export function ChatRoom({ id }: { id: string }) {
  const { t } = useI18n();
  const page = useLoad(() => get<RoomPage>(`/api/consult/chat/rooms/${id}/messages`), [id]);
  const [messages, setMessages] = useState<MessageView[]>([]);
  const [requests, setRequests] = useState<Record<string, RequestView>>({});
  const [blocked, setBlocked] = useState<{ blocked: boolean; byMe: boolean }>({
    blocked: false,
    byMe: false,
  });
  const cursor = useRef<number | undefined>(undefined);
  const readUpTo = useRef(0);
  const bottom = useRef<HTMLDivElement>(null);
  const pollMs = useChatPollMs();

  const addRequests = useCallback((list: RequestView[]) => {
    if (list.length) setRequests((old) => ({ ...old, ...Object.fromEntries(list.map((r) => [r.id, r])) }));
  }, []);
  const markRead = useCallback(
    (list: MessageView[]) => {
      const newest = Math.max(0, ...list.map((m) => m.id));
      if (newest > readUpTo.current && document.visibilityState === 'visible') {
        readUpTo.current = newest;
        void post(`/api/consult/chat/rooms/${id}/read`, { upTo: newest }).catch(() => {});
      }
    },
    [id],
  );

  useEffect(() => {
    if (!page.data) return;
    setMessages(page.data.messages);
    addRequests(page.data.requests);
    setBlocked({ blocked: page.data.room.blocked, byMe: page.data.room.blockedByMe });
    cursor.current = Math.max(0, ...page.data.messages.map((m) => m.id));
    markRead(page.data.messages);
  }, [page.data, addRequests, markRead]);

  const poll = usePoll<Updates>(page.data ? `/api/consult/chat/updates?room=${id}` : null, {
    intervalMs: pollMs,
    hiddenIntervalMs: HIDDEN_POLL_MS,
    cursor: () => (cursor.current === undefined ? undefined : String(cursor.current)),
    onData: (u) => {
      cursor.current = u.cursor;
      const mine = u.messages.filter((m) => m.roomId === id);
      if (mine.length) setMessages((old) => mergeMessages(old, mine));
      addRequests(u.requests);
      const room = u.rooms.find((r) => r.id === id);
      if (room) setBlocked({ blocked: room.blocked, byMe: room.blockedByMe });
      markRead(mine);
    },
  });

  // To the newest message when one arrives (not when earlier ones are loaded above).
  const lastId = messages.at(-1)?.id;
  useEffect(() => {
    if (lastId) bottom.current?.scrollIntoView({ block: 'end' });
  }, [lastId]);

  const [more, setMore] = useState(false);
  useEffect(() => setMore(!!page.data?.more), [page.data]);
  const earlier = useAction();
  const loadEarlier = () =>
    earlier.run(async () => {
      const oldest = messages[0]?.id;
      const older = await get<RoomPage>(
        `/api/consult/chat/rooms/${id}/messages${oldest ? `?before=${oldest}` : ''}`,
      );
      setMessages((old) => mergeMessages(older.messages, old));
      addRequests(older.requests);
      setMore(older.more);
    });

  if (page.loading && !page.data) return <Loading />;
  if (page.error || !page.data)
    return (
      <ConsultLayout title={t('consult.chat.title')}>
        <ErrorBox error={page.error} onRetry={page.reload} />
      </ConsultLayout>
    );
  const room = page.data.room;
  const otherName =
    room.kind === 'inquiry'
      ? room.me === 'user'
        ? t('consult.chat.admin')
        : room.user.name
      : room.me === 'counselor'
        ? room.user.name
        : (room.counselor?.name ?? '');
  const title = room.kind === 'inquiry' && room.me === 'user' ? t('consult.chat.inquiryTitle') : otherName;

  return (
    <ConsultLayout
      title={title}
      after={<RoomMenu id={id} blocked={blocked} kind={room.kind} onChanged={poll.refresh} />}
    >
      <section className="chat-room" data-testid="chat-room">
        {more && (
          <button
            type="button"
            className="btn btn-ghost btn-small"
            disabled={earlier.busy}
            onClick={loadEarlier}
          >
            {t('consult.chat.more')}
          </button>
        )}
        {messages.length === 0 && <p className="empty">{t('consult.chat.noMessages')}</p>}
        <ul className="chat-messages" aria-live="polite">
          {messages.map((m) => (
            <Bubble
              key={m.id}
              m={m}
              request={m.requestId ? requests[m.requestId] : undefined}
              otherName={otherName}
              onChanged={poll.refresh}
            />
          ))}
        </ul>
        <div ref={bottom} />
        {poll.failures > 1 && <p className="muted small">{t('consult.chat.reconnecting')}</p>}
        {room.me === 'counselor' && !blocked.blocked && <RequestForm roomId={id} onSent={poll.refresh} />}
        {room.me === 'admin' && room.kind === 'counselor' ? null : blocked.blocked ? (
          <p className="alert alert-warn" data-testid="chat-blocked">
            {t('consult.chat.blocked')}
          </p>
        ) : (
          <Composer roomId={id} onSent={poll.refresh} />
        )}
      </section>
    </ConsultLayout>
  );
}

/** The message box: text (at most 2,000 characters) or a photo. */
export function Composer({ roomId, onSent }: { roomId: string; onSent: () => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const action = useAction();
  const send = (body: { text?: string; fileId?: string }) =>
    action.run(async () => {
      await post(`/api/consult/chat/rooms/${roomId}/messages`, body);
      if (body.text !== undefined) setText('');
      onSent();
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) void send({ text });
  };
  const flood = action.error instanceof ApiError && action.error.status === 429;
  return (
    <form className="chat-composer" onSubmit={submit}>
      <textarea
        value={text}
        maxLength={2000}
        rows={2}
        placeholder={t('consult.chat.placeholder')}
        aria-label={t('consult.chat.placeholder')}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) submit(e);
        }}
        data-testid="chat-input"
      />
      <div className="chat-composer-actions">
        <ImageUpload purpose="chat" onUploaded={(f) => void send({ fileId: f.id })} />
        {text.length > 1800 && (
          <span className="muted small">{t('consult.chat.tooLong', { n: text.length })}</span>
        )}
        <button
          type="submit"
          className="btn btn-primary"
          disabled={action.busy || !text.trim()}
          data-testid="chat-send"
        >
          {t('consult.chat.send')}
        </button>
      </div>
      {flood ? (
        <p className="alert alert-warn">{t('consult.chat.flood')}</p>
      ) : (
        <ErrorBox error={action.error} />
      )}
    </form>
  );
}

/** The counselor's form: one of their items, a note and an appointment time. */
function RequestForm({ roomId, onSent }: { roomId: string; onSent: () => void }) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const items = useLoad(
    () => (open ? get<{ items: ItemView[] }>('/api/consult/me/items') : Promise.resolve(undefined)),
    [open],
  );
  const [itemId, setItemId] = useState('');
  const [note, setNote] = useState('');
  const [at, setAt] = useState('');
  const action = useAction();
  const active = (items.data?.items ?? []).filter((i) => i.active);
  if (!open)
    return (
      <button
        type="button"
        className="btn btn-secondary btn-block"
        onClick={() => setOpen(true)}
        data-testid="request-open"
      >
        {t('consult.chat.newRequest')}
      </button>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const appointmentAt = at ? localInputToIso(at, TZ) : undefined;
      await post(`/api/consult/chat/rooms/${roomId}/requests`, {
        itemId: itemId || active[0]?.id,
        ...(note ? { note } : {}),
        ...(appointmentAt ? { appointmentAt } : {}),
      });
      setOpen(false);
      setNote('');
      setAt('');
      onSent();
    });
  };
  return (
    <form className="card form chat-request-form" onSubmit={submit} data-testid="request-form">
      <strong>{t('consult.chat.newRequest')}</strong>
      {items.loading ? (
        <Loading />
      ) : active.length === 0 ? (
        <p>
          {t('consult.chat.noItems')} <Link to="/consult/me/items">{t('consult.chat.manageItems')}</Link>
        </p>
      ) : (
        <>
          <Field label={t('consult.chat.item')}>
            <select
              value={itemId || active[0]?.id}
              onChange={(e) => setItemId(e.target.value)}
              data-testid="request-item"
            >
              {active.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.title} · {points(i.price, lang)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('consult.chat.note')}>
            <input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
          </Field>
          <Field label={t('consult.chat.appointment')}>
            <input type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
          </Field>
          <div className="actions">
            <button type="button" className="btn" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
            <button
              type="submit"
              className="btn btn-primary"
              disabled={action.busy}
              data-testid="request-send"
            >
              {t('consult.chat.sendRequest')}
            </button>
          </div>
        </>
      )}
      <ErrorBox error={action.error ?? items.error} />
    </form>
  );
}

function RoomMenu({
  id,
  blocked,
  kind,
  onChanged,
}: {
  id: string;
  blocked: { blocked: boolean; byMe: boolean };
  kind: 'counselor' | 'inquiry';
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const action = useAction();
  const confirm = useConfirm();
  const [reporting, setReporting] = useState(false);
  const [reason, setReason] = useState('');
  const [reported, setReported] = useState(false);
  if (kind !== 'counselor') return null;
  const block = () =>
    action.run(async () => {
      if (blocked.byMe) await del(`/api/consult/chat/rooms/${id}/block`);
      else {
        if (!(await confirm.ask(t('consult.chat.blockAsk')))) return;
        await post(`/api/consult/chat/rooms/${id}/block`);
      }
      onChanged();
    });
  return (
    <div className="chat-menu">
      {(!blocked.blocked || blocked.byMe) && (
        <button type="button" className="btn btn-ghost btn-small" disabled={action.busy} onClick={block}>
          {blocked.byMe ? t('consult.chat.unblock') : t('consult.chat.block')}
        </button>
      )}
      <button type="button" className="btn btn-ghost btn-small" onClick={() => setReporting((v) => !v)}>
        {t('consult.chat.report')}
      </button>
      {reporting && !reported && (
        <form
          className="chat-report"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              await post(`/api/consult/chat/rooms/${id}/reports`, { reason });
              setReported(true);
            });
          }}
        >
          <input
            value={reason}
            maxLength={1000}
            required
            placeholder={t('consult.chat.reportReason')}
            aria-label={t('consult.chat.reportReason')}
            onChange={(e) => setReason(e.target.value)}
          />
          <button type="submit" className="btn btn-small btn-danger" disabled={action.busy}>
            {t('consult.chat.report')}
          </button>
        </form>
      )}
      {reported && <span className="muted small">{t('consult.chat.reported')}</span>}
      <ErrorBox error={action.error} />
      {confirm.element}
    </div>
  );
}
